package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.HeaderType;
import dev.sluice.dataplane.decode.InternetChecksum;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Rewrites, in place in a decoded packet's bytes, every IPv4 and IPv6 address with Crypto-PAn,
 * then fixes every checksum that covers one, incrementally (RFC 1624).
 *
 * <h2>What is rewritten</h2>
 * Along the decoder's header chain ({@code PacketBurst.headerType}/{@code headerOffset}), every IP
 * layer, outer and inner (VLAN, QinQ, MPLS and PPPoE in front; IP in IP, GRE, VXLAN, GENEVE, GTP-U
 * and Teredo tunnels inside): the source and destination addresses, the addresses of IPv4 record
 * route and timestamp options ({@link Ipv4OptionAddresses}), of IPv6 routing headers and home
 * address options ({@link Ipv6ExtensionAddresses}). Also: the addresses of the invoking packet that
 * an ICMP or ICMPv6 error quotes (and its extension headers), an ICMP redirect's gateway, the target
 * of IPv6 neighbour solicitations, advertisements and redirects and the group of MLDv1 messages,
 * Teredo's obfuscated origin address, and ARP's sender and target addresses. An address the
 * capture cut is rewritten as far as it was captured (see {@link AddressRewriter}).
 *
 * <h2>Checksums</h2>
 * Every change is a difference of 16-bit words ({@link InternetChecksum}); each checksum is
 * updated once by the sum of the differences inside the range it covers, plus those of the
 * pseudo-header addresses it uses:
 * <ul>
 *   <li>the IPv4 header checksum, by its header's addresses;</li>
 *   <li>TCP, UDP and ICMPv6 (and the IPv6 mobility header, DCCP and UDP-Lite, which the decoder
 *       does not read but whose checksums use the pseudo-header), by the pseudo-header addresses of
 *       the IP layer before them (a routing header's final destination, a home address) and by
 *       everything changed inside them: the outer UDP checksum of a VXLAN, GENEVE, GTP-U or
 *       Teredo tunnel covers the inner packet, its addresses and its checksums;</li>
 *   <li>ICMP's, by its quote; GRE's when its C bit is set, by what it carries;</li>
 *   <li>the quoted invoking packet's IPv4 header checksum and its TCP, UDP or ICMPv6 checksum,
 *       when the quote holds them.</li>
 * </ul>
 * The chain is walked from the innermost header outwards, so a checksum is updated after every
 * change inside its range, its own included. An IPv4 UDP checksum of 0 (none) stays 0; a UDP
 * checksum that comes out as 0 is stored as 0xFFFF. An incremental update adds to the stored
 * checksum exactly what the change adds to the correct one, so <b>a checksum that was bad on input
 * stays bad</b> (by the same distance) and a good one stays good; nothing is recomputed over
 * bytes the capture may not have kept.
 *
 * <h2>What is refused</h2>
 * Before any byte is written, a packet that may carry an address this class cannot rewrite gets
 * an {@link AnonymizeOutcome#unanonymizable()} outcome and is left untouched: the decoder dropped
 * it, an MPLS, PPPoE or tunnel payload is not IP, an IPv6 routing header has an unknown type, an
 * IPv4 header has a source route. Application payloads (DNS answers, DHCP, SIP) are not read.
 * <p>
 * Zero allocation. Owned by one thread (it holds a {@link CryptoPan}).
 */
public final class PacketAddressRewriter
{
    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int ETHER_TYPE_ARP = 0x0806;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int LINUX_SLL_HEADER_LENGTH = 16;
    private static final int LINUX_SLL2_HEADER_LENGTH = 20;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int ARP_FIXED_LENGTH = 8;

    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int PROTOCOL_DCCP = 33;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int PROTOCOL_MOBILITY = 135;
    private static final int PROTOCOL_UDP_LITE = 136;

    private static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1FFF;
    private static final int ICMP_HEADER_LENGTH = 8;
    private static final int GRE_CHECKSUM_PRESENT = 0x8000;
    private static final int GRE_VERSION_MASK = 0x0007;
    private static final int TEREDO_AUTHENTICATION = 1;
    private static final int TEREDO_ORIGIN = 0;
    private static final int TEREDO_AUTHENTICATION_FIXED_LENGTH = 13;

    private final AddressRewriter addresses;
    private final Ipv4OptionAddresses ipv4Options;
    private final Ipv6ExtensionAddresses ipv6Extensions;

    /** Per chain position of an IP layer: the packet-aligned difference of its header's changes. */
    private final long[] layerDifference = new long[PacketBurst.MAX_HEADERS];
    /** Per chain position of an IP layer: the difference of its pseudo-header addresses, as their own words. */
    private final long[] pseudoDifference = new long[PacketBurst.MAX_HEADERS];
    /** Per chain position of an IP layer: offset and protocol of its upper-layer header, offset -1 when unknown. */
    private final int[] upperOffset = new int[PacketBurst.MAX_HEADERS];
    private final int[] upperProtocol = new int[PacketBurst.MAX_HEADERS];

    private PacketBurst burst;
    private int chain;
    private MemorySegment segment;
    private long base;
    private int captured;

    public PacketAddressRewriter(final CryptoPan cryptoPan)
    {
        this(new AddressRewriter(cryptoPan));
    }

    /** A rewriter sharing {@code addresses} (and its count) with the capture anonymizer's fast path. */
    PacketAddressRewriter(final AddressRewriter addresses)
    {
        this.addresses = addresses;
        ipv4Options = new Ipv4OptionAddresses(addresses);
        ipv6Extensions = new Ipv6ExtensionAddresses(addresses);
    }

    /** Addresses rewritten (whole or cut by the capture) since construction. */
    public long addressesRewritten()
    {
        return addresses.addressesRewritten();
    }

    /**
     * Rewrites item {@code index} of {@code burst}, which the decoder has filled and whose bytes
     * are writable, unless its outcome is unanonymizable (then its bytes are left as they are).
     */
    public AnonymizeOutcome rewrite(final PacketBurst burst, final int index)
    {
        if (burst.verdict[index] == Verdict.DROPPED)
        {
            return AnonymizeOutcome.UNDECODABLE;
        }
        this.burst = burst;
        chain = index * PacketBurst.MAX_HEADERS;
        segment = burst.data[index];
        base = burst.offset[index];
        captured = burst.capturedLength[index];
        addresses.wrap(segment, base);

        final int headers = burst.headerCount[index];
        int ipLayers = 0;
        for (int k = 0; k < headers; k++)
        {
            if (isIp(burst.headerType[chain + k]))
            {
                ipLayers++;
            }
        }
        if (ipLayers == 0)
        {
            return rewriteNotIp(index);
        }
        if (ipLayers - 1 < burst.tunnelDepth[index])
        {
            return AnonymizeOutcome.TUNNEL_PAYLOAD_NOT_IP;
        }
        final AnonymizeOutcome refused = check(index, headers);
        if (null != refused)
        {
            return refused;
        }

        for (int k = 0; k < headers; k++)
        {
            final byte type = burst.headerType[chain + k];
            if (type == HeaderType.IPV4)
            {
                rewriteIpv4Layer(k, burst.headerOffset[chain + k]);
            }
            else if (type == HeaderType.IPV6)
            {
                rewriteIpv6Layer(k, burst.headerOffset[chain + k]);
            }
        }

        long inner = undecodedTransport(headers);
        for (int k = headers - 1; k >= 0; k--)
        {
            final int at = burst.headerOffset[chain + k];
            switch (burst.headerType[chain + k])
            {
                case HeaderType.IPV4, HeaderType.IPV6 -> inner += layerDifference[k];
                case HeaderType.TCP -> inner += updateChecksum(at + 16, within(inner, at) + pseudoFor(k), false);
                case HeaderType.UDP ->
                {
                    if (!(isIpv4Before(k) && u16(at + 6) == 0))
                    {
                        inner += updateChecksum(at + 6, within(inner, at) + pseudoFor(k), true);
                    }
                }
                case HeaderType.ICMP ->
                {
                    inner += rewriteIcmpBody(index, at, false);
                    inner += updateChecksum(at + 2, within(inner, at), false);
                }
                case HeaderType.ICMPV6 ->
                {
                    inner += rewriteIcmpBody(index, at, true);
                    inner += updateChecksum(at + 2, within(inner, at) + pseudoFor(k), false);
                }
                case HeaderType.GRE ->
                {
                    final int flags = u16(at);
                    if ((flags & GRE_VERSION_MASK) == 0 && (flags & GRE_CHECKSUM_PRESENT) != 0)
                    {
                        inner += updateChecksum(at + 4, within(inner, at), false);
                    }
                }
                case HeaderType.TEREDO -> inner += rewriteTeredoOrigin(at);
                default ->
                {
                    // Tunnel headers, ESP, AH, SCTP (its CRC covers no address), inner Ethernet: nothing to fix.
                }
            }
        }
        return AnonymizeOutcome.ANONYMIZED;
    }

    /** Refusals found before anything is written, or null. */
    private AnonymizeOutcome check(final int index, final int headers)
    {
        for (int k = 0; k < headers; k++)
        {
            final int at = burst.headerOffset[chain + k];
            final byte type = burst.headerType[chain + k];
            if (type == HeaderType.UDP && k == headers - 1 &&
                (isUndecodedTunnelPort(burst.srcPort[index], burst.dstPort[index]) ||
                isUndecodedTunnelPort(burst.innerSrcPort[index], burst.innerDstPort[index])))
            {
                return AnonymizeOutcome.UNDECODED_TUNNEL;
            }
            if (type == HeaderType.IPV4 && !ipv4Options.walk(segment, base, at, captured, false))
            {
                return AnonymizeOutcome.IPV4_SOURCE_ROUTE;
            }
            if (type == HeaderType.IPV6 && !ipv6Extensions.walk(segment, base, at, captured, false))
            {
                return AnonymizeOutcome.IPV6_ROUTING_UNSUPPORTED;
            }
        }
        final int last = headers - 1;
        final byte lastType = burst.headerType[chain + last];
        if (lastType == HeaderType.ICMP || lastType == HeaderType.ICMPV6)
        {
            final int at = burst.headerOffset[chain + last];
            final boolean v6 = lastType == HeaderType.ICMPV6;
            final int quote = at + ICMP_HEADER_LENGTH;
            final int limit = icmpLimit(index);
            if (at + 1 <= captured && isIcmpError(u8(at), v6) && quote < limit)
            {
                final int version = u8(quote) >>> 4;
                if (version == 4 && !ipv4Options.walk(segment, base, quote, limit, false))
                {
                    return AnonymizeOutcome.IPV4_SOURCE_ROUTE;
                }
                if (version == 6 && !ipv6Extensions.walk(segment, base, quote, limit, false))
                {
                    return AnonymizeOutcome.IPV6_ROUTING_UNSUPPORTED;
                }
            }
        }
        return null;
    }

    private void rewriteIpv4Layer(final int k, final int ip)
    {
        final long addressChange = addresses.rewrite(ip + 12, AddressRewriter.IPV4_BYTES, captured) +
            addresses.rewrite(ip + 16, AddressRewriter.IPV4_BYTES, captured);
        ipv4Options.walk(segment, base, ip, captured, true);
        final long headerChange = addressChange + ipv4Options.changed;
        final long checksumChange = updateChecksum(ip + 10, within(headerChange, ip), false);
        layerDifference[k] = headerChange + checksumChange;
        pseudoDifference[k] = Ipv6ExtensionAddresses.natural(addressChange, ip);
        final int headerLength = (u8(ip) & 0x0F) * 4;
        final boolean laterFragment = (u16(ip + 6) & IPV4_FRAGMENT_OFFSET_MASK) != 0;
        upperOffset[k] = laterFragment ? -1 : ip + headerLength;
        upperProtocol[k] = u8(ip + 9);
    }

    private void rewriteIpv6Layer(final int k, final int ip)
    {
        final long sourceChange = addresses.rewrite(ip + 8, AddressRewriter.IPV6_BYTES, captured);
        final long destinationChange = addresses.rewrite(ip + 24, AddressRewriter.IPV6_BYTES, captured);
        final Ipv6ExtensionAddresses extensions = ipv6Extensions;
        extensions.walk(segment, base, ip, captured, true);
        layerDifference[k] = sourceChange + destinationChange + extensions.changed;
        pseudoDifference[k] =
            (extensions.homeAddress ? extensions.homeAddressDifference : Ipv6ExtensionAddresses.natural(sourceChange, ip)) +
            (extensions.finalDestination ?
                extensions.finalDestinationDifference : Ipv6ExtensionAddresses.natural(destinationChange, ip));
        upperOffset[k] = extensions.upperLayerOffset;
        upperProtocol[k] = extensions.upperLayerProtocol;
    }

    /**
     * A pseudo-header checksum of a protocol the decoder leaves as payload (IPv6 mobility header,
     * DCCP, UDP-Lite) directly after the innermost IP layer: updated by that layer's pseudo-header.
     *
     * @return the packet-aligned difference of the checksum's change.
     */
    private long undecodedTransport(final int headers)
    {
        int k = headers - 1;
        while (k >= 0 && burst.headerType[chain + k] == HeaderType.AH)
        {
            k--;
        }
        if (k < 0 || !isIp(burst.headerType[chain + k]) || upperOffset[k] < 0)
        {
            return 0;
        }
        final int at = upperOffset[k];
        return switch (upperProtocol[k])
        {
            case PROTOCOL_MOBILITY -> updateChecksum(at + 4, pseudoDifference[k], false);
            case PROTOCOL_DCCP, PROTOCOL_UDP_LITE -> updateChecksum(at + 6, pseudoDifference[k], false);
            default -> 0;
        };
    }

    /** Addresses inside an ICMP or ICMPv6 message after its type, code and checksum. */
    private long rewriteIcmpBody(final int index, final int at, final boolean v6)
    {
        if (at + 1 > captured)
        {
            return 0;
        }
        final int type = u8(at);
        final int limit = icmpLimit(index);
        long change = 0;
        if (isIcmpError(type, v6))
        {
            if (!v6 && type == 5)
            {
                // A redirect names the gateway to use.
                change += addresses.rewrite(at + 4, AddressRewriter.IPV4_BYTES, Math.min(captured, at + ICMP_HEADER_LENGTH));
            }
            change += rewriteQuote(at + ICMP_HEADER_LENGTH, limit);
        }
        else if (v6)
        {
            switch (type)
            {
                case 130, 131, 132, 135, 136 -> change += addresses.rewrite(at + 8, AddressRewriter.IPV6_BYTES, limit);
                case 137 -> change += addresses.rewrite(at + 8, AddressRewriter.IPV6_BYTES, limit) +
                    addresses.rewrite(at + 24, AddressRewriter.IPV6_BYTES, limit);
                default ->
                {
                    // Echo and the rest carry no address the decoder can locate.
                }
            }
        }
        return change;
    }

    /** The quoted invoking packet of an ICMP error: its addresses, header checksum and transport checksum. */
    private long rewriteQuote(final int quote, final int limit)
    {
        if (quote >= limit)
        {
            return 0;
        }
        final int version = u8(quote) >>> 4;
        if (version == 4)
        {
            final long addressChange = addresses.rewrite(quote + 12, AddressRewriter.IPV4_BYTES, limit) +
                addresses.rewrite(quote + 16, AddressRewriter.IPV4_BYTES, limit);
            ipv4Options.walk(segment, base, quote, limit, true);
            long change = addressChange + ipv4Options.changed;
            final int headerLength = (u8(quote) & 0x0F) * 4;
            if (headerLength >= Ipv4OptionAddresses.IPV4_MIN_HEADER_LENGTH && quote + headerLength <= limit)
            {
                change += updateChecksum(quote + 10, within(change, quote), false);
                if ((u16(quote + 6) & IPV4_FRAGMENT_OFFSET_MASK) == 0)
                {
                    change += quotedTransport(u8(quote + 9), quote + headerLength, limit,
                        Ipv6ExtensionAddresses.natural(addressChange, quote), true);
                }
            }
            return change;
        }
        if (version == 6)
        {
            final long sourceChange = addresses.rewrite(quote + 8, AddressRewriter.IPV6_BYTES, limit);
            final long destinationChange = addresses.rewrite(quote + 24, AddressRewriter.IPV6_BYTES, limit);
            final Ipv6ExtensionAddresses extensions = ipv6Extensions;
            extensions.walk(segment, base, quote, limit, true);
            long change = sourceChange + destinationChange + extensions.changed;
            if (quote + Ipv6ExtensionAddresses.IPV6_HEADER_LENGTH <= limit && extensions.upperLayerOffset >= 0)
            {
                final long pseudo =
                    (extensions.homeAddress ? extensions.homeAddressDifference : Ipv6ExtensionAddresses.natural(sourceChange, quote)) +
                    (extensions.finalDestination ?
                        extensions.finalDestinationDifference : Ipv6ExtensionAddresses.natural(destinationChange, quote));
                change += quotedTransport(extensions.upperLayerProtocol, extensions.upperLayerOffset, limit, pseudo, false);
            }
            return change;
        }
        return 0;
    }

    private long quotedTransport(final int protocol, final int at, final int limit, final long pseudo, final boolean v4)
    {
        if (protocol == PROTOCOL_TCP && at + 18 <= limit)
        {
            return updateChecksum(at + 16, pseudo, false);
        }
        if (protocol == PROTOCOL_UDP && at + 8 <= limit && !(v4 && u16(at + 6) == 0))
        {
            return updateChecksum(at + 6, pseudo, true);
        }
        if (protocol == PROTOCOL_ICMPV6 && !v4 && at + 4 <= limit)
        {
            return updateChecksum(at + 2, pseudo, false);
        }
        return 0;
    }

    /** Teredo's origin indication holds the client's IPv4 address with every bit inverted. */
    private long rewriteTeredoOrigin(final int at)
    {
        int position = at;
        if (position + 4 <= captured && u16(position) == TEREDO_AUTHENTICATION)
        {
            position += TEREDO_AUTHENTICATION_FIXED_LENGTH + u8(position + 2) + u8(position + 3);
        }
        if (position + 8 <= captured && u16(position) == TEREDO_ORIGIN)
        {
            return addresses.rewriteInvertedIpv4(position + 4, captured);
        }
        return 0;
    }

    /** A frame with no IP layer: ARP is rewritten, payloads that may hide IP are refused. */
    private AnonymizeOutcome rewriteNotIp(final int index)
    {
        if (burst.mplsCount[index] > 0)
        {
            return AnonymizeOutcome.MPLS_PAYLOAD_NOT_IP;
        }
        if (burst.pppoeSessionId[index] != PacketBurst.ABSENT)
        {
            return AnonymizeOutcome.PPP_PAYLOAD_NOT_IP;
        }
        if (burst.tunnelDepth[index] > 0)
        {
            return AnonymizeOutcome.TUNNEL_PAYLOAD_NOT_IP;
        }
        if (burst.etherType[index] != ETHER_TYPE_ARP)
        {
            return AnonymizeOutcome.NOT_IP;
        }
        final int linkHeader = switch (burst.linkType[index])
        {
            case LinkType.ETHERNET -> ETHERNET_HEADER_LENGTH;
            case LinkType.LINUX_SLL -> LINUX_SLL_HEADER_LENGTH;
            case LinkType.LINUX_SLL2 -> LINUX_SLL2_HEADER_LENGTH;
            default -> -1;
        };
        final int arp = linkHeader + VLAN_TAG_LENGTH * burst.vlanCount[index];
        if (linkHeader < 0 || arp + ARP_FIXED_LENGTH > captured || u16(arp + 2) != ETHER_TYPE_IPV4 ||
            u8(arp + 5) != AddressRewriter.IPV4_BYTES)
        {
            return AnonymizeOutcome.NOT_IP;
        }
        final int hardwareLength = u8(arp + 4);
        final int sender = arp + ARP_FIXED_LENGTH + hardwareLength;
        addresses.rewrite(sender, AddressRewriter.IPV4_BYTES, captured);
        addresses.rewrite(sender + AddressRewriter.IPV4_BYTES + hardwareLength, AddressRewriter.IPV4_BYTES, captured);
        return AnonymizeOutcome.ANONYMIZED;
    }

    /** Where an ICMP message's readable bytes end: its end in the packet, or the capture's. */
    private int icmpLimit(final int index)
    {
        final int payload = burst.payloadOffset[index];
        return payload == PacketBurst.ABSENT ? captured : Math.min(captured, payload + burst.payloadLength[index]);
    }

    /**
     * Updates the checksum field at {@code at} by {@code difference} (aligned as the field's range);
     * nothing when the field was not captured.
     *
     * @return the packet-aligned difference of the field's own change.
     */
    private long updateChecksum(final int at, final long difference, final boolean udp)
    {
        return ChecksumUpdate.update(segment, base, captured, at, difference, udp);
    }

    /** The pseudo-header difference for the transport header at chain position {@code k}. */
    private long pseudoFor(final int k)
    {
        for (int j = k - 1; j >= 0; j--)
        {
            if (isIp(burst.headerType[chain + j]))
            {
                return pseudoDifference[j];
            }
        }
        return 0;
    }

    private boolean isIpv4Before(final int k)
    {
        for (int j = k - 1; j >= 0; j--)
        {
            final byte type = burst.headerType[chain + j];
            if (isIp(type))
            {
                return type == HeaderType.IPV4;
            }
        }
        return false;
    }

    /** A packet-aligned difference as seen by a checksum whose range starts at {@code start}. */
    private static long within(final long difference, final int start)
    {
        return (start & 1) == 0 ? difference : InternetChecksum.swap(difference);
    }

    private static boolean isIp(final byte type)
    {
        return type == HeaderType.IPV4 || type == HeaderType.IPV6;
    }

    /**
     * UDP ports of tunnels whose payload is an IP packet (or a frame) the decoder leaves as payload:
     * L2TP 1701, GTP' 3386, LISP data 4341, VXLAN-GPE 4790, AYIYA 5072, MPLS in UDP 6635, and the
     * Linux kernel's historical VXLAN port 8472.
     */
    private static boolean isUndecodedTunnelPort(final int source, final int destination)
    {
        return isUndecodedTunnelPort(source) || isUndecodedTunnelPort(destination);
    }

    private static boolean isUndecodedTunnelPort(final int port)
    {
        return switch (port)
        {
            case 1701, 3386, 4341, 4790, 5072, 6635, 8472 -> true;
            default -> false;
        };
    }

    private static boolean isIcmpError(final int type, final boolean v6)
    {
        return v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    private int u8(final int at)
    {
        return segment.get(U8, base + at) & 0xFF;
    }

    private int u16(final int at)
    {
        return segment.get(U16, base + at) & 0xFFFF;
    }
}
