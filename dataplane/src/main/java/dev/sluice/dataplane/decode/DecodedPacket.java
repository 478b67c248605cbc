package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;

/**
 * Typed access to what the decoder found in one burst item, one method per packet field of
 * the policy language (the {@code FIELDS-ISSUE4} list), positioned with {@link #wrap}. Fields
 * the decoder stores eagerly are read from the burst's arrays; the rest (VLAN ids, MPLS labels,
 * tunnel identifiers, the DNS name, the TLS server name, 12-bit TCP flags) are read from the
 * packet's bytes at the offsets the decoder recorded, which it checked were captured. Nothing
 * allocates: text fields are copied into a caller's reusable byte array.
 * <p>
 * Value methods may only be called when the matching presence method ({@code hasX()}) is true;
 * otherwise they return {@link PacketBurst#ABSENT} or a meaningless value, never throw.
 * "Outer" fields belong to the first IP layer and the headers before it; "inner" fields to the
 * innermost IP layer inside a tunnel ({@link #hasInnerIp()}).
 * <p>
 * A flyweight: owned by the thread that owns the burst.
 */
public final class DecodedPacket
{
    private static final ValueLayout.OfShort U16 = NetworkByteOrder.U16;
    private static final int VLAN_ID_MASK = 0x0FFF;
    private static final int TCP_FLAGS_12_BITS = 0x0FFF;
    private static final int TCP_FLAGS_OFFSET = 12;

    private final DnsQuestion dnsQuestion = new DnsQuestion();

    private PacketBurst burst;
    private int index;
    private MemorySegment segment;
    private long base;

    /** Positions this flyweight on item {@code index} of {@code burst}, which the decoder has filled. */
    public DecodedPacket wrap(final PacketBurst burst, final int index)
    {
        this.burst = burst;
        this.index = index;
        this.segment = burst.data[index];
        this.base = burst.offset[index];
        return this;
    }

    public PacketBurst burst()
    {
        return burst;
    }

    public int index()
    {
        return index;
    }

    // ---------------------------------------------------------------- frame

    /** {@code frame.len}: bytes on the wire. */
    public int frameLength()
    {
        return burst.wireLength[index];
    }

    /** {@code frame.cap_len}: bytes captured. */
    public int capturedLength()
    {
        return burst.capturedLength[index];
    }

    /** True when a stage dropped the item; {@link #dropReasonOrdinal()} says why. */
    public boolean isDropped()
    {
        return burst.verdict[index] == Verdict.DROPPED;
    }

    /** {@code DropReason.ordinal()} of a dropped item, or ABSENT. */
    public int dropReasonOrdinal()
    {
        return isDropped() ? burst.dropReason[index] : ABSENT;
    }

    // ---------------------------------------------------------------- link layer

    public boolean hasEtherType()
    {
        return burst.etherType[index] != ABSENT;
    }

    /** {@code eth.type}: the EtherType after any VLAN tags. */
    public int etherType()
    {
        return burst.etherType[index];
    }

    /** {@code vlan.id}: how many tags; 0 when untagged. */
    public int vlanCount()
    {
        return burst.vlanCount[index];
    }

    /** {@code vlan.id}: the id of tag {@code tag}, 0 the outermost, below {@link #vlanCount()}. */
    public int vlanId(final int tag)
    {
        return segment.get(U16, base + burst.vlanOffset[index] + (long)tag * VlanTag.LENGTH) & VLAN_ID_MASK;
    }

    /** {@code mpls.label}: how many labels; 0 without MPLS. */
    public int mplsCount()
    {
        return burst.mplsCount[index];
    }

    /** {@code mpls.label}: label {@code entry}, 0 the top of the stack, below {@link #mplsCount()}. */
    public int mplsLabel(final int entry)
    {
        return MplsLabel.label(segment, base + burst.mplsOffset[index] + (long)entry * MplsLabel.LENGTH);
    }

    public boolean hasPppoe()
    {
        return burst.pppoeSessionId[index] != ABSENT;
    }

    /** {@code pppoe.session_id}. */
    public int pppoeSessionId()
    {
        return burst.pppoeSessionId[index];
    }

