package dev.sluice.dataplane.decode;

/**
 * Kinds of header the decoder records in a packet's header chain ({@code PacketBurst.headerType}
 * and {@code headerOffset}): every IP layer, transport header, tunnel header, inner Ethernet
 * header and PPPoE header, outermost first, so that later stages can find and rewrite the
 * length fields of every layer and read tunnel fields lazily. VLAN tags and MPLS labels are not
 * in the chain; the burst keeps their offset and count.
 * <p>
 * Constants only; any thread.
 */
public final class HeaderType
{
    public static final byte PPPOE = 1;
    public static final byte IPV4 = 2;
    public static final byte IPV6 = 3;
    /** An IP authentication header, in IPv4 or IPv6. */
    public static final byte AH = 4;
    public static final byte TCP = 5;
    public static final byte UDP = 6;
    public static final byte SCTP = 7;
    public static final byte ICMP = 8;
    public static final byte ICMPV6 = 9;
    public static final byte ESP = 10;
    public static final byte GRE = 11;
    /** ERSPAN type II or III header (type I has none). */
    public static final byte ERSPAN = 12;
    public static final byte VXLAN = 13;
    public static final byte GENEVE = 14;
    public static final byte GTP = 15;
    /** Start of a Teredo UDP payload: its optional indicators, then IPv6. */
    public static final byte TEREDO = 16;
    /** An Ethernet header inside a tunnel (VXLAN, GENEVE, GRE, ERSPAN). */
    public static final byte ETHERNET = 17;

    private static final String[] NAMES = {
        null, "pppoe", "ipv4", "ipv6", "ah", "tcp", "udp", "sctp", "icmp", "icmpv6", "esp", "gre", "erspan", "vxlan",
        "geneve", "gtp", "teredo", "eth"};

    private HeaderType()
    {
    }

    /** Short lowercase name of {@code type} for tools and diagnostics, or null for unknown values. */
    public static String name(final int type)
    {
        return type > 0 && type < NAMES.length ? NAMES[type] : null;
    }
}
