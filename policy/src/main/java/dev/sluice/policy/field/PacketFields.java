package dev.sluice.policy.field;

import java.util.List;

/**
 * The packet fields and their ids. Names follow Wireshark's display filters, with one
 * deliberate difference: {@code ip.src}, {@code ip.dst}, {@code ip.proto} and {@code ip.ttl}
 * cover IPv4 and IPv6 alike (Wireshark has separate {@code ipv6.src}, {@code ipv6.nxt},
 * {@code ipv6.hlim}); a rule can tell the families apart with {@code ip.version} or by the
 * literal it compares with. Likewise {@code icmp.type} and {@code icmp.code} cover ICMP and
 * ICMPv6.
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
    public static final int IP_VERSION = 4;
    public static final int IP_SRC = 5;
    public static final int IP_DST = 6;
    public static final int IP_PROTO = 7;
    public static final int IP_TTL = 8;
    public static final int TCP_SRCPORT = 9;
    public static final int TCP_DSTPORT = 10;
    public static final int TCP_FLAGS = 11;
    public static final int UDP_SRCPORT = 12;
    public static final int UDP_DSTPORT = 13;
    public static final int ICMP_TYPE = 14;
    public static final int ICMP_CODE = 15;
    /** Base fields have ids below this. */
    public static final int BASE_FIELD_COUNT = 16;

    public static final int TCP_FLAGS_SYN = 16;
    public static final int TCP_FLAGS_ACK = 17;
    public static final int TCP_FLAGS_FIN = 18;
    public static final int TCP_FLAGS_RST = 19;

    public static final int IP_ADDR = 20;
    public static final int TCP_PORT = 21;
    public static final int UDP_PORT = 22;

    /** Bits of {@code tcp.flags}, as on the wire. */
    public static final int TCP_FLAG_FIN_BIT = 0;
    public static final int TCP_FLAG_SYN_BIT = 1;
    public static final int TCP_FLAG_RST_BIT = 2;
    public static final int TCP_FLAG_ACK_BIT = 4;

    /** The data class every address field belongs to by default. */
    public static final String PII_IP = "pii.ip";

    private static final long UINT8 = 0xFFL;
    private static final long UINT16 = 0xFFFFL;
    private static final long UINT32 = 0xFFFF_FFFFL;

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
            "EtherType of the layer 3 header, after any VLAN tags", null);
        final Field vlanId = Field.base(VLAN_ID, "vlan.id", FieldType.INTEGER, 0, 4095,
            "VLAN id of the outermost 802.1Q tag; absent when untagged", null);
        final Field ipVersion = Field.base(IP_VERSION, "ip.version", FieldType.INTEGER, 0, 15,
            "4 or 6", null);
        final Field ipSrc = Field.base(IP_SRC, "ip.src", FieldType.ADDRESS, 0, 0,
            "source address, IPv4 or IPv6", PII_IP);
        final Field ipDst = Field.base(IP_DST, "ip.dst", FieldType.ADDRESS, 0, 0,
            "destination address, IPv4 or IPv6", PII_IP);
        final Field ipProto = Field.base(IP_PROTO, "ip.proto", FieldType.INTEGER, 0, UINT8,
            "IPv4 protocol or IPv6 next header (after the extension headers)", null);
        final Field ipTtl = Field.base(IP_TTL, "ip.ttl", FieldType.INTEGER, 0, UINT8,
            "IPv4 time to live or IPv6 hop limit", null);
        final Field tcpSrcPort = Field.base(TCP_SRCPORT, "tcp.srcport", FieldType.INTEGER, 0, UINT16,
            "TCP source port", null);
        final Field tcpDstPort = Field.base(TCP_DSTPORT, "tcp.dstport", FieldType.INTEGER, 0, UINT16,
            "TCP destination port", null);
        final Field tcpFlags = Field.base(TCP_FLAGS, "tcp.flags", FieldType.INTEGER, 0, 0xFFF,
            "TCP flags, 12 bits (reserved, NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN)", null);
        final Field udpSrcPort = Field.base(UDP_SRCPORT, "udp.srcport", FieldType.INTEGER, 0, UINT16,
            "UDP source port", null);
        final Field udpDstPort = Field.base(UDP_DSTPORT, "udp.dstport", FieldType.INTEGER, 0, UINT16,
            "UDP destination port", null);
        final Field icmpType = Field.base(ICMP_TYPE, "icmp.type", FieldType.INTEGER, 0, UINT8,
            "ICMP or ICMPv6 type", null);
        final Field icmpCode = Field.base(ICMP_CODE, "icmp.code", FieldType.INTEGER, 0, UINT8,
            "ICMP or ICMPv6 code", null);

        return List.of(
            frameLen, frameCapLen, ethType, vlanId, ipVersion, ipSrc, ipDst, ipProto, ipTtl,
            tcpSrcPort, tcpDstPort, tcpFlags, udpSrcPort, udpDstPort, icmpType, icmpCode,
            Field.flag(TCP_FLAGS_SYN, "tcp.flags.syn", tcpFlags, TCP_FLAG_SYN_BIT, "TCP SYN flag, 0 or 1"),
            Field.flag(TCP_FLAGS_ACK, "tcp.flags.ack", tcpFlags, TCP_FLAG_ACK_BIT, "TCP ACK flag, 0 or 1"),
            Field.flag(TCP_FLAGS_FIN, "tcp.flags.fin", tcpFlags, TCP_FLAG_FIN_BIT, "TCP FIN flag, 0 or 1"),
            Field.flag(TCP_FLAGS_RST, "tcp.flags.rst", tcpFlags, TCP_FLAG_RST_BIT, "TCP RST flag, 0 or 1"),
            Field.alias(IP_ADDR, "ip.addr", ipSrc, ipDst, "ip.src or ip.dst"),
            Field.alias(TCP_PORT, "tcp.port", tcpSrcPort, tcpDstPort, "tcp.srcport or tcp.dstport"),
            Field.alias(UDP_PORT, "udp.port", udpSrcPort, udpDstPort, "udp.srcport or udp.dstport"));
    }
}
