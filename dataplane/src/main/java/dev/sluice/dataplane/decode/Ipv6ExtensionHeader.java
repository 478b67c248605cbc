package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over the common start of the IPv6 hop-by-hop options (0), routing (43) and
 * destination options (60) headers, which is all the decoder needs to step over them.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |        options or routing data, (Hdr Ext Len + 1) * 8         |
 *  |                   bytes in all with the above                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MIN_READABLE_LENGTH} first. Owned by one decoder, called only by its worker thread.
 */
public final class Ipv6ExtensionHeader
{
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int HEADER_EXTENSION_LENGTH_OFFSET = 1;
    /** Bytes the accessors read. */
    public static final int MIN_READABLE_LENGTH = 2;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public Ipv6ExtensionHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    /** Length of the whole extension header: 8 to 2048 bytes. */
    public int headerLengthBytes()
    {
        return ((segment.get(U8, offset + HEADER_EXTENSION_LENGTH_OFFSET) & 0xFF) + 1) * 8;
    }

    /** True for the next-header values this flyweight can step over. */
    public static boolean isOptionsOrRouting(final int nextHeader)
    {
        return nextHeader == IpProtocol.IPV6_HOP_BY_HOP ||
            nextHeader == IpProtocol.IPV6_ROUTING ||
            nextHeader == IpProtocol.IPV6_DESTINATION_OPTIONS;
    }
}
