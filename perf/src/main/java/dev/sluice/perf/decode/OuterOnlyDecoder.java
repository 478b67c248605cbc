package dev.sluice.perf.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.EthernetHeader;
import dev.sluice.dataplane.decode.IcmpHeader;
import dev.sluice.dataplane.decode.Icmpv6Header;
import dev.sluice.dataplane.decode.IpProtocol;
import dev.sluice.dataplane.decode.Ipv4Header;
import dev.sluice.dataplane.decode.Ipv6ExtensionHeader;
import dev.sluice.dataplane.decode.Ipv6FragmentHeader;
import dev.sluice.dataplane.decode.Ipv6Header;
import dev.sluice.dataplane.decode.LinuxSll2Header;
import dev.sluice.dataplane.decode.LinuxSllHeader;
import dev.sluice.dataplane.decode.TcpHeader;
import dev.sluice.dataplane.decode.UdpHeader;
import dev.sluice.dataplane.decode.VlanTag;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;

/**
 * The walking skeleton's decoder (commit 3afefe8), kept as the baseline of
 * {@link DecodeBenchmark}: the same outer headers (Ethernet, SLL, VLAN tags, IPv4, IPv6 with
 * extension headers, TCP, UDP, ICMP), no MPLS, PPPoE, tunnels, DNS or TLS. Its code is
 * unchanged but for its name and package and the byte layout it reads the version nibble with.
 * <p>
 * Owned by one benchmark thread.
 */
public final class OuterOnlyDecoder
{
    private static final byte IPV6_OPTION_PAD1 = 0;

    private final EthernetHeader ethernet = new EthernetHeader();
    private final VlanTag vlanTag = new VlanTag();
    private final LinuxSllHeader linuxSll = new LinuxSllHeader();
    private final LinuxSll2Header linuxSll2 = new LinuxSll2Header();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionHeader ipv6Extension = new Ipv6ExtensionHeader();
    private final Ipv6FragmentHeader ipv6Fragment = new Ipv6FragmentHeader();
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();

    // The packet being decoded.
    private MemorySegment segment;
    private long packetOffset;
    private int capturedLength;

    /** Decodes slots {@code [0, burst.count())}. */
    public void decode(final PacketBurst burst)
    {
        final int count = burst.count();
        for (int i = 0; i < count; i++)
        {
            final DropReason reason = decode(burst, i);
            if (null != reason)
            {
                burst.drop(i, reason);
            }
        }
        segment = null;
    }

    /**
     * Decodes slot {@code index}, filling its header fields.
     *
     * @return why the packet must be dropped, or null when it decoded.
     */
    private DropReason decode(final PacketBurst burst, final int index)
    {
        clear(burst, index);
        final MemorySegment data = burst.data[index];
        final long offset = burst.offset[index];
        final int captured = burst.capturedLength[index];
        final int wire = burst.wireLength[index];
        if (null == data || captured <= 0 || captured > wire || offset < 0 || offset > data.byteSize() - captured)
        {
            return DropReason.CAPTURED_LENGTH_INVALID;
        }
        segment = data;
        packetOffset = offset;
        capturedLength = captured;

        switch (burst.linkType[index])
        {
            case LinkType.ETHERNET:
                return decodeEthernet(burst, index, wire);

            case LinkType.RAW:
            case LinkType.RAW_DLT_12:
            case LinkType.RAW_DLT_14:
                return decodeRawIp(burst, index, wire);

            case LinkType.IPV4:
                return decodeIpv4(burst, index, 0, wire);

            case LinkType.IPV6:
                return decodeIpv6(burst, index, 0, wire);

            case LinkType.LINUX_SLL:
                return decodeLinuxSll(burst, index, wire);

            case LinkType.LINUX_SLL2:
                return decodeLinuxSll2(burst, index, wire);

            default:
                return DropReason.UNSUPPORTED_LINK_TYPE;
        }
    }

    private DropReason decodeEthernet(final PacketBurst burst, final int index, final int end)
    {
        final DropReason reason = check(0, EthernetHeader.LENGTH, end, DropReason.TRUNCATED_ETHERNET);
        if (null != reason)
        {
            return reason;
        }
        ethernet.wrap(segment, packetOffset, capturedLength);
        return decodeEtherType(burst, index, ethernet.etherType(), EthernetHeader.LENGTH, end);
    }

