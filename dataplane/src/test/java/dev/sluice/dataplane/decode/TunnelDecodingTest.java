package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What the decoder makes of the {@link GoldenTunnels}, field by field through
 * {@link DecodedPacket} and {@link FieldText}: link-layer stacks, IPsec, SCTP, every tunnel and
 * nesting of tunnels, DNS and TLS, and the header chain and payload offsets later stages use.
 */
class TunnelDecodingTest
{
    /** Bytes before each packet in its segment, so offsets are exercised; nothing follows it, so an over-read throws. */
    private static final int LEADING_BYTES = 7;

    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst burst = new PacketBurst(4, 1);
    private final DecodedPacket packet = new DecodedPacket();

    static Stream<Arguments> fields()
    {
        return Stream.of(
            arguments(GoldenTunnels.TRIPLE_VLAN, "vlan.id,eth.type,ip.src,udp.port,tunnel.depth", "100,200,300\t2048\t10.0.0.1\t1234,5678\t0"),
            arguments(GoldenTunnels.MPLS_IPV4_TCP, "eth.type,mpls.label,ip.version,ip.src,ip.dst,tcp.port,tcp.flags.syn",
                "34887\t100,200\t4\t192.168.1.10\t93.184.216.34\t50000,443\t1"),
            arguments(GoldenTunnels.MPLS_IPV6_UDP, "mpls.label,ip.src,ip.dst,udp.dstport",
                "16\t2001:db8:1::a\t2001:db8:2::b\t5060"),
            arguments(GoldenTunnels.MPLS_PSEUDOWIRE, "eth.type,mpls.label,ip.version,ip.src,decode.drop", "34887\t100\t\t\t"),
            arguments(GoldenTunnels.PPPOE_IPV4_TCP, "eth.type,pppoe.session_id,ip.src,tcp.dstport,ip.tos,ip.flags,ip.flags.df",
                "34916\t17\t192.168.1.10\t5001\t0\t2\t1"),
            arguments(GoldenTunnels.QINQ_PPPOE_IPV6, "vlan.id,pppoe.session_id,ip.version,ip.proto,icmp.type",
                "3784,100\t17\t6\t58\t128"),
            arguments(GoldenTunnels.IPV4_AH_ESP, "ip.proto,esp.spi,tcp.port,udp.port", "51\t287454020\t\t"),
            arguments(GoldenTunnels.IPV6_AH_ICMPV6, "ip.proto,icmp.type,icmp.code,esp.spi", "58\t128\t0\t"),
            arguments(GoldenTunnels.IPV6_ESP, "ip.proto,esp.spi", "50\t287454020"),
            arguments(GoldenTunnels.IPV4_SCTP, "ip.proto,sctp.srcport,sctp.dstport,sctp.port,tcp.srcport", "132\t2905\t2905\t2905,2905\t"),
            arguments(GoldenTunnels.IPV6_SRH_UDP, "ip.proto,udp.srcport,udp.dstport", "17\t40000\t40001"),
            arguments(GoldenTunnels.GTP_IPV4_TCP,
                "udp.port,gtp.teid,tunnel.depth,tunnel.type,inner.ip.version,inner.ip.addr,inner.ip.proto,inner.tcp.port,tcp.srcport",
                "2152,2152\t305419896\t1\tgtp\t4\t192.168.1.10,93.184.216.34\t6\t50000,443\t"),
            arguments(GoldenTunnels.GTP_EXTENSION_IPV6_UDP,
                "gtp.teid,tunnel.type,inner.ip.src,inner.udp.port,dns.qry.name,dns.qry.type",
                "48879\tgtp\t2001:db8:1::a\t40000,53\tmobile.example.com\t28"),
            arguments(GoldenTunnels.GTP_ECHO, "gtp.teid,tunnel.depth,tunnel.type,inner.ip.version", "0\t0\t\t"),
            arguments(GoldenTunnels.VXLAN_DNS,
                "udp.dstport,vxlan.vni,tunnel.type,inner.ip.dst,inner.udp.dstport,dns.qry.name,dns.qry.type",
                "4789\t123\tvxlan\t93.184.216.34\t53\texample.com\t1"),
            arguments(GoldenTunnels.GENEVE_OPTIONS, "ip.version,geneve.vni,tunnel.type,inner.ip.src,inner.ip.proto,icmp.type",
                "6\t658188\tgeneve\t192.168.1.10\t1\t"),
            arguments(GoldenTunnels.GENEVE_IPV6, "geneve.vni,inner.ip.version,inner.ip.dst,inner.udp.port",
                "7\t6\t2001:db8:2::b\t1000,2000"),
            arguments(GoldenTunnels.GRE_KEY_IPV4, "ip.proto,gre.proto,tunnel.type,inner.ip.src,inner.udp.dstport",
                "47\t2048\tgre\t192.168.1.10\t40002"),
            arguments(GoldenTunnels.GRE_ETHERNET_VLAN_IPV6, "gre.proto,tunnel.type,inner.ip.version,inner.tcp.port,vlan.id",
                "25944\tgre\t6\t443,50000\t"),
            arguments(GoldenTunnels.GRE_ERSPAN_II, "gre.proto,tunnel.type,inner.ip.src,inner.tcp.dstport", "35006\terspan\t192.168.1.10\t22"),
            arguments(GoldenTunnels.GRE_ERSPAN_III, "gre.proto,tunnel.type,inner.udp.port", "8939\terspan\t40000,40003"),
            arguments(GoldenTunnels.GRE_PPTP, "gre.proto,tunnel.type,inner.ip.dst,inner.ip.proto", "34827\tgre\t93.184.216.34\t1"),
            arguments(GoldenTunnels.IPIP, "ip.proto,tunnel.type,tunnel.depth,inner.ip.src,inner.tcp.dstport",
                "4\tipip\t1\t192.168.1.10\t80"),
            arguments(GoldenTunnels.SIX_IN_FOUR, "ip.version,ip.proto,tunnel.type,inner.ip.version,inner.udp.port",
                "4\t41\tipip\t6\t1000,2000"),
            arguments(GoldenTunnels.SIX_IN_SIX, "ip.version,ip.proto,inner.ip.version,inner.ip.src", "6\t41\t6\t2001:db8:1::a"),
            arguments(GoldenTunnels.FOUR_IN_SIX, "ip.version,ip.proto,inner.ip.version,inner.tcp.port", "6\t4\t4\t50000,443"),
            arguments(GoldenTunnels.TEREDO, "udp.srcport,tunnel.type,inner.ip.src,inner.ip.proto",
                "3544\tteredo\t2001:0:4181:36e3:8000:f227:15ff:bffe\t58"),
            arguments(GoldenTunnels.DNS_TCP, "tcp.dstport,dns.qry.name,dns.qry.type,tls.sni", "53\twww.example.org\t16\t"),
            arguments(GoldenTunnels.DNS_ROOT, "udp.srcport,dns.qry.name,dns.qry.type", "53\t<Root>\t2"),
            arguments(GoldenTunnels.TLS_SNI, "tcp.dstport,tls.sni,dns.qry.name", "8443\tsni.example.net\t"),
            arguments(GoldenTunnels.GTP_VXLAN_NESTED,
                "gtp.teid,vxlan.vni,tunnel.depth,tunnel.type,inner.ip.src,inner.tcp.dstport",
                "257\t100\t2\tgtp\t192.168.1.10\t443"),
            arguments(GoldenTunnels.FOUR_DEEP, "tunnel.depth,tunnel.type,inner.ip.src,inner.udp.port", "4\tipip\t192.168.1.10\t1000,2000"),
            arguments(GoldenTunnels.GTP_FIRST_FRAGMENT,
                "ip.flags.mf,ip.frag_offset,udp.port,gtp.teid,tunnel.depth,inner.ip.src,inner.tcp.port",
                "1\t0\t2152,2152\t305419896\t1\t192.168.1.10\t50000,5001"));
    }

