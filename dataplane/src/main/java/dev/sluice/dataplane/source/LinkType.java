package dev.sluice.dataplane.source;

/**
 * Link-layer header types as numbered by pcap and pcapng (the {@code LINKTYPE_*} registry at
 * tcpdump.org), the values sources put in {@code PacketBurst.linkType}. Only the types some
 * part of Sluice reads or writes are named here.
 * <p>
 * Constants only; any thread.
 */
public final class LinkType
{
    /** BSD loopback, a 4-byte host-order address family header. */
    public static final int NULL = 0;
    /** Ethernet II / 802.3, with optional 802.1Q and 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** Raw IP as numbered by some older libpcap builds (DLT_RAW on most systems). */
    public static final int RAW_DLT_12 = 12;
    /** Raw IP as numbered by OpenBSD's DLT_RAW. */
    public static final int RAW_DLT_14 = 14;
    /** Raw IP: the packet starts with an IPv4 or IPv6 header, told apart by its version nibble. */
    public static final int RAW = 101;
    /** Linux cooked capture v1 (16-byte SLL header, as tcpdump writes for {@code -i any}). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 (20-byte SLL2 header). */
    public static final int LINUX_SLL2 = 276;

    private LinkType()
    {
    }
}
