package dev.sluice.policy.field;

import java.util.List;

/**
 * The packet fields and their ids, as agreed with the packet decoders (FIELDS-ISSUE4). Names
 * follow Wireshark's display filters, with one deliberate difference: {@code ip.src},
 * {@code ip.dst}, {@code ip.proto}, {@code ip.ttl} and {@code ip.tos} cover IPv4 and IPv6 alike
 * (Wireshark has separate {@code ipv6.src}, {@code ipv6.nxt}, {@code ipv6.hlim},
 * {@code ipv6.tclass}); a rule can tell the families apart with {@code ip.version} or by the
 * literal it compares with. Likewise {@code icmp.type} and {@code icmp.code} cover ICMP and
 * ICMPv6.
 * <p>
 * "Outer" fields come from the first (outermost) headers of the packet; {@code inner.*} fields
 * from the innermost IP layer after every tunnel the decoder understood, present only when
 * {@code tunnel.depth >= 1}. Repeated fields ({@code vlan.id}, {@code mpls.label}) hold every
 * value of the packet, outermost first.
 * <p>
 * Base fields come first, with ids {@code 0..BASE_FIELD_COUNT-1}, so the dataplane can index
 * arrays by base id; derived fields and aliases follow.
 * <p>
 * Immutable; any thread.
 */
public final class PacketFields
{
    public static final int FRAME_LEN = 0;
    public static final int FRAME_CAP_LEN = 1;
    public static final int ETH_TYPE = 2;
    public static final int VLAN_ID = 3;
    public static final int MPLS_LABEL = 4;
    public static final int PPPOE_SESSION_ID = 5;
    public static final int IP_VERSION = 6;
    public static final int IP_SRC = 7;
    public static final int IP_DST = 8;
    public static final int IP_PROTO = 9;
    public static final int IP_TTL = 10;
    public static final int IP_TOS = 11;
    public static final int IP_ID = 12;
    public static final int IP_FLAGS = 13;
    public static final int IP_FRAG_OFFSET = 14;
    public static final int TCP_SRCPORT = 15;
    public static final int TCP_DSTPORT = 16;
    public static final int TCP_FLAGS = 17;
    public static final int UDP_SRCPORT = 18;
    public static final int UDP_DSTPORT = 19;
    public static final int SCTP_SRCPORT = 20;
    public static final int SCTP_DSTPORT = 21;
    public static final int ICMP_TYPE = 22;
    public static final int ICMP_CODE = 23;
    public static final int ESP_SPI = 24;
    public static final int GRE_PROTO = 25;
    public static final int VXLAN_VNI = 26;
    public static final int GENEVE_VNI = 27;
    public static final int GTP_TEID = 28;
    public static final int TUNNEL_DEPTH = 29;
    public static final int TUNNEL_TYPE = 30;
    public static final int INNER_IP_VERSION = 31;
    public static final int INNER_IP_SRC = 32;
    public static final int INNER_IP_DST = 33;
    public static final int INNER_IP_PROTO = 34;
    public static final int INNER_TCP_SRCPORT = 35;
    public static final int INNER_TCP_DSTPORT = 36;
    public static final int INNER_UDP_SRCPORT = 37;
    public static final int INNER_UDP_DSTPORT = 38;
    public static final int DNS_QRY_NAME = 39;
    public static final int DNS_QRY_TYPE = 40;
    public static final int TLS_SNI = 41;
    /** Base fields have ids below this. */
    public static final int BASE_FIELD_COUNT = 42;

    public static final int IP_FLAGS_DF = 42;
    public static final int IP_FLAGS_MF = 43;
    public static final int TCP_FLAGS_SYN = 44;
    public static final int TCP_FLAGS_ACK = 45;
    public static final int TCP_FLAGS_FIN = 46;
    public static final int TCP_FLAGS_RST = 47;

    public static final int IP_ADDR = 48;
    public static final int TCP_PORT = 49;
    public static final int UDP_PORT = 50;
    public static final int SCTP_PORT = 51;
    public static final int INNER_IP_ADDR = 52;
    public static final int INNER_TCP_PORT = 53;
    public static final int INNER_UDP_PORT = 54;
    /** Every packet field has an id below this. */
    public static final int FIELD_COUNT = 55;

