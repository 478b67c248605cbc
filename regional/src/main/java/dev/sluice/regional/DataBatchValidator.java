package dev.sluice.regional;

import dev.sluice.protocol.codec.AnonymizedFieldsEncoder;
import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.EventsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FlowsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FramesDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Checks that a frame is a complete, well-formed {@code DataBatch} before anything reads it, and
 * finds the first thing wrong with it in this order:
 * <ol>
 * <li>the message header: schema, template, a version from {@link #MIN_SCHEMA_VERSION} to {@link #SCHEMA_VERSION}, and the fixed block
 * length that version defines;</li>
 * <li>the layout: each group's header, an entry length equal to the version's, every entry and
 * every variable-length field ending inside the frame, and nothing after the last group;</li>
 * <li>the header fields: printable identifiers, a sequence from 1, and a record count equal to the
 * entries of all four groups;</li>
 * <li>each record: enum values the schema defines, anonymized-fields sets naming only fields the
 * record carries, tunnel fields that agree, flow times in order, frame lengths that agree and fit
 * pcapng;</li>
 * <li>the NDJSON and pcapng output of the batch within the largest buffer.</li>
 * </ol>
 * The generated decoders do not check lengths, so nothing else touches a frame that has not passed
 * here. A frame that passes is left wrapped in {@link #batch()}, with the upper bounds of its output
 * in {@link #ndjsonLengthBound()} and {@link #pcapngLengthBound()}.
 * <p>
 * Agent thread only.
 */
final class DataBatchValidator
{
    /**
     * The one schema version this core reads. Version 2 inserted groups before {@code events},
     * so older layouts cannot be read by skipping what is unknown; version 3 appended the worker
     * index that keys a stream, and a version 2 batch, which has none, would merge the streams of
     * a gateway's workers, so gateways and cores are upgraded together.
     */
    static final int SCHEMA_VERSION = DataBatchDecoder.SCHEMA_VERSION;
    /**
     * The oldest version whose DataBatch layout is this one: version 4 only added StreamAck and
     * version 5 only chunked policy messages, so a batch a gateway spooled before an upgrade still reads.
     */
    static final int MIN_SCHEMA_VERSION = 3;

    private static final ByteOrder ORDER = DataBatchDecoder.BYTE_ORDER;
    private static final int GROUP_HEADER_LENGTH = PacketsDecoder.sbeHeaderSize();
    private static final int VAR_LENGTH_HEADER_LENGTH = EventsDecoder.bodyHeaderLength();
    private static final int PACKET_LENGTH = PacketsDecoder.sbeBlockLength();
    private static final int FLOW_LENGTH = FlowsDecoder.sbeBlockLength();
    private static final int FRAME_LENGTH = FramesDecoder.sbeBlockLength();
    private static final int EVENT_LENGTH = EventsDecoder.sbeBlockLength();

    private static final int OUTER_ADDRESS_BITS;
    private static final int INNER_ADDRESS_BITS;
    private static final boolean[] IS_IP_VERSION = new boolean[256];
    private static final boolean[] IS_TUNNEL_TYPE = new boolean[256];
    private static final boolean[] IS_END_REASON = new boolean[256];
    private static final boolean[] IS_PAYLOAD_ACTION = new boolean[256];

    static
    {
        final UnsafeBuffer set = new UnsafeBuffer(new byte[1]);
        final AnonymizedFieldsEncoder fields = new AnonymizedFieldsEncoder().wrap(set, 0);
        fields.clear().srcAddress(true).dstAddress(true);
        OUTER_ADDRESS_BITS = set.getByte(0) & 0xFF;
        fields.clear().innerSrcAddress(true).innerDstAddress(true);
        INNER_ADDRESS_BITS = set.getByte(0) & 0xFF;

        for (final IpVersion value : IpVersion.values())
        {
            if (IpVersion.NULL_VAL != value)
            {
                IS_IP_VERSION[value.value()] = true;
            }
        }
        for (final TunnelType value : TunnelType.values())
        {
            if (TunnelType.NULL_VAL != value)
            {
                IS_TUNNEL_TYPE[value.value()] = true;
            }
        }
        for (final FlowEndReason value : FlowEndReason.values())
        {
            if (FlowEndReason.NULL_VAL != value)
            {
                IS_END_REASON[value.value()] = true;
            }
        }
        for (final PayloadAction value : PayloadAction.values())
        {
            if (PayloadAction.NULL_VAL != value)
            {
                IS_PAYLOAD_ACTION[value.value()] = true;
            }
        }
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final DataBatchDecoder batch = new DataBatchDecoder();
    private int version;
    private int packetCount;
    private int flowCount;
    private int frameCount;
    private int eventCount;
    private long ndjsonLengthBound;
    private long pcapngLengthBound;

    /**
     * Validates one frame.
     *
     * @param buffer holding the frame.
     * @param offset of its message header.
     * @param length of the frame.
     * @return null when valid, otherwise why not.
     */
    RejectReason validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return RejectReason.TRUNCATED;
        }

        header.wrap(buffer, offset);
        if (header.schemaId() != DataBatchDecoder.SCHEMA_ID)
        {
            return RejectReason.UNKNOWN_SCHEMA;
        }
        if (header.templateId() != DataBatchDecoder.TEMPLATE_ID)
        {
            return RejectReason.UNKNOWN_TEMPLATE;
        }
        version = header.version();
        if (version < MIN_SCHEMA_VERSION || version > SCHEMA_VERSION)
        {
            return RejectReason.UNSUPPORTED_VERSION;
        }
        if (header.blockLength() != DataBatchDecoder.BLOCK_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }

        final long end = (long)offset + length;
        final int blockOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        long position = (long)blockOffset + DataBatchDecoder.BLOCK_LENGTH;

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        if (groupBlockLength(buffer, position) != PACKET_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        final int packets = groupCount(buffer, position);
        final long packetsOffset = position + GROUP_HEADER_LENGTH;
        position = packetsOffset + (long)packets * PACKET_LENGTH;

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        if (groupBlockLength(buffer, position) != FLOW_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        final int flows = groupCount(buffer, position);
        final long flowsOffset = position + GROUP_HEADER_LENGTH;
        position = flowsOffset + (long)flows * FLOW_LENGTH;

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        if (groupBlockLength(buffer, position) != FRAME_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        final int frames = groupCount(buffer, position);
        final long framesOffset = position + GROUP_HEADER_LENGTH;
        position = framesOffset;
        long ndjsonBound = packets * NdjsonBatchWriter.packetLineMaxLength() +
            flows * NdjsonBatchWriter.flowLineMaxLength();
        long pcapngBound = 0;
        for (int i = 0; i < frames; i++)
        {
            position += FRAME_LENGTH;
            final long bytesLength = varLength(buffer, position, end);
            if (bytesLength < 0)
            {
                return RejectReason.TRUNCATED;
            }
            position += VAR_LENGTH_HEADER_LENGTH + bytesLength;
            ndjsonBound += NdjsonBatchWriter.frameLineMaxLength(bytesLength);
            pcapngBound += PcapngFrameWriter.frameMaxLength(bytesLength);
        }

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        if (groupBlockLength(buffer, position) != EVENT_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        final int events = groupCount(buffer, position);
        position += GROUP_HEADER_LENGTH;
        for (int i = 0; i < events; i++)
        {
            position += EVENT_LENGTH;
            final long bodyLength = varLength(buffer, position, end);
            if (bodyLength < 0)
            {
                return RejectReason.TRUNCATED;
            }
            position += VAR_LENGTH_HEADER_LENGTH + bodyLength;
            ndjsonBound += NdjsonBatchWriter.eventLineMaxLength(bodyLength);
        }

        if (position != end)
        {
            return RejectReason.TRAILING_BYTES;
        }

        batch.wrap(buffer, blockOffset, DataBatchDecoder.BLOCK_LENGTH, SCHEMA_VERSION);

        if (!isIdentifier(buffer, blockOffset + DataBatchDecoder.gatewayIdEncodingOffset(),
            DataBatchDecoder.gatewayIdLength(), 1) ||
            !isIdentifier(buffer, blockOffset + DataBatchDecoder.originSiteEncodingOffset(),
            DataBatchDecoder.originSiteLength(), 0) ||
            !isIdentifier(buffer, blockOffset + DataBatchDecoder.originRegionEncodingOffset(),
            DataBatchDecoder.originRegionLength(), 0) ||
            !isIdentifier(buffer, blockOffset + DataBatchDecoder.destinationRegionEncodingOffset(),
            DataBatchDecoder.destinationRegionLength(), 0))
        {
            return RejectReason.BAD_IDENTIFIER;
        }

        if (batch.streamSequence() <= 0)
        {
            return RejectReason.BAD_SEQUENCE;
        }

        if (batch.recordCount() != (long)packets + flows + frames + events)
        {
            return RejectReason.RECORD_COUNT_MISMATCH;
        }

        for (int i = 0; i < packets; i++)
        {
            final RejectReason reason = checkPacket(buffer, (int)(packetsOffset + (long)i * PACKET_LENGTH));
            if (null != reason)
            {
                return reason;
            }
        }

        for (int i = 0; i < flows; i++)
        {
            final RejectReason reason = checkFlow(buffer, (int)(flowsOffset + (long)i * FLOW_LENGTH));
            if (null != reason)
            {
                return reason;
            }
        }

        position = framesOffset;
        for (int i = 0; i < frames; i++)
        {
            final int entryOffset = (int)position;
            position += FRAME_LENGTH;
            final long bytesLength = buffer.getInt((int)position, ORDER) & 0xFFFF_FFFFL;
            position += VAR_LENGTH_HEADER_LENGTH + bytesLength;
            final RejectReason reason = checkFrame(buffer, entryOffset, bytesLength);
            if (null != reason)
            {
                return reason;
            }
        }

        if (ndjsonBound > NdjsonBatchWriter.MAX_BUFFER_LENGTH || pcapngBound > OutputFile.MAX_BUFFER_LENGTH)
        {
            return RejectReason.TOO_LARGE;
        }

        packetCount = packets;
        flowCount = flows;
        frameCount = frames;
        eventCount = events;
        ndjsonLengthBound = ndjsonBound;
        pcapngLengthBound = pcapngBound;

        return null;
    }

    /**
     * Decoder wrapped on the last valid frame, positioned before its groups.
     *
     * @return the decoder.
     */
    DataBatchDecoder batch()
    {
        return batch;
    }

    /**
     * Schema version in the header of the last frame whose header named a {@code DataBatch}.
     *
     * @return the version.
     */
    int version()
    {
        return version;
    }

    int packetCount()
    {
        return packetCount;
    }

    int flowCount()
    {
        return flowCount;
    }

    int frameCount()
    {
        return frameCount;
    }

    int eventCount()
    {
        return eventCount;
    }

    long ndjsonLengthBound()
    {
        return ndjsonLengthBound;
    }

    long pcapngLengthBound()
    {
        return pcapngLengthBound;
    }

    private static RejectReason checkPacket(final DirectBuffer buffer, final int offset)
    {
        final int ipVersion = u8(buffer, offset + PacketsDecoder.ipVersionEncodingOffset());
        final int innerIpVersion = u8(buffer, offset + PacketsDecoder.innerIpVersionEncodingOffset());
        if (!IS_IP_VERSION[ipVersion] || !IS_IP_VERSION[innerIpVersion])
        {
            return RejectReason.BAD_IP_VERSION;
        }

        final int tunnelType = u8(buffer, offset + PacketsDecoder.tunnelTypeEncodingOffset());
        if (!IS_TUNNEL_TYPE[tunnelType])
        {
            return RejectReason.BAD_ENUM_VALUE;
        }

        final int tunnelDepth = u8(buffer, offset + PacketsDecoder.tunnelDepthEncodingOffset());
        final int tunnelId = buffer.getInt(offset + PacketsDecoder.tunnelIdEncodingOffset(), ORDER);
        if (TunnelType.NONE.value() == tunnelType ?
            0 != tunnelDepth || 0 != tunnelId || IpVersion.NONE.value() != innerIpVersion :
            0 == tunnelDepth)
        {
            return RejectReason.BAD_TUNNEL;
        }

        final int anonymized = u8(buffer, offset + PacketsDecoder.anonymizedEncodingOffset());
        if (0 != (anonymized & ~(OUTER_ADDRESS_BITS | INNER_ADDRESS_BITS)) ||
            (IpVersion.NONE.value() == ipVersion && 0 != (anonymized & OUTER_ADDRESS_BITS)) ||
            (IpVersion.NONE.value() == innerIpVersion && 0 != (anonymized & INNER_ADDRESS_BITS)))
        {
            return RejectReason.BAD_ANONYMIZED;
        }

        return null;
    }

    private static RejectReason checkFlow(final DirectBuffer buffer, final int offset)
    {
        final int ipVersion = u8(buffer, offset + FlowsDecoder.ipVersionEncodingOffset());
        if (!IS_IP_VERSION[ipVersion])
        {
            return RejectReason.BAD_IP_VERSION;
        }

        final int tunnelType = u8(buffer, offset + FlowsDecoder.tunnelTypeEncodingOffset());
        if (!IS_TUNNEL_TYPE[tunnelType] || !IS_END_REASON[u8(buffer, offset + FlowsDecoder.endReasonEncodingOffset())])
        {
            return RejectReason.BAD_ENUM_VALUE;
        }

        if (TunnelType.NONE.value() == tunnelType &&
            0 != buffer.getInt(offset + FlowsDecoder.tunnelIdEncodingOffset(), ORDER))
        {
            return RejectReason.BAD_TUNNEL;
        }

        final int anonymized = u8(buffer, offset + FlowsDecoder.anonymizedEncodingOffset());
        if (0 != (anonymized & ~OUTER_ADDRESS_BITS) ||
            (IpVersion.NONE.value() == ipVersion && 0 != anonymized))
        {
            return RejectReason.BAD_ANONYMIZED;
        }

        if (buffer.getLong(offset + FlowsDecoder.lastSeenNsEncodingOffset(), ORDER) <
            buffer.getLong(offset + FlowsDecoder.firstSeenNsEncodingOffset(), ORDER))
        {
            return RejectReason.BAD_FLOW_TIMES;
        }

        return null;
    }

    private static RejectReason checkFrame(final DirectBuffer buffer, final int offset, final long bytesLength)
    {
        final int payloadAction = u8(buffer, offset + FramesDecoder.payloadActionEncodingOffset());
        if (!IS_PAYLOAD_ACTION[payloadAction])
        {
            return RejectReason.BAD_ENUM_VALUE;
        }

        if (0 != (u8(buffer, offset + FramesDecoder.anonymizedEncodingOffset()) &
            ~(OUTER_ADDRESS_BITS | INNER_ADDRESS_BITS)))
        {
            return RejectReason.BAD_ANONYMIZED;
        }

        final long capturedLength =
            buffer.getInt(offset + FramesDecoder.capturedLengthEncodingOffset(), ORDER) & 0xFFFF_FFFFL;
        if (buffer.getLong(offset + FramesDecoder.timestampNsEncodingOffset(), ORDER) < 0 ||
            bytesLength > PcapngFrameWriter.MAX_FRAME_LENGTH ||
            bytesLength > capturedLength ||
            (PayloadAction.NONE.value() == payloadAction && bytesLength != capturedLength))
        {
            return RejectReason.BAD_FRAME;
        }

        return null;
    }

    /**
     * Length of a variable-length field whose length header is at {@code position}, or -1 when
     * the header or the data would end past {@code end}.
     */
    private static long varLength(final DirectBuffer buffer, final long position, final long end)
    {
        if (position + VAR_LENGTH_HEADER_LENGTH > end)
        {
            return -1;
        }
        final long length = buffer.getInt((int)position, ORDER) & 0xFFFF_FFFFL;

        return length > end - position - VAR_LENGTH_HEADER_LENGTH ? -1 : length;
    }

    private static int u8(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset) & 0xFF;
    }

    private static int groupBlockLength(final DirectBuffer buffer, final long offset)
    {
        return buffer.getShort((int)offset, ORDER) & 0xFFFF;
    }

    private static int groupCount(final DirectBuffer buffer, final long offset)
    {
        return buffer.getShort((int)offset + 2, ORDER) & 0xFFFF;
    }

    /**
     * A NUL-padded identifier: printable ASCII up to the first NUL; bytes after it are padding.
     */
    private static boolean isIdentifier(
        final DirectBuffer buffer, final int offset, final int length, final int minLength)
    {
        int i = 0;
        for (; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (0 == b)
            {
                break;
            }
            if (b < 0x20 || b > 0x7E)
            {
                return false;
            }
        }

        return i >= minLength;
    }
}
