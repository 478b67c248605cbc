package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.EventsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Checks that a frame is a complete, well-formed {@code DataBatch} before anything reads it: the
 * message header, every declared length against the frame's end, identifiers, sequence, record
 * count and IP versions. The generated decoders do not check lengths, so nothing else touches a
 * frame that has not passed here. A frame that passes is left wrapped in {@link #batch()}, and the
 * upper bound of its NDJSON output is in {@link #outputLengthBound()}.
 * <p>
 * Newer schema versions are accepted: their longer blocks are skipped by the lengths they declare.
 * <p>
 * Agent thread only.
 */
final class DataBatchValidator
{
    /**
     * First schema version this core understands.
     */
    static final int MIN_SCHEMA_VERSION = 1;

    private static final ByteOrder ORDER = DataBatchDecoder.BYTE_ORDER;
    private static final int GROUP_HEADER_LENGTH = PacketsDecoder.sbeHeaderSize();
    private static final int VAR_LENGTH_HEADER_LENGTH = EventsDecoder.bodyHeaderLength();
    private static final int IP_VERSION_OFFSET = PacketsDecoder.ipVersionEncodingOffset();

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final DataBatchDecoder batch = new DataBatchDecoder();
    private int packetCount;
    private int eventCount;
    private long outputLengthBound;

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
        if (header.version() < MIN_SCHEMA_VERSION)
        {
            return RejectReason.UNSUPPORTED_VERSION;
        }

        final int blockLength = header.blockLength();
        if (blockLength < DataBatchDecoder.BLOCK_LENGTH)
        {
            return RejectReason.MALFORMED_BLOCK;
        }

        final long end = (long)offset + length;
        final int blockOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        long position = (long)blockOffset + blockLength;

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        final int packetBlockLength = groupBlockLength(buffer, (int)position);
        final int packets = groupCount(buffer, (int)position);
        if (packetBlockLength < PacketsDecoder.sbeBlockLength())
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        final long packetsOffset = position + GROUP_HEADER_LENGTH;
        position = packetsOffset + (long)packets * packetBlockLength;

        if (position + GROUP_HEADER_LENGTH > end)
        {
            return RejectReason.TRUNCATED;
        }
        final int eventBlockLength = groupBlockLength(buffer, (int)position);
        final int events = groupCount(buffer, (int)position);
        if (eventBlockLength < EventsDecoder.sbeBlockLength())
        {
            return RejectReason.MALFORMED_BLOCK;
        }
        position += GROUP_HEADER_LENGTH;

        long bound = packets * NdjsonBatchWriter.packetLineMaxLength();
        for (int i = 0; i < events; i++)
        {
            position += eventBlockLength;
            if (position + VAR_LENGTH_HEADER_LENGTH > end)
            {
                return RejectReason.TRUNCATED;
            }
            final long bodyLength = buffer.getInt((int)position, ORDER) & 0xFFFF_FFFFL;
            position += VAR_LENGTH_HEADER_LENGTH;
            if (bodyLength > end - position)
            {
                return RejectReason.TRUNCATED;
            }
            position += bodyLength;
            bound += NdjsonBatchWriter.eventLineMaxLength(bodyLength);
        }

        // Bytes after the last group belong to groups or data a newer schema version appended.
        batch.wrap(buffer, blockOffset, blockLength, header.version());

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

        if (batch.recordCount() != (long)packets + events)
        {
            return RejectReason.RECORD_COUNT_MISMATCH;
        }

        for (int i = 0; i < packets; i++)
        {
            final byte ipVersion = buffer.getByte((int)(packetsOffset + (long)i * packetBlockLength + IP_VERSION_OFFSET));
            if (IpVersion.NONE.value() != ipVersion && IpVersion.V4.value() != ipVersion &&
                IpVersion.V6.value() != ipVersion)
            {
                return RejectReason.BAD_IP_VERSION;
            }
        }

        if (bound > NdjsonBatchWriter.MAX_BUFFER_LENGTH)
        {
            return RejectReason.TOO_LARGE;
        }

        packetCount = packets;
        eventCount = events;
        outputLengthBound = bound;

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

    int packetCount()
    {
        return packetCount;
    }

    int eventCount()
    {
        return eventCount;
    }

    int recordCount()
    {
        return packetCount + eventCount;
    }

    long outputLengthBound()
    {
        return outputLengthBound;
    }

    private static int groupBlockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset, ORDER) & 0xFFFF;
    }

    private static int groupCount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, ORDER) & 0xFFFF;
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