    /** Bits of {@code tcp.flags}, as on the wire. */
    public static final int TCP_FLAG_FIN_BIT = 0;
    public static final int TCP_FLAG_SYN_BIT = 1;
    public static final int TCP_FLAG_RST_BIT = 2;
    public static final int TCP_FLAG_ACK_BIT = 4;

    /** Bits of {@code ip.flags}: the three IPv4 flag bits as a number 0..7 (reserved, DF, MF). */
    public static final int IP_FLAG_MF_BIT = 0;
    public static final int IP_FLAG_DF_BIT = 1;

    /** Values of {@code tunnel.type}: the outermost encapsulation the decoder understood. */
    public static final List<String> TUNNEL_TYPES = List.of("gre", "erspan", "vxlan", "geneve", "gtp", "ipip", "teredo");

    /** The data class every address field belongs to by default. */
    public static final String PII_IP = "pii.ip";

    private static final long UINT8 = 0xFFL;
    private static final long UINT16 = 0xFFFFL;
    private static final long UINT24 = 0xFF_FFFFL;
    private static final long UINT32 = 0xFFFF_FFFFL;
    /** A DNS name in dotted form without the trailing dot: 255 octets on the wire. */
    private static final int DNS_NAME_LENGTH = 253;
    /** A TLS server_name entry is an opaque vector of at most 2^16-1 bytes (RFC 6066). */
    private static final int SNI_LENGTH = 65_535;

    private PacketFields()
    {
    }

