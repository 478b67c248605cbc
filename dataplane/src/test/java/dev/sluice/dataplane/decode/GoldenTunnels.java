package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.source.LinkType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.sluice.dataplane.testing.Hex.bytes;

/**
 * Hand-built packets for what the tunnel issue added to the decoder: VLAN stacks, MPLS, PPPoE,
 * AH, ESP, SCTP, the segment routing header, every tunnel, DNS and TLS, and one broken packet
 * per new drop reason. Built layer by layer with helpers that fill in the length fields, so
 * every well-formed packet is consistent. {@link PacketDecoderTsharkTest} holds them against
 * tshark; {@link TunnelDecodingTest} checks their fields one by one.
 * Addresses: outer 10.0.0.1 → 10.0.0.2 and 2001:db8::1 → 2001:db8::2, inner 192.168.1.10 →
 * 93.184.216.34 and 2001:db8:1::a → 2001:db8:2::b.
 * <p>
 * Constants only; any thread.
 */
final class GoldenTunnels
{
    static final int PROTOCOL_AH = 51;
    static final int PROTOCOL_ESP = 50;
    static final int ETHER_TYPE_IPV4 = 0x0800;
    static final int ETHER_TYPE_IPV6 = 0x86DD;

    static final String OUTER_V4 = "0a000001 0a000002";
    static final String INNER_V4 = "c0a8010a 5db8d822";
    static final String OUTER_V6 = "20010db8000000000000000000000001 20010db8000000000000000000000002";
    static final String INNER_V6 = "20010db800010000000000000000000a 20010db800020000000000000000000b";

    static final byte[] ICMP_ECHO = bytes("08 00 f7ff 0000 0000");
    static final byte[] ICMPV6_ECHO = bytes("80 00 0000 0001 0001");

    // ---------------------------------------------------------------- well-formed

    static final Golden TRIPLE_VLAN = well("eth-vlan3-ipv4-udp",
        cat(GoldenPackets.MACS, "88a8 0064 8100 00c8 8100 012c 0800", ipv4(17, OUTER_V4, udp(1234, 5678, "01020304"))));

    static final Golden MPLS_IPV4_TCP = well("eth-mpls2-ipv4-tcp",
        cat(GoldenPackets.MACS, "8847 00064040 000c8140", ipv4(6, INNER_V4, tcp(50000, 443, 0x002))));

    static final Golden MPLS_IPV6_UDP = well("eth-mpls-ipv6-udp",
        cat(GoldenPackets.MACS, "8847 000101ff", ipv6(17, INNER_V6, udp(5060, 5060, "0102030405060708"))));

    static final Golden MPLS_PSEUDOWIRE = well("eth-mpls-pseudowire-control-word",
        cat(GoldenPackets.MACS, "8847 00064140 00000000",
            eth(ETHER_TYPE_IPV4, ipv4(17, INNER_V4, udp(1234, 5678, "0102030405060708")))));

    static final Golden PPPOE_IPV4_TCP = well("eth-pppoe-ipv4-tcp",
        cat(GoldenPackets.MACS, "8864", pppoe(0x0021, ipv4(6, INNER_V4, tcp(50000, 5001, 0x018, "01020304")))));

    static final Golden QINQ_PPPOE_IPV6 = well("eth-qinq-pppoe-ipv6-icmpv6",
        cat(GoldenPackets.MACS, "88a8 0ec8 8100 0064 8864", pppoe(0x0057, ipv6(58, INNER_V6, ICMPV6_ECHO))));

    static final Golden IPV4_AH_ESP = well("eth-ipv4-ah-esp",
        eth(ETHER_TYPE_IPV4, ipv4(PROTOCOL_AH, OUTER_V4,
            cat("32 04 0000 0000abcd 00000001 000102030405060708090a0b", esp()))));

    static final Golden IPV6_AH_ICMPV6 = well("eth-ipv6-ah-icmpv6",
        eth(ETHER_TYPE_IPV6, ipv6(PROTOCOL_AH, OUTER_V6, cat("3a 04 0000 0000abcd 00000001 000102030405060708090a0b",
            ICMPV6_ECHO))));

    static final Golden IPV6_ESP = well("eth-ipv6-esp", eth(ETHER_TYPE_IPV6, ipv6(PROTOCOL_ESP, OUTER_V6, esp())));