    private DropReason decodeLinuxSll(final PacketBurst burst, final int index, final int end)
    {
        final DropReason reason = check(0, LinuxSllHeader.LENGTH, end, DropReason.TRUNCATED_LINUX_SLL);
        if (null != reason)
        {
            return reason;
        }
        linuxSll.wrap(segment, packetOffset, capturedLength);
        return decodeEtherType(burst, index, linuxSll.protocol(), LinuxSllHeader.LENGTH, end);
    }

    private DropReason decodeLinuxSll2(final PacketBurst burst, final int index, final int end)
    {
        final DropReason reason = check(0, LinuxSll2Header.LENGTH, end, DropReason.TRUNCATED_LINUX_SLL);
        if (null != reason)
        {
            return reason;
        }
        linuxSll2.wrap(segment, packetOffset, capturedLength);
        return decodeEtherType(burst, index, linuxSll2.protocol(), LinuxSll2Header.LENGTH, end);
    }

    private DropReason decodeEtherType(
        final PacketBurst burst, final int index, final int firstEtherType, final int firstOffset, final int end)
    {
        int etherType = firstEtherType;
        int offset = firstOffset;
        while (EthernetHeader.isVlanTag(etherType))
        {
            final DropReason reason = check(offset, VlanTag.LENGTH, end, DropReason.TRUNCATED_VLAN);
            if (null != reason)
            {
                return reason;
            }
            vlanTag.wrap(segment, packetOffset + offset, capturedLength - offset);
            if (burst.vlanId[index] == ABSENT)
            {
                burst.vlanId[index] = vlanTag.vlanId();
            }
            etherType = vlanTag.etherType();
            offset += VlanTag.LENGTH;
        }

        if (etherType < EthernetHeader.MIN_ETHER_TYPE)
        {
            return null;
        }
        burst.etherType[index] = etherType;
        if (etherType == EthernetHeader.ETHER_TYPE_IPV4)
        {
            return decodeIpv4(burst, index, offset, end);
        }
        if (etherType == EthernetHeader.ETHER_TYPE_IPV6)
        {
            return decodeIpv6(burst, index, offset, end);
        }
        return null;
    }

    private DropReason decodeRawIp(final PacketBurst burst, final int index, final int end)
    {
        // capturedLength > 0 was checked, so the version nibble is readable.
        final int version = (segment.get(ValueLayout.JAVA_BYTE, packetOffset) & 0xF0) >>> 4;
        if (version == 4)
        {
            return decodeIpv4(burst, index, 0, end);
        }
        if (version == 6)
        {
            return decodeIpv6(burst, index, 0, end);
        }
        return DropReason.IP_BAD_VERSION;
    }

    private DropReason decodeIpv4(final PacketBurst burst, final int index, final int l3Offset, final int end)
    {
        final DropReason reason = check(l3Offset, Ipv4Header.MIN_LENGTH, end, DropReason.TRUNCATED_IPV4);
        if (null != reason)
        {
            return reason;
        }
        final Ipv4Header ip = ipv4.wrap(segment, packetOffset + l3Offset, capturedLength - l3Offset);
        if (ip.version() != 4)
        {
            return DropReason.IPV4_BAD_VERSION;
        }
        final int headerBytes = ip.headerLengthBytes();
        if (headerBytes < Ipv4Header.MIN_LENGTH)
        {
            return DropReason.IPV4_BAD_HEADER_LENGTH;
        }
        int totalBytes = ip.totalLengthBytes();
        if (totalBytes == 0)
        {
            // Captured on the sending host before TCP segmentation offload filled the length in.
            totalBytes = end - l3Offset;
        }
        if (totalBytes < headerBytes || (long)l3Offset + totalBytes > end)
        {
            return DropReason.IPV4_BAD_TOTAL_LENGTH;
        }
        burst.ipVersion[index] = 4;
        burst.l3Offset[index] = l3Offset;
        burst.ipProtocol[index] = ip.protocol();
        burst.ipTtl[index] = ip.ttl();
        burst.srcAddressLow[index] = ip.sourceAddress();
        burst.dstAddressLow[index] = ip.destinationAddress();
        if (ip.isLaterFragment())
        {
            return null;
        }
        return decodeTransport(burst, index, ip.protocol(), l3Offset + headerBytes, l3Offset + totalBytes, 4, ip.isFragment());
    }

