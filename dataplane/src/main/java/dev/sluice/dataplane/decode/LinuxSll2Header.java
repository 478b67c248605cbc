package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over a Linux cooked-capture v2 header (LINKTYPE_LINUX_SLL2): v1's fields
 * reordered, plus the receiving interface's index.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Protocol (EtherType)     |           Reserved            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Interface index                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      ARPHRD device type       |  Packet type  | Address length|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Link-layer address (8 bytes, zero padded)        |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class LinuxSll2Header
{
    public static final int PROTOCOL_OFFSET = 0;
    public static final int INTERFACE_INDEX_OFFSET = 4;
    public static final int DEVICE_TYPE_OFFSET = 8;
    public static final int PACKET_TYPE_OFFSET = 10;
    public static final int ADDRESS_LENGTH_OFFSET = 11;
    public static final int ADDRESS_OFFSET = 12;
    public static final int LENGTH = 20;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public LinuxSll2Header wrap(final MemorySegment segment, final long offset, final int length)
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

    public int protocol()
    {
        return segment.get(U16, offset + PROTOCOL_OFFSET) & 0xFFFF;
    }

    public long interfaceIndex()
    {
        return segment.get(U32, offset + INTERFACE_INDEX_OFFSET) & 0xFFFF_FFFFL;
    }

    /** ARPHRD_* device type (1: Ethernet). */
    public int deviceType()
    {
        return segment.get(U16, offset + DEVICE_TYPE_OFFSET) & 0xFFFF;
    }

    /** 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
    public int packetType()
    {
        return segment.get(U8, offset + PACKET_TYPE_OFFSET) & 0xFF;
    }
}
