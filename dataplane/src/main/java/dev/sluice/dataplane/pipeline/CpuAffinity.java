package dev.sluice.dataplane.pipeline;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Pins the calling thread to one CPU with Linux's {@code sched_setaffinity(2)}, called through
 * FFM into libc (no native library of our own), so a worker keeps its caches and its queue's
 * interrupts on one core. Called once per worker thread at start, never on the data path.
 * Any thread (each pins only itself).
 */
public final class CpuAffinity
{
    /** Where Linux lists the CPUs that are online, e.g. {@code 0-3,6}. */
    public static final Path ONLINE_CPUS_FILE = Path.of("/sys/devices/system/cpu/online");

    /** glibc's {@code cpu_set_t}: 1024 bits. */
    private static final int CPU_SET_BYTES = 128;

    /** Bound on first use, so a JVM without native access fails one pin (counted), not class loading. */
    private static final class Libc
    {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SCHED_SETAFFINITY$MH;

        static
        {
            final Linker linker = Linker.nativeLinker();
            SCHED_SETAFFINITY$MH = linker.downcallHandle(
                linker.defaultLookup().find("sched_setaffinity").orElseThrow(
                    () -> new IllegalStateException("libc has no sched_setaffinity: CPU pinning needs Linux")),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
        }
    }

    private CpuAffinity()
    {
    }

    /**
     * The CPUs this machine has online; from {@link #ONLINE_CPUS_FILE}, or 0..n-1 from the JVM's
     * processor count where that file cannot be read.
     */
    public static BitSet onlineCpus()
    {
        try
        {
            return parseCpuList(Files.readString(ONLINE_CPUS_FILE, StandardCharsets.US_ASCII));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            final BitSet cpus = new BitSet();
            cpus.set(0, Runtime.getRuntime().availableProcessors());
            return cpus;
        }
    }

    /** Parses Linux's CPU list format ({@code 0-3,6,8-9}). */
    public static BitSet parseCpuList(final String text)
    {
        final BitSet cpus = new BitSet();
        final String trimmed = text.trim();
        if (trimmed.isEmpty())
        {
            return cpus;
        }
        for (final String part : trimmed.split(","))
        {
            final int dash = part.indexOf('-');
            try
            {
                if (dash < 0)
                {
                    cpus.set(Integer.parseInt(part));
                }
                else
                {
                    cpus.set(Integer.parseInt(part.substring(0, dash)), Integer.parseInt(part.substring(dash + 1)) + 1);
                }
            }
            catch (final NumberFormatException | IndexOutOfBoundsException ex)
            {
                throw new IllegalArgumentException("not a CPU list: '" + trimmed + "'", ex);
            }
        }
        return cpus;
    }

    /** Describes a set of CPUs in Linux's list format, for messages. */
    public static String describe(final BitSet cpus)
    {
        final StringBuilder text = new StringBuilder();
        for (int start = cpus.nextSetBit(0); start >= 0; )
        {
            final int end = cpus.nextClearBit(start) - 1;
            if (!text.isEmpty())
            {
                text.append(',');
            }
            text.append(start);
            if (end > start)
            {
                text.append('-').append(end);
            }
            start = cpus.nextSetBit(end + 1);
        }
        return text.isEmpty() ? "none" : text.toString();
    }

    /**
     * Binds the calling thread to {@code cpu}.
     *
     * @return null when pinned, otherwise why not (with what to do), for the caller to log and count
     */
    public static String pinCurrentThread(final int cpu)
    {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * Byte.SIZE)
        {
            return "CPU " + cpu + " is outside 0.." + (CPU_SET_BYTES * Byte.SIZE - 1);
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(CPU_SET_BYTES, Long.BYTES);
            final int word = cpu / Long.SIZE;
            mask.setAtIndex(ValueLayout.JAVA_LONG, word, 1L << (cpu % Long.SIZE));
            final MemorySegment callState = arena.allocate(Libc.CALL_STATE);
            final int result = (int)Libc.SCHED_SETAFFINITY$MH.invokeExact(callState, 0, (long)CPU_SET_BYTES, mask);
            if (result == 0)
            {
                return null;
            }
            final int errno = (int)Libc.ERRNO.get(callState, 0L);
            return "sched_setaffinity to CPU " + cpu + " failed with errno " + errno + switch (errno)
            {
                case 22 -> " (EINVAL): the CPU is offline or outside this process's cpuset; " +
                    "pick one of " + describe(onlineCpus());
                case 1 -> " (EPERM): the process may not change its affinity; run with CAP_SYS_NICE";
                default -> "";
            };
        }
        catch (final Throwable ex)
        {
            return "sched_setaffinity to CPU " + cpu + " could not be called: " + ex +
                "; run java with --enable-native-access=ALL-UNNAMED";
        }
    }
}
