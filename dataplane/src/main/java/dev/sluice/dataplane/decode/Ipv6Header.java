package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U64;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over the fixed IPv6 header (RFC 8200). Extension headers that follow are read
 * with {@link Ipv6ExtensionHeader} and {@link Ipv6FragmentHeader}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |           Flow Label                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                  Source Address (128 bits)                    +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +               Destination Address (128 bits)                  +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Addresses are read as two big-endian 64-bit halves, the form {@code PacketBurst} stores.
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class Ipv6Header
{
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int LENGTH = 40;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public Ipv6Header wrap(final MemorySegment segment, final long offset, final int length)
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
        return (segment.get(U8, offset + VERSION_CLASS_FLOW_OFFSET) & 0xF0) >>> 4;
    }

    public int trafficClass()
    {
        return (segment.get(U32, offset + VERSION_CLASS_FLOW_OFFSET) >>> 20) & 0xFF;
    }

    public int flowLabel()
    {
        return segment.get(U32, offset + VERSION_CLASS_FLOW_OFFSET) & 0x000F_FFFF;
    }

    /** Bytes after this fixed header, extension headers included; 0 for jumbograms and TSO captures. */
    public int payloadLengthBytes()
    {
        return segment.get(U16, offset + PAYLOAD_LENGTH_OFFSET) & 0xFFFF;
    }

    public int nextHeader()
    {
        return segment.get(U8, offset + NEXT_HEADER_OFFSET) & 0xFF;
    }

    public int hopLimit()
    {
        return segment.get(U8, offset + HOP_LIMIT_OFFSET) & 0xFF;
    }

    public long sourceAddressHigh()
    {
        return segment.get(U64, offset + SOURCE_OFFSET);
    }

    public long sourceAddressLow()
    {
        return segment.get(U64, offset + SOURCE_OFFSET + 8);
    }

    public long destinationAddressHigh()
    {
        return segment.get(U64, offset + DESTINATION_OFFSET);
    }

    public long destinationAddressLow()
    {
        return segment.get(U64, offset + DESTINATION_OFFSET + 8);
    }
}