    private DropReason decodeIpv6(final PacketBurst burst, final int index, final int l3Offset, final int end)
    {
        DropReason reason = check(l3Offset, Ipv6Header.LENGTH, end, DropReason.TRUNCATED_IPV6);
        if (null != reason)
        {
            return reason;
        }
        final Ipv6Header ip = ipv6.wrap(segment, packetOffset + l3Offset, capturedLength - l3Offset);
        if (ip.version() != 6)
        {
            return DropReason.IPV6_BAD_VERSION;
        }
        burst.ipVersion[index] = 6;
        burst.l3Offset[index] = l3Offset;
        burst.ipTtl[index] = ip.hopLimit();
        burst.srcAddressHigh[index] = ip.sourceAddressHigh();
        burst.srcAddressLow[index] = ip.sourceAddressLow();
        burst.dstAddressHigh[index] = ip.destinationAddressHigh();
        burst.dstAddressLow[index] = ip.destinationAddressLow();

        // A payload length beyond the frame is only a warning in tshark: the frame bounds the payload.
        final int payloadEnd = (int)Math.min((long)l3Offset + Ipv6Header.LENGTH + ip.payloadLengthBytes(), end);
        int nextHeader = ip.nextHeader();
        int offset = l3Offset + Ipv6Header.LENGTH;
        boolean fragment = false;
        burst.ipProtocol[index] = nextHeader;
        while (true)
        {
            if (Ipv6ExtensionHeader.isOptionsOrRouting(nextHeader))
            {
                if (nextHeader == IpProtocol.IPV6_HOP_BY_HOP && offset != l3Offset + Ipv6Header.LENGTH)
                {
                    return DropReason.IPV6_MISPLACED_HOP_BY_HOP;
                }
                reason = check(offset, Ipv6ExtensionHeader.MIN_READABLE_LENGTH, payloadEnd,
                    DropReason.TRUNCATED_IPV6_EXTENSION);
                if (null != reason)
                {
                    return reason;
                }
                final Ipv6ExtensionHeader extension =
                    ipv6Extension.wrap(segment, packetOffset + offset, capturedLength - offset);
                final int headerBytes = extension.headerLengthBytes();
                if ((long)offset + headerBytes > payloadEnd)
                {
                    return DropReason.TRUNCATED_IPV6_EXTENSION;
                }
                if (nextHeader != IpProtocol.IPV6_ROUTING)
                {
                    reason = checkOptions(offset + Ipv6ExtensionHeader.MIN_READABLE_LENGTH, offset + headerBytes);
                    if (null != reason)
                    {
                        return reason;
                    }
                }
                nextHeader = extension.nextHeader();
                offset += headerBytes;
            }
            else if (nextHeader == IpProtocol.IPV6_FRAGMENT)
            {
                reason = check(offset, Ipv6FragmentHeader.LENGTH, payloadEnd, DropReason.TRUNCATED_IPV6_EXTENSION);
                if (null != reason)
                {
                    return reason;
                }
                final Ipv6FragmentHeader fragmentHeader =
                    ipv6Fragment.wrap(segment, packetOffset + offset, capturedLength - offset);
                nextHeader = fragmentHeader.nextHeader();
                offset += Ipv6FragmentHeader.LENGTH;
                burst.ipProtocol[index] = nextHeader;
                if (fragmentHeader.isLaterFragment())
                {
                    return null;
                }
                fragment = fragmentHeader.moreFragments();
            }
            else
            {
                break;
            }
            burst.ipProtocol[index] = nextHeader;
        }
        return decodeTransport(burst, index, nextHeader, offset, payloadEnd, 6, fragment);
    }

