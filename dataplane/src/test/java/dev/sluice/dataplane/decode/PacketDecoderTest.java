package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.DecodedCopy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PacketDecoderTest
{
    /** Bytes before each packet in its segment, so offsets are exercised; nothing follows it, so an over-read throws. */
    private static final int LEADING_BYTES = 5;

    private static final Set<DropReason> TESTED_HERE = EnumSet.of(DropReason.CAPTURED_LENGTH_INVALID);

    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst burst = new PacketBurst(8, 1);

    @Test
    void ethernetIpv4TcpSyn()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_IPV4_TCP_SYN);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(ABSENT, packet.vlanId()),
            () -> assertEquals(0x0800, packet.etherType()),
            () -> assertEquals(4, packet.ipVersion()),
            () -> assertEquals(14, packet.l3Offset()),
            () -> assertEquals(34, packet.l4Offset()),
            () -> assertEquals(6, packet.ipProtocol()),
            () -> assertEquals(64, packet.ipTtl()),
            () -> assertEquals(0, packet.srcAddressHigh()),
            () -> assertEquals(0xc0a8010aL, packet.srcAddressLow()),
            () -> assertEquals(0, packet.dstAddressHigh()),
            () -> assertEquals(0x5db8d822L, packet.dstAddressLow()),
            () -> assertEquals(50000, packet.srcPort()),
            () -> assertEquals(443, packet.dstPort()),
            () -> assertEquals(TcpHeader.SYN, packet.tcpFlags()),
            () -> assertEquals(ABSENT, packet.icmpType()),
            () -> assertEquals(ABSENT, packet.icmpCode()));
    }

    @Test
    void vlanTaggedUdp()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_VLAN_IPV4_UDP);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(100, packet.vlanId()),
            () -> assertEquals(0x0800, packet.etherType()),
            () -> assertEquals(18, packet.l3Offset()),
            () -> assertEquals(38, packet.l4Offset()),
            () -> assertEquals(17, packet.ipProtocol()),
            () -> assertEquals(63, packet.ipTtl()),
            () -> assertEquals(0x0a000005L, packet.srcAddressLow()),
            () -> assertEquals(0x08080808L, packet.dstAddressLow()),
            () -> assertEquals(54321, packet.srcPort()),
            () -> assertEquals(53, packet.dstPort()),
            () -> assertEquals(ABSENT, packet.tcpFlags()));
    }

    @Test
    void qinqRecordsTheOuterVlanAndSkipsToTheInnerEtherType()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_QINQ_IPV4_ICMP);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(200, packet.vlanId()),
            () -> assertEquals(0x0800, packet.etherType()),
            () -> assertEquals(22, packet.l3Offset()),
            () -> assertEquals(42, packet.l4Offset()),
            () -> assertEquals(1, packet.ipProtocol()),
            () -> assertEquals(IcmpHeader.ECHO_REQUEST, packet.icmpType()),
            () -> assertEquals(0, packet.icmpCode()),
            () -> assertEquals(ABSENT, packet.srcPort()),
            () -> assertEquals(ABSENT, packet.dstPort()));
    }

    @Test
    void ipv6Tcp()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_IPV6_TCP);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(0x86dd, packet.etherType()),
            () -> assertEquals(6, packet.ipVersion()),
            () -> assertEquals(14, packet.l3Offset()),
            () -> assertEquals(54, packet.l4Offset()),
            () -> assertEquals(6, packet.ipProtocol()),
            () -> assertEquals(64, packet.ipTtl()),
            () -> assertEquals(0x20010db800000000L, packet.srcAddressHigh()),
            () -> assertEquals(1L, packet.srcAddressLow()),
            () -> assertEquals(0x20010db800000000L, packet.dstAddressHigh()),
            () -> assertEquals(2L, packet.dstAddressLow()),
            () -> assertEquals(443, packet.srcPort()),
            () -> assertEquals(50000, packet.dstPort()),
            () -> assertEquals(TcpHeader.SYN | TcpHeader.ACK, packet.tcpFlags()));
    }

    @Test
    void icmpv6Echo()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_IPV6_ICMPV6);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(58, packet.ipProtocol()),
            () -> assertEquals(255, packet.ipTtl()),
            () -> assertEquals(0xfe80000000000000L, packet.srcAddressHigh()),
            () -> assertEquals(1L, packet.srcAddressLow()),
            () -> assertEquals(0xff02000000000000L, packet.dstAddressHigh()),
            () -> assertEquals(1L, packet.dstAddressLow()),
            () -> assertEquals(54, packet.l4Offset()),
            () -> assertEquals(Icmpv6Header.ECHO_REQUEST, packet.icmpType()),
            () -> assertEquals(0, packet.icmpCode()),
            () -> assertEquals(ABSENT, packet.srcPort()));
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedToTheUpperLayer()
    {
        // Hop-by-hop, then the fragment header of a first fragment whose UDP length counts the whole datagram.
        final DecodedCopy packet = decode(GoldenPackets.ETH_IPV6_HBH_FRAGMENT_UDP);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(17, packet.ipProtocol()),
            () -> assertEquals(14 + 40 + 8 + 8, packet.l4Offset()),
            () -> assertEquals(1234, packet.srcPort()),
            () -> assertEquals(53, packet.dstPort()));
    }

    @Test
    void laterFragmentsCarryNoTransportFieldsAndAreNotDropped()
    {
        final DecodedCopy ipv6 = decode(GoldenPackets.ETH_IPV6_LATER_FRAGMENT);
        final DecodedCopy ipv4 = decode(GoldenPackets.ETH_IPV4_LATER_FRAGMENT);
        assertAll(
            () -> assertNull(ipv6.dropReason()),
            () -> assertEquals(6, ipv6.ipVersion()),
            () -> assertEquals(6, ipv6.ipProtocol()),
            () -> assertEquals(ABSENT, ipv6.l4Offset()),
            () -> assertEquals(ABSENT, ipv6.srcPort()),
            () -> assertEquals(ABSENT, ipv6.tcpFlags()),
            () -> assertNull(ipv4.dropReason()),
            () -> assertEquals(17, ipv4.ipProtocol()),
            () -> assertEquals(ABSENT, ipv4.l4Offset()),
            () -> assertEquals(ABSENT, ipv4.srcPort()),
            () -> assertEquals(ABSENT, ipv4.dstPort()));
    }

    @Test
    void nonIpFramesAreNotDrops()
    {
        final DecodedCopy arp = decode(GoldenPackets.ETH_ARP);
        final DecodedCopy stp = decode(GoldenPackets.ETH_8023_STP);
        assertAll(
            () -> assertNull(arp.dropReason()),
            () -> assertEquals(0x0806, arp.etherType()),
            () -> assertEquals(0, arp.ipVersion()),
            () -> assertEquals(ABSENT, arp.l3Offset()),
            () -> assertEquals(ABSENT, arp.ipProtocol()),
            () -> assertEquals(ABSENT, arp.ipTtl()),
            () -> assertEquals(ABSENT, arp.l4Offset()),
            () -> assertNull(stp.dropReason()),
            () -> assertEquals(ABSENT, stp.etherType()),
            () -> assertEquals(0, stp.ipVersion()));
    }

    @Test
    void optionsAreSkipped()
    {
        final DecodedCopy packet = decode(GoldenPackets.ETH_IPV4_OPTIONS_TCP);
        assertAll(
            () -> assertNull(packet.dropReason()),
            () -> assertEquals(14 + 24, packet.l4Offset()),
            () -> assertEquals(80, packet.dstPort()),
            () -> assertEquals(TcpHeader.SYN, packet.tcpFlags()));
    }

    @Test
    void zeroTotalLengthMeansSegmentationOffloadAndPaddingIsIgnored()
    {
        final DecodedCopy tso = decode(GoldenPackets.ETH_IPV4_TSO);
        final DecodedCopy padded = decode(GoldenPackets.ETH_IPV4_PADDED);
        assertAll(
            () -> assertNull(tso.dropReason()),
            () -> assertEquals(443, tso.dstPort()),
            () -> assertNull(padded.dropReason()),
            () -> assertEquals(TcpHeader.ACK, padded.tcpFlags()));
    }

    @Test
    void rawIpAndLinuxCookedCaptures()
    {
        final DecodedCopy rawIpv4 = decode(GoldenPackets.RAW_IPV4_TCP);
        final DecodedCopy rawIpv6 = decode(GoldenPackets.RAW_IPV6_UDP);
        final DecodedCopy sll = decode(GoldenPackets.LINUX_SLL_IPV4_UDP);
        final DecodedCopy sll2 = decode(GoldenPackets.LINUX_SLL2_IPV6_ICMPV6);
        assertAll(
            () -> assertNull(rawIpv4.dropReason()),
            () -> assertEquals(ABSENT, rawIpv4.etherType()),
            () -> assertEquals(0, rawIpv4.l3Offset()),
            () -> assertEquals(20, rawIpv4.l4Offset()),
            () -> assertEquals(443, rawIpv4.dstPort()),
            () -> assertNull(rawIpv6.dropReason()),
            () -> assertEquals(6, rawIpv6.ipVersion()),
            () -> assertEquals(40, rawIpv6.l4Offset()),
            () -> assertEquals(54321, rawIpv6.srcPort()),
            () -> assertEquals(9, rawIpv6.dstPort()),
            () -> assertNull(sll.dropReason()),
            () -> assertEquals(0x0800, sll.etherType()),
            () -> assertEquals(16, sll.l3Offset()),
            () -> assertEquals(123, sll.dstPort()),
            () -> assertNull(sll2.dropReason()),
            () -> assertEquals(0x86dd, sll2.etherType()),
            () -> assertEquals(20, sll2.l3Offset()),
            () -> assertEquals(Icmpv6Header.ECHO_REQUEST, sll2.icmpType()));
    }

    @Test
    void raw12And14AndIpv4OnlyLinkTypesDecode()
    {
        for (final int linkType : new int[]{LinkType.RAW_DLT_12, LinkType.RAW_DLT_14, LinkType.IPV4})
        {
            final Golden golden = new Golden("raw", linkType, GoldenPackets.RAW_IPV4_TCP.bytes(), null);
            assertEquals(443, decode(golden).dstPort(), "link type " + linkType);
        }
    }

    @ParameterizedTest
    @FieldSource("dev.sluice.dataplane.decode.GoldenPackets#ALL_BROKEN")
    void brokenPacketsAreDroppedWithTheirReason(final Golden golden)
    {
        assertEquals(golden.drop(), decode(golden).dropReason());
    }

    @Test
    void aDroppedPacketKeepsTheFieldsOfTheHeadersBeforeTheOneThatFailed()
    {
        final Golden udpLength = GoldenPackets.BROKEN.stream()
            .filter(golden -> golden.name().equals("udp-length-4")).findFirst().orElseThrow();
        final DecodedCopy packet = decode(udpLength);
        assertAll(
            () -> assertEquals(DropReason.UDP_BAD_LENGTH, packet.dropReason()),
            () -> assertEquals(4, packet.ipVersion()),
            () -> assertEquals(17, packet.ipProtocol()),
            () -> assertEquals(0x0a000001L, packet.srcAddressLow()),
            () -> assertEquals(ABSENT, packet.l4Offset()),
            () -> assertEquals(ABSENT, packet.srcPort()));
    }

    @Test
    void capturedLengthOutsideItsBufferIsASourceErrorNotAnException()
    {
        final byte[] bytes = GoldenPackets.ETH_IPV4_TCP_SYN.bytes();
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        fill(0, segment, 0, 0, bytes.length);                    // nothing captured
        fill(1, segment, 0, bytes.length, bytes.length - 1);     // captured more than the wire length
        fill(2, segment, 10, bytes.length, bytes.length);        // runs past the segment
        fill(3, segment, -1, bytes.length, bytes.length);        // negative offset
        fill(4, null, 0, bytes.length, bytes.length);            // no memory at all
        fill(5, segment, 0, bytes.length, bytes.length);         // fine
        burst.count(6);
        burst.resetStageState();
        decoder.decode(burst);
        for (int i = 0; i < 5; i++)
        {
            assertEquals(Verdict.DROPPED, burst.verdict[i], "slot " + i);
            assertEquals(DropReason.CAPTURED_LENGTH_INVALID.ordinal(), burst.dropReason[i], "slot " + i);
        }
        assertEquals(Verdict.PENDING, burst.verdict[5]);
    }

    @Test
    void aBurstOfMixedPacketsKeepsGoodOnesPendingAndStaleFieldsAreCleared()
    {
        final Golden[] goldens = {
            GoldenPackets.ETH_IPV4_TCP_SYN, GoldenPackets.BROKEN.get(3), GoldenPackets.ETH_ARP, GoldenPackets.ETH_IPV6_TCP};
        for (int i = 0; i < goldens.length; i++)
        {
            fill(i, MemorySegment.ofArray(goldens[i].bytes()), 0, goldens[i].capturedLength(), goldens[i].bytes().length);
            burst.linkType[i] = goldens[i].linkType();
            // Leftovers from an earlier burst must not survive decoding.
            burst.srcPort[i] = 7;
            burst.vlanId[i] = 7;
        }
        burst.count(goldens.length);
        burst.resetStageState();
        decoder.decode(burst);
        assertAll(
            () -> assertEquals(Verdict.PENDING, burst.verdict[0]),
            () -> assertEquals(Verdict.DROPPED, burst.verdict[1]),
            () -> assertEquals(goldens[1].drop().ordinal(), burst.dropReason[1]),
            () -> assertEquals(Verdict.PENDING, burst.verdict[2]),
            () -> assertEquals(ABSENT, burst.srcPort[2]),
            () -> assertEquals(Verdict.PENDING, burst.verdict[3]),
            () -> assertEquals(ABSENT, burst.vlanId[3]),
            () -> assertEquals(50000, burst.dstPort[3]));
    }

    @Test
    void everyDecodeDropReasonIsProducedByATest()
    {
        final Set<DropReason> declared = Arrays.stream(DropReason.values())
            .filter(reason -> reason.stage().equals("decode"))
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(DropReason.class)));
        final Set<DropReason> produced = EnumSet.copyOf(TESTED_HERE);
        GoldenPackets.ALL_BROKEN.forEach(golden -> produced.add(golden.drop()));
        assertEquals(declared, produced);
    }

    private DecodedCopy decode(final Golden golden)
    {
        final byte[] bytes = golden.bytes();
        final byte[] placed = new byte[LEADING_BYTES + golden.capturedLength()];
        Arrays.fill(placed, 0, LEADING_BYTES, (byte)0xEE);
        System.arraycopy(bytes, 0, placed, LEADING_BYTES, golden.capturedLength());
        fill(0, MemorySegment.ofArray(placed), LEADING_BYTES, golden.capturedLength(), bytes.length);
        burst.linkType[0] = golden.linkType();
        burst.count(1);
        burst.resetStageState();
        decoder.decode(burst);
        final DecodedCopy packet = DecodedCopy.of(burst, 0, 1);
        // decode(burst) and the single-slot entry point agree.
        assertEquals(packet.dropReason(), decoder.decode(burst, 0));
        return packet;
    }

    private void fill(final int slot, final MemorySegment segment, final long offset, final int captured, final int wire)
    {
        burst.data[slot] = segment;
        burst.offset[slot] = offset;
        burst.capturedLength[slot] = captured;
        burst.wireLength[slot] = wire;
        burst.timestampNs[slot] = 0;
        burst.linkType[slot] = LinkType.ETHERNET;
    }
}
