package dev.sluice.dataplane.counters;

import io.aeron.Aeron;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome counters of one source: {@code received = forwarded + aggregated + filtered +
 * sampled_out + dropped{reason} + in_flight}, where aggregated items are those folded into flow
 * records (which have their own counters, {@link FlowCounters}). Written once per burst by the source's worker
 * ({@link #add(BurstTally)}); read from any thread. Beside them, {@code source_drops} counts what the
 * kernel or device lost before the source could hand it out: outside the balance, since the gateway
 * never received it.
 */
public final class SourceCounters implements AutoCloseable
{
    private final String sourceName;
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
    private final AtomicCounter[] dropped;
    private final AtomicCounter bytesIn;
    /**
     * {@code source_drops}: packets the device or kernel discarded in front of the gateway (a full
     * AF_PACKET ring), as the source last reported them. The gateway never received these, so they
     * are not part of {@code received = forwarded + aggregated + filtered + sampled_out + dropped};
     * they measure loss before the gateway, not a verdict of it.
     */
    private final AtomicCounter sourceDrops;

    public SourceCounters(final Aeron aeron, final String sourceName)
    {
        this(aeron::addCounter, sourceName);
    }

    public SourceCounters(final CounterFactory factory, final String sourceName)
    {
        this(factory, sourceName, null);
    }

    /**
     * @param workerName the role name of the worker reading the source ({@code rx-1}), part of every
     *                   label so that workers with sources of the same name count apart; null for none
     */
    public SourceCounters(final CounterFactory factory, final String sourceName, final String workerName)
    {
        this.sourceName = sourceName;
        this.labelPrefix = "sluice source " + sourceName + (workerName == null ? " " : " " + workerName + " ");
        received = counter(factory, "received");
        forwarded = counter(factory, "forwarded");
        aggregated = counter(factory, "aggregated");
        filtered = counter(factory, "filtered");
        sampledOut = counter(factory, "sampled_out");
        rateLimited = counter(factory, "rate_limited");
        rateLimitEvictions = counter(factory, "rate_limit_evictions");
        bytesIn = counter(factory, "bytes_in");
        sourceDrops = counter(factory, "source_drops");
        final DropReason[] reasons = DropReason.values();
        dropped = new AtomicCounter[reasons.length];
        for (final DropReason reason : reasons)
        {
            dropped[reason.ordinal()] = counter(factory, "dropped{" + reason.label() + "}");
        }
    }

    private AtomicCounter counter(final CounterFactory factory, final String name)
    {
        return factory.newCounter(CounterTypes.SOURCE_COUNTER_TYPE_ID, labelPrefix + name);
    }

    public String sourceName()
    {
        return sourceName;
    }

    /** Adds one burst's outcomes. Worker thread only. */
    public void add(final BurstTally tally)
    {
        addIfNonZero(received, tally.received);
        addIfNonZero(forwarded, tally.forwarded);
        addIfNonZero(aggregated, tally.aggregated);
        addIfNonZero(filtered, tally.filtered);
        addIfNonZero(sampledOut, tally.sampledOut);
        addIfNonZero(rateLimited, tally.rateLimited);
        addIfNonZero(rateLimitEvictions, tally.rateLimitEvictions);
        addIfNonZero(bytesIn, tally.bytesIn);
        final long[] droppedByReason = tally.droppedByReason;
        for (int i = 0; i < droppedByReason.length; i++)
        {
            addIfNonZero(dropped[i], droppedByReason[i]);
        }
    }

    /**
     * Publishes the source's running total of packets lost in front of the gateway
     * ({@link dev.sluice.dataplane.source.PacketSource#sourceDrops()}). Worker thread only.
     */
    public void sourceDrops(final long total)
    {
        if (total != sourceDrops.getPlain())
        {
            sourceDrops.setRelease(total);
        }
    }

    private static void addIfNonZero(final AtomicCounter counter, final long delta)
    {
        if (delta != 0)
        {
            counter.getAndAddRelease(delta);
        }
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

    /** A consistent-enough view for display and tests; any thread. */
    public Snapshot snapshot()
    {
        final Map<DropReason, Long> droppedByReason = new EnumMap<>(DropReason.class);
        for (final DropReason reason : DropReason.values())
        {
            final long value = dropped[reason.ordinal()].getAcquire();
            if (value != 0)
            {
                droppedByReason.put(reason, value);
            }
        }
        return new Snapshot(
            sourceName,
            received.getAcquire(),
            forwarded.getAcquire(),
            aggregated.getAcquire(),
            filtered.getAcquire(),
            sampledOut.getAcquire(),
            Map.copyOf(droppedByReason),
            bytesIn.getAcquire(),
            sourceDrops.getAcquire(),
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
        bytesIn.close();
        sourceDrops.close();
        for (final AtomicCounter counter : dropped)
        {
            counter.close();
        }
    }

    /** Outcomes of one source at one moment. */
    public record Snapshot(
        String sourceName,
        long received,
        long forwarded,
        long aggregated,
        long filtered,
        long sampledOut,
        Map<DropReason, Long> droppedByReason,
        long bytesIn,
        long sourceDrops,
        long rateLimited,
        long rateLimitEvictions)
    {
        /**
         * Without the rate-limit figures ({@code rate_limited}, the part of {@code sampled_out} over a
         * {@code rate-limit}, and {@code rate_limit_evictions}): 0.
         */
        public Snapshot(
            final String sourceName, final long received, final long forwarded, final long aggregated, final long filtered,
            final long sampledOut, final Map<DropReason, Long> droppedByReason, final long bytesIn, final long sourceDrops)
        {
            this(sourceName, received, forwarded, aggregated, filtered, sampledOut, droppedByReason, bytesIn, sourceDrops, 0, 0);
        }

        /**
         * The outcomes of several workers' sources added up, under one name: what the gateway as a
         * whole received and did, for display and for the accounting identity.
         */
        public static Snapshot sum(final String sourceName, final List<Snapshot> snapshots)
        {
            long received = 0;
            long forwarded = 0;
            long aggregated = 0;
            long filtered = 0;
            long sampledOut = 0;
            long bytesIn = 0;
            long sourceDrops = 0;
            long rateLimited = 0;
            long rateLimitEvictions = 0;
            final Map<DropReason, Long> droppedByReason = new EnumMap<>(DropReason.class);
            for (final Snapshot snapshot : snapshots)
            {
                received += snapshot.received;
                forwarded += snapshot.forwarded;
                aggregated += snapshot.aggregated;
                filtered += snapshot.filtered;
                sampledOut += snapshot.sampledOut;
                bytesIn += snapshot.bytesIn;
                sourceDrops += snapshot.sourceDrops;
                rateLimited += snapshot.rateLimited;
                rateLimitEvictions += snapshot.rateLimitEvictions;
                snapshot.droppedByReason.forEach((reason, value) -> droppedByReason.merge(reason, value, Long::sum));
            }
            return new Snapshot(
                sourceName, received, forwarded, aggregated, filtered, sampledOut, Map.copyOf(droppedByReason), bytesIn,
                sourceDrops, rateLimited, rateLimitEvictions);
        }

        public long dropped()
        {
            long sum = 0;
            for (final long value : droppedByReason.values())
            {
                sum += value;
            }
            return sum;
        }

        /** Items received but not yet given a final outcome (a burst still held by egress). */
        public long inFlight()
        {
            return received - forwarded - aggregated - filtered - sampledOut - dropped();
        }
    }
}
