package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;

/**
 * Flyweight over a Linux cooked-capture v1 header (LINKTYPE_LINUX_SLL, what tcpdump writes
 * for {@code -i any}). The protocol field holds an EtherType for every device that carries
 * IP; values below 0x0600 name Linux-specific payloads that are not IP.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Packet type          |      ARPHRD device type       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Link-layer address length    |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |              Link-layer address (8 bytes, zero padded)        |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |   Protocol (EtherType)        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class LinuxSllHeader
{
    public static final int PACKET_TYPE_OFFSET = 0;
    public static final int DEVICE_TYPE_OFFSET = 2;
    public static final int ADDRESS_LENGTH_OFFSET = 4;
    public static final int ADDRESS_OFFSET = 6;
    public static final int PROTOCOL_OFFSET = 14;
    public static final int LENGTH = 16;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public LinuxSllHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    /** 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
    public int packetType()
    {
        return segment.get(U16, offset + PACKET_TYPE_OFFSET) & 0xFFFF;
    }

    /** ARPHRD_* device type (1: Ethernet). */
    public int deviceType()
    {
        return segment.get(U16, offset + DEVICE_TYPE_OFFSET) & 0xFFFF;
    }

    public int protocol()
    {
        return segment.get(U16, offset + PROTOCOL_OFFSET) & 0xFFFF;
    }
}