    static final Golden IPV4_SCTP = well("eth-ipv4-sctp",
        eth(ETHER_TYPE_IPV4, ipv4(132, OUTER_V4, bytes("0b59 0b59 00000001 00000000 08 00 0004"))));

    static final Golden IPV6_SRH_UDP = well("eth-ipv6-srh-udp",
        eth(ETHER_TYPE_IPV6, ipv6(43, OUTER_V6, cat("11 02 04 00 00 00 0000", "20010db8000000000000000000000002",
            udp(40000, 40001, "0102")))));

    static final Golden GTP_IPV4_TCP = well("eth-ipv4-gtp-ipv4-tcp",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152, gtp("30", 0xFF, "12345678", "",
            ipv4(6, INNER_V4, tcp(50000, 443, 0x002)))))));

    static final Golden GTP_EXTENSION_IPV6_UDP = well("eth-ipv4-gtp-extension-ipv6-udp",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152, gtp("34", 0xFF, "0000beef", "0000 00 85 01 0009 00",
            ipv6(17, INNER_V6, udp(40000, 53, dnsQuery("06 6d6f62696c65 07 6578616d706c65 03 636f6d", "001c"))))))));

    static final Golden GTP_ECHO = well("eth-ipv4-gtp-echo-request",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152, gtp("32", 0x01, "00000000", "0001 00 00", new byte[0])))));

    static final Golden VXLAN_DNS = well("eth-ipv4-vxlan-ipv4-udp-dns",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(49152, 4789, cat("08000000 00007b00",
            eth(ETHER_TYPE_IPV4, ipv4(17, INNER_V4, udp(53000, 53, dnsQuery("07 6578616d706c65 03 636f6d", "0001")))))))));

    static final Golden GENEVE_OPTIONS = well("eth-ipv6-geneve-options-ipv4-icmp",
        eth(ETHER_TYPE_IPV6, ipv6(17, OUTER_V6, udp(50000, 6081, cat("02 00 6558 0a0b0c00", "0102 80 01 deadbeef",
            eth(ETHER_TYPE_IPV4, ipv4(1, INNER_V4, ICMP_ECHO)))))));

    static final Golden GENEVE_IPV6 = well("eth-ipv4-geneve-ipv6-udp",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(50000, 6081, cat("00 00 86dd 00000700",
            ipv6(17, INNER_V6, udp(1000, 2000, "0102030405")))))));

    static final Golden GRE_KEY_IPV4 = well("eth-ipv4-gre-key-ipv4-udp",
        eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, cat("2000 0800 0000002a", ipv4(17, INNER_V4, udp(40000, 40002, "e3"))))));

    static final Golden GRE_ETHERNET_VLAN_IPV6 = well("eth-ipv4-gre-ethernet-vlan-ipv6-tcp",
        eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, cat("0000 6558", GoldenPackets.MACS, "8100 0005 86dd",
            ipv6(6, INNER_V6, tcp(443, 50000, 0x012))))));

    static final Golden GRE_ERSPAN_II = well("eth-ipv4-gre-erspan2-ipv4-tcp",
        eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, cat("1000 88be 00000001", "1064 0005 00000000",
            eth(ETHER_TYPE_IPV4, ipv4(6, INNER_V4, tcp(50000, 22, 0x010)))))));

    static final Golden GRE_ERSPAN_III = well("eth-ipv4-gre-erspan3-ipv4-udp",
        eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, cat("0000 22eb", "2064 0006 00000000 0000 0000",
            eth(ETHER_TYPE_IPV4, ipv4(17, INNER_V4, udp(40000, 40003, "3c31333e")))))));

    static final Golden GRE_PPTP = well("eth-ipv4-gre-pptp-ppp-ipv4-icmp",
        eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, pptp(0x4001, cat("ff03 0021", ipv4(1, INNER_V4, ICMP_ECHO))))));

    static final Golden IPIP = well("eth-ipv4-in-ipv4-tcp",
        eth(ETHER_TYPE_IPV4, ipv4(4, OUTER_V4, ipv4(6, INNER_V4, tcp(50000, 80, 0x002)))));

    static final Golden SIX_IN_FOUR = well("eth-ipv6-in-ipv4-udp",
        eth(ETHER_TYPE_IPV4, ipv4(41, OUTER_V4, ipv6(17, INNER_V6, udp(1000, 2000, "01")))));

    static final Golden SIX_IN_SIX = well("eth-ipv6-in-ipv6-udp",
        eth(ETHER_TYPE_IPV6, ipv6(41, OUTER_V6, ipv6(17, INNER_V6, udp(1000, 2000, "01")))));

    static final Golden FOUR_IN_SIX = well("eth-ipv4-in-ipv6-tcp",
        eth(ETHER_TYPE_IPV6, ipv6(4, OUTER_V6, ipv4(6, INNER_V4, tcp(50000, 443, 0x002)))));

    static final Golden TEREDO = well("eth-ipv4-teredo-origin-ipv6-icmpv6",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(3544, 50000, cat("0000 f227 3fffffff",
            ipv6(58, "20010000418136e38000f22715ffbffe 20010db800020000000000000000000b", ICMPV6_ECHO))))));

    static final Golden DNS_TCP = well("eth-ipv4-tcp-dns",
        eth(ETHER_TYPE_IPV4, ipv4(6, OUTER_V4, tcp(53000, 53, 0x018,
            lengthPrefixed(dnsQuery("03 777777 07 6578616d706c65 03 6f7267", "0010"))))));

    static final Golden DNS_ROOT = well("eth-ipv4-udp-dns-root",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(53, 53000, dnsQuery("", "0002")))));

    static final Golden TLS_SNI = well("eth-ipv4-tcp-tls-client-hello",
        eth(ETHER_TYPE_IPV4, ipv4(6, OUTER_V4, tcp(50000, 8443, 0x018, clientHello("sni.example.net")))));

    static final Golden GTP_VXLAN_NESTED = well("eth-ipv4-gtp-ipv4-vxlan-ipv4-tcp",
        eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152, gtp("30", 0xFF, "00000101", "",
            ipv4(17, "ac100001 ac100002", udp(40000, 4789, cat("08000000 00006400",
                eth(ETHER_TYPE_IPV4, ipv4(6, INNER_V4, tcp(50000, 443, 0x002)))))))))));

    static final Golden FOUR_DEEP = well("eth-ipv4-in-ipv4-4-deep-udp",
        eth(ETHER_TYPE_IPV4, nestedIpip(4, ipv4(17, INNER_V4, udp(1000, 2000, "01")))));

    /** An outer first fragment: UDP, GTP-U and inner IPv4 lengths all count bytes in later fragments. */
    static final Golden GTP_FIRST_FRAGMENT = well("eth-ipv4-first-fragment-gtp-ipv4-tcp",
        eth(ETHER_TYPE_IPV4, ipv4Raw(17, OUTER_V4, 0x2000, 0, cat("0868 0868 05c8 1234",
            "30ff 05b8 12345678", "45 00 05b8 0001 4000 40 06 0000", INNER_V4,
            "c350 1389 00000001 00000000 5018 faf0 0000 0000", "0102030405060708"))));

    static final List<Golden> WELL_FORMED = List.of(
        TRIPLE_VLAN, MPLS_IPV4_TCP, MPLS_IPV6_UDP, MPLS_PSEUDOWIRE, PPPOE_IPV4_TCP, QINQ_PPPOE_IPV6, IPV4_AH_ESP,
        IPV6_AH_ICMPV6, IPV6_ESP, IPV4_SCTP, IPV6_SRH_UDP, GTP_IPV4_TCP, GTP_EXTENSION_IPV6_UDP, GTP_ECHO, VXLAN_DNS,
        GENEVE_OPTIONS, GENEVE_IPV6, GRE_KEY_IPV4, GRE_ETHERNET_VLAN_IPV6, GRE_ERSPAN_II, GRE_ERSPAN_III, GRE_PPTP,
        IPIP, SIX_IN_FOUR, SIX_IN_SIX, FOUR_IN_SIX, TEREDO, DNS_TCP, DNS_ROOT, TLS_SNI, GTP_VXLAN_NESTED, FOUR_DEEP,
        GTP_FIRST_FRAGMENT);

    // ---------------------------------------------------------------- broken, one per drop reason

    static final List<Golden> BROKEN = List.of(
        broken("truncated-mpls", cat(GoldenPackets.MACS, "8847 0006"), DropReason.TRUNCATED_MPLS),
        broken("mpls-stack-too-deep", cat(GoldenPackets.MACS, "8847", repeat("00064040", 17),
            ipv4(17, INNER_V4, udp(1, 2, ""))), DropReason.MPLS_STACK_TOO_DEEP),
        broken("vlan-stack-too-deep", cat(GoldenPackets.MACS, repeat("8100 0064", 9), "0800",
            ipv4(17, INNER_V4, udp(1, 2, ""))), DropReason.VLAN_STACK_TOO_DEEP),
        broken("truncated-pppoe", cat(GoldenPackets.MACS, "8864 1100 0001"), DropReason.TRUNCATED_PPPOE),
        broken("ipv4-option-length-1", eth(ETHER_TYPE_IPV4, cat("46 00 0020 0001 0000 40 11 0000", OUTER_V4,
            "07 01 0000", "0001 0002 0008 0000")), DropReason.IPV4_BAD_OPTION_LENGTH),
        broken("tcp-option-past-header", eth(ETHER_TYPE_IPV4, ipv4(6, OUTER_V4,
            bytes("c350 0050 00000001 00000000 6002 faf0 0000 0000 0208 05b4"))), DropReason.TCP_BAD_OPTION_LENGTH),
        broken("truncated-ah", eth(ETHER_TYPE_IPV4, ipv4(PROTOCOL_AH, OUTER_V4, bytes("11 08 0000 0000abcd 00000001"))),
            DropReason.TRUNCATED_AH),
        broken("truncated-esp", eth(ETHER_TYPE_IPV4, ipv4(PROTOCOL_ESP, OUTER_V4, bytes("11223344"))),
            DropReason.TRUNCATED_ESP),
        broken("truncated-sctp", eth(ETHER_TYPE_IPV4, ipv4(132, OUTER_V4, bytes("0b59 0b59 00000001"))),
            DropReason.TRUNCATED_SCTP),
        broken("truncated-gre", eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, bytes("2000 0800"))), DropReason.TRUNCATED_GRE),
        broken("truncated-erspan", eth(ETHER_TYPE_IPV4, ipv4(47, OUTER_V4, bytes("1000 88be 00000001 1064 0005"))),
            DropReason.TRUNCATED_ERSPAN),
        broken("truncated-vxlan", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(49152, 4789, "08000000"))),
            DropReason.TRUNCATED_VXLAN),
        broken("truncated-geneve-options", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(50000, 6081,
            "02 00 6558 00000100 0102 8001"))), DropReason.TRUNCATED_GENEVE),
        broken("geneve-option-past-options", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(50000, 6081,
            cat("01 00 6558 00000100 0102 8001", GoldenPackets.MACS, "0800")))), DropReason.GENEVE_BAD_OPTION_LENGTH),
        broken("truncated-gtp-extension", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152,
            "34ff 0004 00000001 0000 00 85"))), DropReason.TRUNCATED_GTP),
        broken("gtp-length-past-datagram", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152,
            "30ff 0064 00000001 4500"))), DropReason.GTP_BAD_LENGTH),
        broken("gtp-extension-length-0", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(2152, 2152,
            "34ff 0008 00000001 0000 00 85 00000000"))), DropReason.GTP_BAD_EXTENSION_HEADER),
        broken("ipv4-in-ipv4-5-deep", eth(ETHER_TYPE_IPV4, nestedIpip(5, ipv4(17, INNER_V4, udp(1000, 2000, "01")))),
            DropReason.TUNNEL_TOO_DEEP),
        broken("ipv4-31-authentication-headers", eth(ETHER_TYPE_IPV4, ipv4(PROTOCOL_AH, OUTER_V4,
            cat(repeat("33 00 0000 0000abcd", 30), "11 00 0000 0000abcd", udp(1, 2, "")))), DropReason.TOO_MANY_HEADERS),
        broken("dns-extended-label-type", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(53000, 53,
            "1234 0100 0001 0000 0000 0000 41 00 0001 0001"))), DropReason.DNS_MALFORMED),
        broken("dns-label-past-message", eth(ETHER_TYPE_IPV4, ipv4(17, OUTER_V4, udp(53000, 53,
            "1234 0100 0001 0000 0000 0000 0a 616263"))), DropReason.DNS_MALFORMED));

    private GoldenTunnels()
    {
    }

    // ---------------------------------------------------------------- builders

    private static Golden well(final String name, final byte[] bytes)
    {
        return new Golden(name, LinkType.ETHERNET, bytes, null);
    }

    private static Golden broken(final String name, final byte[] bytes, final DropReason drop)
    {
        return new Golden(name, LinkType.ETHERNET, bytes, drop);
    }

    /** Concatenates byte arrays and hex strings. */
    static byte[] cat(final Object... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final Object part : parts)
        {
            out.writeBytes(part instanceof byte[] b ? b : bytes((String)part));
        }
        return out.toByteArray();
    }

    static String repeat(final String hex, final int times)
    {
        return (hex + " ").repeat(times);
    }

    static byte[] eth(final int etherType, final byte[] payload)
    {
        return cat(GoldenPackets.MACS, String.format("%04x", etherType), payload);
    }

    /** IPv4 with DF set, id 1, TTL 64; {@code addresses} is the source and destination in hex. */
    static byte[] ipv4(final int protocol, final String addresses, final byte[] payload)
    {
        return ipv4Raw(protocol, addresses, 0x4000, 20 + payload.length, payload);
    }

    /** IPv4 with the flags-and-offset word and total length given. */
    static byte[] ipv4Raw(
        final int protocol, final String addresses, final int flagsAndOffset, final int totalLength, final byte[] payload)
    {
        final int length = totalLength == 0 ? 20 + payload.length : totalLength;
        return cat(String.format("45 00 %04x 0001 %04x 40 %02x 0000", length, flagsAndOffset, protocol), addresses, payload);
    }

    static byte[] ipv6(final int nextHeader, final String addresses, final byte[] payload)
    {
        return cat(String.format("6000 0000 %04x %02x 40", payload.length, nextHeader), addresses, payload);
    }

    /** UDP with a non-zero checksum field (the decoder does not verify it; IPv6 forbids zero). */
    static byte[] udp(final int source, final int destination, final Object payload)
    {
        final byte[] data = payload instanceof byte[] b ? b : bytes((String)payload);
        return cat(String.format("%04x %04x %04x 1234", source, destination, 8 + data.length), data);
    }

    static byte[] tcp(final int source, final int destination, final int flags)
    {
        return tcp(source, destination, flags, new byte[0]);
    }

    static byte[] tcp(final int source, final int destination, final int flags, final Object payload)
    {
        final byte[] data = payload instanceof byte[] b ? b : bytes((String)payload);
        return cat(String.format("%04x %04x 00000001 00000001 %04x faf0 0000 0000", source, destination, 0x5000 | flags),
            data);
    }

    static byte[] pppoe(final int pppProtocol, final byte[] packet)
    {
        return cat(String.format("11 00 0011 %04x %04x", 2 + packet.length, pppProtocol), packet);
    }

    static byte[] esp()
    {
        return bytes("11223344 00000001 000102030405060708090a0b0c0d0e0f");
    }

    /** GTPv1-U: flags, type, TEID, the optional word and extension headers as hex, then the payload. */
    static byte[] gtp(final String flags, final int type, final String teid, final String optional, final byte[] payload)
    {
        final byte[] rest = cat(optional, payload);
        return cat(String.format("%s %02x %04x", flags, type, rest.length), teid, rest);
    }

    /** Enhanced GRE of PPTP with the key's payload length filled in, sequence number 1. */
    static byte[] pptp(final int callId, final byte[] ppp)
    {
        return cat(String.format("3001 880b %04x %04x 00000001", ppp.length, callId), ppp);
    }

    static byte[] nestedIpip(final int depth, final byte[] innermost)
    {
        byte[] packet = innermost;
        for (int i = 0; i < depth; i++)
        {
            packet = ipv4(4, OUTER_V4, packet);
        }
        return packet;
    }

    /** A standard query with one question: the name's labels in hex (empty: the root), then QTYPE. */
    static byte[] dnsQuery(final String labels, final String type)
    {
        return cat("1234 0100 0001 0000 0000 0000", labels, "00", type, "0001");
    }

    static byte[] lengthPrefixed(final byte[] message)
    {
        return cat(String.format("%04x", message.length), message);
    }

    /** A TLS 1.2 ClientHello record with a supported-groups extension, then the server name extension. */
    static byte[] clientHello(final String serverName)
    {
        final byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
        final byte[] serverNameList = cat(String.format("00 %04x", name.length), name);
        final byte[] extensions = cat("000a 0004 0002 001d",
            String.format("0000 %04x %04x", serverNameList.length + 2, serverNameList.length), serverNameList);
        final byte[] body = cat("0303", "00".repeat(32), "00", "0002 c02f", "01 00",
            String.format("%04x", extensions.length), extensions);
        final byte[] handshake = cat(String.format("01 %06x", body.length), body);
        return cat(String.format("16 0301 %04x", handshake.length), handshake);
    }
}
