package dev.sluice.regional;

import dev.sluice.regional.sink.SinkStream;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sequence state and counters of one (gateway, destination, worker) stream.
 * <p>
 * Written only by the core's agent thread; the counters may be read from any thread.
 */
final class StreamState
{
    static final int BATCHES_INDEX = 0;
    static final int RECORDS_INDEX = 1;
    static final int GAPS_INDEX = 2;
    static final int DUPLICATES_INDEX = 3;
    static final int LAST_SEQUENCE_INDEX = 4;
    static final int DURABLE_SEQUENCE_INDEX = 5;
    private static final int COUNTER_COUNT = 6;

    private final byte[] key;
    private final int hash;
    private final String gatewayId;
    private final String destinationRegion;
    private final int workerIndex;
    private final SinkStream sinkStream;
    private final AtomicLongArray counters = new AtomicLongArray(COUNTER_COUNT);
    private long lastSequence;
    /** Highest sequence whose records are forced to the device with the core's state. */
    private long durableSequence;
    /** Highest durable sequence published in a {@code StreamAck}. */
    private long ackedSequence = -1;

    StreamState(
        final int id,
        final byte[] key,
        final int hash,
        final String gatewayId,
        final String destinationRegion,
        final int workerIndex)
    {
        this.sinkStream = new SinkStream(id, gatewayId, destinationRegion, workerIndex);
        this.workerIndex = workerIndex;
        this.key = key;
        this.hash = hash;
        this.gatewayId = gatewayId;
        this.destinationRegion = destinationRegion;
    }

    byte[] key()
    {
        return key;
    }

    int hash()
    {
        return hash;
    }

    String gatewayId()
    {
        return gatewayId;
    }

    String destinationRegion()
    {
        return destinationRegion;
    }

    int workerIndex()
    {
        return workerIndex;
    }

    /**
     * The stream as sinks know it: its id is its order of arrival in this core, from 0.
     *
     * @return the sink stream.
     */
    SinkStream sinkStream()
    {
        return sinkStream;
    }

    /**
     * Highest sequence accepted so far; 0 before the first batch, as sequences start at 1.
     *
     * @return last accepted sequence.
     */
    long lastSequence()
    {
        return lastSequence;
    }

    long durableSequence()
    {
        return durableSequence;
    }

    void durableSequence(final long durableSequence)
    {
        if (durableSequence != this.durableSequence)
        {
            this.durableSequence = durableSequence;
            counters.setRelease(DURABLE_SEQUENCE_INDEX, durableSequence);
        }
    }

    long ackedSequence()
    {
        return ackedSequence;
    }

    void ackedSequence(final long ackedSequence)
    {
        this.ackedSequence = ackedSequence;
    }

    /**
     * Starts from the durable state of a previous run: every sequence up to {@code sequence} was
     * recorded, so a replay of it is a duplicate.
     */
    void restore(final long sequence)
    {
        lastSequence = sequence;
        durableSequence = sequence;
        counters.setRelease(LAST_SEQUENCE_INDEX, sequence);
        counters.setRelease(DURABLE_SEQUENCE_INDEX, sequence);
    }

    /** True while batches after a gap are held back, waiting for the gateway's replay. */
    boolean gapHeld;
    /** When the current gap was first seen; meaningful while {@link #gapHeld}. */
    long gapSinceNs;

    void onAccepted(final long sequence, final int records, final long missingSequences)
    {
        gapHeld = false;
        lastSequence = sequence;
        add(BATCHES_INDEX, 1);
        add(RECORDS_INDEX, records);
        if (missingSequences > 0)
        {
            add(GAPS_INDEX, missingSequences);
        }
        counters.setRelease(LAST_SEQUENCE_INDEX, sequence);
    }

    void onDuplicate()
    {
        add(DUPLICATES_INDEX, 1);
    }

    long counter(final int index)
    {
        return counters.getAcquire(index);
    }

    private void add(final int index, final long delta)
    {
        // Single writer: a plain read plus a release store is enough and cheaper than getAndAdd.
        counters.setRelease(index, counters.getPlain(index) + delta);
    }
}
