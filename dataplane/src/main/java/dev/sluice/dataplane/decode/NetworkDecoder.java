package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;

/**
 * The network, transport and application part of the decoder: an IPv4 or IPv6 layer with its
 * options and extension headers, then TCP, UDP, SCTP, ICMP, ICMPv6, ESP or an encapsulation
 * (GRE, IP in IP, and the UDP tunnels, handed to {@link TunnelDecoder}), then the DNS question
 * or TLS server name. The same code decodes the outer IP layer and every IP layer inside a
 * tunnel; {@link PacketCursor#ipLayers} says which burst fields a layer fills.
 * <p>
 * {@code end} is where the enclosing layer ends on the wire. {@code partial} says the bytes
 * before {@code end} are the first fragment of a longer datagram (the outer or an inner IP
 * packet is a first fragment): a length field inside may then reach past {@code end}, as the
 * datagram continues in the later fragments, but every header read must still lie before
 * {@code end}.
 * <p>
 * Owned by one {@link PacketDecoder}, called only by its worker thread.
 */
final class NetworkDecoder
{
    /** UDP applications the decoder recognises by port. */
    private static final int UDP_OTHER = 0;
    private static final int UDP_DNS = 1;
    private static final int UDP_GTP = 2;
    private static final int UDP_TEREDO = 3;
    private static final int UDP_GRE = 4;
    private static final int UDP_VXLAN = 5;
    private static final int UDP_GENEVE = 6;

    static final int PORT_DNS = 53;
    static final int PORT_GTP_U = 2152;
    static final int PORT_TEREDO = 3544;
    static final int PORT_GRE_IN_UDP = 4754;
    static final int PORT_VXLAN = 4789;
    static final int PORT_GENEVE = 6081;

    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;
    private static final int IPV6_OPTION_PAD1 = 0;
    private static final int DNS_TCP_LENGTH_PREFIX = 2;

    private final PacketCursor cursor;
    private final TunnelDecoder tunnels;

    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionHeader ipv6Extension = new Ipv6ExtensionHeader();
    private final Ipv6FragmentHeader ipv6Fragment = new Ipv6FragmentHeader();
    private final AuthenticationHeader authentication = new AuthenticationHeader();
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final SctpHeader sctp = new SctpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();
    private final DnsQuestion dnsQuestion = new DnsQuestion();
    private final TlsClientHello clientHello = new TlsClientHello();

    NetworkDecoder(final PacketCursor cursor)
    {
        this.cursor = cursor;
        this.tunnels = new TunnelDecoder(cursor, this);
    }

    /** Decodes an IP header of {@code version} at {@code offset} and everything it carries. */
    DropReason decodeIp(final int version, final int offset, final int end, final boolean partial)
    {
        return version == 4 ? decodeIpv4(offset, end, partial) : decodeIpv6(offset, end, partial);
    }

