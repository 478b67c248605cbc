package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;

/**
 * Flyweight over a UDP header (RFC 768).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class UdpHeader
{
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public UdpHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    public int sourcePort()
    {
        return segment.get(U16, offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public int destinationPort()
    {
        return segment.get(U16, offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    /** The length field: header plus payload. */
    public int datagramLengthBytes()
    {
        return segment.get(U16, offset + LENGTH_OFFSET) & 0xFFFF;
    }

    public int checksum()
    {
        return segment.get(U16, offset + CHECKSUM_OFFSET) & 0xFFFF;
    }
}
