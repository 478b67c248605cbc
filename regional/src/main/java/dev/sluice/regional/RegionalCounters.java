package dev.sluice.regional;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Totals, rejections by reason and per-stream counters of one regional core.
 * <p>
 * Only the core's agent thread updates them (the {@code on*} methods, package-private); {@link #get},
 * {@link #rejected} and {@link #snapshot} may be called from any thread at any time.
 */
public final class RegionalCounters
{
    private static final RegionalCounter[] COUNTERS = RegionalCounter.values();
    private static final RejectReason[] REASONS = RejectReason.values();

    private final String region;
    private final AtomicLongArray totals = new AtomicLongArray(COUNTERS.length);
    private final AtomicLongArray rejectedByReason = new AtomicLongArray(REASONS.length);
    private final List<StreamState> streams = new CopyOnWriteArrayList<>();

    RegionalCounters(final String region)
    {
        this.region = region;
    }

    /**
     * Region of the core these counters belong to.
     *
     * @return region name.
     */
    public String region()
    {
        return region;
    }

    /**
     * Current value of one total.
     *
     * @param counter which total.
     * @return its value.
     */
    public long get(final RegionalCounter counter)
    {
        return totals.getAcquire(counter.ordinal());
    }

    /**
     * Frames rejected for one reason.
     *
     * @param reason the reason.
     * @return frames rejected for it.
     */
    public long rejected(final RejectReason reason)
    {
        return rejectedByReason.getAcquire(reason.ordinal());
    }

    /**
     * Copies every counter. Each value is exact at the moment it is read, but values are read one
     * after another while the core keeps running, so totals and streams may differ by the batches
     * handled in between.
     *
     * @return an immutable copy.
     */
    public RegionalCountersSnapshot snapshot()
    {
        final EnumMap<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        for (final RejectReason reason : REASONS)
        {
            byReason.put(reason, rejected(reason));
        }

        final List<RegionalCountersSnapshot.Stream> streamSnapshots = new ArrayList<>(streams.size());
        for (final StreamState stream : streams)
        {
            streamSnapshots.add(new RegionalCountersSnapshot.Stream(
                stream.gatewayId(),
                stream.destinationRegion(),
                stream.workerIndex(),
                stream.counter(StreamState.BATCHES_INDEX),
                stream.counter(StreamState.RECORDS_INDEX),
                stream.counter(StreamState.GAPS_INDEX),
                stream.counter(StreamState.DUPLICATES_INDEX),
                stream.counter(StreamState.LAST_SEQUENCE_INDEX)));
        }

        return new RegionalCountersSnapshot(
            region,
            get(RegionalCounter.BATCHES),
            get(RegionalCounter.RECORDS),
            get(RegionalCounter.PACKET_RECORDS),
            get(RegionalCounter.FLOW_RECORDS),
            get(RegionalCounter.FRAME_RECORDS),
            get(RegionalCounter.EVENT_RECORDS),
            get(RegionalCounter.BYTES_RECEIVED),
            get(RegionalCounter.DUPLICATES),
            get(RegionalCounter.GAPS),
            get(RegionalCounter.REJECTED_FRAMES),
            get(RegionalCounter.MISROUTED),
            get(RegionalCounter.OUTPUT_BYTES),
            get(RegionalCounter.PCAPNG_BYTES),
            get(RegionalCounter.OUTPUT_ERRORS),
            byReason,
            streamSnapshots);
    }

    /** The streams, in order of first appearance, for the counters file's durable sequences. */
    List<StreamState> streams()
    {
        return streams;
    }

    void onStreamAdded(final StreamState stream)
    {
        streams.add(stream);
    }

    void onAccepted(
        final StreamState stream,
        final long sequence,
        final int packets,
        final int flows,
        final int frames,
        final int events,
        final long missing,
        final int frameLength)
    {
        final int records = packets + flows + frames + events;
        stream.onAccepted(sequence, records, missing);
        add(RegionalCounter.BATCHES, 1);
        add(RegionalCounter.RECORDS, records);
        add(RegionalCounter.PACKET_RECORDS, packets);
        add(RegionalCounter.FLOW_RECORDS, flows);
        add(RegionalCounter.FRAME_RECORDS, frames);
        add(RegionalCounter.EVENT_RECORDS, events);
        if (missing > 0)
        {
            add(RegionalCounter.GAPS, missing);
        }
        add(RegionalCounter.BYTES_RECEIVED, frameLength);
    }

    void onDuplicate(final StreamState stream, final int frameLength)
    {
        stream.onDuplicate();
        add(RegionalCounter.DUPLICATES, 1);
        add(RegionalCounter.BYTES_RECEIVED, frameLength);
    }

    void onHeldForGap(final int frameLength)
    {
        add(RegionalCounter.HELD_FOR_GAP, 1);
        add(RegionalCounter.BYTES_RECEIVED, frameLength);
    }

    void onMisrouted(final int frameLength)
    {
        add(RegionalCounter.MISROUTED, 1);
        add(RegionalCounter.BYTES_RECEIVED, frameLength);
    }

    void onRejected(final RejectReason reason, final int frameLength)
    {
        final int index = reason.ordinal();
        rejectedByReason.setRelease(index, rejectedByReason.getPlain(index) + 1);
        add(RegionalCounter.REJECTED_FRAMES, 1);
        add(RegionalCounter.BYTES_RECEIVED, frameLength);
    }

    void onOutputWritten(final RegionalCounter counter, final long bytes)
    {
        add(counter, bytes);
    }

    void onOutputError()
    {
        add(RegionalCounter.OUTPUT_ERRORS, 1);
    }

    void onDurableForce()
    {
        add(RegionalCounter.DURABLE_FORCES, 1);
    }

    void onStateError()
    {
        add(RegionalCounter.STATE_ERRORS, 1);
    }

    void onSinkFeedUnreadable(final long bytes)
    {
        add(RegionalCounter.SINK_FEED_UNREADABLE, bytes);
    }

    void onAckSent()
    {
        add(RegionalCounter.ACKS_SENT, 1);
    }

    private void add(final RegionalCounter counter, final long delta)
    {
        // Single writer: a plain read plus a release store is enough and cheaper than getAndAdd.
        final int index = counter.ordinal();
        totals.setRelease(index, totals.getPlain(index) + delta);
    }
}
