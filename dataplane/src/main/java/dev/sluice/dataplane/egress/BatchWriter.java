package dev.sluice.dataplane.egress;

import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;

import java.nio.charset.StandardCharsets;

/**
 * Claims room for one {@code DataBatch} on a destination's publication, writes its header and
 * commits it, handling Aeron's answers the same way for every kind of record: back pressure
 * holds the burst, a destination without a subscriber for longer than the timeout becomes
 * unavailable (its records are dropped and counted), a closed publication likewise. A batch's
 * sequence is used only once it is committed, so a refused claim leaves no hole.
 * <p>
 * The senders of each record kind fill the groups between {@link #begin} and {@link #commit}.
 * Worker thread only.
 */
final class BatchWriter
{
    /** The claim succeeded: encode the groups, then {@link #commit}. */
    static final int CLAIMED = 0;
    /** The publication pushed back or has no subscriber yet: offer the same records again later. */
    static final int HOLD = 1;
    /** The destination is unavailable: drop (and count) the rest of its records for this burst. */
    static final int UNAVAILABLE = 2;
    /** The destination's full spool dropped this batch (counted by the writer): go on with the next. */
    static final int DROPPED = 3;

    /** Header plus the four group headers: the length of a batch with no records. */
    static final int EMPTY_BATCH_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DataBatchEncoder.BLOCK_LENGTH +
        DataBatchEncoder.PacketsEncoder.HEADER_SIZE + DataBatchEncoder.FlowsEncoder.HEADER_SIZE +
        DataBatchEncoder.FramesEncoder.HEADER_SIZE + DataBatchEncoder.EventsEncoder.HEADER_SIZE;

    private final byte[] gatewayId;
    private final byte[] site;
    private final byte[] originRegion;
    private final int workerIndex;
    private final long notConnectedTimeoutNs;
    private final EpochNanoClock clock;

    private final BufferClaim claim = new BufferClaim();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DataBatchEncoder batchEncoder = new DataBatchEncoder();
    private long claimedSequence;
    private int claimedLength;
    private MutableDirectBuffer claimedBuffer;
    private int claimedOffset;

    BatchWriter(
        final String gatewayId,
        final String site,
        final String originRegion,
        final int workerIndex,
        final long notConnectedTimeoutNs,
        final EpochNanoClock clock)
    {
        if (workerIndex < 0 || workerIndex > DataBatchEncoder.workerIndexMaxValue())
        {
            throw new IllegalArgumentException("worker index " + workerIndex + " is outside 0.." +
                DataBatchEncoder.workerIndexMaxValue());
        }
        this.workerIndex = workerIndex;
        this.gatewayId = ascii(gatewayId, DataBatchEncoder.gatewayIdLength(), "gateway id");
        this.site = ascii(site, DataBatchEncoder.originSiteLength(), "site");
        this.originRegion = ascii(originRegion, DataBatchEncoder.originRegionLength(), "region");
        this.notConnectedTimeoutNs = notConnectedTimeoutNs;
        this.clock = clock;
    }