    /**
     * @return every packet field, in id order.
     */
    static List<Field> all()
    {
        final Field frameLen = Field.base(FRAME_LEN, "frame.len", FieldType.INTEGER, 0, UINT32,
            "length of the frame on the wire, in bytes", null);
        final Field frameCapLen = Field.base(FRAME_CAP_LEN, "frame.cap_len", FieldType.INTEGER, 0, UINT32,
            "bytes of the frame that were captured", null);
        final Field ethType = Field.base(ETH_TYPE, "eth.type", FieldType.INTEGER, 0, UINT16,
            "EtherType after any VLAN tags (0x8847 for MPLS, 0x8864 for a PPPoE session, ...)", null);
        final Field vlanId = Field.repeated(VLAN_ID, "vlan.id", 0, 4095,
            "VLAN id of every 802.1Q / 802.1ad tag, outermost first; absent when untagged", null);
        final Field mplsLabel = Field.repeated(MPLS_LABEL, "mpls.label", 0, 0xF_FFFFL,
            "every MPLS label of the stack, top first", null);
        final Field pppoeSessionId = Field.base(PPPOE_SESSION_ID, "pppoe.session_id", FieldType.INTEGER, 0, UINT16,
            "PPPoE session id", null);
        final Field ipVersion = Field.base(IP_VERSION, "ip.version", FieldType.INTEGER, 0, 15,
            "outer IP version, 4 or 6", null);
        final Field ipSrc = Field.base(IP_SRC, "ip.src", FieldType.ADDRESS, 0, 0,
            "outer source address, IPv4 or IPv6", PII_IP);
        final Field ipDst = Field.base(IP_DST, "ip.dst", FieldType.ADDRESS, 0, 0,
            "outer destination address, IPv4 or IPv6", PII_IP);
        final Field ipProto = Field.base(IP_PROTO, "ip.proto", FieldType.INTEGER, 0, UINT8,
            "outer IPv4 protocol or IPv6 upper-layer next header (after the extension headers)", null);
        final Field ipTtl = Field.base(IP_TTL, "ip.ttl", FieldType.INTEGER, 0, UINT8,
            "IPv4 time to live or IPv6 hop limit", null);
        final Field ipTos = Field.base(IP_TOS, "ip.tos", FieldType.INTEGER, 0, UINT8,
            "IPv4 DS field byte or IPv6 traffic class", null);
        final Field ipId = Field.base(IP_ID, "ip.id", FieldType.INTEGER, 0, UINT32,
            "IPv4 identification, or the identification of an IPv6 fragment header", null);
        final Field ipFlags = Field.base(IP_FLAGS, "ip.flags", FieldType.INTEGER, 0, 7,
            "IPv4 flags as a number 0..7: 4 = reserved, 2 = DF, 1 = MF", null);
        final Field ipFragOffset = Field.base(IP_FRAG_OFFSET, "ip.frag_offset", FieldType.INTEGER, 0, UINT16,
            "fragment offset in bytes (IPv4, or an IPv6 fragment header)", null);
        final Field tcpSrcPort = Field.base(TCP_SRCPORT, "tcp.srcport", FieldType.INTEGER, 0, UINT16,
            "outer TCP source port (absent in later fragments)", null);
        final Field tcpDstPort = Field.base(TCP_DSTPORT, "tcp.dstport", FieldType.INTEGER, 0, UINT16,
            "outer TCP destination port (absent in later fragments)", null);
        final Field tcpFlags = Field.base(TCP_FLAGS, "tcp.flags", FieldType.INTEGER, 0, 0xFFF,
            "TCP flags, 12 bits (reserved, NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN)", null);
        final Field udpSrcPort = Field.base(UDP_SRCPORT, "udp.srcport", FieldType.INTEGER, 0, UINT16,
            "outer UDP source port", null);
        final Field udpDstPort = Field.base(UDP_DSTPORT, "udp.dstport", FieldType.INTEGER, 0, UINT16,
            "outer UDP destination port", null);
        final Field sctpSrcPort = Field.base(SCTP_SRCPORT, "sctp.srcport", FieldType.INTEGER, 0, UINT16,
            "SCTP source port (common header)", null);
        final Field sctpDstPort = Field.base(SCTP_DSTPORT, "sctp.dstport", FieldType.INTEGER, 0, UINT16,
            "SCTP destination port (common header)", null);
        final Field icmpType = Field.base(ICMP_TYPE, "icmp.type", FieldType.INTEGER, 0, UINT8,
            "outer ICMP or ICMPv6 type", null);
        final Field icmpCode = Field.base(ICMP_CODE, "icmp.code", FieldType.INTEGER, 0, UINT8,
            "outer ICMP or ICMPv6 code", null);
        final Field espSpi = Field.base(ESP_SPI, "esp.spi", FieldType.INTEGER, 0, UINT32,
            "ESP security parameters index", null);
        final Field greProto = Field.base(GRE_PROTO, "gre.proto", FieldType.INTEGER, 0, UINT16,
            "protocol type of the first GRE header", null);
        final Field vxlanVni = Field.base(VXLAN_VNI, "vxlan.vni", FieldType.INTEGER, 0, UINT24,
            "VXLAN network identifier", null);
        final Field geneveVni = Field.base(GENEVE_VNI, "geneve.vni", FieldType.INTEGER, 0, UINT24,
            "GENEVE virtual network identifier", null);
        final Field gtpTeid = Field.base(GTP_TEID, "gtp.teid", FieldType.INTEGER, 0, UINT32,
            "GTP-U tunnel endpoint id of the first GTP header", null);
        final Field tunnelDepth = Field.base(TUNNEL_DEPTH, "tunnel.depth", FieldType.INTEGER, 0, UINT8,
            "number of encapsulations decoded, 0 = none", null);
        final Field tunnelType = Field.text(TUNNEL_TYPE, "tunnel.type", 6, TextForm.KEYWORD, TUNNEL_TYPES,
            "outermost encapsulation: " + String.join(", ", TUNNEL_TYPES), null);
        final Field innerIpVersion = Field.base(INNER_IP_VERSION, "inner.ip.version", FieldType.INTEGER, 0, 15,
            "innermost IP version, 4 or 6", null);
        final Field innerIpSrc = Field.base(INNER_IP_SRC, "inner.ip.src", FieldType.ADDRESS, 0, 0,
            "innermost source address, IPv4 or IPv6", PII_IP);
        final Field innerIpDst = Field.base(INNER_IP_DST, "inner.ip.dst", FieldType.ADDRESS, 0, 0,
            "innermost destination address, IPv4 or IPv6", PII_IP);
        final Field innerIpProto = Field.base(INNER_IP_PROTO, "inner.ip.proto", FieldType.INTEGER, 0, UINT8,
            "innermost IP protocol or IPv6 next header", null);
        final Field innerTcpSrcPort = Field.base(INNER_TCP_SRCPORT, "inner.tcp.srcport", FieldType.INTEGER, 0, UINT16,
            "TCP source port of the innermost IP layer", null);
        final Field innerTcpDstPort = Field.base(INNER_TCP_DSTPORT, "inner.tcp.dstport", FieldType.INTEGER, 0, UINT16,
            "TCP destination port of the innermost IP layer", null);
        final Field innerUdpSrcPort = Field.base(INNER_UDP_SRCPORT, "inner.udp.srcport", FieldType.INTEGER, 0, UINT16,
            "UDP source port of the innermost IP layer", null);
        final Field innerUdpDstPort = Field.base(INNER_UDP_DSTPORT, "inner.udp.dstport", FieldType.INTEGER, 0, UINT16,
            "UDP destination port of the innermost IP layer", null);
        final Field dnsQryName = Field.text(DNS_QRY_NAME, "dns.qry.name", DNS_NAME_LENGTH, TextForm.HOSTNAME, List.of(),
            "name of the first DNS question, dotted, without the trailing dot", null);
        final Field dnsQryType = Field.base(DNS_QRY_TYPE, "dns.qry.type", FieldType.INTEGER, 0, UINT16,
            "type of the first DNS question", null);
        final Field tlsSni = Field.text(TLS_SNI, "tls.sni", SNI_LENGTH, TextForm.HOSTNAME, List.of(),
            "server name of a TLS ClientHello", null);

        return List.of(
            frameLen, frameCapLen, ethType, vlanId, mplsLabel, pppoeSessionId,
            ipVersion, ipSrc, ipDst, ipProto, ipTtl, ipTos, ipId, ipFlags, ipFragOffset,
            tcpSrcPort, tcpDstPort, tcpFlags, udpSrcPort, udpDstPort, sctpSrcPort, sctpDstPort, icmpType, icmpCode,
            espSpi, greProto, vxlanVni, geneveVni, gtpTeid, tunnelDepth, tunnelType,
            innerIpVersion, innerIpSrc, innerIpDst, innerIpProto,
            innerTcpSrcPort, innerTcpDstPort, innerUdpSrcPort, innerUdpDstPort,
            dnsQryName, dnsQryType, tlsSni,
            Field.flag(IP_FLAGS_DF, "ip.flags.df", ipFlags, IP_FLAG_DF_BIT, "IPv4 don't fragment flag, 0 or 1"),
            Field.flag(IP_FLAGS_MF, "ip.flags.mf", ipFlags, IP_FLAG_MF_BIT, "IPv4 more fragments flag, 0 or 1"),
            Field.flag(TCP_FLAGS_SYN, "tcp.flags.syn", tcpFlags, TCP_FLAG_SYN_BIT, "TCP SYN flag, 0 or 1"),
            Field.flag(TCP_FLAGS_ACK, "tcp.flags.ack", tcpFlags, TCP_FLAG_ACK_BIT, "TCP ACK flag, 0 or 1"),
            Field.flag(TCP_FLAGS_FIN, "tcp.flags.fin", tcpFlags, TCP_FLAG_FIN_BIT, "TCP FIN flag, 0 or 1"),
            Field.flag(TCP_FLAGS_RST, "tcp.flags.rst", tcpFlags, TCP_FLAG_RST_BIT, "TCP RST flag, 0 or 1"),
            Field.alias(IP_ADDR, "ip.addr", ipSrc, ipDst, "ip.src or ip.dst"),
            Field.alias(TCP_PORT, "tcp.port", tcpSrcPort, tcpDstPort, "tcp.srcport or tcp.dstport"),
            Field.alias(UDP_PORT, "udp.port", udpSrcPort, udpDstPort, "udp.srcport or udp.dstport"),
            Field.alias(SCTP_PORT, "sctp.port", sctpSrcPort, sctpDstPort, "sctp.srcport or sctp.dstport"),
            Field.alias(INNER_IP_ADDR, "inner.ip.addr", innerIpSrc, innerIpDst, "inner.ip.src or inner.ip.dst"),
            Field.alias(INNER_TCP_PORT, "inner.tcp.port", innerTcpSrcPort, innerTcpDstPort,
                "inner.tcp.srcport or inner.tcp.dstport"),
            Field.alias(INNER_UDP_PORT, "inner.udp.port", innerUdpSrcPort, innerUdpDstPort,
                "inner.udp.srcport or inner.udp.dstport"));
    }
}
