package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Reads the first question of a DNS message (RFC 1035 section 4.1): checks its name and
 * QTYPE/QCLASS fit, and copies the name in dotted form without the trailing dot.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              ID               |QR| Opcode |AA|TC|RD|RA| Z|RCODE|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            QDCOUNT            |            ANCOUNT            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            NSCOUNT            |            ARCOUNT            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  QNAME: labels (length byte, 1..63 bytes) ending with a 0 byte or a  |
 *  |  2-byte compression pointer (top bits 11, 14-bit offset in the message) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             QTYPE             |            QCLASS             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Compression pointers may point anywhere in the message, but at most {@link #MAX_POINTERS}
 * are followed and the name may hold at most {@link #MAX_NAME_BYTES} bytes in wire form, so a
 * loop of pointers ends as a malformed name. Label bytes are copied as they are; a label that
 * contains a dot is not escaped.
 * <p>
 * Holds the results of the last {@link #read}; owned by one decoder or accessor, called only
 * by its thread.
 */
public final class DnsQuestion
{
    public static final int HEADER_LENGTH = 12;
    public static final int QUESTION_COUNT_OFFSET = 4;
    /** QTYPE and QCLASS after the name. */
    public static final int TYPE_CLASS_LENGTH = 4;
    /** Longest name in wire form, length bytes and the final 0 included (RFC 1035 section 2.3.4). */
    public static final int MAX_NAME_BYTES = 255;
    /** Longest name in dotted form: a sink this long always holds it. */
    public static final int MAX_NAME_CHARS = 253;
    public static final int MAX_POINTERS = 16;

    /** {@link #read} found a valid first question. */
    public static final int VALID = 0;
    /** The message has no question (QDCOUNT 0). */
    public static final int NO_QUESTION = 1;
    /** The first question's name is invalid: a reserved label type, too many pointers, too long. */
    public static final int MALFORMED = 2;
    /** What {@link #read} needs lies inside the message but past the captured bytes. */
    public static final int NOT_CAPTURED = 3;
    /** The name is valid but does not fit the sink. */
    public static final int SINK_TOO_SMALL = 4;
    /** The header or the first question runs past the end of the message. */
    public static final int PAST_END = 5;

    private static final int LABEL_TYPE_MASK = 0xC0;
    private static final int POINTER = 0xC0;
    private static final int POINTER_LENGTH = 2;

    private int typeOffset;
    private int nameLength;

    /**
     * Reads the first question of the message at {@code message}: offsets are relative to
     * {@code base} in {@code segment}, the message ends at {@code end} (on the wire) and the
     * captured bytes at {@code captured}.
     *
     * @param sink       where to copy the dotted name, or null to only check it.
     * @param sinkOffset where in {@code sink} the name starts.
     * @return {@link #VALID}, {@link #NO_QUESTION}, {@link #MALFORMED}, {@link #PAST_END},
     * {@link #NOT_CAPTURED} or {@link #SINK_TOO_SMALL}.
     */
    public int read(
        final MemorySegment segment,
        final long base,
        final int message,
        final int end,
        final int captured,
        final byte[] sink,
        final int sinkOffset)
    {
        typeOffset = -1;
        nameLength = 0;
        int status = available(message, HEADER_LENGTH, end, captured);
        if (status != VALID)
        {
            return status;
        }
        if ((segment.get(U16, base + message + QUESTION_COUNT_OFFSET) & 0xFFFF) == 0)
        {
            return NO_QUESTION;
        }

        int position = message + HEADER_LENGTH;
        int afterName = -1;
        int wireBytes = 0;
        int pointers = 0;
        int copied = 0;
        while (true)
        {
            status = available(position, 1, end, captured);
            if (status != VALID)
            {
                return status;
            }
            final int length = segment.get(U8, base + position) & 0xFF;
            if (length == 0)
            {
                afterName = afterName < 0 ? position + 1 : afterName;
                break;
            }
            if ((length & LABEL_TYPE_MASK) == POINTER)
            {
                status = available(position, POINTER_LENGTH, end, captured);
                if (status != VALID)
                {
                    return status;
                }
                if (++pointers > MAX_POINTERS)
                {
                    return MALFORMED;
                }
                afterName = afterName < 0 ? position + POINTER_LENGTH : afterName;
                position = message + (((length & ~LABEL_TYPE_MASK) << 8) | (segment.get(U8, base + position + 1) & 0xFF));
                continue;
            }
            if ((length & LABEL_TYPE_MASK) != 0)
            {
                // The extended label types of RFC 2671 and RFC 2673 are obsolete; nothing sends them.
                return MALFORMED;
            }
            wireBytes += 1 + length;
            if (wireBytes + 1 > MAX_NAME_BYTES)
            {
                return MALFORMED;
            }
            status = available(position + 1, length, end, captured);
            if (status != VALID)
            {
                return status;
            }
            final int dotted = copied == 0 ? length : length + 1;
            if (null != sink)
            {
                if (sinkOffset + copied + dotted > sink.length)
                {
                    return SINK_TOO_SMALL;
                }
                int to = sinkOffset + copied;
                if (copied > 0)
                {
                    sink[to++] = '.';
                }
                MemorySegment.copy(segment, U8, base + position + 1, sink, to, length);
            }
            copied += dotted;
            position += 1 + length;
        }

        status = available(afterName, TYPE_CLASS_LENGTH, end, captured);
        if (status != VALID)
        {
            return status;
        }
        typeOffset = afterName;
        nameLength = copied;
        return VALID;
    }

    /** Offset of QTYPE after the last valid {@link #read}. */
    public int typeOffset()
    {
        return typeOffset;
    }

    /** Characters of the dotted name after the last valid {@link #read}; 0 for the root. */
    public int nameLength()
    {
        return nameLength;
    }

    private static int available(final int offset, final int bytes, final int end, final int captured)
    {
        final long last = (long)offset + bytes;
        if (last > end)
        {
            return PAST_END;
        }
        return last > captured ? NOT_CAPTURED : VALID;
    }
}
