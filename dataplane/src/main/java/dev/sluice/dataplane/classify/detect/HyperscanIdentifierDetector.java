package dev.sluice.dataplane.classify.detect;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The Hyperscan engine: one {@code hs_scan} over the text with a database compiled once per process,
 * whose patterns are loose supersets of the identifiers (any identifier holds a match of its unit's
 * pattern); each match hands the run it ends in to {@link IdentifierRules}, the DFA engine's own
 * rules, which judge it once. So both engines find exactly the same identifiers, and Hyperscan's
 * SIMD scan skips text that holds no candidate. No pattern needs {@code HS_FLAG_SOM_LEFTMOST}: a
 * run is found from its last matched byte, a phone number from its {@code '+'} at a fixed distance
 * before the match's end. One thread per instance (it owns a Hyperscan
 * scratch); allocates nothing per call: the match callback is one upcall stub made at class load,
 * finding its detector through the context argument, an index into a registry.
 */
public final class HyperscanIdentifierDetector implements IdentifierDetector
{
    /** The engine's name in logs. */
    public static final String ENGINE = "hyperscan";

    /**
     * Pattern per unit, the pattern id being the unit. Every identifier the rules accept holds a
     * match that lies inside its run (each pattern only matches its unit's characters).
     */
    static final String[] PATTERNS = {
        // Word: dotted quad | IPv6 ("::" or six groups) | MAC | Cisco MAC | 13+ digits | VIN.
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|::|(?:[0-9A-Fa-f]{1,4}:){6}|" +
            "[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}|" +
            "[0-9]{13}|[A-HJ-NPR-Z0-9]{17}",
        // Dash word: MAC | three groups of four digits.
        "[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9]{4}-[0-9]{4}-[0-9]{4}",
        // Digit groups: three groups of four digits.
        "[0-9]{4} [0-9]{4} [0-9]{4}",
        // Address: a local part's last byte, '@', a domain's first.
        "[A-Za-z0-9._%+\\-]@[A-Za-z0-9]",
        // Phone: '+' and a digit, fixed length so the '+' is at the match's end less two without
        // start-of-match tracking (HS_FLAG_SOM_LEFTMOST slows the whole database); rare in text.
        "\\+[1-9]",
    };
    static final int[] FLAGS = {0, 0, 0, 0, 0};
    private static final int PHONE_MATCH_LENGTH = 2;
    static final int[] IDS = {
        IdentifierRules.UNIT_WORD, IdentifierRules.UNIT_DASH, IdentifierRules.UNIT_SPACE,
        IdentifierRules.UNIT_EMAIL, IdentifierRules.UNIT_PHONE};

    private static final int INITIAL_COPY_CAPACITY = 2048;
    /** {@code int onEvent(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *context)}. */
    private static final MemorySegment ON_MATCH;
    private static volatile HyperscanIdentifierDetector[] registry = new HyperscanIdentifierDetector[8];

    static
    {
        MemorySegment stub = MemorySegment.NULL;
        if (Hyperscan.isAvailable())
        {
            try
            {
                stub = Hyperscan.LINKER.upcallStub(
                    MethodHandles.lookup().findStatic(HyperscanIdentifierDetector.class, "onMatch",
                        MethodType.methodType(int.class, int.class, long.class, long.class, int.class, long.class)),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Arena.global());
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }
        ON_MATCH = stub;
    }

    private final IdentifierRules rules = new IdentifierRules();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch;
    private final long slot;
    /** Native copy of heap text: Hyperscan reads native memory. */
    private MemorySegment copy;
    private Throwable callbackFailure;
    private long scanErrors;
    private boolean closed;

    /**
     * @throws IllegalStateException when Hyperscan is not available here (the reason says what to install).
     */
    public HyperscanIdentifierDetector()
    {
        if (!Hyperscan.isAvailable())
        {
            throw new IllegalStateException("Hyperscan is not available: " + Hyperscan.unavailableReason());
        }
        scratch = Hyperscan.allocateScratch(Database.DATABASE);
        copy = arena.allocate(INITIAL_COPY_CAPACITY);
        slot = register(this);
    }

    /**
     * @return true when {@code libhs.so.5} loaded and this CPU runs it.
     */
    public static boolean isAvailable()
    {
        return Hyperscan.isAvailable();
    }

    /**
     * @return why Hyperscan cannot be used here, or null when it can.
     */
    public static String unavailableReason()
    {
        return Hyperscan.unavailableReason();
    }

    @Override
    public int detect(final MemorySegment text, final long offset, final int length, final IdentifierMatchHandler handler)
    {
        rules.load(text, offset, length, handler);
        final long address;
        if (text.isNative())
        {
            address = text.address() + offset;
        }
        else
        {
            if (copy.byteSize() < length)
            {
                copy = arena.allocate(Math.max(length, 2 * copy.byteSize()));
            }
            MemorySegment.copy(text, offset, copy, 0, length);
            address = copy.address();
        }
        final int result;
        try
        {
            result = (int)Hyperscan.HS_SCAN.invokeExact(Database.DATABASE, address, length, 0, scratch, ON_MATCH, slot);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("hs_scan failed", ex);
        }
        if (null != callbackFailure)
        {
            final Throwable failure = callbackFailure;
            callbackFailure = null;
            rules.finish();
            throw new IllegalStateException("the match handler failed", failure);
        }
        if (Hyperscan.HS_SUCCESS != result)
        {
            // Never lose the verdict: judge this text with the same rules, without Hyperscan.
            scanErrors++;
            rules.finish();
            rules.load(text, offset, length, handler);
            rules.scanAll();
        }
        return rules.finish();
    }

    /**
     * @return scans Hyperscan failed (each then judged by the DFA pass instead).
     */
    public long scanErrors()
    {
        return scanErrors;
    }

    @Override
    public String engine()
    {
        return ENGINE;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            unregister(slot);
            Hyperscan.freeScratch(scratch);
            arena.close();
        }
    }

    private static int onMatch(final int id, final long from, final long to, final int flags, final long context)
    {
        final HyperscanIdentifierDetector detector = registry[(int)context];
        try
        {
            if (IdentifierRules.UNIT_PHONE == id)
            {
                detector.rules.phoneAt((int)to - PHONE_MATCH_LENGTH);
            }
            else
            {
                detector.rules.confirmRun(id, (int)to - 1);
            }
            return 0;
        }
        catch (final Throwable ex)
        {
            // An exception must not unwind through native frames: stop the scan and rethrow after it.
            detector.callbackFailure = ex;
            return 1;
        }
    }

    private static synchronized long register(final HyperscanIdentifierDetector detector)
    {
        HyperscanIdentifierDetector[] slots = registry;
        for (int i = 0; i < slots.length; i++)
        {
            if (null == slots[i])
            {
                slots[i] = detector;
                return i;
            }
        }
        final int index = slots.length;
        slots = java.util.Arrays.copyOf(slots, 2 * slots.length);
        slots[index] = detector;
        registry = slots;
        return index;
    }

    private static synchronized void unregister(final long slot)
    {
        registry[(int)slot] = null;
    }

    /** The process's database, compiled on first use. */
    private static final class Database
    {
        static final MemorySegment DATABASE = Hyperscan.compile(PATTERNS, FLAGS, IDS);
    }
}