    // ---------------------------------------------------------------- outer IP

    public boolean hasIp()
    {
        return burst.ipVersion[index] != 0;
    }

    /** {@code ip.version}: 4 or 6, 0 without IP. */
    public int ipVersion()
    {
        return burst.ipVersion[index];
    }

    /** {@code ip.src}: bits 127..64 of an IPv6 address, 0 for IPv4. */
    public long srcAddressHigh()
    {
        return burst.srcAddressHigh[index];
    }

    /** {@code ip.src}: bits 63..0 of an IPv6 address, or the IPv4 address as an unsigned 32-bit value. */
    public long srcAddressLow()
    {
        return burst.srcAddressLow[index];
    }

    public long dstAddressHigh()
    {
        return burst.dstAddressHigh[index];
    }

    public long dstAddressLow()
    {
        return burst.dstAddressLow[index];
    }

    /** {@code ip.proto}: IPv4 protocol, or IPv6's first header after its extension headers. */
    public int ipProtocol()
    {
        return burst.ipProtocol[index];
    }

    /** {@code ip.ttl}: TTL or hop limit. */
    public int ipTtl()
    {
        return burst.ipTtl[index];
    }

    /** {@code ip.tos}: DS field byte or traffic class. */
    public int ipTos()
    {
        return burst.ipTos[index];
    }

    /** IPv4 always; IPv6 with a fragment header. */
    public boolean hasIpId()
    {
        return burst.ipId[index] != ABSENT;
    }

    /** {@code ip.id}: 16 bits for IPv4, 32 for an IPv6 fragment header. */
    public long ipId()
    {
        return burst.ipId[index];
    }

    /** IPv4 always; IPv6 with a fragment header (its M flag). */
    public boolean hasIpFlags()
    {
        return burst.ipFlags[index] != ABSENT;
    }

    /** {@code ip.flags}: 3 bits, bit 1 DF and bit 0 MF. */
    public int ipFlags()
    {
        return burst.ipFlags[index];
    }

    /** {@code ip.flags.df}: 0 or 1. */
    public int ipFlagDf()
    {
        return (burst.ipFlags[index] & Ipv4Header.FLAG_DONT_FRAGMENT) != 0 ? 1 : 0;
    }

    /** {@code ip.flags.mf}: 0 or 1. */
    public int ipFlagMf()
    {
        return (burst.ipFlags[index] & Ipv4Header.FLAG_MORE_FRAGMENTS) != 0 ? 1 : 0;
    }

    public boolean hasIpFragmentOffset()
    {
        return burst.ipFragmentOffset[index] != ABSENT;
    }

    /** {@code ip.frag_offset}: in bytes. */
    public int ipFragmentOffset()
    {
        return burst.ipFragmentOffset[index];
    }

    // ---------------------------------------------------------------- outer transport

    /** True when the outer IP layer's transport header is TCP (never for a later fragment). */
    public boolean hasTcp()
    {
        return burst.l4Protocol[index] == IpProtocol.TCP;
    }

    /** {@code tcp.srcport}. */
    public int tcpSrcPort()
    {
        return burst.srcPort[index];
    }

    /** {@code tcp.dstport}. */
    public int tcpDstPort()
    {
        return burst.dstPort[index];
    }

    /** {@code tcp.flags}: 12 bits, the three reserved bits above NS. */
    public int tcpFlags()
    {
        return segment.get(U16, base + burst.l4Offset[index] + TCP_FLAGS_OFFSET) & TCP_FLAGS_12_BITS;
    }

    public boolean hasUdp()
    {
        return burst.l4Protocol[index] == IpProtocol.UDP;
    }

    /** {@code udp.srcport}. */
    public int udpSrcPort()
    {
        return burst.srcPort[index];
    }

    /** {@code udp.dstport}. */
    public int udpDstPort()
    {
        return burst.dstPort[index];
    }

    public boolean hasSctp()
    {
        return burst.l4Protocol[index] == IpProtocol.SCTP;
    }

