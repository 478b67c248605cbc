package dev.sluice.dataplane.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation tests' measurement, one copy: run a pass (which returns how many items it
 * handled) until {@code warmUpItems} are done, check that the thread's allocated-bytes counter
 * sees an allocation at all, then measure windows of {@code itemsPerWindow} items and keep the
 * fewest bytes, less what reading the counter itself costs. A per-item allocation shows in every
 * window; a one-off (a C2 deoptimization under load) in one. Prints every window's bytes so a
 * failure can be told from noise. Test thread only.
 */
public final class AllocationProbe
{
    private static volatile byte[] sink;

    private final String what;
    private final long warmUpItems;
    private final long itemsPerWindow;
    private final int windows;

    /**
     * @param what           what a pass does, for the messages ({@code "parse + lookups"}).
     * @param warmUpItems    items handled before measuring.
     * @param itemsPerWindow items handled in each measured window.
     * @param windows        the most windows measured (fewer when one measures 0).
     */
    public AllocationProbe(final String what, final long warmUpItems, final long itemsPerWindow, final int windows)
    {
        this.what = what;
        this.warmUpItems = warmUpItems;
        this.itemsPerWindow = itemsPerWindow;
        this.windows = windows;
    }

    /**
     * The same measurement for work counted in passes rather than items, returning the fewest
     * bytes of a window instead of asserting (without the calibration, which only matters next
     * to a zero).
     *
     * @param pass           one round of the work.
     * @param warmUpPasses   rounds run before measuring.
     * @param measuredPasses rounds per measured window.
     * @param windows        the most windows measured (fewer when one measures 0).
     * @return the fewest bytes the thread allocated in a window.
     */
    public static long fewestBytes(final Runnable pass, final int warmUpPasses, final int measuredPasses, final int windows)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmUpPasses; i++)
        {
            pass.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < windows && fewest != 0; window++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < measuredPasses; i++)
            {
                pass.run();
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return fewest;
    }

    /**
     * Measures {@code pass} and asserts that the fewest bytes of a window is 0.
     *
     * @param pass handles some items and returns how many.
     */
    public void assertNoAllocation(final LongSupplier pass)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long warmedUp = 0;
        while (warmedUp < warmUpItems)
        {
            warmedUp += pass.getAsLong();
        }

        final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
        final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
        final long probeBefore = threads.getCurrentThreadAllocatedBytes();
        sink = new byte[4096];
        assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");

        long[] bytes = new long[windows];
        long items = 0;
        long fewest = Long.MAX_VALUE;
        int measured = 0;
        for (int window = 0; window < windows && fewest != 0; window++)
        {
            measured++;
            final long before = threads.getCurrentThreadAllocatedBytes();
            items = 0;
            while (items < itemsPerWindow)
            {
                items += pass.getAsLong();
            }
            bytes[window] = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);
            fewest = Math.min(fewest, bytes[window]);
        }
        bytes = Arrays.copyOf(bytes, measured);
        System.out.println(what + ": " + Arrays.toString(bytes) + " bytes per window of " + items + " items");
        assertEquals(0, fewest, "bytes allocated by " + what + " over " + items + " items, fewest of " + measured +
            " windows " + Arrays.toString(bytes));
    }
}
