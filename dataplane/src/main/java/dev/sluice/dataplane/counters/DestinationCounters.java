package dev.sluice.dataplane.counters;

import io.aeron.Aeron;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * Outcomes per destination region. Every item the policy forwards is decided once per
 * destination: {@code forwarded = raw + transformed + blocked + not_routed} ({@code not_routed}:
 * the item's rule routes it to other regions); of those allowed,
 * {@code raw + transformed = sent + dropped_unavailable + in_flight} ({@code sent_records}
 * counts packet summaries).
 * <p>
 * Flow records balance the same way on counters of their own: every record the worker's flow
 * table emits is decided once per destination, {@code flows_emitted = flow_records_raw +
 * flow_records_transformed + flow_records_blocked}, and of those allowed
 * {@code flow_records_raw + flow_records_transformed = flow_records_sent +
 * flow_records_dropped{destination_unavailable} + in_flight}. Batches and bytes
 * ({@code sent_batches}, {@code sent_bytes}) count every batch of the stream, whatever its
 * records; {@code flow_records_sent_bytes} the part of them that carried flow records.
 * <p>
 * Frames (packets whose payload a rule cut) travel in batches of their own next to their
 * summaries and are counted apart, so the record balance above stays one record per item:
 * frames planned for a destination = {@code sent_frames + dropped_frames{too_large} +
 * dropped_frames{destination_unavailable}} (+ in flight); {@code frame_bytes_saved} is the captured
 * bytes not sent because of the cut.
 * <p>
 * With a spool (the default), "sent" means appended to the destination's spool: durable on the
 * gateway and delivered from there, in order, until the regional core acknowledges it
 * ({@code spooled_batches} is the number of batches appended and not yet acknowledged). A full
 * spool whose overflow rule drops the newest counts the records it refused under
 * {@code dropped{spool_full}}, {@code flow_records_dropped{spool_full}} and
 * {@code dropped_frames{spool_full}}, which take their place in each balance next to
 * {@code destination_unavailable} (which a spooled destination never uses: it keeps its records).
 * <p>
 * Written by the worker that owns the destination's stream; read from any thread.
 */
public final class DestinationCounters implements AutoCloseable
{
    private final String region;
    private final String labelPrefix;
    private final AtomicCounter raw;
    private final AtomicCounter transformed;
    private final AtomicCounter blocked;
    private final AtomicCounter notRouted;
    private final AtomicCounter sentRecords;
    private final AtomicCounter sentBatches;
    private final AtomicCounter sentBytes;
    private final AtomicCounter droppedUnavailable;
    private final AtomicCounter backPressureRetries;
    private final AtomicCounter lastSequence;
    private final AtomicCounter flowRecordsRaw;
    private final AtomicCounter flowRecordsTransformed;
    private final AtomicCounter flowRecordsBlocked;
    private final AtomicCounter flowRecordsSent;
    private final AtomicCounter flowRecordsSentBytes;
    private final AtomicCounter flowRecordsDroppedUnavailable;
    private final AtomicCounter sentFrames;
    private final AtomicCounter frameBytesSaved;
    private final AtomicCounter framesTooLarge;
    private final AtomicCounter framesDroppedUnavailable;
    private final AtomicCounter droppedSpoolFull;
    private final AtomicCounter flowRecordsDroppedSpoolFull;
    private final AtomicCounter framesDroppedSpoolFull;
    private final AtomicCounter spooledBatches;
    private final AtomicCounter ackedSequence;

    public DestinationCounters(final Aeron aeron, final String region)
    {
        this(aeron::addCounter, region);
    }

    public DestinationCounters(final CounterFactory factory, final String region)
    {
        this(factory, region, null);
    }

    /**
     * @param workerName the role name of the worker whose stream this counts ({@code rx-1}), part of
     *                   every label since each worker has a stream of its own per region; null for none
     */
    public DestinationCounters(final CounterFactory factory, final String region, final String workerName)
    {
        this.region = region;
        this.labelPrefix = "sluice destination " + region + (workerName == null ? " " : " " + workerName + " ");
        raw = counter(factory, "raw");
        transformed = counter(factory, "transformed");
        blocked = counter(factory, "blocked");
        notRouted = counter(factory, "not_routed");
        sentRecords = counter(factory, "sent_records");
        sentBatches = counter(factory, "sent_batches");
        sentBytes = counter(factory, "sent_bytes");
        droppedUnavailable = counter(factory, "dropped{destination_unavailable}");
        backPressureRetries = counter(factory, "back_pressure_retries");
        lastSequence = counter(factory, "last_sequence");
        flowRecordsRaw = counter(factory, "flow_records_raw");
        flowRecordsTransformed = counter(factory, "flow_records_transformed");
        flowRecordsBlocked = counter(factory, "flow_records_blocked");
        flowRecordsSent = counter(factory, "flow_records_sent");
        flowRecordsSentBytes = counter(factory, "flow_records_sent_bytes");
        flowRecordsDroppedUnavailable = counter(factory, "flow_records_dropped{destination_unavailable}");
        sentFrames = counter(factory, "sent_frames");
        frameBytesSaved = counter(factory, "frame_bytes_saved");
        framesTooLarge = counter(factory, "dropped_frames{too_large}");
        framesDroppedUnavailable = counter(factory, "dropped_frames{destination_unavailable}");
        droppedSpoolFull = counter(factory, "dropped{spool_full}");
        flowRecordsDroppedSpoolFull = counter(factory, "flow_records_dropped{spool_full}");
        framesDroppedSpoolFull = counter(factory, "dropped_frames{spool_full}");
        spooledBatches = counter(factory, "spooled_batches");
        ackedSequence = counter(factory, "acked_sequence");
    }

    private AtomicCounter counter(final CounterFactory factory, final String name)
    {
        return factory.newCounter(CounterTypes.DESTINATION_COUNTER_TYPE_ID, labelPrefix + name);
    }

    public String region()
    {
        return region;
    }

    /** Residency decisions of one burst. */
    public void addDecisions(final long rawCount, final long transformedCount, final long blockedCount)
    {
        addDecisions(rawCount, transformedCount, blockedCount, 0);
    }

    /** Decisions of one burst, with the items routed elsewhere. */
    public void addDecisions(final long rawCount, final long transformedCount, final long blockedCount, final long notRoutedCount)
    {
        addIfNonZero(raw, rawCount);
        addIfNonZero(transformed, transformedCount);
        addIfNonZero(blocked, blockedCount);
        addIfNonZero(notRouted, notRoutedCount);
    }

    /** One batch committed to the publication. */
    public void onBatchSent(final int records, final int bytes, final long sequence)
    {
        sentRecords.getAndAddRelease(records);
        sentBatches.incrementRelease();
        sentBytes.getAndAddRelease(bytes);
        lastSequence.setRelease(sequence);
    }

    /** Residency decisions for the flow records of one duty cycle. */
    public void addFlowRecordDecisions(final long rawCount, final long transformedCount, final long blockedCount)
    {
        addIfNonZero(flowRecordsRaw, rawCount);
        addIfNonZero(flowRecordsTransformed, transformedCount);
        addIfNonZero(flowRecordsBlocked, blockedCount);
    }

    /** One batch of flow records committed to the publication. */
    public void onFlowRecordBatchSent(final int records, final int bytes, final long sequence)
    {
        flowRecordsSent.getAndAddRelease(records);
        flowRecordsSentBytes.getAndAddRelease(bytes);
        sentBatches.incrementRelease();
        sentBytes.getAndAddRelease(bytes);
        lastSequence.setRelease(sequence);
    }

    /** One batch of frames committed: counted in batches and bytes, and as frames rather than records. */
    public void onFrameBatchSent(final int frames, final long bytesSaved, final int bytes, final long sequence)
    {
        sentFrames.getAndAddRelease(frames);
        addIfNonZero(frameBytesSaved, bytesSaved);
        sentBatches.incrementRelease();
        sentBytes.getAndAddRelease(bytes);
        lastSequence.setRelease(sequence);
    }

    /** One batch of events committed: counted in batches and bytes; the events in {@link EventDestinationCounters}. */
    public void onEventBatchSent(final int bytes, final long sequence)
    {
        sentBatches.incrementRelease();
        sentBytes.getAndAddRelease(bytes);
        lastSequence.setRelease(sequence);
    }

    public void onFlowRecordsDroppedUnavailable(final long records)
    {
        addIfNonZero(flowRecordsDroppedUnavailable, records);
    }

    /** A frame longer than one batch on this destination's publication can carry. */
    public void onFrameTooLarge()
    {
        framesTooLarge.incrementRelease();
    }

    public void onFramesDroppedUnavailable(final long frames)
    {
        addIfNonZero(framesDroppedUnavailable, frames);
    }

    public void onDroppedUnavailable(final long records)
    {
        addIfNonZero(droppedUnavailable, records);
    }

    /** Packet summaries, flow records and frames of one batch a full spool refused. */
    public void onDroppedSpoolFull(final int summaries, final int flowRecords, final int frames)
    {
        addIfNonZero(droppedSpoolFull, summaries);
        addIfNonZero(flowRecordsDroppedSpoolFull, flowRecords);
        addIfNonZero(framesDroppedSpoolFull, frames);
    }

    /** Batches appended to the spool and not yet acknowledged by the regional core. */
    public void spooledBatches(final long batches)
    {
        spooledBatches.setRelease(batches);
    }

    /**
     * A spooled stream resumes where its spool left off: its last sequence appended and the last
     * the regional core acknowledged, so the counters file says where it stands before it sends.
     */
    public void resume(final long lastSequenceAppended, final long lastSequenceAcked)
    {
        lastSequence.setRelease(lastSequenceAppended);
        ackedSequence.setRelease(lastSequenceAcked);
    }

    /** The regional core acknowledged every batch up to {@code sequence} as durable. */
    public void ackedSequence(final long sequence)
    {
        ackedSequence.setRelease(sequence);
    }

    /** The highest sequence the regional core acknowledged (0 before the first, and without a spool); any thread. */
    public long ackedSequence()
    {
        return ackedSequence.getAcquire();
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
            lastSequence.getAcquire(),
            flowRecordsRaw.getAcquire(),
            flowRecordsTransformed.getAcquire(),
            flowRecordsBlocked.getAcquire(),
            flowRecordsSent.getAcquire(),
            flowRecordsSentBytes.getAcquire(),
            flowRecordsDroppedUnavailable.getAcquire(),
            sentFrames.getAcquire(),
            frameBytesSaved.getAcquire(),
            framesTooLarge.getAcquire(),
            framesDroppedUnavailable.getAcquire(),
            droppedSpoolFull.getAcquire(),
            flowRecordsDroppedSpoolFull.getAcquire(),
            framesDroppedSpoolFull.getAcquire(),
            spooledBatches.getAcquire(),
            notRouted.getAcquire());
    }

    @Override
    public void close()
    {
        raw.close();
        transformed.close();
        blocked.close();
        notRouted.close();
        sentRecords.close();
        sentBatches.close();
        sentBytes.close();
        droppedUnavailable.close();
        backPressureRetries.close();
        lastSequence.close();
        flowRecordsRaw.close();
        flowRecordsTransformed.close();
        flowRecordsBlocked.close();
        flowRecordsSent.close();
        flowRecordsSentBytes.close();
        flowRecordsDroppedUnavailable.close();
        sentFrames.close();
        frameBytesSaved.close();
        framesTooLarge.close();
        framesDroppedUnavailable.close();
        droppedSpoolFull.close();
        flowRecordsDroppedSpoolFull.close();
        framesDroppedSpoolFull.close();
        spooledBatches.close();
        ackedSequence.close();
    }

    /**
     * Outcomes of one destination at one moment; {@code sentRecords} and {@code droppedUnavailable}
     * count packet summaries, the {@code flowRecords*} components flow records.
     */
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
        long lastSequence,
        long flowRecordsRaw,
        long flowRecordsTransformed,
        long flowRecordsBlocked,
        long flowRecordsSent,
        long flowRecordsSentBytes,
        long flowRecordsDroppedUnavailable,
        long sentFrames,
        long frameBytesSaved,
        long framesTooLarge,
        long framesDroppedUnavailable,
        long droppedSpoolFull,
        long flowRecordsDroppedSpoolFull,
        long framesDroppedSpoolFull,
        long spooledBatches,
        long notRouted)
    {
        /** The snapshot of a gateway built before {@code route}: nothing routed elsewhere. */
        public Snapshot(
            final String region, final long raw, final long transformed, final long blocked, final long sentRecords,
            final long sentBatches, final long sentBytes, final long droppedUnavailable, final long backPressureRetries,
            final long lastSequence, final long flowRecordsRaw, final long flowRecordsTransformed,
            final long flowRecordsBlocked, final long flowRecordsSent, final long flowRecordsSentBytes,
            final long flowRecordsDroppedUnavailable, final long sentFrames, final long frameBytesSaved,
            final long framesTooLarge, final long framesDroppedUnavailable, final long droppedSpoolFull,
            final long flowRecordsDroppedSpoolFull, final long framesDroppedSpoolFull, final long spooledBatches)
        {
            this(region, raw, transformed, blocked, sentRecords, sentBatches, sentBytes, droppedUnavailable,
                backPressureRetries, lastSequence, flowRecordsRaw, flowRecordsTransformed, flowRecordsBlocked,
                flowRecordsSent, flowRecordsSentBytes, flowRecordsDroppedUnavailable, sentFrames, frameBytesSaved,
                framesTooLarge, framesDroppedUnavailable, droppedSpoolFull, flowRecordsDroppedSpoolFull,
                framesDroppedSpoolFull, spooledBatches, 0);
        }

        /** The snapshot of a gateway built before spools: no spool counters. */
        public Snapshot(
            final String region, final long raw, final long transformed, final long blocked, final long sentRecords,
            final long sentBatches, final long sentBytes, final long droppedUnavailable, final long backPressureRetries,
            final long lastSequence, final long flowRecordsRaw, final long flowRecordsTransformed,
            final long flowRecordsBlocked, final long flowRecordsSent, final long flowRecordsSentBytes,
            final long flowRecordsDroppedUnavailable, final long sentFrames, final long frameBytesSaved,
            final long framesTooLarge, final long framesDroppedUnavailable)
        {
            this(region, raw, transformed, blocked, sentRecords, sentBatches, sentBytes, droppedUnavailable,
                backPressureRetries, lastSequence, flowRecordsRaw, flowRecordsTransformed, flowRecordsBlocked,
                flowRecordsSent, flowRecordsSentBytes, flowRecordsDroppedUnavailable, sentFrames, frameBytesSaved,
                framesTooLarge, framesDroppedUnavailable, 0, 0, 0, 0, 0);
        }

        /**
         * Several workers' counters of one region added up. Each worker numbers its own stream, so
         * {@code lastSequence} is the highest of theirs, not a sum.
         */
        public static Snapshot sum(final String region, final List<Snapshot> snapshots)
        {
            final long[] total = new long[24];
            long lastSequence = 0;
            for (final Snapshot s : snapshots)
            {
                final long[] values = {
                    s.raw, s.transformed, s.blocked, s.sentRecords, s.sentBatches, s.sentBytes, s.droppedUnavailable,
                    s.backPressureRetries, 0, s.flowRecordsRaw, s.flowRecordsTransformed, s.flowRecordsBlocked,
                    s.flowRecordsSent, s.flowRecordsSentBytes, s.flowRecordsDroppedUnavailable, s.sentFrames,
                    s.frameBytesSaved, s.framesTooLarge, s.framesDroppedUnavailable, s.droppedSpoolFull,
                    s.flowRecordsDroppedSpoolFull, s.framesDroppedSpoolFull, s.spooledBatches, s.notRouted};
                for (int i = 0; i < values.length; i++)
                {
                    total[i] += values[i];
                }
                lastSequence = Math.max(lastSequence, s.lastSequence);
            }
            return new Snapshot(
                region, total[0], total[1], total[2], total[3], total[4], total[5], total[6], total[7], lastSequence,
                total[9], total[10], total[11], total[12], total[13], total[14], total[15], total[16], total[17],
                total[18], total[19], total[20], total[21], total[22], total[23]);
        }

        /** Allowed packet summaries not yet sent or dropped (held by egress). */
        public long inFlight()
        {
            return raw + transformed - sentRecords - droppedUnavailable - droppedSpoolFull;
        }

        /** Forwarded items decided for this destination: {@code raw + transformed + blocked + not_routed}. */
        public long decided()
        {
            return raw + transformed + blocked + notRouted;
        }

        /** Flow records decided for this destination: those the flow table emitted. */
        public long flowRecordsDecided()
        {
            return flowRecordsRaw + flowRecordsTransformed + flowRecordsBlocked;
        }

        /** Allowed flow records not yet sent or dropped (held by egress). */
        public long flowRecordsInFlight()
        {
            return flowRecordsRaw + flowRecordsTransformed - flowRecordsSent - flowRecordsDroppedUnavailable -
                flowRecordsDroppedSpoolFull;
        }

        /** Records of every kind sent (summaries, flow records, frames): what the destination's core should have received. */
        public long recordsSent()
        {
            return sentRecords + flowRecordsSent + sentFrames;
        }
    }
}
