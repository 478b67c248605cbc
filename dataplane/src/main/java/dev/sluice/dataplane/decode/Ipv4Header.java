package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over an IPv4 header (RFC 791). Options are not interpreted; they are skipped by
 * {@link #headerLengthBytes()}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |   DSCP/ECN    |          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |0|D|M|     Fragment Offset     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5)                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (D: don't fragment, M: more fragments; fragment offset in 8-byte units)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MIN_LENGTH} first. Owned by one decoder, called only by its worker thread.
 */
public final class Ipv4Header
{
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int DSCP_ECN_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int MIN_LENGTH = 20;

    /** Bits of {@link #flags()}: bit 2 is reserved. */
    public static final int FLAG_DONT_FRAGMENT = 0x2;
    public static final int FLAG_MORE_FRAGMENTS = 0x1;

    private static final int DONT_FRAGMENT = 0x4000;
    private static final int MORE_FRAGMENTS = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public Ipv4Header wrap(final MemorySegment segment, final long offset, final int length)
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

    public int version()
    {
        return (segment.get(U8, offset + VERSION_IHL_OFFSET) & 0xF0) >>> 4;
    }

    /** IHL in bytes, options included; at least 20 in a valid header. */
    public int headerLengthBytes()
    {
        return (segment.get(U8, offset + VERSION_IHL_OFFSET) & 0x0F) * 4;
    }

    public int dscpEcn()
    {
        return segment.get(U8, offset + DSCP_ECN_OFFSET) & 0xFF;
    }

    /** Header plus payload; 0 in packets captured before TCP segmentation offload filled it in. */
    public int totalLengthBytes()
    {
        return segment.get(U16, offset + TOTAL_LENGTH_OFFSET) & 0xFFFF;
    }

    public int identification()
    {
        return segment.get(U16, offset + IDENTIFICATION_OFFSET) & 0xFFFF;
    }

    /** The three flag bits as a number: reserved, DF, MF (tshark's {@code ip.flags}). */
    public int flags()
    {
        return flagsAndFragment() >>> 13;
    }

    public boolean dontFragment()
    {
        return (flagsAndFragment() & DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments()
    {
        return (flagsAndFragment() & MORE_FRAGMENTS) != 0;
    }

    public int fragmentOffsetBytes()
    {
        return (flagsAndFragment() & FRAGMENT_OFFSET_MASK) * 8;
    }

    /** True for a fragment other than the first: it carries no transport header. */
    public boolean isLaterFragment()
    {
        return (flagsAndFragment() & FRAGMENT_OFFSET_MASK) != 0;
    }

    /** True for any fragment, first or later. */
    public boolean isFragment()
    {
        return (flagsAndFragment() & (MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return segment.get(U8, offset + TTL_OFFSET) & 0xFF;
    }

    public int protocol()
    {
        return segment.get(U8, offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public int checksum()
    {
        return segment.get(U16, offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /** Source address as an unsigned 32-bit value in a long. */
    public long sourceAddress()
    {
        return segment.get(U32, offset + SOURCE_OFFSET) & 0xFFFF_FFFFL;
    }

    /** Destination address as an unsigned 32-bit value in a long. */
    public long destinationAddress()
    {
        return segment.get(U32, offset + DESTINATION_OFFSET) & 0xFFFF_FFFFL;
    }

    private int flagsAndFragment()
    {
        return segment.get(U16, offset + FLAGS_FRAGMENT_OFFSET) & 0xFFFF;
    }
}