    /** Decodes the IP packet at {@code offset} whose version its first nibble gives, or nothing for other nibbles. */
    DropReason decodeIpByVersion(final int offset, final int end, final boolean partial, final boolean ipOnly)
    {
        final PacketCursor c = cursor;
        if (offset >= end)
        {
            return null;
        }
        if (offset >= c.captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        final int version = c.u8(offset) >>> 4;
        if (version == 4 || version == 6)
        {
            return decodeIp(version, offset, end, partial);
        }
        return ipOnly ? DropReason.IP_BAD_VERSION : null;
    }

    private DropReason decodeIpv4(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, Ipv4Header.MIN_LENGTH, end, DropReason.TRUNCATED_IPV4);
        if (null != reason)
        {
            return reason;
        }
        final Ipv4Header ip = ipv4.wrap(c.segment, c.base + offset, c.captured - offset);
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
            totalBytes = end - offset;
        }
        if (totalBytes < headerBytes || (!partial && (long)offset + totalBytes > end))
        {
            return DropReason.IPV4_BAD_TOTAL_LENGTH;
        }
        if ((long)offset + headerBytes > end)
        {
            return DropReason.TRUNCATED_IPV4;
        }
        reason = checkIpv4Options(offset + Ipv4Header.MIN_LENGTH, offset + headerBytes);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.IPV4, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }

        final PacketBurst b = c.burst;
        final int i = c.index;
        final int protocol = ip.protocol();
        if (c.ipLayers++ == 0)
        {
            b.ipVersion[i] = 4;
            b.l3Offset[i] = offset;
            b.ipProtocol[i] = protocol;
            b.ipTtl[i] = ip.ttl();
            b.ipTos[i] = ip.dscpEcn();
            b.ipId[i] = ip.identification();
            b.ipFlags[i] = ip.flags();
            b.ipFragmentOffset[i] = ip.fragmentOffsetBytes();
            b.srcAddressLow[i] = ip.sourceAddress();
            b.dstAddressLow[i] = ip.destinationAddress();
        }
        else
        {
            startInnerLayer(b, i, 4, offset, protocol);
            b.innerSrcAddressLow[i] = ip.sourceAddress();
            b.innerDstAddressLow[i] = ip.destinationAddress();
        }

        final int payloadEnd = (int)Math.min((long)offset + totalBytes, end);
        if (ip.isLaterFragment())
        {
            c.payload(offset + headerBytes, payloadEnd);
            return null;
        }
        return decodeTransport(protocol, offset + headerBytes, payloadEnd, partial || ip.isFragment(), 4);
    }

    private DropReason decodeIpv6(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, Ipv6Header.LENGTH, end, DropReason.TRUNCATED_IPV6);
        if (null != reason)
        {
            return reason;
        }
        final Ipv6Header ip = ipv6.wrap(c.segment, c.base + offset, c.captured - offset);
        if (ip.version() != 6)
        {
            return DropReason.IPV6_BAD_VERSION;
        }
        if (!c.push(HeaderType.IPV6, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final PacketBurst b = c.burst;
        final int i = c.index;
        final boolean outer = c.ipLayers++ == 0;
        int nextHeader = ip.nextHeader();
        if (outer)
        {
            b.ipVersion[i] = 6;
            b.l3Offset[i] = offset;
            b.ipProtocol[i] = nextHeader;
            b.ipTtl[i] = ip.hopLimit();
            b.ipTos[i] = ip.trafficClass();
            b.srcAddressHigh[i] = ip.sourceAddressHigh();
            b.srcAddressLow[i] = ip.sourceAddressLow();
            b.dstAddressHigh[i] = ip.destinationAddressHigh();
            b.dstAddressLow[i] = ip.destinationAddressLow();
        }
        else
        {
            startInnerLayer(b, i, 6, offset, nextHeader);
            b.innerSrcAddressHigh[i] = ip.sourceAddressHigh();
            b.innerSrcAddressLow[i] = ip.sourceAddressLow();
            b.innerDstAddressHigh[i] = ip.destinationAddressHigh();
            b.innerDstAddressLow[i] = ip.destinationAddressLow();
        }

        // A payload length beyond the frame is only a warning in tshark: the frame bounds the payload.
        final int payloadEnd = (int)Math.min((long)offset + Ipv6Header.LENGTH + ip.payloadLengthBytes(), end);
        int position = offset + Ipv6Header.LENGTH;
        boolean fragment = false;
        while (true)
        {
            if (Ipv6ExtensionHeader.isOptionsOrRouting(nextHeader))
            {
                if (nextHeader == IpProtocol.IPV6_HOP_BY_HOP && position != offset + Ipv6Header.LENGTH)
                {
                    return DropReason.IPV6_MISPLACED_HOP_BY_HOP;
                }
                reason = c.check(position, Ipv6ExtensionHeader.MIN_READABLE_LENGTH, payloadEnd,
                    DropReason.TRUNCATED_IPV6_EXTENSION);
                if (null != reason)
                {
                    return reason;
                }
                final Ipv6ExtensionHeader extension =
                    ipv6Extension.wrap(c.segment, c.base + position, c.captured - position);
                final int headerBytes = extension.headerLengthBytes();
                if ((long)position + headerBytes > payloadEnd)
                {
                    return DropReason.TRUNCATED_IPV6_EXTENSION;
                }
                if (nextHeader != IpProtocol.IPV6_ROUTING)
                {
                    reason = checkIpv6Options(position + Ipv6ExtensionHeader.MIN_READABLE_LENGTH, position + headerBytes);
                    if (null != reason)
                    {
                        return reason;
                    }
                }
                nextHeader = extension.nextHeader();
                position += headerBytes;
            }
            else if (nextHeader == IpProtocol.IPV6_FRAGMENT)
            {
                reason = c.check(position, Ipv6FragmentHeader.LENGTH, payloadEnd, DropReason.TRUNCATED_IPV6_EXTENSION);
                if (null != reason)
                {
                    return reason;
                }
                final Ipv6FragmentHeader fragmentHeader =
                    ipv6Fragment.wrap(c.segment, c.base + position, c.captured - position);
                nextHeader = fragmentHeader.nextHeader();
                position += Ipv6FragmentHeader.LENGTH;
                if (outer)
                {
                    b.ipId[i] = fragmentHeader.identification();
                    b.ipFlags[i] = fragmentHeader.moreFragments() ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0;
                    b.ipFragmentOffset[i] = fragmentHeader.fragmentOffsetBytes();
                }
                if (fragmentHeader.isLaterFragment())
                {
                    setIpProtocol(b, i, outer, nextHeader);
                    c.payload(position, payloadEnd);
                    return null;
                }
                fragment = fragmentHeader.moreFragments();
            }
            else if (nextHeader == IpProtocol.AH)
            {
                reason = c.check(position, AuthenticationHeader.MIN_LENGTH, payloadEnd, DropReason.TRUNCATED_AH);
                if (null != reason)
                {
                    return reason;
                }
                final AuthenticationHeader header =
                    authentication.wrap(c.segment, c.base + position, c.captured - position);
                if ((long)position + header.headerLengthBytes() > payloadEnd)
                {
                    return DropReason.TRUNCATED_AH;
                }
                if (!c.push(HeaderType.AH, position))
                {
                    return DropReason.TOO_MANY_HEADERS;
                }
                nextHeader = header.nextHeader();
                position += header.headerLengthBytes();
            }
            else
            {
                break;
            }
            // A drop inside the extension headers leaves the protocol at the header that failed.
            setIpProtocol(b, i, outer, nextHeader);
        }
        return decodeTransport(nextHeader, position, payloadEnd, partial || fragment, 6);
    }

    /** An IP layer inside a tunnel: it becomes the innermost one, so what an outer-er inner layer left goes. */
    private static void startInnerLayer(
        final PacketBurst b, final int i, final int version, final int offset, final int protocol)
    {
        b.innerIpVersion[i] = (byte)version;
        b.innerL3Offset[i] = offset;
        b.innerIpProtocol[i] = protocol;
        b.innerSrcAddressHigh[i] = 0;
        b.innerDstAddressHigh[i] = 0;
        b.innerL4Offset[i] = ABSENT;
        b.innerL4Protocol[i] = ABSENT;
        b.innerSrcPort[i] = ABSENT;
        b.innerDstPort[i] = ABSENT;
        b.innerTcpFlags[i] = ABSENT;
    }

    private static void setIpProtocol(final PacketBurst b, final int i, final boolean outer, final int protocol)
    {
        if (outer)
        {
            b.ipProtocol[i] = protocol;
        }
        else
        {
            b.innerIpProtocol[i] = protocol;
        }
    }

    /**
     * Decodes the header of {@code protocol} at {@code offset}, which must lie before
     * {@code end}, the end of the IP payload.
     */
    private DropReason decodeTransport(
        final int protocol, final int offset, final int end, final boolean partial, final int ipVersion)
    {
        switch (protocol)
        {
            case IpProtocol.TCP:
                return decodeTcp(offset, end, partial);

            case IpProtocol.UDP:
                return decodeUdp(offset, end, partial, ipVersion);

            case IpProtocol.SCTP:
                return decodeSctp(offset, end);

            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                if ((protocol == IpProtocol.ICMP) == (ipVersion == 4))
                {
                    return decodeIcmp(offset, end, ipVersion);
                }
                cursor.payload(offset, end);
                return null;

            case IpProtocol.ESP:
                return decodeEsp(offset, end);

            case IpProtocol.AH:
                // IPv4 only: IPv6 walks its authentication headers with the other extension headers.
                return decodeIpv4Authentication(offset, end, partial);

            case IpProtocol.GRE:
                return tunnels.decodeGre(offset, end, partial);

            case IpProtocol.IPV4:
            case IpProtocol.IPV6:
            {
                cursor.payload(offset, end);
                final DropReason reason = cursor.enterTunnel(TunnelType.IPIP, ABSENT);
                if (null != reason)
                {
                    return reason;
                }
                return decodeIp(protocol == IpProtocol.IPV4 ? 4 : 6, offset, end, partial);
            }

            default:
                cursor.payload(offset, end);
                return null;
        }
    }

    private DropReason decodeIpv4Authentication(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(offset, AuthenticationHeader.MIN_LENGTH, end, DropReason.TRUNCATED_AH);
        if (null != reason)
        {
            return reason;
        }
        final AuthenticationHeader header = authentication.wrap(c.segment, c.base + offset, c.captured - offset);
        final int headerBytes = header.headerLengthBytes();
        if ((long)offset + headerBytes > end)
        {
            return DropReason.TRUNCATED_AH;
        }
        if (!c.push(HeaderType.AH, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        return decodeTransport(header.nextHeader(), offset + headerBytes, end, partial, 4);
    }

    /**
     * TCP: in a first fragment its options may continue in the next fragment, so only the fixed
     * header must be in this one. Options are walked as far as they were captured.
     */
    private DropReason decodeTcp(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, TcpHeader.MIN_LENGTH, end, DropReason.TRUNCATED_TCP);
        if (null != reason)
        {
            return reason;
        }
        final TcpHeader header = tcp.wrap(c.segment, c.base + offset, c.captured - offset);
        final int headerBytes = header.dataOffsetBytes();
        if (headerBytes < TcpHeader.MIN_LENGTH || (!partial && (long)offset + headerBytes > end))
        {
            return DropReason.TCP_BAD_DATA_OFFSET;
        }
        reason = checkTcpOptions(offset + TcpHeader.MIN_LENGTH, offset + headerBytes, end);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.TCP, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final int sourcePort = header.sourcePort();
        final int destinationPort = header.destinationPort();
        c.transport(offset, IpProtocol.TCP, sourcePort, destinationPort);
        if (c.inOuterLayer())
        {
            c.burst.tcpFlags[c.index] = header.flags();
        }
        else
        {
            c.burst.innerTcpFlags[c.index] = header.flags();
        }
        final int payload = Math.min(offset + headerBytes, end);
        c.payload(payload, end);
        if (payload == end)
        {
            return null;
        }
        if (sourcePort == PORT_DNS || destinationPort == PORT_DNS)
        {
            return decodeDnsOverTcp(payload, end);
        }
        if (clientHello.find(c.segment, c.base, payload, Math.min(end, c.captured)))
        {
            c.burst.tlsSniOffset[c.index] = clientHello.nameOffset();
            c.burst.tlsSniLength[c.index] = clientHello.nameLength();
        }
        return null;
    }

    /**
     * UDP: in a first fragment the length counts the whole datagram, so it is only checked for
     * its minimum. The ports pick the payload's decoder, the lower port first as tshark does.
     */
    private DropReason decodeUdp(final int offset, final int end, final boolean partial, final int ipVersion)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(offset, UdpHeader.LENGTH, end, DropReason.TRUNCATED_UDP);
        if (null != reason)
        {
            return reason;
        }
        final UdpHeader header = udp.wrap(c.segment, c.base + offset, c.captured - offset);
        final int datagramBytes = header.datagramLengthBytes();
        if (datagramBytes < UdpHeader.LENGTH || (!partial && (long)offset + datagramBytes > end))
        {
            return DropReason.UDP_BAD_LENGTH;
        }
        if (ipVersion == 6 && header.checksum() == 0)
        {
            return DropReason.UDP_ZERO_CHECKSUM_IPV6;
        }
        if (!c.push(HeaderType.UDP, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final int sourcePort = header.sourcePort();
        final int destinationPort = header.destinationPort();
        c.transport(offset, IpProtocol.UDP, sourcePort, destinationPort);

        final int payload = offset + UdpHeader.LENGTH;
        final int datagramEnd = (int)Math.min((long)offset + datagramBytes, end);
        final boolean payloadPartial = partial && (long)offset + datagramBytes > end;
        c.payload(payload, datagramEnd);
        if (payload >= datagramEnd)
        {
            return null;
        }

        int application = udpApplication(Math.min(sourcePort, destinationPort));
        if (application == UDP_OTHER)
        {
            application = udpApplication(Math.max(sourcePort, destinationPort));
        }
        return switch (application)
        {
            case UDP_DNS -> decodeDns(payload, datagramEnd, payloadPartial);
            case UDP_GTP -> tunnels.decodeGtp(payload, datagramEnd, payloadPartial);
            case UDP_TEREDO -> tunnels.decodeTeredo(payload, datagramEnd, payloadPartial);
            case UDP_GRE -> tunnels.decodeGre(payload, datagramEnd, payloadPartial);
            case UDP_VXLAN -> tunnels.decodeVxlan(payload, datagramEnd, payloadPartial);
            case UDP_GENEVE -> tunnels.decodeGeneve(payload, datagramEnd, payloadPartial);
            default -> null;
        };
    }

    private static int udpApplication(final int port)
    {
        return switch (port)
        {
            case PORT_DNS -> UDP_DNS;
            case PORT_GTP_U -> UDP_GTP;
            case PORT_TEREDO -> UDP_TEREDO;
            case PORT_GRE_IN_UDP -> UDP_GRE;
            case PORT_VXLAN -> UDP_VXLAN;
            case PORT_GENEVE -> UDP_GENEVE;
            default -> UDP_OTHER;
        };
    }

    private DropReason decodeSctp(final int offset, final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(offset, SctpHeader.LENGTH, end, DropReason.TRUNCATED_SCTP);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.SCTP, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final SctpHeader header = sctp.wrap(c.segment, c.base + offset, c.captured - offset);
        c.transport(offset, IpProtocol.SCTP, header.sourcePort(), header.destinationPort());
        c.payload(offset + SctpHeader.LENGTH, end);
        return null;
    }

    /** ICMP and ICMPv6 need their 8-byte header in the packet, but only type and code need to have been captured. */
    private DropReason decodeIcmp(final int offset, final int end, final int ipVersion)
    {
        final PacketCursor c = cursor;
        if ((long)offset + IcmpHeader.LENGTH > end)
        {
            return DropReason.TRUNCATED_ICMP;
        }
        if ((long)offset + IcmpHeader.TYPE_CODE_CHECKSUM_LENGTH > c.captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        if (!c.push(ipVersion == 4 ? HeaderType.ICMP : HeaderType.ICMPV6, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        c.transport(offset, ipVersion == 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6, ABSENT, ABSENT);
        if (c.inOuterLayer())
        {
            if (ipVersion == 4)
            {
                final IcmpHeader header = icmp.wrap(c.segment, c.base + offset, c.captured - offset);
                c.burst.icmpType[c.index] = header.type();
                c.burst.icmpCode[c.index] = header.code();
            }
            else
            {
                final Icmpv6Header header = icmpv6.wrap(c.segment, c.base + offset, c.captured - offset);
                c.burst.icmpType[c.index] = header.type();
                c.burst.icmpCode[c.index] = header.code();
            }
        }
        c.payload(offset + IcmpHeader.LENGTH, end);
        return null;
    }

    private DropReason decodeEsp(final int offset, final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(offset, EspHeader.LENGTH, end, DropReason.TRUNCATED_ESP);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.ESP, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        c.transport(offset, IpProtocol.ESP, ABSENT, ABSENT);
        c.payload(offset + EspHeader.LENGTH, end);
        return null;
    }

    /** DNS over UDP: the datagram is the message. */
    private DropReason decodeDns(final int message, final int end, final boolean partial)
    {
        return readDnsQuestion(message, end, partial);
    }

    /**
     * DNS over TCP: a segment that starts with a message's two-byte length; a message that
     * continues in the next segment is partial.
     */
    private DropReason decodeDnsOverTcp(final int payload, final int end)
    {
        final PacketCursor c = cursor;
        if (payload + DNS_TCP_LENGTH_PREFIX > end)
        {
            return null;
        }
        if (payload + DNS_TCP_LENGTH_PREFIX > c.captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        final int message = payload + DNS_TCP_LENGTH_PREFIX;
        final long messageEnd = (long)message + c.u16(payload);
        return readDnsQuestion(message, (int)Math.min(messageEnd, end), messageEnd > end);
    }

    private DropReason readDnsQuestion(final int message, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        final int status = dnsQuestion.read(c.segment, c.base, message, end, c.captured, null, 0);
        switch (status)
        {
            case DnsQuestion.VALID:
                c.burst.dnsOffset[c.index] = message;
                c.burst.dnsQueryType[c.index] = c.u16(dnsQuestion.typeOffset());
                return null;

            case DnsQuestion.NO_QUESTION:
                return null;

            case DnsQuestion.PAST_END:
                // The rest of a partial message is in a later fragment or segment: nothing to judge it by.
                return partial ? null : DropReason.DNS_MALFORMED;

            case DnsQuestion.NOT_CAPTURED:
                return DropReason.SNAPLEN_TRUNCATED;

            default:
                return DropReason.DNS_MALFORMED;
        }
    }

    /**
     * Walks IPv4 options from {@code offset} to {@code end}, the end of the header: an option
     * shorter than 2 bytes or running past the header is malformed. Options cut by the snapshot
     * length are left unchecked (the transport header check catches a cut that matters).
     */
    private DropReason checkIpv4Options(final int firstOption, final int end)
    {
        final PacketCursor c = cursor;
        final int readable = Math.min(end, c.captured);
        int option = firstOption;
        while (option < readable)
        {
            final int type = c.u8(option);
            if (type == IPV4_OPTION_END)
            {
                return null;
            }
            if (type == IPV4_OPTION_NOP)
            {
                option++;
                continue;
            }
            if (option + 2 > end)
            {
                return DropReason.IPV4_BAD_OPTION_LENGTH;
            }
            if (option + 2 > readable)
            {
                return null;
            }
            final int length = c.u8(option + 1);
            if (length < 2 || option + length > end)
            {
                return DropReason.IPV4_BAD_OPTION_LENGTH;
            }
            option += length;
        }
        return null;
    }

    /**
     * Walks TCP options (see {@link TcpHeader#optionsWellFormed}), as far as the IP payload
     * ({@code end}: a first fragment's options may continue in the next fragment) and the captured
     * bytes go.
     */
    private DropReason checkTcpOptions(final int firstOption, final int headerEnd, final int end)
    {
        final PacketCursor c = cursor;
        return TcpHeader.optionsWellFormed(c.segment, c.base, firstOption, headerEnd, Math.min(end, c.captured)) ?
            null : DropReason.TCP_BAD_OPTION_LENGTH;
    }

    /**
     * Walks the type-length-value options of a hop-by-hop or destination options header from
     * {@code offset} to {@code end}: an option running past the header is malformed, an option
     * header past the captured bytes is {@link DropReason#SNAPLEN_TRUNCATED}. Option contents
     * are not interpreted.
     */
    private DropReason checkIpv6Options(final int firstOption, final int end)
    {
        final PacketCursor c = cursor;
        int option = firstOption;
        while (option < end)
        {
            if (option >= c.captured)
            {
                return DropReason.SNAPLEN_TRUNCATED;
            }
            if (c.u8(option) == IPV6_OPTION_PAD1)
            {
                option++;
                continue;
            }
            final DropReason reason = c.check(option, 2, end, DropReason.IPV6_BAD_OPTION_LENGTH);
            if (null != reason)
            {
                return reason;
            }
            option += 2 + c.u8(option + 1);
        }
        return option == end ? null : DropReason.IPV6_BAD_OPTION_LENGTH;
    }
}
