package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.pipeline.FlowRecords;
import dev.sluice.dataplane.pipeline.PacketBurst;
import org.agrona.concurrent.EpochNanoClock;

import java.util.List;

/**
 * The last stage: encodes the records each destination may receive as SBE {@code DataBatch}
 * messages straight into Aeron {@code tryClaim} buffers, one stream per destination region
 * (and per worker: each worker has an egress of its own),
 * one sender per kind of record sharing the stream's sequence: packet summaries, then the frames
 * of items whose payload a rule cut.
 * <p>
 * A batch is a run of one kind of record for one destination, as many as fit in one frame.
 * When a publication is back-pressured the burst is held and {@link #send} resumes where it
 * stopped on the next call, so nothing accepted is lost and no sequence is skipped.
 * <p>
 * A destination with a spool ({@link DestinationStream#spool(StreamSpool)}, the gateway's default)
 * has each batch appended to it and sent from there by {@link #doWork}: a missing subscriber or back
 * pressure leaves batches spooled, a full spool holds the burst (PAUSE) or drops the batch, counted
 * (DROP_NEWEST, DROP_OLDEST), and one destination's full spool never holds another destination's
 * records back beyond the burst they share. A destination without a spool and without a subscriber
 * for longer than {@code notConnectedTimeoutNs} is marked unavailable and its records are dropped
 * and counted until it reconnects.
 * <p>
 * Worker thread only.
 */
public final class BatchEgress
{
    private final DestinationStream[] streams;
    private final PacketSummarySender packetSummaries;
    private final FlowRecordSender flowRecords;
    private final FrameSender frames;

    /** Egress of worker 0 (a single-worker gateway). */
    public BatchEgress(
        final List<DestinationStream> streams,
        final String gatewayId,
        final String site,
        final String originRegion,
        final long notConnectedTimeoutNs,
        final EpochNanoClock clock)
    {
        this(streams, gatewayId, site, originRegion, 0, notConnectedTimeoutNs, clock);
    }

    /**
     * @param workerIndex the worker that owns these streams; every batch carries it, so the
     *                    regional core checks the sequence of each (gateway, destination, worker)
     *                    stream apart
     */
    public BatchEgress(
        final List<DestinationStream> streams,
        final String gatewayId,
        final String site,
        final String originRegion,
        final int workerIndex,
        final long notConnectedTimeoutNs,
        final EpochNanoClock clock)
    {
        this.streams = DestinationStreams.inDestinationOrder(streams);
        final BatchWriter writer = new BatchWriter(
            gatewayId, site, originRegion, workerIndex, notConnectedTimeoutNs, clock);
        packetSummaries = new PacketSummarySender(writer, this.streams.length);
        flowRecords = new FlowRecordSender(writer, this.streams.length);
        int maxFrameBytes = 0;
        for (final DestinationStream stream : this.streams)
        {
            maxFrameBytes = Math.max(maxFrameBytes, FrameSender.maxFrameBytes(stream));
        }
        frames = new FrameSender(writer, this.streams.length, maxFrameBytes);
    }

    public int destinationCount()
    {
        return streams.length;
    }

    public DestinationStream stream(final int index)
    {
        return streams[index];
    }

    /**
     * Duty-cycle work of the spooled destinations: acknowledgements, fsync policy, replay and sending.
     *
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        return DestinationStreams.doSpoolWork(streams, nowNs);
    }

    /** True when no spooled destination holds a batch it has not offered to its publication yet. */
    public boolean hasSentAll()
    {
        return DestinationStreams.haveSentAll(streams);
    }

    /** Starts a new burst: every destination resumes from its first item. */
    public void beginBurst()
    {
        packetSummaries.beginBurst();
        frames.beginBurst();
    }

    /**
     * Sends what remains of the burst to every destination.
     *
     * @return true when every destination has taken (or definitively dropped) its records;
     * false when some publication pushed back and the burst must be offered again.
     */
    public boolean send(final PacketBurst burst, final long policyVersion, final long nowNs)
    {
        return send(burst, null, policyVersion, nowNs);
    }

    /** Starts sending a new set of flow records: every destination resumes from its first. */
    public void beginFlowRecords()
    {
        flowRecords.begin();
    }

    /**
     * Sends what remains of a burst's packet summaries, then its frames, then a cycle's flow
     * records to every destination; a destination gets each kind only once it has taken every
     * item of the kinds before, so each stream carries the same records in the same order
     * whatever the back pressure.
     *
     * @param burst   the burst, or null when only flow records leave (a flush)
     * @param records the flow records, or null when there are none
     * @return true when every destination has taken (or definitively dropped) all of them
     */
    public boolean send(final PacketBurst burst, final FlowRecords records, final long policyVersion, final long nowNs)
    {
        boolean complete = true;
        for (final DestinationStream stream : streams)
        {
            if ((burst != null && !packetSummaries.send(stream, burst, policyVersion, nowNs)) ||
                (burst != null && !frames.send(stream, burst, policyVersion, nowNs)) ||
                (records != null && !flowRecords.send(stream, records, policyVersion, nowNs)))
            {
                complete = false;
            }
        }
        return complete;
    }
}