    @ParameterizedTest
    @MethodSource("fields")
    void decodesEveryLayer(final Golden golden, final String fields, final String expected)
    {
        decode(golden);
        assertEquals(Verdict.PENDING, burst.verdict[0], "decoded without a drop");
        assertEquals(expected, FieldText.of(List.of(fields.split(","))).line(packet, 1));
    }

    @Test
    void everyGoldenTunnelIsChecked()
    {
        final List<Object> checked = fields().map(arguments -> arguments.get()[0]).toList();
        for (final Golden golden : GoldenTunnels.WELL_FORMED)
        {
            assertTrue(checked.contains(golden), golden.name());
        }
    }

    @Test
    void theHeaderChainListsEveryLayerWithItsOffset()
    {
        decode(GoldenTunnels.GTP_VXLAN_NESTED);
        final int[] types = new int[packet.headerCount()];
        final int[] offsets = new int[packet.headerCount()];
        for (int k = 0; k < types.length; k++)
        {
            types[k] = packet.headerType(k);
            offsets[k] = packet.headerOffset(k);
        }
        assertAll(
            () -> assertEquals(List.of("ipv4", "udp", "gtp", "ipv4", "udp", "vxlan", "eth", "ipv4", "tcp"),
                Arrays.stream(types).mapToObj(HeaderType::name).toList()),
            () -> assertEquals(List.of(14, 34, 42, 50, 70, 78, 86, 100, 120), Arrays.stream(offsets).boxed().toList()),
            () -> assertEquals(14, burst.l3Offset[0]),
            () -> assertEquals(34, burst.l4Offset[0]),
            () -> assertEquals(100, burst.innerL3Offset[0]),
            () -> assertEquals(120, burst.innerL4Offset[0]),
            () -> assertEquals(140, packet.payloadOffset()),
            () -> assertEquals(0, packet.payloadLength()),
            () -> assertEquals(TunnelType.GTP, packet.tunnelType()),
            () -> assertEquals(0x101, packet.tunnelId()),
            () -> assertEquals(IpProtocol.UDP, burst.l4Protocol[0]),
            () -> assertEquals(IpProtocol.TCP, burst.innerL4Protocol[0]),
            () -> assertEquals(TcpHeader.SYN, burst.innerTcpFlags[0]),
            () -> assertEquals(ABSENT, burst.tcpFlags[0]));
    }

