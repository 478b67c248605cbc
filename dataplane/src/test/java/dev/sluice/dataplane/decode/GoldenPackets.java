package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.source.LinkType;

import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.dataplane.testing.Hex.bytes;

/**
 * Hand-written packets, header by header, that the decoder tests check field by field and
 * that {@link PacketDecoderTsharkTest} also writes to captures and holds against tshark.
 * Addresses: 192.168.1.10 → 93.184.216.34, 10.0.0.x, 2001:db8::1 → 2001:db8::2,
 * fe80::1 → ff02::1.
 * <p>
 * Constants only; any thread.
 */
final class GoldenPackets
{
    /** A packet, its link type, how much of it was captured, and the drop the decoder must report (null: none). */
    record Golden(String name, int linkType, byte[] bytes, int capturedLength, DropReason drop)
    {
        Golden(final String name, final int linkType, final byte[] bytes, final DropReason drop)
        {
            this(name, linkType, bytes, bytes.length, drop);
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    static final String MACS = "001122334455 66778899aabb";
    static final String ETH_IPV4 = MACS + "0800";
    static final String ETH_IPV6 = MACS + "86dd";
    static final String IPV6_ADDRESSES = "20010db8000000000000000000000001 20010db8000000000000000000000002";

    // IPv4 (total length 40), TCP SYN 50000 → 443.
    static final String IPV4_TCP = "45 00 0028 1c46 4000 40 06 0000 c0a8010a 5db8d822";
    static final String TCP_SYN = "c350 01bb 00000001 00000000 5002 faf0 0000 0000";

    // ---------------------------------------------------------------- well-formed
    static final Golden ETH_IPV4_TCP_SYN = new Golden("eth-ipv4-tcp-syn", LinkType.ETHERNET,
        bytes(ETH_IPV4, IPV4_TCP, TCP_SYN), null);

    static final Golden ETH_VLAN_IPV4_UDP = new Golden("eth-vlan-ipv4-udp-dns", LinkType.ETHERNET,
        bytes("ffffffffffff 020000000001 8100", "2064 0800",
            "45 00 0039 0001 0000 3f 11 0000 0a000005 08080808", "d431 0035 0025 0000",
            "1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"), null);

    static final Golden ETH_QINQ_IPV4_ICMP = new Golden("eth-qinq-ipv4-icmp-echo", LinkType.ETHERNET,
        bytes(MACS, "88a8", "00c8 8100", "0064 0800",
            "45 00 001c 0002 0000 40 01 0000 0a000001 0a000002", "08 00 f7ff 0000 0000"), null);

    static final Golden ETH_IPV6_TCP = new Golden("eth-ipv6-tcp-synack", LinkType.ETHERNET,
        bytes(ETH_IPV6, "6000 0000 0014 06 40", IPV6_ADDRESSES, "01bb c350 00000001 00000001 5012 ffff 0000 0000"), null);

    static final String IPV6_ICMPV6_ECHO = "6000 0000 0008 3a ff fe800000000000000000000000000001 " +
        "ff020000000000000000000000000001 80 00 0000 0001 0001";
    static final Golden ETH_IPV6_ICMPV6 = new Golden("eth-ipv6-icmpv6-echo", LinkType.ETHERNET,
        bytes(ETH_IPV6, IPV6_ICMPV6_ECHO), null);

    static final Golden ETH_IPV6_HBH_FRAGMENT_UDP = new Golden("eth-ipv6-hbh-fragment-udp-first", LinkType.ETHERNET,
        bytes(ETH_IPV6, "6000 0000 0018 00 40", IPV6_ADDRESSES,
            "2c 00 05 02 0000 01 00", "11 00 0001 12345678", "04d2 0035 0064 1234"), null);

    static final Golden ETH_IPV6_LATER_FRAGMENT = new Golden("eth-ipv6-later-fragment", LinkType.ETHERNET,
        bytes(ETH_IPV6, "6000 0000 0010 2c 40", IPV6_ADDRESSES, "06 00 00b8 12345678", "0102030405060708"), null);

    static final Golden ETH_IPV4_LATER_FRAGMENT = new Golden("eth-ipv4-later-fragment", LinkType.ETHERNET,
        bytes(ETH_IPV4, "45 00 001c 0003 00b9 40 11 0000 0a000001 0a000002", "0102030405060708"), null);

    static final Golden ETH_ARP = new Golden("eth-arp-request", LinkType.ETHERNET,
        bytes("ffffffffffff 020000000001 0806", "0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002"), null);

    static final Golden ETH_8023_STP = new Golden("eth-802.3-llc-stp", LinkType.ETHERNET,
        bytes("0180c2000000 020000000001 0026", "424203",
            "0000 00 00 00 8000020000000001 00000000 8000020000000001 8001 0000 1400 0200 0f00"), null);

    static final Golden ETH_IPV4_OPTIONS_TCP = new Golden("eth-ipv4-options-tcp-options", LinkType.ETHERNET,
        bytes(ETH_IPV4, "46 00 0030 0005 4000 40 06 0000 0a000001 0a000002 01010100",
            "c350 0050 00000001 00000000 6002 faf0 0000 0000 020405b4"), null);

    static final Golden ETH_IPV4_TSO = new Golden("eth-ipv4-tso-zero-length", LinkType.ETHERNET,
        bytes(ETH_IPV4, "45 00 0000 0006 4000 40 06 0000 0a000001 0a000002", TCP_SYN), null);

    static final Golden ETH_IPV4_PADDED = new Golden("eth-ipv4-tcp-ack-padded", LinkType.ETHERNET,
        bytes(ETH_IPV4, "45 00 0028 0007 4000 40 06 0000 0a000001 0a000002",
            "c350 0050 00000002 00000002 5010 faf0 0000 0000", "000000000000"), null);

    static final Golden RAW_IPV4_TCP = new Golden("raw-ipv4-tcp-syn", LinkType.RAW,
        bytes(IPV4_TCP, TCP_SYN), null);

    static final Golden RAW_IPV6_UDP = new Golden("raw-ipv6-udp", LinkType.IPV6,
        bytes("6000 0000 000c 11 40", IPV6_ADDRESSES, "d431 0009 000c 1234", "01020304"), null);

    static final Golden LINUX_SLL_IPV4_UDP = new Golden("linux-sll-ipv4-udp-ntp", LinkType.LINUX_SLL,
        bytes("0000 0001 0006 0200000000010000 0800",
            "45 00 001c 0004 0000 40 11 0000 0a000001 0a000002", "007b 007b 0008 0000"), null);

    static final Golden LINUX_SLL2_IPV6_ICMPV6 = new Golden("linux-sll2-ipv6-icmpv6", LinkType.LINUX_SLL2,
        bytes("86dd 0000 00000002 0001 04 06 0200000000010000", IPV6_ICMPV6_ECHO), null);

    static final List<Golden> WELL_FORMED = List.of(
        ETH_IPV4_TCP_SYN, ETH_VLAN_IPV4_UDP, ETH_QINQ_IPV4_ICMP, ETH_IPV6_TCP, ETH_IPV6_ICMPV6,
        ETH_IPV6_HBH_FRAGMENT_UDP, ETH_IPV6_LATER_FRAGMENT, ETH_IPV4_LATER_FRAGMENT, ETH_ARP, ETH_8023_STP,
        ETH_IPV4_OPTIONS_TCP, ETH_IPV4_TSO, ETH_IPV4_PADDED, RAW_IPV4_TCP, RAW_IPV6_UDP, LINUX_SLL_IPV4_UDP,
        LINUX_SLL2_IPV6_ICMPV6);

    // ---------------------------------------------------------------- malformed or cut short
    static final List<Golden> BROKEN = List.of(
        new Golden("unsupported-link-type-null", LinkType.NULL, bytes("02000000", IPV4_TCP, TCP_SYN),
            DropReason.UNSUPPORTED_LINK_TYPE),
        new Golden("snaplen-cuts-tcp", LinkType.ETHERNET, bytes(ETH_IPV4, IPV4_TCP, TCP_SYN), 40,
            DropReason.SNAPLEN_TRUNCATED),
        new Golden("snaplen-cuts-ethernet", LinkType.ETHERNET, bytes(ETH_IPV4, IPV4_TCP, TCP_SYN), 8,
            DropReason.SNAPLEN_TRUNCATED),
        new Golden("truncated-ethernet", LinkType.ETHERNET, bytes("001122334455 6677"),
            DropReason.TRUNCATED_ETHERNET),
        new Golden("truncated-vlan", LinkType.ETHERNET, bytes(MACS, "8100", "0064"),
            DropReason.TRUNCATED_VLAN),
        new Golden("truncated-linux-sll", LinkType.LINUX_SLL, bytes("0000 0001 0006 02000000"),
            DropReason.TRUNCATED_LINUX_SLL),
        new Golden("raw-ip-version-5", LinkType.RAW, bytes("55 00 0028 1c46 4000 40 06 0000 c0a8010a 5db8d822", TCP_SYN),
            DropReason.IP_BAD_VERSION),
        new Golden("truncated-ipv4", LinkType.ETHERNET, bytes(ETH_IPV4, "45 00 0028 1c46 4000"),
            DropReason.TRUNCATED_IPV4),
        new Golden("ipv4-version-6", LinkType.ETHERNET, bytes(ETH_IPV4, "65 00 0028 1c46 4000 40 06 0000 c0a8010a 5db8d822", TCP_SYN),
            DropReason.IPV4_BAD_VERSION),
        new Golden("ipv4-ihl-4", LinkType.ETHERNET, bytes(ETH_IPV4, "44 00 0028 1c46 4000 40 06 0000 c0a8010a 5db8d822", TCP_SYN),
            DropReason.IPV4_BAD_HEADER_LENGTH),
        new Golden("ipv4-total-length-below-header", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 000a 1c46 4000 40 06 0000 c0a8010a 5db8d822", TCP_SYN),
            DropReason.IPV4_BAD_TOTAL_LENGTH),
        new Golden("ipv4-total-length-beyond-frame", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 0064 1c46 4000 40 06 0000 c0a8010a 5db8d822", TCP_SYN),
            DropReason.IPV4_BAD_TOTAL_LENGTH),
        new Golden("truncated-ipv6", LinkType.ETHERNET, bytes(ETH_IPV6, "6000 0000 0014 06 40", "20010db8000000000000"),
            DropReason.TRUNCATED_IPV6),
        new Golden("ipv6-version-4", LinkType.ETHERNET, bytes(ETH_IPV6, "4000 0000 0014 06 40", IPV6_ADDRESSES, TCP_SYN),
            DropReason.IPV6_BAD_VERSION),
        new Golden("ipv6-hop-by-hop-past-payload", LinkType.ETHERNET,
            bytes(ETH_IPV6, "6000 0000 0008 00 40", IPV6_ADDRESSES, "06 01 0104 00000000"),
            DropReason.TRUNCATED_IPV6_EXTENSION),
        new Golden("ipv6-hop-by-hop-after-destination-options", LinkType.ETHERNET,
            bytes(ETH_IPV6, "6000 0000 0024 3c 40", IPV6_ADDRESSES, "00 00 0104 00000000", "06 00 0104 00000000", TCP_SYN),
            DropReason.IPV6_MISPLACED_HOP_BY_HOP),
        new Golden("ipv6-option-past-header", LinkType.ETHERNET,
            bytes(ETH_IPV6, "6000 0000 001c 00 40", IPV6_ADDRESSES, "06 00 050a 00000000", TCP_SYN),
            DropReason.IPV6_BAD_OPTION_LENGTH),
        new Golden("truncated-tcp", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 0020 1c46 4000 40 06 0000 c0a8010a 5db8d822", "c350 01bb 00000001 00000000"),
            DropReason.TRUNCATED_TCP),
        new Golden("tiny-first-fragment-tcp", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 001c 1c46 2000 40 06 0000 c0a8010a 5db8d822", "c350 01bb 00000001"),
            DropReason.TRUNCATED_TCP),
        new Golden("tcp-data-offset-4", LinkType.ETHERNET,
            bytes(ETH_IPV4, IPV4_TCP, "c350 01bb 00000001 00000000 4002 faf0 0000 0000"),
            DropReason.TCP_BAD_DATA_OFFSET),
        new Golden("tcp-options-past-packet", LinkType.ETHERNET,
            bytes(ETH_IPV4, IPV4_TCP, "c350 01bb 00000001 00000000 f002 faf0 0000 0000"),
            DropReason.TCP_BAD_DATA_OFFSET),
        new Golden("truncated-udp", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 0018 0001 0000 40 11 0000 0a000001 0a000002", "d431 0035"),
            DropReason.TRUNCATED_UDP),
        new Golden("udp-length-4", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 0020 0001 0000 40 11 0000 0a000001 0a000002", "d431 0035 0004 0000", "01020304"),
            DropReason.UDP_BAD_LENGTH),
        new Golden("udp-length-past-payload", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 0020 0001 0000 40 11 0000 0a000001 0a000002", "d431 0035 0064 0000", "01020304"),
            DropReason.UDP_BAD_LENGTH),
        new Golden("ipv6-udp-zero-checksum", LinkType.ETHERNET,
            bytes(ETH_IPV6, "6000 0000 000c 11 40", IPV6_ADDRESSES, "d431 0009 000c 0000", "01020304"),
            DropReason.UDP_ZERO_CHECKSUM_IPV6),
        new Golden("truncated-icmp", LinkType.ETHERNET,
            bytes(ETH_IPV4, "45 00 001a 0002 0000 40 01 0000 0a000001 0a000002", "08 00 f7ff 0000"),
            DropReason.TRUNCATED_ICMP),
        new Golden("truncated-icmpv6", LinkType.ETHERNET,
            bytes(ETH_IPV6, "6000 0000 0004 3a ff fe800000000000000000000000000001 ff020000000000000000000000000001",
                "80 00 0000"),
            DropReason.TRUNCATED_ICMP));

    /** Every broken packet, these and {@link GoldenTunnels#BROKEN}. */
    static final List<Golden> ALL_BROKEN = Stream.of(BROKEN, GoldenTunnels.BROKEN).flatMap(List::stream).toList();

    /** Every golden packet, these and {@link GoldenTunnels}'. */
    static final List<Golden> ALL = Stream.of(WELL_FORMED, BROKEN, GoldenTunnels.WELL_FORMED, GoldenTunnels.BROKEN)
        .flatMap(List::stream).toList();

    private GoldenPackets()
    {
    }
}
