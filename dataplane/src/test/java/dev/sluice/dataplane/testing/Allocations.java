package dev.sluice.dataplane.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures what a piece of work allocates on the calling thread, the way the allocation tests
 * prove "zero allocation per item": warm up first, then take the fewest bytes over a few
 * measured windows, since a per-item allocation shows in every window and a one-off (a
 * deoptimization, a lazily built table) only in one. Test thread only.
 */
public final class Allocations
{
    private static final int WINDOWS = 3;

    private Allocations()
    {
    }

    /**
     * @param pass           one round of the work.
     * @param warmUpPasses   rounds run before measuring.
     * @param measuredPasses rounds per measured window.
     * @return the fewest bytes the thread allocated in a window.
     */
    public static long allocatedBytes(final Runnable pass, final int warmUpPasses, final int measuredPasses)
    {
        return allocatedBytes(pass, warmUpPasses, measuredPasses, WINDOWS);
    }

    /**
     * As {@link #allocatedBytes(Runnable, int, int)} over {@code windows} windows: more, shorter
     * windows for work that shares its thread with something allocating a few bytes now and then
     * (an Aeron client's or the JIT's own bookkeeping), which a per-item allocation never escapes.
     */
    public static long allocatedBytes(final Runnable pass, final int warmUpPasses, final int measuredPasses, final int windows)
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
}
