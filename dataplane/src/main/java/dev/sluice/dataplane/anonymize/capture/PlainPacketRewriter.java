package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.decode.EthernetHeader;
import dev.sluice.dataplane.decode.TcpHeader;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The capture anonymizer's fast path for the packets most captures are made of: Ethernet with at
 * most one 802.1Q tag, then IPv4 without options and not fragmented, or IPv6 without extension
 * headers, then TCP or UDP. Such a packet has exactly two addresses at fixed places, so it is
 * rewritten without the {@link dev.sluice.dataplane.decode.PacketDecoder} (which fills some forty
 * fields per packet and looks into payloads for TLS names and DNS questions that anonymization
 * never reads).
 * <p>
 * The fast path changes nothing about the result: it accepts a packet only when every check the
 * decoder and {@link PacketAddressRewriter} would make passes in the same way (lengths inside the
 * frame and the captured bytes, TCP options well formed, no port whose payload the decoder reads
 * or the rewriter refuses), and it then writes the same bytes as the full path with the same
 * arithmetic (CaptureFastPathEquivalenceTest compares both on every packet of the shared
 * captures and on mutated ones). Anything else is left untouched for the full path.
 * <p>
 * Zero allocation. Owned by one {@link CaptureAnonymizer}; its thread only.
 */
final class PlainPacketRewriter
{
    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int TCP_HEADER_LENGTH = 20;
    private static final int UDP_HEADER_LENGTH = 8;
    /** IPv4 version 4 with a header of 5 words: no options. */
    private static final int IPV4_WITHOUT_OPTIONS = 0x45;
    /** The more-fragments flag and the fragment offset. */
    private static final int IPV4_FRAGMENT_BITS = 0x3FFF;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;

    private final AddressRewriter addresses;
    private MemorySegment segment;
    private long base;
    private int captured;

    PlainPacketRewriter(final AddressRewriter addresses)
    {
        this.addresses = addresses;
    }

    /**
     * Rewrites item {@code index} of a burst the source filled (not decoded) when it has one of the
     * plain shapes, fixing its checksums.
     *
     * @return true when rewritten: every address anonymized; false when the packet was not touched
     * and must go through the decoder and {@link PacketAddressRewriter}.
     */
    boolean rewrite(final PacketBurst burst, final int index)
    {
        final MemorySegment segment = burst.data[index];
        final long base = burst.offset[index];
        final int captured = burst.capturedLength[index];
        final int wire = burst.wireLength[index];
        if (burst.linkType[index] != LinkType.ETHERNET || null == segment ||
            captured < ETHERNET_HEADER_LENGTH + VLAN_TAG_LENGTH || captured > wire ||
            base < 0 || base > segment.byteSize() - captured)
        {
            return false;
        }
        this.segment = segment;
        this.base = base;
        this.captured = captured;

        int ip = ETHERNET_HEADER_LENGTH;
        int etherType = u16(ip - 2);
        if (etherType == EthernetHeader.ETHER_TYPE_VLAN)
        {
            ip += VLAN_TAG_LENGTH;
            etherType = u16(ip - 2);
        }
        if (etherType == EthernetHeader.ETHER_TYPE_IPV4)
        {
            return rewriteIpv4(ip, wire);
        }
        if (etherType == EthernetHeader.ETHER_TYPE_IPV6)
        {
            return rewriteIpv6(ip, wire);
        }
        return false;
    }

