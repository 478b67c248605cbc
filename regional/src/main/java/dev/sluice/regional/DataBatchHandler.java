package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.EventsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FlowsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FramesDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Handles one reassembled {@code DataBatch} message: validates it, drops it as misrouted or as a
 * duplicate of its stream, or writes its records and advances its stream. Each frame ends in
 * exactly one verdict, counted in {@link RegionalCounters}: accepted, duplicate, misrouted or
 * rejected with a {@link RejectReason}. A frame is only left unconsumed ({@link Action#ABORT}, so
 * Aeron delivers it again) when an output cannot take it yet; no state has changed by then.
 * <p>
 * Every record goes to the NDJSON writer, in the order packets, flows, frames, events; frames
 * also go to the pcapng writer. Sinks (Kafka) are fed later, from the durable recording
 * ({@link SinkFeed}), never from here.
 * <p>
 * Sequence rule per (gateway id, destination region, worker index) stream (each worker of a gateway
 * numbers its own batches): the first sequence seen, and then
 * {@code last + 1}, are in order; a sequence at or below the last accepted one is a duplicate and is
 * not written; a higher one is a gap of {@code sequence - last - 1} missing sequences, and the
 * batch is accepted and the stream continues from it.
 * <p>
 * Usable without Aeron: tests and fuzzers call {@link #onFragment} directly.
 * <p>
 * Agent thread only.
 */
final class DataBatchHandler implements ControlledFragmentHandler
{
    private static final int BLOCK_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;

    private final String regionName;
    private final byte[] region;
    private final RegionalCounters counters;
    private final NdjsonBatchWriter writer;
    private final PcapngFrameWriter frameWriter;
    private final ErrorHandler errorHandler;
    private final DataBatchValidator validator = new DataBatchValidator();
    private final StreamTable streams;
    private final UnsafeBuffer frameBytes = new UnsafeBuffer(0, 0);
    private int lastReportedVersion = DataBatchValidator.SCHEMA_VERSION;
    private long gapTimeoutNs;
    private long nowNs;

    DataBatchHandler(
        final String region,
        final RegionalCounters counters,
        final NdjsonBatchWriter writer,
        final PcapngFrameWriter frameWriter,
        final ErrorHandler errorHandler)
    {
        this.regionName = region;
        this.region = region.getBytes(StandardCharsets.US_ASCII);
        this.counters = counters;
        this.writer = writer;
        this.frameWriter = frameWriter;
        this.errorHandler = errorHandler;
        this.streams = new StreamTable(counters);
    }

    /**
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final RejectReason reason = validator.validate(buffer, offset, length);
        if (null != reason)
        {
            counters.onRejected(reason, length);
            if (RejectReason.UNSUPPORTED_VERSION == reason)
            {
                onUnsupportedVersion(validator.version());
            }
            return Action.CONTINUE;
        }

        final int blockOffset = offset + BLOCK_OFFSET;
        final int destinationOffset = blockOffset + DataBatchDecoder.destinationRegionEncodingOffset();
        if (!isThisRegion(buffer, destinationOffset))
        {
            counters.onMisrouted(length);
            return Action.CONTINUE;
        }

        final DataBatchDecoder batch = validator.batch();
        final StreamState stream = streams.intern(
            buffer, blockOffset + DataBatchDecoder.gatewayIdEncodingOffset(), destinationOffset, batch.workerIndex());
        final long sequence = batch.streamSequence();
        final long lastSequence = stream.lastSequence();
        if (sequence <= lastSequence)
        {
            counters.onDuplicate(stream, length);
            return Action.CONTINUE;
        }
        if (gapTimeoutNs > 0 && 0 != lastSequence && sequence > lastSequence + 1)
        {
            // A spooling gateway replays the missing batches in order (its acknowledgement stops at
            // the gap): accepting this one now would turn them into duplicates, lost. A gap that no
            // replay fills (a gateway without a spool, records its spool dropped) is accepted later.
            if (!stream.gapHeld)
            {
                stream.gapHeld = true;
                stream.gapSinceNs = nowNs;
            }
            if (nowNs - stream.gapSinceNs < gapTimeoutNs)
            {
                counters.onHeldForGap(length);
                return Action.CONTINUE;
            }
        }

        if (!writer.ensureCapacity(validator.ndjsonLengthBound()) ||
            !frameWriter.ensureCapacity(validator.pcapngLengthBound()))
        {
            return Action.ABORT;
        }

        writer.beginBatch(batch);
        final PacketsDecoder packets = batch.packets();
        while (packets.hasNext())
        {
            writer.writePacket(packets.next());
        }
        final FlowsDecoder flows = batch.flows();
        while (flows.hasNext())
        {
            writer.writeFlow(flows.next());
        }
        final FramesDecoder frames = batch.frames();
        final UnsafeBuffer frameBytes = this.frameBytes;
        while (frames.hasNext())
        {
            final FramesDecoder frame = frames.next();
            frame.wrapBytes(frameBytes);
            writer.writeFrame(frame, frameBytes);
            frameWriter.writeFrame(frame, frameBytes);
        }
        final EventsDecoder events = batch.events();
        while (events.hasNext())
        {
            writer.writeEvent(events.next());
        }

        final long missing = 0 == lastSequence ? 0 : sequence - lastSequence - 1;
        counters.onAccepted(
            stream,
            sequence,
            validator.packetCount(),
            validator.flowCount(),
            validator.frameCount(),
            validator.eventCount(),
            missing,
            length);

        return Action.CONTINUE;
    }

    /**
     * How long batches after a gap are held back (dropped, counted) for the gateway to replay the
     * missing ones; 0 accepts them at once, counting the gap.
     */
    void gapTimeoutNs(final long gapTimeoutNs)
    {
        this.gapTimeoutNs = gapTimeoutNs;
    }

    /** The time of the duty cycle, read once per cycle by the core. */
    void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    int streamCount()
    {
        return streams.size();
    }

    /**
     * @return the streams seen (or restored from the core's durable state).
     */
    StreamTable streams()
    {
        return streams;
    }

    /**
     * Tells the operator once per change of version, not per frame: a gateway and a core built
     * from different schema versions is a deployment error that counting alone would hide.
     */
    private void onUnsupportedVersion(final int version)
    {
        if (version != lastReportedVersion)
        {
            lastReportedVersion = version;
            errorHandler.onError(new UnsupportedSchemaVersionException(
                "regional core " + regionName + " rejects DataBatch frames of schema version " + version +
                "; it reads versions " + DataBatchValidator.MIN_SCHEMA_VERSION + " to " + DataBatchValidator.SCHEMA_VERSION +
                " only: run gateways and cores built from the same schema"));
        }
    }

    private boolean isThisRegion(final DirectBuffer buffer, final int offset)
    {
        final byte[] region = this.region;
        final int length = region.length;
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != region[i])
            {
                return false;
            }
        }

        return length == StreamTable.REGION_LENGTH || 0 == buffer.getByte(offset + length);
    }
}
