package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;

/**
 * Flyweight over an Ethernet II header (IEEE 802.3 frames put a length where the EtherType
 * is; values below {@link #MIN_ETHER_TYPE} are lengths). VLAN tags that follow are read with
 * {@link VlanTag}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Destination MAC address (48 bits)              |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                  Source MAC address (48 bits)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      EtherType or length      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class EthernetHeader
{
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int LENGTH = 14;

    /** Smallest value that is an EtherType rather than an 802.3 length. */
    public static final int MIN_ETHER_TYPE = 0x0600;
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_ARP = 0x0806;
    /** IEEE 802.1Q customer VLAN tag. */
    public static final int ETHER_TYPE_VLAN = 0x8100;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    /** IEEE 802.1ad service VLAN tag (QinQ outer tag). */
    public static final int ETHER_TYPE_QINQ = 0x88A8;
    /** Pre-standard QinQ outer tag some switches still send. */
    public static final int ETHER_TYPE_QINQ_LEGACY = 0x9100;
    public static final int ETHER_TYPE_MPLS_UNICAST = 0x8847;
    public static final int ETHER_TYPE_MPLS_MULTICAST = 0x8848;
    /** PPPoE session stage (0x8863, discovery, carries no IP). */
    public static final int ETHER_TYPE_PPPOE_SESSION = 0x8864;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public EthernetHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    /** Destination MAC address in the low 48 bits. */
    public long destinationMac()
    {
        return mac(DESTINATION_OFFSET);
    }

    /** Source MAC address in the low 48 bits. */
    public long sourceMac()
    {
        return mac(SOURCE_OFFSET);
    }

    public int etherType()
    {
        return segment.get(U16, offset + ETHER_TYPE_OFFSET) & 0xFFFF;
    }

    /** True for the EtherTypes that announce a VLAN tag (802.1Q, 802.1ad, pre-standard QinQ). */
    public static boolean isVlanTag(final int etherType)
    {
        return etherType == ETHER_TYPE_VLAN || etherType == ETHER_TYPE_QINQ || etherType == ETHER_TYPE_QINQ_LEGACY;
    }

    private long mac(final int at)
    {
        return ((segment.get(U16, offset + at) & 0xFFFFL) << 32) | (segment.get(U32, offset + at + 2) & 0xFFFF_FFFFL);
    }
}
