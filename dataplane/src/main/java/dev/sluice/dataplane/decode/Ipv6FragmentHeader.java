package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over the IPv6 fragment header (next header 44, RFC 8200 section 4.5).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Identification                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (fragment offset in 8-byte units; M: more fragments)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class Ipv6FragmentHeader
{
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int FRAGMENT_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int LENGTH = 8;

    private static final int MORE_FRAGMENTS = 0x0001;
    private static final int FRAGMENT_OFFSET_MASK = 0xFFF8;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public Ipv6FragmentHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    /** Offset of this fragment's data in the original payload; the field counts 8-byte units. */
    public int fragmentOffsetBytes()
    {
        return offsetAndFlags() & FRAGMENT_OFFSET_MASK;
    }

    public boolean moreFragments()
    {
        return (offsetAndFlags() & MORE_FRAGMENTS) != 0;
    }

    /** True for a fragment other than the first: it carries no upper-layer header. */
    public boolean isLaterFragment()
    {
        return (offsetAndFlags() & FRAGMENT_OFFSET_MASK) != 0;
    }

    public long identification()
    {
        return segment.get(U32, offset + IDENTIFICATION_OFFSET) & 0xFFFF_FFFFL;
    }

    private int offsetAndFlags()
    {
        return segment.get(U16, offset + FRAGMENT_OFFSET) & 0xFFFF;
    }
}
