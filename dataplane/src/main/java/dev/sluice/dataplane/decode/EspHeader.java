package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;

/**
 * Flyweight over the clear-text start of an IP Encapsulating Security Payload (protocol 50,
 * RFC 4303); everything after it is encrypted, so the decoder stops here.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Security Parameters Index (SPI)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Sequence Number                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class EspHeader
{
    public static final int SPI_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int LENGTH = 8;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public EspHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    public long spi()
    {
        return spi(segment, offset);
    }

    public long sequenceNumber()
    {
        return segment.get(U32, offset + SEQUENCE_OFFSET) & 0xFFFF_FFFFL;
    }

    /** The SPI of the header at {@code offset}, for lazy readers that need no flyweight. */
    public static long spi(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset + SPI_OFFSET) & 0xFFFF_FFFFL;
    }
}
