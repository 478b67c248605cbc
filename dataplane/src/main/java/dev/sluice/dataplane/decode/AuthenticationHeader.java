package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over an IP Authentication Header (protocol 51, RFC 4302), which the decoder steps
 * over in IPv4 and IPv6 alike to reach what it protects.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Header   |  Payload Len  |          RESERVED             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Security Parameters Index (SPI)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Sequence Number and Integrity Check Value        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (the header is (Payload Len + 2) * 4 bytes long)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MIN_LENGTH} first. Owned by one decoder, called only by its worker thread.
 */
public final class AuthenticationHeader
{
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 1;
    public static final int SPI_OFFSET = 4;
    /** Next header, length, reserved and SPI: the shortest header ((0 + 2) * 4 bytes). */
    public static final int MIN_LENGTH = 8;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public AuthenticationHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    public int nextHeader()
    {
        return segment.get(U8, offset + NEXT_HEADER_OFFSET) & 0xFF;
    }

    /** Length of the whole header: 8 to 1028 bytes. */
    public int headerLengthBytes()
    {
        return ((segment.get(U8, offset + PAYLOAD_LENGTH_OFFSET) & 0xFF) + 2) * 4;
    }

    public long spi()
    {
        return segment.get(U32, offset + SPI_OFFSET) & 0xFFFF_FFFFL;
    }
}
