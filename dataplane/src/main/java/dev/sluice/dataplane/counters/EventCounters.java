package dev.sluice.dataplane.counters;

import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome counters of the events one event worker took from the ingest ring:
 * {@code received = forwarded + aggregated + filtered + sampled_out + dropped + in_flight}, where
 * an item is a message, or one record of a NetFlow/IPFIX datagram, {@code aggregated} is what
 * {@code count} rules folded into count records, and {@code dropped} (a parse rejection) is also
 * counted per {@code <format>:<reason>} ({@code dropped{syslog:invalid_pri}}).
 * {@code count_records} are the records those rules emitted: the destinations decide them like
 * events ({@code raw + transformed + blocked = forwarded + count_records}), and once every window
 * is flushed the records' counts add up to {@code aggregated}.
 * {@code in_flight} is what the worker holds for egress: forwarded items are counted when they
 * are staged, so it is the destinations' counters that say what left.
 * <p>
 * A reason's counter is made the first time the reason is seen (reasons are constants, so there
 * are at most a few hundred); every later count is a map lookup by identity and an atomic add.
 * Written by the worker, read from any thread.
 */
public final class EventCounters implements AutoCloseable
{
    private final CounterFactory factory;
    private final String labelPrefix;
    private final AtomicCounter received;
    private final AtomicCounter forwarded;
    private final AtomicCounter aggregated;
    private final AtomicCounter filtered;
    private final AtomicCounter sampledOut;
    /** The part of {@code sampled_out} that rate limits left out; not a term of the balance. */
    private final AtomicCounter rateLimited;
    /** Rate-limit buckets given way while still limiting their key (a table too small for its keys). */
    private final AtomicCounter rateLimitEvictions;
    private final AtomicCounter dropped;
    private final AtomicCounter anonymized;
    /** Count records emitted; not a term of the balance (they are made of aggregated events). */
    private final AtomicCounter countRecords;
    /** Count records emitted before their window's end because their table entry was needed for a new key. */
    private final AtomicCounter countEvictions;
    private final Object2ObjectHashMap<String, AtomicCounter> droppedByKey = new Object2ObjectHashMap<>();
    /** Readers' view of {@link #droppedByKey}: replaced (never changed) when a reason is added. */
    private volatile Map<String, AtomicCounter> reasons = Map.of();
    private final Object2ObjectHashMap<String, AtomicCounter> untransformedByKey = new Object2ObjectHashMap<>();
    private volatile Map<String, AtomicCounter> untransformedReasons = Map.of();

    /**
     * @param workerName the event worker's role name, part of every label ({@code sluice events events-0 received}).
     */
    public EventCounters(final CounterFactory factory, final String workerName)
    {
        this.factory = factory;
        this.labelPrefix = "sluice events " + workerName + " ";
        received = counter("received");
        forwarded = counter("forwarded");
        aggregated = counter("aggregated");
        filtered = counter("filtered");
        sampledOut = counter("sampled_out");
        rateLimited = counter("rate_limited");
        rateLimitEvictions = counter("rate_limit_evictions");
        dropped = counter("dropped");
        anonymized = counter("anonymized");
        countRecords = counter("count_records");
        countEvictions = counter("count_evictions");
    }

    private AtomicCounter counter(final String name)
    {
        return factory.newCounter(CounterTypes.EVENT_COUNTER_TYPE_ID, labelPrefix + name);
    }

    /** Adds one cycle's outcomes. */
    public void add(
        final long receivedCount,
        final long forwardedCount,
        final long filteredCount,
        final long sampledOutCount,
        final long anonymizedCount)
    {
        addIfNonZero(received, receivedCount);
        addIfNonZero(forwarded, forwardedCount);
        addIfNonZero(filtered, filteredCount);
        addIfNonZero(sampledOut, sampledOutCount);
        addIfNonZero(anonymized, anonymizedCount);
    }

    /**
     * Adds one cycle's rate-limit counts: items over a limit (already in the cycle's
     * {@code sampled_out}) and buckets evicted while still limiting.
     */
    public void addRateLimits(final long rateLimitedCount, final long evictionCount)
    {
        addIfNonZero(rateLimited, rateLimitedCount);
        addIfNonZero(rateLimitEvictions, evictionCount);
    }

    /**
     * Adds one cycle's count figures: events folded into counts (an outcome), count records
     * emitted, and of those the ones emitted early for want of room in a count table.
     */
    public void addCounts(final long aggregatedCount, final long recordCount, final long evictionCount)
    {
        addIfNonZero(aggregated, aggregatedCount);
        addIfNonZero(countRecords, recordCount);
        addIfNonZero(countEvictions, evictionCount);
    }

    /** Count records emitted early because their table entry was needed for a new key. Any thread. */
    public long countEvictions()
    {
        return countEvictions.getAcquire();
    }

    /** Items over a rate limit: a part of {@code sampled_out}. Any thread. */
    public long rateLimited()
    {
        return rateLimited.getAcquire();
    }

    /** Rate-limit buckets given way while still limiting their key. Any thread. */
    public long rateLimitEvictions()
    {
        return rateLimitEvictions.getAcquire();
    }

