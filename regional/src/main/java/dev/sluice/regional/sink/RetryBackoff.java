package dev.sluice.regional.sink;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between retries: the n-th wait in a row is drawn uniformly from
 * the upper half of {@code min * 2^n}, capped at the maximum, so that sinks of many cores retrying
 * after one broker outage do not return in step.
 * <p>
 * The sink's thread only.
 */
final class RetryBackoff
{
    private static final int MAX_DOUBLINGS = 62;

    private final long minNs;
    private final long maxNs;
    private int attempts;

    RetryBackoff(final long minNs, final long maxNs)
    {
        this.minNs = minNs;
        this.maxNs = maxNs;
    }

    /**
     * The next wait, doubling the ceiling each time.
     *
     * @return nanoseconds, in [ceiling / 2, ceiling].
     */
    long nextDelayNs()
    {
        final long ceiling = ceilingNs(attempts);
        if (attempts < MAX_DOUBLINGS)
        {
            attempts++;
        }
        final long half = ceiling >>> 1;

        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }

    /**
     * Goes straight to the longest wait, for failures an operator has to fix.
     */
    void toMax()
    {
        attempts = MAX_DOUBLINGS;
    }

    /**
     * Starts again from the shortest wait, after a success.
     */
    void reset()
    {
        attempts = 0;
    }

    int attempts()
    {
        return attempts;
    }

    private long ceilingNs(final int doublings)
    {
        if (doublings >= Long.numberOfLeadingZeros(minNs) - 1)
        {
            return maxNs;
        }
        return Math.min(maxNs, minNs << doublings);
    }
}