    /** {@code sctp.srcport}. */
    public int sctpSrcPort()
    {
        return burst.srcPort[index];
    }

    /** {@code sctp.dstport}. */
    public int sctpDstPort()
    {
        return burst.dstPort[index];
    }

    /** ICMP over IPv4 or ICMPv6 over IPv6 in the outer IP layer. */
    public boolean hasIcmp()
    {
        return burst.icmpType[index] != ABSENT;
    }

    /** {@code icmp.type}. */
    public int icmpType()
    {
        return burst.icmpType[index];
    }

    /** {@code icmp.code}. */
    public int icmpCode()
    {
        return burst.icmpCode[index];
    }

    /** True when the packet has an ESP header (in any IP layer). */
    public boolean hasEsp()
    {
        return findHeader(HeaderType.ESP) != ABSENT;
    }

    /** {@code esp.spi} of the first ESP header. */
    public long espSpi()
    {
        return EspHeader.spi(segment, base + findHeader(HeaderType.ESP));
    }

    // ---------------------------------------------------------------- tunnels

    /** {@code tunnel.depth}: encapsulations entered, 0 for none. */
    public int tunnelDepth()
    {
        return burst.tunnelDepth[index];
    }

    /** {@code tunnel.type}: the outermost encapsulation's {@link TunnelType}, {@link TunnelType#NONE} for none. */
    public int tunnelType()
    {
        return burst.tunnelType[index];
    }

    /** {@code tunnel.type} as text ({@code "gtp"}, {@code "vxlan"}, ...), or null for none; never allocates. */
    public String tunnelTypeName()
    {
        return TunnelType.name(burst.tunnelType[index]);
    }

    public boolean hasTunnelId()
    {
        return burst.tunnelId[index] != ABSENT;
    }

    /** The outermost encapsulation's id: TEID, VNI, GRE key or PPTP call id, ERSPAN session id. */
    public long tunnelId()
    {
        return burst.tunnelId[index];
    }

    public boolean hasGre()
    {
        return findHeader(HeaderType.GRE) != ABSENT;
    }

    /** {@code gre.proto} of the first GRE header. */
    public int greProtocol()
    {
        return GreHeader.protocol(segment, base + findHeader(HeaderType.GRE));
    }

    public boolean hasVxlan()
    {
        return findHeader(HeaderType.VXLAN) != ABSENT;
    }

    /** {@code vxlan.vni} of the first VXLAN header. */
    public int vxlanVni()
    {
        return VxlanHeader.vni(segment, base + findHeader(HeaderType.VXLAN));
    }

    public boolean hasGeneve()
    {
        return findHeader(HeaderType.GENEVE) != ABSENT;
    }

    /** {@code geneve.vni} of the first GENEVE header. */
    public int geneveVni()
    {
        return GeneveHeader.vni(segment, base + findHeader(HeaderType.GENEVE));
    }

    /** True when the packet has a GTPv1-U header (a G-PDU or a signalling message). */
    public boolean hasGtp()
    {
        return findHeader(HeaderType.GTP) != ABSENT;
    }

    /** {@code gtp.teid} of the first GTP-U header. */
    public long gtpTeid()
    {
        return GtpHeader.teid(segment, base + findHeader(HeaderType.GTP));
    }

    // ---------------------------------------------------------------- innermost IP layer

    public boolean hasInnerIp()
    {
        return burst.innerIpVersion[index] != 0;
    }

    /** {@code inner.ip.version}. */
    public int innerIpVersion()
    {
        return burst.innerIpVersion[index];
    }

    /** {@code inner.ip.src}, high half (0 for IPv4). */
    public long innerSrcAddressHigh()
    {
        return burst.innerSrcAddressHigh[index];
    }

    public long innerSrcAddressLow()
    {
        return burst.innerSrcAddressLow[index];
    }

    public long innerDstAddressHigh()
    {
        return burst.innerDstAddressHigh[index];
    }

    public long innerDstAddressLow()
    {
        return burst.innerDstAddressLow[index];
    }

    /** {@code inner.ip.proto}. */
    public int innerIpProtocol()
    {
        return burst.innerIpProtocol[index];
    }