    @Test
    void thePayloadIsWhatFollowsTheInnermostHeader()
    {
        decode(GoldenTunnels.PPPOE_IPV4_TCP);
        assertAll(
            () -> assertEquals(14 + 8 + 20 + 20, packet.payloadOffset()),
            () -> assertEquals(4, packet.payloadLength()),
            () -> assertEquals(14, packet.findHeader(HeaderType.PPPOE)));

        decode(GoldenTunnels.VXLAN_DNS);
        assertAll(
            () -> assertEquals(14 + 20 + 8 + 8 + 14 + 20 + 8, packet.payloadOffset()),
            () -> assertEquals(GoldenTunnels.dnsQuery("07 6578616d706c65 03 636f6d", "0001").length, packet.payloadLength()));

        decode(GoldenTunnels.GTP_ECHO);
        assertEquals(14 + 20 + 8 + 12, packet.payloadOffset());
        assertEquals(0, packet.payloadLength());

        decode(GoldenTunnels.GTP_FIRST_FRAGMENT);
        assertEquals(GoldenTunnels.GTP_FIRST_FRAGMENT.bytes().length, packet.payloadOffset() + packet.payloadLength(),
            "the payload ends with the fragment");
    }

    @Test
    void textFieldsAreCopiedIntoTheCallersSink()
    {
        final byte[] sink = new byte[DnsQuestion.MAX_NAME_CHARS];
        decode(GoldenTunnels.GTP_EXTENSION_IPV6_UDP);
        final int length = packet.dnsQueryName(sink, 0);
        assertEquals("mobile.example.com", new String(sink, 0, length, StandardCharsets.US_ASCII));
        assertEquals(length, packet.dnsQueryNameLength());
        assertEquals(ABSENT, packet.dnsQueryName(new byte[5], 0), "a sink too small");

        decode(GoldenTunnels.TLS_SNI);
        assertTrue(packet.hasTlsSni());
        assertEquals(15, packet.tlsSniLength());
        assertEquals(15, packet.tlsSni(sink, 3));
        assertEquals("sni.example.net", new String(sink, 3, 15, StandardCharsets.US_ASCII));
        assertEquals(ABSENT, packet.tlsSni(new byte[4], 0));
        assertFalse(packet.hasDnsQuery());
        assertEquals(ABSENT, packet.dnsQueryName(sink, 0));
    }

    @Test
    void ipv6FragmentHeaderFillsTheFragmentFields()
    {
        decode(GoldenPackets.ETH_IPV6_HBH_FRAGMENT_UDP);
        assertAll(
            () -> assertEquals(0x12345678L, packet.ipId()),
            () -> assertEquals(1, packet.ipFlags()),
            () -> assertEquals(0, packet.ipFlagDf()),
            () -> assertEquals(1, packet.ipFlagMf()),
            () -> assertEquals(0, packet.ipFragmentOffset()));
        decode(GoldenPackets.ETH_IPV6_LATER_FRAGMENT);
        assertAll(
            () -> assertEquals(0, packet.ipFlags()),
            () -> assertEquals(184, packet.ipFragmentOffset()),
            () -> assertFalse(packet.hasUdp()),
            () -> assertEquals(14 + 40 + 8, packet.payloadOffset()));
        decode(GoldenPackets.ETH_IPV6_TCP);
        assertFalse(packet.hasIpId());
        assertFalse(packet.hasIpFragmentOffset());
    }

    @Test
    void tcpFlagsAreTwelveBitsThroughTheAccessorAndNineInTheBurst()
    {
        final byte[] bytes = GoldenPackets.ETH_IPV4_TCP_SYN.bytes().clone();
        bytes[14 + 20 + 12] |= 0x0F;   // the three reserved bits and NS
        decode(new Golden("reserved-bits", GoldenPackets.ETH_IPV4_TCP_SYN.linkType(), bytes, null));
        assertEquals(0xF02, packet.tcpFlags());
        assertEquals(0x102, burst.tcpFlags[0]);
    }

    private void decode(final Golden golden)
    {
        final byte[] bytes = golden.bytes();
        final byte[] placed = new byte[LEADING_BYTES + golden.capturedLength()];
        System.arraycopy(bytes, 0, placed, LEADING_BYTES, golden.capturedLength());
        burst.data[0] = MemorySegment.ofArray(placed);
        burst.offset[0] = LEADING_BYTES;
        burst.capturedLength[0] = golden.capturedLength();
        burst.wireLength[0] = bytes.length;
        burst.linkType[0] = golden.linkType();
        burst.count(1);
        burst.resetStageState();
        decoder.decode(burst);
        packet.wrap(burst, 0);
    }
}