    private boolean rewriteIpv4(final int ip, final int end)
    {
        final int transport = ip + IPV4_HEADER_LENGTH;
        if (transport > captured || u8(ip) != IPV4_WITHOUT_OPTIONS || (u16(ip + 6) & IPV4_FRAGMENT_BITS) != 0)
        {
            return false;
        }
        final int totalBytes = u16(ip + 2);
        // A total length of 0 (TCP segmentation offload) is left to the decoder's rule.
        if (totalBytes < IPV4_HEADER_LENGTH || ip + totalBytes > end)
        {
            return false;
        }
        final int payloadEnd = ip + totalBytes;
        final int protocol = u8(ip + 9);
        if (!checkTransport(protocol, transport, payloadEnd, false))
        {
            return false;
        }

        addresses.wrap(segment, base);
        final long addressChange = addresses.rewrite(ip + 12, AddressRewriter.IPV4_BYTES, captured) +
            addresses.rewrite(ip + 16, AddressRewriter.IPV4_BYTES, captured);
        ChecksumUpdate.update(segment, base, captured, ip + 10, AddressRewriter.aligned(addressChange, ip), false);
        updateTransport(protocol, transport, AddressRewriter.aligned(addressChange, ip), true);
        return true;
    }

    private boolean rewriteIpv6(final int ip, final int end)
    {
        final int transport = ip + IPV6_HEADER_LENGTH;
        if (transport > captured || (u8(ip) >>> 4) != 6)
        {
            return false;
        }
        final int payloadEnd = Math.min(transport + u16(ip + 4), end);
        final int protocol = u8(ip + 6);
        if (!checkTransport(protocol, transport, payloadEnd, true))
        {
            return false;
        }

        addresses.wrap(segment, base);
        final long sourceChange = addresses.rewrite(ip + 8, AddressRewriter.IPV6_BYTES, captured);
        final long destinationChange = addresses.rewrite(ip + 24, AddressRewriter.IPV6_BYTES, captured);
        updateTransport(
            protocol, transport, AddressRewriter.aligned(sourceChange, ip) + AddressRewriter.aligned(destinationChange, ip), false);
        return true;
    }

    /** The decoder's checks of a TCP or UDP header ending its IP layer's payload at {@code end}, and the rewriter's port refusals. */
    private boolean checkTransport(final int protocol, final int at, final int end, final boolean ipv6)
    {
        if (protocol == PROTOCOL_TCP)
        {
            if (at + TCP_HEADER_LENGTH > end || at + TCP_HEADER_LENGTH > captured)
            {
                return false;
            }
            final int headerBytes = (u8(at + 12) >>> 4) * 4;
            return headerBytes >= TCP_HEADER_LENGTH && at + headerBytes <= end &&
                TcpHeader.optionsWellFormed(segment, base, at + TCP_HEADER_LENGTH, at + headerBytes, Math.min(end, captured)) &&
                !isDecodedPort(u16(at)) && !isDecodedPort(u16(at + 2));
        }
        if (protocol == PROTOCOL_UDP)
        {
            if (at + UDP_HEADER_LENGTH > end || at + UDP_HEADER_LENGTH > captured)
            {
                return false;
            }
            final int datagramBytes = u16(at + 4);
            return datagramBytes >= UDP_HEADER_LENGTH && at + datagramBytes <= end &&
                !(ipv6 && u16(at + 6) == 0) &&
                !isDecodedPort(u16(at)) && !isDecodedPort(u16(at + 2));
        }
        return false;
    }

    /** The transport checksum, by the pseudo-header's change; an IPv4 UDP checksum of 0 (none) stays 0. */
    private void updateTransport(final int protocol, final int at, final long pseudoChange, final boolean ipv4)
    {
        if (protocol == PROTOCOL_TCP)
        {
            ChecksumUpdate.update(segment, base, captured, at + 16, pseudoChange, false);
        }
        else if (!(ipv4 && u16(at + 6) == 0))
        {
            ChecksumUpdate.update(segment, base, captured, at + 6, pseudoChange, true);
        }
    }

    /**
     * Ports whose payload the decoder reads (DNS, GTP-U, Teredo, GRE in UDP, VXLAN, GENEVE) or the
     * rewriter refuses (tunnels the decoder does not read, see {@link PacketAddressRewriter}): such
     * packets take the full path.
     */
    private static boolean isDecodedPort(final int port)
    {
        return switch (port)
        {
            case 53, 2152, 3544, 4754, 4789, 6081, 1701, 3386, 4341, 4790, 5072, 6635, 8472 -> true;
            default -> false;
        };
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