    /** Pads or rejects a name so it fits a fixed-length SBE char field. */
    static byte[] ascii(final String value, final int length, final String what)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length)
        {
            throw new IllegalArgumentException(what + " '" + value + "' is longer than " + length + " characters");
        }
        final byte[] padded = new byte[length];
        System.arraycopy(bytes, 0, padded, 0, bytes.length);
        return padded;
    }

    /** The most records of {@code recordLength} bytes one batch on this stream can carry. */
    static int maxRecords(final DestinationStream stream, final int recordLength)
    {
        return Math.min(
            DataBatchEncoder.PacketsEncoder.countMaxValue(),
            (stream.publication().maxPayloadLength() - EMPTY_BATCH_LENGTH) / recordLength);
    }

    /**
     * Tries to claim {@code length} bytes on the stream.
     *
     * @return {@link #CLAIMED}, {@link #HOLD} or {@link #UNAVAILABLE}
     */
    int claim(final DestinationStream stream, final int length, final long nowNs)
    {
        final StreamSpool spool = stream.spool;
        if (spool != null)
        {
            // Encoded into the spool's scratch buffer, appended at commit: whether it fits is known then.
            claimedBuffer = spool.scratch();
            claimedOffset = 0;
            claimedSequence = spool.nextSequence();
            claimedLength = length;
            return CLAIMED;
        }
        if (stream.unavailable)
        {
            if (!stream.publication().isConnected())
            {
                return UNAVAILABLE;
            }
            stream.unavailable = false;
            stream.notConnected = false;
        }

        final long sequence = stream.sequence().peekNext();
        final long result = stream.publication().tryClaim(length, claim);
        if (result > 0)
        {
            claimedSequence = sequence;
            claimedLength = length;
            claimedBuffer = claim.buffer();
            claimedOffset = claim.offset();
            stream.notConnected = false;
            return CLAIMED;
        }
        return refused(stream, result, nowNs);
    }

    /**
     * Offers a batch encoded in {@code buffer} by {@link #beginIn}, for batches longer than one
     * frame: Aeron fragments them and the regional core reassembles them. On {@link #CLAIMED} the
     * batch is published and its sequence used; call {@link #committedOffer} to count it.
     *
     * @return {@link #CLAIMED}, {@link #HOLD} or {@link #UNAVAILABLE}
     */
    int offer(final DestinationStream stream, final MutableDirectBuffer buffer, final int length, final long nowNs)
    {
        final StreamSpool spool = stream.spool;
        if (spool != null)
        {
            claimedSequence = spool.nextSequence();
            claimedLength = length;
            return append(stream, buffer);
        }
        if (stream.unavailable)
        {
            if (!stream.publication().isConnected())
            {
                return UNAVAILABLE;
            }
            stream.unavailable = false;
            stream.notConnected = false;
        }

        final long sequence = stream.sequence().peekNext();
        final long result = stream.publication().offer(buffer, 0, length);
        if (result > 0)
        {
            claimedSequence = sequence;
            claimedLength = length;
            stream.notConnected = false;
            stream.sequence().markUsed(sequence);
            return CLAIMED;
        }
        return refused(stream, result, nowNs);
    }

    /** What a refused claim or offer means for the stream: hold the records, or give up on the destination. */
    private int refused(final DestinationStream stream, final long result, final long nowNs)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            if (!stream.notConnected)
            {
                stream.notConnected = true;
                stream.notConnectedSinceNs = nowNs;
            }
            else if (nowNs - stream.notConnectedSinceNs >= notConnectedTimeoutNs)
            {
                stream.unavailable = true;
                return UNAVAILABLE;
            }
            return HOLD;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            // A subscriber is there, only slow: the not-connected clock starts afresh.
            stream.notConnected = false;
            stream.counters().onBackPressure();
            return HOLD;
        }
        // CLOSED or MAX_POSITION_EXCEEDED: this publication will never take data again.
        stream.unavailable = true;
        return UNAVAILABLE;
    }

    /** Writes the header of the claimed batch; the caller then writes the four groups in order. */
    DataBatchEncoder begin(final DestinationStream stream, final long policyVersion, final int recordCount)
    {
        return batchEncoder.wrapAndApplyHeader(claimedBuffer, claimedOffset, headerEncoder)
            .putGatewayId(gatewayId, 0)
            .putOriginSite(site, 0)
            .putOriginRegion(originRegion, 0)
            .putDestinationRegion(stream.paddedRegion, 0)
            .streamSequence(claimedSequence)
            .policyVersion(policyVersion)
            .recordCount(recordCount)
            .encodedTimestampNs(clock.nanoTime())
            .workerIndex(workerIndex);
    }

    /**
     * Writes the header of a batch to be offered from {@code buffer} (at offset 0), numbered with
     * the stream's next sequence; the caller then writes the four groups in order.
     */
    DataBatchEncoder beginIn(
        final MutableDirectBuffer buffer, final DestinationStream stream, final long policyVersion, final int recordCount)
    {
        return batchEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .putGatewayId(gatewayId, 0)
            .putOriginSite(site, 0)
            .putOriginRegion(originRegion, 0)
            .putDestinationRegion(stream.paddedRegion, 0)
            .streamSequence(stream.spool != null ? stream.spool.nextSequence() : stream.sequence().peekNext())
            .policyVersion(policyVersion)
            .recordCount(recordCount)
            .encodedTimestampNs(clock.nanoTime())
            .workerIndex(workerIndex);
    }

    /**
     * Appends the batch encoded in the spool's scratch buffer.
     *
     * @return {@link #CLAIMED} when spooled, {@link #HOLD} when the spool is full under PAUSE (or the
     * disk is), {@link #DROPPED} when its overflow rule dropped the batch (the spool counts it by reason).
     */
    private int append(final DestinationStream stream, final MutableDirectBuffer buffer)
    {
        final long result = stream.spool.append(buffer, claimedLength);
        if (result > 0)
        {
            return CLAIMED;
        }
        if (result == dev.sluice.spool.Spool.BACK_PRESSURED || result == dev.sluice.spool.Spool.DISK_FULL)
        {
            return HOLD;
        }
        return DROPPED;
    }

    /**
     * Makes the claimed batch leave: commits the Aeron claim and uses up the stream's sequence, or
     * appends it to the spool.
     *
     * @return {@link #CLAIMED}, {@link #HOLD} or {@link #DROPPED}.
     */
    private int publish(final DestinationStream stream)
    {
        if (stream.spool != null)
        {
            return append(stream, claimedBuffer);
        }
        claim.commit();
        stream.sequence().markUsed(claimedSequence);
        return CLAIMED;
    }

    /** Publishes the claimed batch of events and uses up its sequence; see {@link #publish}. */
    int commitEvents(final DestinationStream stream)
    {
        final int outcome = publish(stream);
        if (outcome == CLAIMED)
        {
            stream.counters().onEventBatchSent(claimedLength, claimedSequence);
        }
        return outcome;
    }

    /** Counts a batch of events that {@link #offer} published. */
    void committedOffer(final DestinationStream stream)
    {
        stream.counters().onEventBatchSent(claimedLength, claimedSequence);
    }

    /** Publishes the claimed batch of packet summaries; see {@link #publish}. */
    int commit(final DestinationStream stream, final int records)
    {
        final int outcome = publish(stream);
        if (outcome == CLAIMED)
        {
            stream.counters().onBatchSent(records, claimedLength, claimedSequence);
        }
        else if (outcome == DROPPED)
        {
            stream.counters().onDroppedSpoolFull(records, 0, 0);
        }
        return outcome;
    }

    /** Publishes the claimed batch of flow records; see {@link #publish}. */
    int commitFlowRecords(final DestinationStream stream, final int records)
    {
        final int outcome = publish(stream);
        if (outcome == CLAIMED)
        {
            stream.counters().onFlowRecordBatchSent(records, claimedLength, claimedSequence);
        }
        else if (outcome == DROPPED)
        {
            stream.counters().onDroppedSpoolFull(0, records, 0);
        }
        return outcome;
    }

    /** Publishes the claimed batch of frames; frames are counted apart from records. See {@link #publish}. */
    int commitFrames(final DestinationStream stream, final int frames, final long bytesSaved)
    {
        final int outcome = publish(stream);
        if (outcome == CLAIMED)
        {
            stream.counters().onFrameBatchSent(frames, bytesSaved, claimedLength, claimedSequence);
        }
        else if (outcome == DROPPED)
        {
            stream.counters().onDroppedSpoolFull(0, 0, frames);
        }
        return outcome;
    }
}