    public boolean hasInnerTcp()
    {
        return burst.innerL4Protocol[index] == IpProtocol.TCP;
    }

    /** {@code inner.tcp.srcport}. */
    public int innerTcpSrcPort()
    {
        return burst.innerSrcPort[index];
    }

    /** {@code inner.tcp.dstport}. */
    public int innerTcpDstPort()
    {
        return burst.innerDstPort[index];
    }

    public boolean hasInnerUdp()
    {
        return burst.innerL4Protocol[index] == IpProtocol.UDP;
    }

    /** {@code inner.udp.srcport}. */
    public int innerUdpSrcPort()
    {
        return burst.innerSrcPort[index];
    }

    /** {@code inner.udp.dstport}. */
    public int innerUdpDstPort()
    {
        return burst.innerDstPort[index];
    }

    // ---------------------------------------------------------------- application

    public boolean hasDnsQuery()
    {
        return burst.dnsOffset[index] != ABSENT;
    }

    /** {@code dns.qry.type}. */
    public int dnsQueryType()
    {
        return burst.dnsQueryType[index];
    }

    /** Characters of {@code dns.qry.name} in dotted form (0 for the root), or ABSENT. */
    public int dnsQueryNameLength()
    {
        return dnsQueryName(null, 0);
    }

    /**
     * Copies {@code dns.qry.name}, dotted and without the trailing dot, into {@code sink} from
     * {@code sinkOffset}; a sink of {@link DnsQuestion#MAX_NAME_CHARS} bytes always suffices.
     *
     * @return characters copied, or ABSENT when there is no question or it does not fit.
     */
    public int dnsQueryName(final byte[] sink, final int sinkOffset)
    {
        final int message = burst.dnsOffset[index];
        if (message == ABSENT)
        {
            return ABSENT;
        }
        final int status = dnsQuestion.read(
            segment, base, message, burst.capturedLength[index], burst.capturedLength[index], sink, sinkOffset);
        return status == DnsQuestion.VALID ? dnsQuestion.nameLength() : ABSENT;
    }

    public boolean hasTlsSni()
    {
        return burst.tlsSniOffset[index] != ABSENT;
    }

    /** Bytes of {@code tls.sni}. */
    public int tlsSniLength()
    {
        return burst.tlsSniLength[index];
    }

    /**
     * Copies {@code tls.sni} into {@code sink} from {@code sinkOffset}.
     *
     * @return bytes copied, or ABSENT when there is none or it does not fit.
     */
    public int tlsSni(final byte[] sink, final int sinkOffset)
    {
        final int offset = burst.tlsSniOffset[index];
        final int length = burst.tlsSniLength[index];
        if (offset == ABSENT || sinkOffset < 0 || sinkOffset + length > sink.length)
        {
            return ABSENT;
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, base + offset, sink, sinkOffset, length);
        return length;
    }

    // ---------------------------------------------------------------- payload and header chain

    /** Offset of the payload from the packet start (see {@code PacketBurst.payloadOffset}), or ABSENT. */
    public int payloadOffset()
    {
        return burst.payloadOffset[index];
    }

    public int payloadLength()
    {
        return burst.payloadLength[index];
    }

    public int headerCount()
    {
        return burst.headerCount[index];
    }

    /** {@link HeaderType} of header {@code k} of the chain, 0 the outermost. */
    public int headerType(final int k)
    {
        return burst.headerType[index * PacketBurst.MAX_HEADERS + k];
    }

    public int headerOffset(final int k)
    {
        return burst.headerOffset[index * PacketBurst.MAX_HEADERS + k];
    }

    /** Offset of the first header of {@code type} in the chain, or ABSENT. */
    public int findHeader(final byte type)
    {
        final PacketBurst b = burst;
        final int first = index * PacketBurst.MAX_HEADERS;
        final int count = b.headerCount[index];
        for (int k = 0; k < count; k++)
        {
            if (b.headerType[first + k] == type)
            {
                return b.headerOffset[first + k];
            }
        }
        return ABSENT;
    }
}
