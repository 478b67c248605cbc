package dev.sluice.dataplane.classify.detect;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Hyperscan ({@code libhs.so.5}, Debian's {@code libhyperscan5}, pulled in by
 * {@code libhyperscan-dev}) through the FFM API: owns the linker, the symbol lookup and the downcall
 * handles, and says whether Hyperscan can be used here and, if not, why. Any thread.
 */
final class Hyperscan
{
    static final String LIBRARY = "libhs.so.5";
    static final int HS_SUCCESS = 0;
    static final int HS_SCAN_TERMINATED = -3;
    static final int HS_FLAG_SOM_LEFTMOST = 256;
    static final int HS_MODE_BLOCK = 1;

    static final MethodHandle HS_COMPILE_MULTI;
    static final MethodHandle HS_FREE_COMPILE_ERROR;
    static final MethodHandle HS_FREE_DATABASE;
    static final MethodHandle HS_ALLOC_SCRATCH;
    static final MethodHandle HS_FREE_SCRATCH;
    /**
     * {@code hs_scan(db, data, length, flags, scratch, onEvent, context)}: the data and context
     * pointers are passed as longs so the call wraps no segment around them.
     */
    static final MethodHandle HS_SCAN;
    static final Linker LINKER = Linker.nativeLinker();
    /** Why Hyperscan cannot be used, or null when it can. */
    private static final String UNAVAILABLE_REASON;

    static
    {
        MethodHandle compile = null;
        MethodHandle freeError = null;
        MethodHandle freeDatabase = null;
        MethodHandle allocScratch = null;
        MethodHandle freeScratch = null;
        MethodHandle scan = null;
        String reason = null;
        try
        {
            final SymbolLookup lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            final AddressLayout pointer = ValueLayout.ADDRESS;
            final MethodHandle validPlatform = LINKER.downcallHandle(
                lookup.findOrThrow("hs_valid_platform"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
            compile = LINKER.downcallHandle(lookup.findOrThrow("hs_compile_multi"), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, pointer, pointer, pointer, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, pointer, pointer, pointer));
            freeError = LINKER.downcallHandle(lookup.findOrThrow("hs_free_compile_error"), FunctionDescriptor.of(ValueLayout.JAVA_INT, pointer));
            freeDatabase = LINKER.downcallHandle(lookup.findOrThrow("hs_free_database"), FunctionDescriptor.of(ValueLayout.JAVA_INT, pointer));
            allocScratch = LINKER.downcallHandle(lookup.findOrThrow("hs_alloc_scratch"), FunctionDescriptor.of(ValueLayout.JAVA_INT, pointer, pointer));
            freeScratch = LINKER.downcallHandle(lookup.findOrThrow("hs_free_scratch"), FunctionDescriptor.of(ValueLayout.JAVA_INT, pointer));
            scan = LINKER.downcallHandle(lookup.findOrThrow("hs_scan"), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, pointer, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, pointer, pointer, ValueLayout.JAVA_LONG));
            final int platform = (int)validPlatform.invokeExact();
            if (HS_SUCCESS != platform)
            {
                reason = "hs_valid_platform() returned " + platform + ": this CPU lacks the instructions (SSSE3) Hyperscan needs";
            }
        }
        catch (final IllegalArgumentException | UnsatisfiedLinkError ex)
        {
            reason = LIBRARY + " is not loadable (" + ex.getMessage() + "); install it with: apt-get install libhyperscan-dev";
        }
        catch (final IllegalCallerException ex)
        {
            reason = "native access is not enabled; add --enable-native-access=ALL-UNNAMED to the JVM flags";
        }
        catch (final Throwable ex)
        {
            reason = "Hyperscan failed to start: " + ex;
        }
        HS_COMPILE_MULTI = compile;
        HS_FREE_COMPILE_ERROR = freeError;
        HS_FREE_DATABASE = freeDatabase;
        HS_ALLOC_SCRATCH = allocScratch;
        HS_FREE_SCRATCH = freeScratch;
        HS_SCAN = scan;
        UNAVAILABLE_REASON = reason;
    }

    private Hyperscan()
    {
    }

    /**
     * @return true when {@value #LIBRARY} loaded and this CPU can run it.
     */
    static boolean isAvailable()
    {
        return null == UNAVAILABLE_REASON;
    }

    /**
     * @return why Hyperscan cannot be used, or null when it can.
     */
    static String unavailableReason()
    {
        return UNAVAILABLE_REASON;
    }

    /**
     * Compiles block-mode patterns into a database that lives as long as the process.
     *
     * @return the database pointer.
     * @throws IllegalStateException naming the pattern Hyperscan rejected.
     */
    static MemorySegment compile(final String[] expressions, final int[] flags, final int[] ids)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int count = expressions.length;
            final MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, count);
            for (int i = 0; i < count; i++)
            {
                pointers.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(expressions[i]));
            }
            final MemorySegment flagArray = arena.allocateFrom(ValueLayout.JAVA_INT, flags);
            final MemorySegment idArray = arena.allocateFrom(ValueLayout.JAVA_INT, ids);
            final MemorySegment database = arena.allocate(ValueLayout.ADDRESS);
            final MemorySegment error = arena.allocate(ValueLayout.ADDRESS);
            final int result = (int)HS_COMPILE_MULTI.invokeExact(
                pointers, flagArray, idArray, count, HS_MODE_BLOCK, MemorySegment.NULL, database, error);
            if (HS_SUCCESS != result)
            {
                final MemorySegment compileError = error.get(ValueLayout.ADDRESS, 0).reinterpret(16);
                final String message = compileError.get(ValueLayout.ADDRESS, 0).reinterpret(Integer.MAX_VALUE).getString(0);
                final int expression = compileError.get(ValueLayout.JAVA_INT, 8);
                final int ignored = (int)HS_FREE_COMPILE_ERROR.invokeExact(compileError);
                throw new IllegalStateException("Hyperscan rejected pattern " + expression + ": " + message);
            }
            return database.get(ValueLayout.ADDRESS, 0);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("hs_compile_multi failed", ex);
        }
    }

    /**
     * @return a scratch for {@code database}, for one thread.
     */
    static MemorySegment allocateScratch(final MemorySegment database)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment scratch = arena.allocate(ValueLayout.ADDRESS);
            scratch.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
            final int result = (int)HS_ALLOC_SCRATCH.invokeExact(database, scratch);
            if (HS_SUCCESS != result)
            {
                throw new IllegalStateException("hs_alloc_scratch failed: " + result);
            }
            return scratch.get(ValueLayout.ADDRESS, 0);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("hs_alloc_scratch failed", ex);
        }
    }

    static void freeScratch(final MemorySegment scratch)
    {
        try
        {
            final int ignored = (int)HS_FREE_SCRATCH.invokeExact(scratch);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("hs_free_scratch failed", ex);
        }
    }
}
