package dev.sluice.dataplane.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link PacketDecoder} and what reads its results ({@link DecodedPacket}'s lazy
 * accessors, {@link FieldText}): no input may make any of them throw (the packet sits at the
 * very end of its memory, so any read past the captured bytes would), and every packet either
 * decodes into consistent fields or gets a decode drop reason.
 * <ul>
 *   <li>{@code decodesAnyBytes}: any bytes under any link type. Seeds:
 *       {@code PacketDecoderFuzzTestInputs/decodesAnyBytes}, the golden packets
 *       ({@link FuzzSeeds} writes them, and the shared captures' packets into the generated
 *       corpus for local runs).</li>
 *   <li>{@code decodesAnyTunnelPayload}: any bytes behind a well-formed outer header chain
 *       that leads into one of the tunnels, DNS or TLS ({@link #wrapInOuterHeaders}), so the
 *       fuzzer spends its time inside them rather than rediscovering the outer lengths.
 *       Seeds: {@code PacketDecoderFuzzTestInputs/decodesAnyTunnelPayload}, the payloads of the
 *       golden tunnels.</li>
 * </ul>
 */
class PacketDecoderFuzzTest
{
    /** Link types picked by the first input byte; bytes past the table pick raw (mostly unsupported) values. */
    static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
        LinkType.RAW_DLT_12, LinkType.RAW_DLT_14, LinkType.NULL};

    /** What {@code decodesAnyTunnelPayload}'s first byte puts in front of the rest. */
    static final int GTP_U = 0;
    static final int VXLAN = 1;
    static final int GENEVE = 2;
    static final int TEREDO = 3;
    static final int GRE_IN_IPV4 = 4;
    static final int GRE_IN_UDP = 5;
    static final int IP_IN_IPV6 = 6;
    static final int DNS_UDP = 7;
    static final int TCP_PAYLOAD = 8;
    static final int MPLS = 9;
    static final int PPPOE = 10;
    static final int OUTER_HEADER_KINDS = 11;

    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst burst = new PacketBurst(1, 1);
    private final DecodedPacket packet = new DecodedPacket();
    private final FieldText everyField = FieldText.of(FieldText.names());
    private final byte[] sink = new byte[DnsQuestion.MAX_NAME_CHARS];

    /**
     * Input: one byte choosing the link type, one byte of wire length beyond the captured bytes
     * (a snapshot length cut), then the packet.
     */
    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytes(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final int selector = input[0] & 0xFF;
        final int linkType = selector < LINK_TYPES.length * 16 ? LINK_TYPES[selector % LINK_TYPES.length] : selector * 3;
        decodeAndCheck(linkType, Arrays.copyOfRange(input, 2, input.length), input[1] & 0xFF);
    }

    /**
     * Input: one byte choosing the outer headers ({@link #wrapInOuterHeaders}), one byte of wire
     * length beyond the captured bytes, then what the outer headers carry.
     */
    @FuzzTest(maxDuration = "2m")
    void decodesAnyTunnelPayload(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final byte[] payload = Arrays.copyOfRange(input, 2, input.length);
        decodeAndCheck(LinkType.ETHERNET, wrapInOuterHeaders((input[0] & 0xFF) % OUTER_HEADER_KINDS, payload),
            input[1] & 0xFF);
    }

    /**
     * An Ethernet frame whose headers lead, with consistent lengths, to {@code payload}: GTP-U,
     * VXLAN, GENEVE, Teredo or GRE-in-UDP payload over IPv4/UDP, GRE over IPv4, an IP packet in
     * IPv6, DNS over UDP, a TCP payload (TLS ClientHellos), an MPLS label stack, a PPPoE session.
     */
    static byte[] wrapInOuterHeaders(final int kind, final byte[] payload)
    {
        final String v4 = GoldenTunnels.OUTER_V4;
        return switch (kind)
        {
            case GTP_U -> udpOverIpv4(2152, 2152, payload);
            case VXLAN -> udpOverIpv4(49152, 4789, payload);
            case GENEVE -> udpOverIpv4(49152, 6081, payload);
            case TEREDO -> udpOverIpv4(3544, 49152, payload);
            case GRE_IN_IPV4 -> GoldenTunnels.eth(GoldenTunnels.ETHER_TYPE_IPV4, GoldenTunnels.ipv4(47, v4, payload));
            case GRE_IN_UDP -> udpOverIpv4(49152, 4754, payload);
            case IP_IN_IPV6 -> GoldenTunnels.eth(GoldenTunnels.ETHER_TYPE_IPV6,
                GoldenTunnels.ipv6(payload.length > 0 && (payload[0] & 0xF0) == 0x40 ? 4 : 41, GoldenTunnels.OUTER_V6, payload));
            case DNS_UDP -> udpOverIpv4(49152, 53, payload);
            case TCP_PAYLOAD -> GoldenTunnels.eth(GoldenTunnels.ETHER_TYPE_IPV4,
                GoldenTunnels.ipv4(6, v4, GoldenTunnels.tcp(50000, 443, 0x018, payload)));
            case MPLS -> GoldenTunnels.cat(GoldenPackets.MACS, "8847", payload);
            default -> GoldenTunnels.cat(GoldenPackets.MACS, "8864",
                String.format("11 00 0001 %04x", Math.min(0xFFFF, payload.length)), payload);
        };
    }

    private static byte[] udpOverIpv4(final int source, final int destination, final byte[] payload)
    {
        return GoldenTunnels.eth(GoldenTunnels.ETHER_TYPE_IPV4,
            GoldenTunnels.ipv4(17, GoldenTunnels.OUTER_V4, GoldenTunnels.udp(source, destination, payload)));
    }

    private void decodeAndCheck(final int linkType, final byte[] packetBytes, final int uncaptured)
    {
        burst.data[0] = MemorySegment.ofArray(packetBytes);
        burst.offset[0] = 0;
        burst.capturedLength[0] = packetBytes.length;
        burst.wireLength[0] = packetBytes.length + uncaptured;
        burst.linkType[0] = linkType;
        burst.count(1);
        burst.resetStageState();
        decoder.decode(burst);

        if (burst.verdict[0] == Verdict.DROPPED)
        {
            assertEquals("decode", DropReason.values()[burst.dropReason[0]].stage());
        }
        else
        {
            assertEquals(Verdict.PENDING, burst.verdict[0]);
            assertConsistent(packetBytes.length);
        }
        // Whatever the decoder left, decoded or dropped, every reader of it must stay inside the packet.
        packet.wrap(burst, 0);
        everyField.line(packet, 1);
        packet.dnsQueryName(sink, 0);
        if (packet.hasTlsSni())
        {
            packet.tlsSni(new byte[packet.tlsSniLength()], 0);
        }
    }

    private void assertConsistent(final int capturedLength)
    {
        final int ipVersion = burst.ipVersion[0];
        assertTrue(ipVersion == 0 || ipVersion == 4 || ipVersion == 6, "ip version " + ipVersion);
        assertTrue(burst.vlanCount[0] == 0 || burst.vlanOffset[0] + 4L * burst.vlanCount[0] <= capturedLength, "vlan tags");
        assertTrue(burst.mplsCount[0] == 0 || burst.mplsOffset[0] + 4L * burst.mplsCount[0] <= capturedLength, "labels");
        assertTrue(burst.tunnelDepth[0] >= 0 && burst.tunnelDepth[0] <= PacketDecoder.MAX_TUNNEL_DEPTH, "depth");
        assertTrue(burst.innerIpVersion[0] == 0 || burst.tunnelDepth[0] >= 1, "an inner IP layer needs a tunnel");
        assertTrue((burst.tunnelDepth[0] == 0) == (burst.tunnelType[0] == TunnelType.NONE), "tunnel type");
        int previous = -1;
        for (int k = 0; k < burst.headerCount[0]; k++)
        {
            final int offset = burst.headerOffset[k];
            // Non-decreasing: a Teredo payload without indicators starts where its IPv6 header does.
            assertTrue(offset >= previous && offset < capturedLength, "header " + k + " at " + offset);
            previous = offset;
        }
        if (burst.tlsSniOffset[0] != ABSENT)
        {
            assertTrue(burst.tlsSniOffset[0] + (long)burst.tlsSniLength[0] <= capturedLength, "server name");
        }
        if (ipVersion == 0)
        {
            assertEquals(ABSENT, burst.l3Offset[0]);
            assertEquals(ABSENT, burst.l4Offset[0]);
            assertEquals(ABSENT, burst.ipProtocol[0]);
            assertEquals(0, burst.tunnelDepth[0]);
            return;
        }
        final int l3Offset = burst.l3Offset[0];
        assertTrue(l3Offset >= 0 && l3Offset < capturedLength, "l3 offset " + l3Offset);
        assertTrue(burst.ipProtocol[0] >= 0 && burst.ipProtocol[0] <= 255);
        assertTrue(burst.payloadOffset[0] >= 0 && burst.payloadLength[0] >= 0, "payload");
        final int l4Offset = burst.l4Offset[0];
        if (l4Offset != ABSENT)
        {
            assertTrue(l4Offset > l3Offset && l4Offset < capturedLength, "l4 offset " + l4Offset);
            final int protocol = burst.l4Protocol[0];
            final boolean ports = burst.srcPort[0] != ABSENT;
            assertEquals(protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || protocol == IpProtocol.SCTP, ports,
                "ports for protocol " + protocol);
            assertEquals(protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6, burst.icmpType[0] != ABSENT);
        }
        else
        {
            assertEquals(ABSENT, burst.srcPort[0]);
            assertEquals(ABSENT, burst.icmpType[0]);
            assertEquals(ABSENT, burst.l4Protocol[0]);
        }
    }
}
