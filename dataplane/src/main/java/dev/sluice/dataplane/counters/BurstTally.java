package dev.sluice.dataplane.counters;

import java.util.Arrays;

/**
 * Outcomes of one burst, summed in plain fields by the worker and added to the shared
 * {@link SourceCounters} once per burst. Worker thread only.
 */
public final class BurstTally
{
    long received;
    long forwarded;
    long aggregated;
    long filtered;
    long sampledOut;
    /** The part of {@link #sampledOut} that rate limits left out. */
    long rateLimited;
    long rateLimitEvictions;
    long bytesIn;
    final long[] droppedByReason = new long[DropReason.values().length];

    public void reset()
    {
        received = 0;
        forwarded = 0;
        aggregated = 0;
        filtered = 0;
        sampledOut = 0;
        rateLimited = 0;
        rateLimitEvictions = 0;
        bytesIn = 0;
        Arrays.fill(droppedByReason, 0);
    }

    public void received(final long items, final long bytes)
    {
        received += items;
        bytesIn += bytes;
    }

    public void forwarded()
    {
        forwarded++;
    }

    public void aggregated()
    {
        aggregated++;
    }

    public void filtered()
    {
        filtered++;
    }

    public void sampledOut()
    {
        sampledOut++;
    }

    /** Over a rate limit: sampled out, and counted apart as rate-limited. */
    public void rateLimited()
    {
        sampledOut++;
        rateLimited++;
    }

    /** Rate-limit buckets given way while still limiting (outside the balance: not items). */
    public void rateLimitEvictions(final long evictions)
    {
        rateLimitEvictions += evictions;
    }

    public void dropped(final int dropReasonOrdinal)
    {
        droppedByReason[dropReasonOrdinal]++;
    }

    /** {@code items} received and dropped for {@code reason} before any stage saw them (by the source itself). */
    public void droppedBySource(final DropReason reason, final long items)
    {
        received += items;
        droppedByReason[reason.ordinal()] += items;
    }
}
