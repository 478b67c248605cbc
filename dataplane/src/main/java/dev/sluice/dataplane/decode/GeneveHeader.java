package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over a GENEVE header (UDP port 6081, RFC 8926).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Virtual Network Identifier (VNI)       |    Reserved   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Options, Opt Len * 4 bytes, each:                   |
 *  |        Option Class           |      Type     |R|R|R| Length  |
 *  |           Option data, Length * 4 bytes                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #FIXED_LENGTH} first. Owned by one decoder, called only by its worker thread.
 */
public final class GeneveHeader
{
    public static final int VERSION_OPTIONS_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 2;
    public static final int VNI_OFFSET = 4;
    public static final int FIXED_LENGTH = 8;
    /** Option class, type and length, before the option's data. */
    public static final int OPTION_HEADER_LENGTH = 4;
    public static final int OPTION_LENGTH_OFFSET = 3;

    public static final int PROTOCOL_ETHERNET = 0x6558;
    public static final int PROTOCOL_IPV4 = 0x0800;
    public static final int PROTOCOL_IPV6 = 0x86DD;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public GeneveHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    /** 0 in RFC 8926. */
    public int version()
    {
        return (segment.get(U8, offset + VERSION_OPTIONS_OFFSET) & 0xC0) >>> 6;
    }

    /** Fixed header and options. */
    public int headerLengthBytes()
    {
        return FIXED_LENGTH + (segment.get(U8, offset + VERSION_OPTIONS_OFFSET) & 0x3F) * 4;
    }

    /** EtherType of the payload (0x6558: Ethernet). */
    public int protocol()
    {
        return segment.get(U16, offset + PROTOCOL_OFFSET) & 0xFFFF;
    }

    public int vni()
    {
        return vni(segment, offset);
    }

    /** The VNI of the header at {@code offset}, for lazy readers that need no flyweight. */
    public static int vni(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset + VNI_OFFSET) >>> 8;
    }

    /** Length of the option whose header starts at {@code optionOffset}, its 4-byte header included. */
    public static int optionLengthBytes(final MemorySegment segment, final long optionOffset)
    {
        return OPTION_HEADER_LENGTH + (segment.get(U8, optionOffset + OPTION_LENGTH_OFFSET) & 0x1F) * 4;
    }
}
