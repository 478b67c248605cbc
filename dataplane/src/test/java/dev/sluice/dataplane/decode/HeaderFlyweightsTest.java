package dev.sluice.dataplane.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.testing.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every accessor of every header flyweight on hand-written bytes, read at an offset inside a larger segment. */
class HeaderFlyweightsTest
{
    private static final String LEAD = "eeeeee";
    private static final int AT = 3;

    @Test
    void ethernetAndVlanTag()
    {
        final MemorySegment segment = segment("0a1b2c3d4e5f 020000000001 8100", "b064 0800");
        final EthernetHeader ethernet = new EthernetHeader();
        final VlanTag tag = new VlanTag();
        assertSame(ethernet, ethernet.wrap(segment, AT, 18));
        assertSame(tag, tag.wrap(segment, AT + EthernetHeader.LENGTH, 4));
        assertAll(
            () -> assertEquals(18, ethernet.length()),
            () -> assertEquals(0x0a1b2c3d4e5fL, ethernet.destinationMac()),
            () -> assertEquals(0x020000000001L, ethernet.sourceMac()),
            () -> assertEquals(EthernetHeader.ETHER_TYPE_VLAN, ethernet.etherType()),
            () -> assertTrue(EthernetHeader.isVlanTag(0x8100)),
            () -> assertTrue(EthernetHeader.isVlanTag(0x88a8)),
            () -> assertTrue(EthernetHeader.isVlanTag(0x9100)),
            () -> assertFalse(EthernetHeader.isVlanTag(0x0800)),
            () -> assertEquals(4, tag.length()),
            () -> assertEquals(5, tag.priority()),
            () -> assertTrue(tag.dropEligible()),
            () -> assertEquals(100, tag.vlanId()),
            () -> assertEquals(0x0800, tag.etherType()));
    }

    @Test
    void linuxCookedHeaders()
    {
        final LinuxSllHeader v1 = new LinuxSllHeader().wrap(segment("0004 0001 0006 0200000000010000 86dd"), AT, 16);
        final LinuxSll2Header v2 = new LinuxSll2Header().wrap(segment("0800 0000 00000007 0001 04 06 0200000000010000"), AT, 20);
        assertAll(
            () -> assertEquals(16, v1.length()),
            () -> assertEquals(4, v1.packetType()),
            () -> assertEquals(1, v1.deviceType()),
            () -> assertEquals(0x86dd, v1.protocol()),
            () -> assertEquals(20, v2.length()),
            () -> assertEquals(0x0800, v2.protocol()),
            () -> assertEquals(7, v2.interfaceIndex()),
            () -> assertEquals(1, v2.deviceType()),
            () -> assertEquals(4, v2.packetType()));
    }

    @Test
    void ipv4()
    {
        final Ipv4Header ip = new Ipv4Header().wrap(
            segment("46 b8 0030 abcd 6005 3f 11 f00d c0a8010a 5db8d822 94040000"), AT, 24);
        assertAll(
            () -> assertEquals(24, ip.length()),
            () -> assertEquals(4, ip.version()),
            () -> assertEquals(24, ip.headerLengthBytes()),
            () -> assertEquals(0xb8, ip.dscpEcn()),
            () -> assertEquals(48, ip.totalLengthBytes()),
            () -> assertEquals(0xabcd, ip.identification()),
            () -> assertTrue(ip.dontFragment()),
            () -> assertTrue(ip.moreFragments()),
            () -> assertEquals(5 * 8, ip.fragmentOffsetBytes()),
            () -> assertTrue(ip.isLaterFragment()),
            () -> assertTrue(ip.isFragment()),
            () -> assertEquals(63, ip.ttl()),
            () -> assertEquals(17, ip.protocol()),
            () -> assertEquals(0xf00d, ip.checksum()),
            () -> assertEquals(0xc0a8010aL, ip.sourceAddress()),
            () -> assertEquals(0x5db8d822L, ip.destinationAddress()));
        final Ipv4Header first = new Ipv4Header().wrap(segment("45 00 0014 0001 2000 40 06 0000 0a000001 0a000002"), AT, 20);
        assertAll(
            () -> assertFalse(first.dontFragment()),
            () -> assertFalse(first.isLaterFragment()),
            () -> assertTrue(first.isFragment()));
    }

