package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.counters.ClassDecisionCounters;

/**
 * A worker's residency decisions per class, destination and outcome, summed in plain longs per
 * item and added to the gateway's counters once per burst or cycle ({@link #flush()}).
 * Switching to another version's {@link ClassCounting} flushes first; the sums grow only for a
 * version with more classes than any before, so a switch allocates nothing in steady state.
 * Worker thread only.
 */
public final class ClassTally
{
    private long[] counts = new long[0];
    private ClassCounting counting;

    /** Counts under a version's classes from now on; null stops counting. */
    public void use(final ClassCounting counting)
    {
        if (counting == this.counting)
        {
            return;
        }
        flush();
        this.counting = counting;
        if (null != counting)
        {
            final int size = counting.classCount() * counting.destinationCount() * ClassDecisionCounters.OUTCOMES;
            if (counts.length < size)
            {
                counts = new long[size];
            }
        }
    }

    /** True when decisions are counted per class (the gateway has the counters). */
    public boolean isCounting()
    {
        return null != counting;
    }

    /**
     * @param classes     the item's classes, a bit set over class indexes.
     * @param destination the destination index.
     * @param outcome     {@link ClassDecisionCounters#RAW}, {@code TRANSFORMED} or {@code BLOCKED}.
     */
    public void add(final long classes, final int destination, final int outcome)
    {
        final int destinations = counting.destinationCount();
        long remaining = classes;
        while (0 != remaining)
        {
            final int c = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            counts[(c * destinations + destination) * ClassDecisionCounters.OUTCOMES + outcome]++;
        }
    }

    /** Adds the sums to the gateway's counters and starts again from zero. */
    public void flush()
    {
        if (null == counting)
        {
            return;
        }
        final int destinations = counting.destinationCount();
        final int size = counting.classCount() * destinations * ClassDecisionCounters.OUTCOMES;
        for (int i = 0; i < size; i++)
        {
            final long count = counts[i];
            if (0 != count)
            {
                final int outcome = i % ClassDecisionCounters.OUTCOMES;
                final int d = (i / ClassDecisionCounters.OUTCOMES) % destinations;
                final int c = i / (ClassDecisionCounters.OUTCOMES * destinations);
                counting.counter(c, d, outcome).getAndAddRelease(count);
                counts[i] = 0;
            }
        }
    }
}
