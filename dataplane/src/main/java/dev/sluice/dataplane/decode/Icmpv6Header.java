package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over an ICMPv6 header (RFC 4443): type, code and checksum, then four bytes whose meaning
 * depends on the type (identifier and sequence for echo, MTU for packet-too-big, unused for
 * most errors). Every defined message has at least those {@link #LENGTH} bytes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Rest of header (type specific)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #TYPE_CODE_CHECKSUM_LENGTH} (or {@link #LENGTH} for {@link #restOfHeader()}) first.
 * Owned by one decoder, called only by its worker thread.
 */
public final class Icmpv6Header
{
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int REST_OF_HEADER_OFFSET = 4;
    /** Bytes that {@link #type()}, {@link #code()} and {@link #checksum()} read. */
    public static final int TYPE_CODE_CHECKSUM_LENGTH = 4;
    public static final int LENGTH = 8;

    public static final int DESTINATION_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public Icmpv6Header wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Readable bytes from the start of the header. */
    public int length()
    {
        return length;
    }

    public int type()
    {
        return segment.get(U8, offset + TYPE_OFFSET) & 0xFF;
    }

    public int code()
    {
        return segment.get(U8, offset + CODE_OFFSET) & 0xFF;
    }

    public int checksum()
    {
        return segment.get(U16, offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /** The type-specific second word, unsigned. */
    public long restOfHeader()
    {
        return segment.get(U32, offset + REST_OF_HEADER_OFFSET) & 0xFFFF_FFFFL;
    }
}
