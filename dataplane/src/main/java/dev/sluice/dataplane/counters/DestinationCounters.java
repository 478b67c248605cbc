package dev.sluice.dataplane.counters;

import io.aeron.Aeron;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Outcomes per destination region. Every item the policy forwards is decided once per
 * destination: {@code forwarded = raw + transformed + blocked}; of those allowed,
 * {@code raw + transformed = sent + dropped_unavailable + in_flight}.
 * Written by the worker that owns the destination's stream; read from any thread.
 */
public final class DestinationCounters implements AutoCloseable
{
    private final String region;
    private final AtomicCounter raw;
    private final AtomicCounter transformed;
    private final AtomicCounter blocked;
    private final AtomicCounter sentRecords;
    private final AtomicCounter sentBatches;
    private final AtomicCounter sentBytes;
    private final AtomicCounter droppedUnavailable;
    private final AtomicCounter backPressureRetries;
    private final AtomicCounter lastSequence;

    public DestinationCounters(final Aeron aeron, final String region)
    {
        this(aeron::addCounter, region);
    }

    public DestinationCounters(final CounterFactory factory, final String region)
    {
        this.region = region;
        raw = counter(factory, "raw");
        transformed = counter(factory, "transformed");
        blocked = counter(factory, "blocked");
        sentRecords = counter(factory, "sent_records");
        sentBatches = counter(factory, "sent_batches");
        sentBytes = counter(factory, "sent_bytes");
        droppedUnavailable = counter(factory, "dropped{destination_unavailable}");
        backPressureRetries = counter(factory, "back_pressure_retries");
        lastSequence = counter(factory, "last_sequence");
    }

    private AtomicCounter counter(final CounterFactory factory, final String name)
    {
        return factory.newCounter(CounterTypes.DESTINATION_COUNTER_TYPE_ID, "sluice destination " + region + " " + name);
    }

    public String region()
    {
        return region;
    }

    /** Residency decisions of one burst. */
    public void addDecisions(final long rawCount, final long transformedCount, final long blockedCount)
    {
        addIfNonZero(raw, rawCount);
        addIfNonZero(transformed, transformedCount);
        addIfNonZero(blocked, blockedCount);
    }

    /** One batch committed to the publication. */
    public void onBatchSent(final int records, final int bytes, final long sequence)
    {
        sentRecords.getAndAddRelease(records);
        sentBatches.incrementRelease();
        sentBytes.getAndAddRelease(bytes);
        lastSequence.setRelease(sequence);
    }

    public void onDroppedUnavailable(final long records)
    {
        addIfNonZero(droppedUnavailable, records);
    }

    public void onBackPressure()
    {
        backPressureRetries.incrementRelease();
    }

    private static void addIfNonZero(final AtomicCounter counter, final long delta)
    {
        if (delta != 0)
        {
            counter.getAndAddRelease(delta);
        }
    }

    public Snapshot snapshot()
    {
        return new Snapshot(
            region,
            raw.getAcquire(),
            transformed.getAcquire(),
            blocked.getAcquire(),
            sentRecords.getAcquire(),
            sentBatches.getAcquire(),
            sentBytes.getAcquire(),
            droppedUnavailable.getAcquire(),
            backPressureRetries.getAcquire(),
            lastSequence.getAcquire());
    }

    @Override
    public void close()
    {
        raw.close();
        transformed.close();
        blocked.close();
        sentRecords.close();
        sentBatches.close();
        sentBytes.close();
        droppedUnavailable.close();
        backPressureRetries.close();
        lastSequence.close();
    }

    /** Outcomes of one destination at one moment. */
    public record Snapshot(
        String region,
        long raw,
        long transformed,
        long blocked,
        long sentRecords,
        long sentBatches,
        long sentBytes,
        long droppedUnavailable,
        long backPressureRetries,
        long lastSequence)
    {
        /** Allowed records not yet sent or dropped (held by egress). */
        public long inFlight()
        {
            return raw + transformed - sentRecords - droppedUnavailable;
        }
    }
}