    @Test
    void ipv6AndItsExtensionHeaders()
    {
        final Ipv6Header ip = new Ipv6Header().wrap(segment("6b812345 0028 2c 40",
            "20010db8000000000000000000000001 fe800000000000000000000000000002"), AT, 40);
        final Ipv6ExtensionHeader options = new Ipv6ExtensionHeader().wrap(segment("3a 02 0000"), AT, 4);
        final Ipv6FragmentHeader fragment = new Ipv6FragmentHeader().wrap(segment("06 00 05a9 deadbeef"), AT, 8);
        assertAll(
            () -> assertEquals(40, ip.length()),
            () -> assertEquals(6, ip.version()),
            () -> assertEquals(0xb8, ip.trafficClass()),
            () -> assertEquals(0x12345, ip.flowLabel()),
            () -> assertEquals(40, ip.payloadLengthBytes()),
            () -> assertEquals(44, ip.nextHeader()),
            () -> assertEquals(64, ip.hopLimit()),
            () -> assertEquals(0x20010db800000000L, ip.sourceAddressHigh()),
            () -> assertEquals(1L, ip.sourceAddressLow()),
            () -> assertEquals(0xfe80000000000000L, ip.destinationAddressHigh()),
            () -> assertEquals(2L, ip.destinationAddressLow()),
            () -> assertEquals(4, options.length()),
            () -> assertEquals(58, options.nextHeader()),
            () -> assertEquals(24, options.headerLengthBytes()),
            () -> assertTrue(Ipv6ExtensionHeader.isOptionsOrRouting(0)),
            () -> assertTrue(Ipv6ExtensionHeader.isOptionsOrRouting(43)),
            () -> assertTrue(Ipv6ExtensionHeader.isOptionsOrRouting(60)),
            () -> assertFalse(Ipv6ExtensionHeader.isOptionsOrRouting(44)),
            () -> assertEquals(8, fragment.length()),
            () -> assertEquals(6, fragment.nextHeader()),
            () -> assertEquals(0x05a8, fragment.fragmentOffsetBytes()),
            () -> assertTrue(fragment.moreFragments()),
            () -> assertTrue(fragment.isLaterFragment()),
            () -> assertEquals(0xdeadbeefL, fragment.identification()));
    }

    @Test
    void transportHeaders()
    {
        final TcpHeader tcp = new TcpHeader().wrap(segment("c350 01bb fffffffe 80000001 61d2 faf0 1234 0007 020405b4"), AT, 24);
        final UdpHeader udp = new UdpHeader().wrap(segment("d431 0035 001c beef"), AT, 8);
        final IcmpHeader icmp = new IcmpHeader().wrap(segment("03 04 abcd 000005dc"), AT, 8);
        final Icmpv6Header icmpv6 = new Icmpv6Header().wrap(segment("02 00 1234 00000500"), AT, 8);
        assertAll(
            () -> assertEquals(24, tcp.length()),
            () -> assertEquals(50000, tcp.sourcePort()),
            () -> assertEquals(443, tcp.destinationPort()),
            () -> assertEquals(0xfffffffeL, tcp.sequenceNumber()),
            () -> assertEquals(0x80000001L, tcp.acknowledgmentNumber()),
            () -> assertEquals(24, tcp.dataOffsetBytes()),
            () -> assertEquals(TcpHeader.NS | TcpHeader.CWR | TcpHeader.ECE | TcpHeader.ACK | TcpHeader.SYN, tcp.flags()),
            () -> assertEquals(0xfaf0, tcp.window()),
            () -> assertEquals(0x1234, tcp.checksum()),
            () -> assertEquals(7, tcp.urgentPointer()),
            () -> assertEquals(8, udp.length()),
            () -> assertEquals(54321, udp.sourcePort()),
            () -> assertEquals(53, udp.destinationPort()),
            () -> assertEquals(28, udp.datagramLengthBytes()),
            () -> assertEquals(0xbeef, udp.checksum()),
            () -> assertEquals(8, icmp.length()),
            () -> assertEquals(IcmpHeader.DESTINATION_UNREACHABLE, icmp.type()),
            () -> assertEquals(4, icmp.code()),
            () -> assertEquals(0xabcd, icmp.checksum()),
            () -> assertEquals(1500, icmp.restOfHeader()),
            () -> assertEquals(8, icmpv6.length()),
            () -> assertEquals(Icmpv6Header.PACKET_TOO_BIG, icmpv6.type()),
            () -> assertEquals(0, icmpv6.code()),
            () -> assertEquals(0x1234, icmpv6.checksum()),
            () -> assertEquals(1280, icmpv6.restOfHeader()));
    }

    private static MemorySegment segment(final String... hex)
    {
        final String[] parts = new String[hex.length + 1];
        parts[0] = LEAD;
        System.arraycopy(hex, 0, parts, 1, hex.length);
        return MemorySegment.ofArray(bytes(parts));
    }
}