    /**
     * Counts one item dropped (and received) for {@code key}, a {@code <format>:<reason>} String
     * that is the same instance every time for the same pair.
     */
    public void onDropped(final String key)
    {
        AtomicCounter counter = droppedByKey.get(key);
        if (null == counter)
        {
            counter = counter("dropped{" + key + "}");
            droppedByKey.put(key, counter);
            reasons = Map.copyOf(droppedByKey);
        }
        counter.incrementRelease();
        dropped.incrementRelease();
        received.incrementRelease();
    }

    /**
     * Counts one forwarded item whose value could not be transformed for {@code key}, a constant
     * {@code <method>:<reason>} String ({@code untransformed{imsi:bad_length}}): the item went only
     * where that value may go raw (its destinations count the blocks). Not an outcome of its own.
     */
    public void onUntransformed(final String key)
    {
        AtomicCounter counter = untransformedByKey.get(key);
        if (null == counter)
        {
            counter = counter("untransformed{" + key + "}");
            untransformedByKey.put(key, counter);
            untransformedReasons = Map.copyOf(untransformedByKey);
        }
        counter.incrementRelease();
    }

    private static void addIfNonZero(final AtomicCounter counter, final long delta)
    {
        if (delta != 0)
        {
            counter.getAndAddRelease(delta);
        }
    }

    /** Any thread. */
    public Snapshot snapshot()
    {
        final Map<String, Long> byReason = new LinkedHashMap<>();
        final List<String> keys = new ArrayList<>(reasons.keySet());
        keys.sort(null);
        for (final String key : keys)
        {
            byReason.put(key, reasons.get(key).getAcquire());
        }
        final Map<String, Long> untransformed = new LinkedHashMap<>();
        final Map<String, AtomicCounter> untransformedNow = untransformedReasons;
        final List<String> untransformedKeys = new ArrayList<>(untransformedNow.keySet());
        untransformedKeys.sort(null);
        for (final String key : untransformedKeys)
        {
            untransformed.put(key, untransformedNow.get(key).getAcquire());
        }
        return new Snapshot(
            received.getAcquire(),
            forwarded.getAcquire(),
            aggregated.getAcquire(),
            filtered.getAcquire(),
            sampledOut.getAcquire(),
            dropped.getAcquire(),
            anonymized.getAcquire(),
            countRecords.getAcquire(),
            Map.copyOf(byReason),
            Map.copyOf(untransformed),
            rateLimited.getAcquire(),
            rateLimitEvictions.getAcquire());
    }

    @Override
    public void close()
    {
        received.close();
        forwarded.close();
        aggregated.close();
        filtered.close();
        sampledOut.close();
        rateLimited.close();
        rateLimitEvictions.close();
        dropped.close();
        anonymized.close();
        countRecords.close();
        countEvictions.close();
        for (final AtomicCounter counter : reasons.values())
        {
            counter.close();
        }
        for (final AtomicCounter counter : untransformedReasons.values())
        {
            counter.close();
        }
    }

    /**
     * The event worker's outcomes at one moment.
     *
     * @param aggregated      items folded into count records by {@code count} rules
     * @param droppedByReason dropped items per {@code <format>:<reason>}
     * @param anonymized      forwarded items that left in a transformed form for some destination
     * @param countRecords    count records emitted (decided by each destination like forwarded items)
     * @param untransformedByReason forwarded items a value of which could not be transformed, per {@code <method>:<reason>}
     * @param rateLimited     the part of {@code sampled_out} over a {@code rate-limit} (not a term of the balance)
     * @param rateLimitEvictions rate-limit buckets given way while still limiting their key
     */
    public record Snapshot(
        long received,
        long forwarded,
        long aggregated,
        long filtered,
        long sampledOut,
        long dropped,
        long anonymized,
        long countRecords,
        Map<String, Long> droppedByReason,
        Map<String, Long> untransformedByReason,
        long rateLimited,
        long rateLimitEvictions)
    {
        /** Without the rate-limit figures (the part of {@code sampled_out} over a {@code rate-limit}, and its evictions): 0. */
        public Snapshot(
            final long received, final long forwarded, final long aggregated, final long filtered, final long sampledOut,
            final long dropped, final long anonymized, final long countRecords, final Map<String, Long> droppedByReason,
            final Map<String, Long> untransformedByReason)
        {
            this(received, forwarded, aggregated, filtered, sampledOut, dropped, anonymized, countRecords, droppedByReason,
                untransformedByReason, 0, 0);
        }

        /** Received items not (yet) counted in an outcome: 0 whenever the worker is between cycles. */
        public long unaccounted()
        {
            return received - forwarded - aggregated - filtered - sampledOut - dropped;
        }

        @Override
        public String toString()
        {
            return "received=" + received + " forwarded=" + forwarded + " aggregated=" + aggregated + " filtered=" + filtered +
                " sampled_out=" + sampledOut + " dropped=" + dropped + (droppedByReason.isEmpty() ? "" : " " + droppedByReason) +
                " anonymized=" + anonymized + " count_records=" + countRecords +
                (untransformedByReason.isEmpty() ? "" : " untransformed=" + untransformedByReason);
        }
    }
}
