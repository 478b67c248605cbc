package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.PayloadAction;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Sends the frames of a burst: for each destination, the items a payload action cut (see
 * {@link PayloadSlicer}) that the destination may receive, each sliced into a scratch buffer with
 * the addresses that destination must get transformed already rewritten, as many per
 * {@code DataBatch} as fit one Aeron frame. Frames go in batches of their own after the same
 * burst's summaries, resuming where back pressure stopped them.
 * <p>
 * A frame longer than one batch on the destination's publication can carry is counted
 * ({@code dropped_frames{too_large}}) and skipped; its summary was sent. Worker thread only.
 */
final class FrameSender
{
    private static final int RECORD_FIXED_LENGTH =
        DataBatchEncoder.FramesEncoder.sbeBlockLength() + DataBatchEncoder.FramesEncoder.bytesHeaderLength();

    private final BatchWriter writer;
    private final PayloadSlicer slicer = new PayloadSlicer();
    private final int[] resumeIndex;
    private final byte[] scratch;
    private final UnsafeBuffer scratchBuffer;

    /**
     * @param maxFrameBytes the longest frame any destination's batch can carry; the scratch buffer's length.
     */
    FrameSender(final BatchWriter writer, final int destinations, final int maxFrameBytes)
    {
        this.writer = writer;
        this.resumeIndex = new int[destinations];
        this.scratch = new byte[Math.max(0, maxFrameBytes)];
        this.scratchBuffer = new UnsafeBuffer(scratch);
    }

    /** The longest frame one batch on {@code stream} can carry. */
    static int maxFrameBytes(final DestinationStream stream)
    {
        return stream.publication().maxPayloadLength() - BatchWriter.EMPTY_BATCH_LENGTH - RECORD_FIXED_LENGTH;
    }

    void beginBurst()
    {
        Arrays.fill(resumeIndex, 0);
    }

    /**
     * @return true when the destination has taken (or definitively dropped) every frame of the burst
     * meant for it; false when it pushed back and the rest must be offered again
     */
    boolean send(final DestinationStream stream, final PacketBurst burst, final long policyVersion, final long nowNs)
    {
        final int d = stream.index();
        final byte[] delivery = burst.delivery[d];
        final int count = burst.count();
        final int maxBatchLength = stream.publication().maxPayloadLength();
        final int maxFrameBytes = Math.min(maxFrameBytes(stream), scratch.length);
        final int maxRecords = DataBatchEncoder.FramesEncoder.countMaxValue();

        int from = resumeIndex[d];
        while (true)
        {
            from = nextFrame(burst, delivery, from, count);
            if (from == count)
            {
                resumeIndex[d] = count;
                return true;
            }
            if (burst.frameLength[from] > maxFrameBytes)
            {
                stream.counters().onFrameTooLarge();
                from++;
                continue;
            }

            int records = 0;
            int length = BatchWriter.EMPTY_BATCH_LENGTH;
            int end = from;
            while (end < count && records < maxRecords)
            {
                if (isFrame(burst, delivery, end))
                {
                    final int recordLength = RECORD_FIXED_LENGTH + burst.frameLength[end];
                    // A frame too large on its own is left for the skip above, so it is counted once.
                    if (burst.frameLength[end] > maxFrameBytes || length + recordLength > maxBatchLength)
                    {
                        break;
                    }
                    length += recordLength;
                    records++;
                }
                end++;
            }

            final int outcome = writer.claim(stream, length, nowNs);
            if (outcome == BatchWriter.CLAIMED)
            {
                final long bytesSaved = encode(writer.begin(stream, policyVersion, records), stream, burst, delivery, from, end, records);
                if (writer.commitFrames(stream, records, bytesSaved) == BatchWriter.HOLD)
                {
                    resumeIndex[d] = from;
                    return false;
                }
                from = end;
            }
            else if (outcome == BatchWriter.HOLD)
            {
                resumeIndex[d] = from;
                return false;
            }
            else
            {
                stream.counters().onFramesDroppedUnavailable(countFrames(burst, delivery, from, count));
                resumeIndex[d] = count;
                return true;
            }
        }
    }

    private long encode(
        final DataBatchEncoder batchEncoder,
        final DestinationStream stream,
        final PacketBurst burst,
        final byte[] delivery,
        final int from,
        final int end,
        final int records)
    {
        batchEncoder.packetsCount(0);
        batchEncoder.flowsCount(0);
        final DataBatchEncoder.FramesEncoder frames = batchEncoder.framesCount(records);
        final byte[] transformedFields = burst.transformedFields[stream.index()];
        long bytesSaved = 0;
        for (int i = from; i < end; i++)
        {
            if (!isFrame(burst, delivery, i))
            {
                continue;
            }
            final byte addressBits = delivery[i] == Delivery.TRANSFORMED ?
                (byte)(transformedFields[i] & AnonymizedFields.ALL_ADDRESSES) : 0;
            final byte rewritten = slicer.slice(burst, i, addressBits, scratch);
            final int frameLength = burst.frameLength[i];
            bytesSaved += burst.capturedLength[i] - frameLength;
            frames.next()
                .timestampNs(burst.timestampNs[i])
                .wireLength(burst.wireLength[i])
                .capturedLength(burst.capturedLength[i])
                .linkType(burst.linkType[i])
                .payloadAction(burst.payloadAction[i] == PayloadSlicer.ACTION_STRIPPED ?
                    PayloadAction.STRIPPED : PayloadAction.TRUNCATED)
                .originalPayloadLength(burst.payloadLength[i]);
            frames.anonymized().clear()
                .srcAddress((rewritten & AnonymizedFields.SRC_ADDRESS) != 0)
                .dstAddress((rewritten & AnonymizedFields.DST_ADDRESS) != 0)
                .innerSrcAddress((rewritten & AnonymizedFields.INNER_SRC_ADDRESS) != 0)
                .innerDstAddress((rewritten & AnonymizedFields.INNER_DST_ADDRESS) != 0);
            frames.putBytes(scratchBuffer, 0, frameLength);
        }
        batchEncoder.eventsCount(0);
        return bytesSaved;
    }

    private static boolean isFrame(final PacketBurst burst, final byte[] delivery, final int i)
    {
        return burst.payloadAction[i] != PayloadSlicer.ACTION_NONE &&
            (delivery[i] == Delivery.RAW || delivery[i] == Delivery.TRANSFORMED);
    }

    private static int nextFrame(final PacketBurst burst, final byte[] delivery, final int from, final int count)
    {
        int i = from;
        while (i < count && !isFrame(burst, delivery, i))
        {
            i++;
        }
        return i;
    }

    private static long countFrames(final PacketBurst burst, final byte[] delivery, final int from, final int count)
    {
        long frames = 0;
        for (int i = from; i < count; i++)
        {
            if (isFrame(burst, delivery, i))
            {
                frames++;
            }
        }
        return frames;
    }
}