    /**
     * Decodes the transport header at {@code offset}, which must lie before {@code end}, the end
     * of the IP payload. In a first fragment the UDP length counts the whole datagram, so it is
     * only checked for its minimum.
     */
    private DropReason decodeTransport(
        final PacketBurst burst,
        final int index,
        final int protocol,
        final int offset,
        final int end,
        final int ipVersion,
        final boolean fragment)
    {
        if (protocol == IpProtocol.TCP)
        {
            final DropReason reason = check(offset, TcpHeader.MIN_LENGTH, end, DropReason.TRUNCATED_TCP);
            if (null != reason)
            {
                return reason;
            }
            final TcpHeader header = tcp.wrap(segment, packetOffset + offset, capturedLength - offset);
            final int headerBytes = header.dataOffsetBytes();
            // Options may continue in the next fragment; only the fixed header must be in the first.
            if (headerBytes < TcpHeader.MIN_LENGTH || (!fragment && (long)offset + headerBytes > end))
            {
                return DropReason.TCP_BAD_DATA_OFFSET;
            }
            burst.l4Offset[index] = offset;
            burst.srcPort[index] = header.sourcePort();
            burst.dstPort[index] = header.destinationPort();
            burst.tcpFlags[index] = header.flags();
            return null;
        }
        if (protocol == IpProtocol.UDP)
        {
            final DropReason reason = check(offset, UdpHeader.LENGTH, end, DropReason.TRUNCATED_UDP);
            if (null != reason)
            {
                return reason;
            }
            final UdpHeader header = udp.wrap(segment, packetOffset + offset, capturedLength - offset);
            final int datagramBytes = header.datagramLengthBytes();
            if (datagramBytes < UdpHeader.LENGTH || (!fragment && (long)offset + datagramBytes > end))
            {
                return DropReason.UDP_BAD_LENGTH;
            }
            if (ipVersion == 6 && header.checksum() == 0)
            {
                return DropReason.UDP_ZERO_CHECKSUM_IPV6;
            }
            burst.l4Offset[index] = offset;
            burst.srcPort[index] = header.sourcePort();
            burst.dstPort[index] = header.destinationPort();
            return null;
        }
        if ((protocol == IpProtocol.ICMP && ipVersion == 4) || (protocol == IpProtocol.ICMPV6 && ipVersion == 6))
        {
            // The whole 8-byte header must be in the packet, but only type and code need to have been captured.
            if ((long)offset + IcmpHeader.LENGTH > end)
            {
                return DropReason.TRUNCATED_ICMP;
            }
            if ((long)offset + IcmpHeader.TYPE_CODE_CHECKSUM_LENGTH > capturedLength)
            {
                return DropReason.SNAPLEN_TRUNCATED;
            }
            burst.l4Offset[index] = offset;
            if (ipVersion == 4)
            {
                final IcmpHeader header = icmp.wrap(segment, packetOffset + offset, capturedLength - offset);
                burst.icmpType[index] = header.type();
                burst.icmpCode[index] = header.code();
            }
            else
            {
                final Icmpv6Header header = icmpv6.wrap(segment, packetOffset + offset, capturedLength - offset);
                burst.icmpType[index] = header.type();
                burst.icmpCode[index] = header.code();
            }
        }
        return null;
    }

    /**
     * Walks the type-length-value options of a hop-by-hop or destination options header from
     * {@code offset} to {@code end}: an option running past the header is malformed, an option
     * header past the captured bytes is {@link DropReason#SNAPLEN_TRUNCATED}. Option contents
     * are not interpreted.
     */
    private DropReason checkOptions(final int firstOption, final int end)
    {
        int option = firstOption;
        while (option < end)
        {
            if (option >= capturedLength)
            {
                return DropReason.SNAPLEN_TRUNCATED;
            }
            if (segment.get(ValueLayout.JAVA_BYTE, packetOffset + option) == IPV6_OPTION_PAD1)
            {
                option++;
                continue;
            }
            final DropReason reason = check(option, 2, end, DropReason.IPV6_BAD_OPTION_LENGTH);
            if (null != reason)
            {
                return reason;
            }
            option += 2 + (segment.get(ValueLayout.JAVA_BYTE, packetOffset + option + 1) & 0xFF);
        }
        return option == end ? null : DropReason.IPV6_BAD_OPTION_LENGTH;
    }

    /**
     * Whether {@code headerBytes} at {@code offset} can be read: {@code malformed} when they run
     * past {@code end} (the packet's or its IP payload's end), {@link DropReason#SNAPLEN_TRUNCATED}
     * when they lie inside it but past the captured bytes, null when they are readable.
     */
    private DropReason check(final int offset, final int headerBytes, final int end, final DropReason malformed)
    {
        final long headerEnd = (long)offset + headerBytes;
        if (headerEnd > end)
        {
            return malformed;
        }
        if (headerEnd > capturedLength)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        return null;
    }

    private static void clear(final PacketBurst burst, final int index)
    {
        burst.l3Offset[index] = ABSENT;
        burst.l4Offset[index] = ABSENT;
        burst.vlanId[index] = ABSENT;
        burst.etherType[index] = ABSENT;
        burst.ipVersion[index] = 0;
        burst.ipProtocol[index] = ABSENT;
        burst.ipTtl[index] = ABSENT;
        burst.srcAddressHigh[index] = 0;
        burst.srcAddressLow[index] = 0;
        burst.dstAddressHigh[index] = 0;
        burst.dstAddressLow[index] = 0;
        burst.srcPort[index] = ABSENT;
        burst.dstPort[index] = ABSENT;
        burst.tcpFlags[index] = ABSENT;
        burst.icmpType[index] = ABSENT;
        burst.icmpCode[index] = ABSENT;
    }
}
