package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.decode.DecodedPacket;
import dev.sluice.dataplane.decode.DnsQuestion;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;

/**
 * Serves the policy's packet fields from the decoded burst, one item at a time, through the
 * decoder's {@link DecodedPacket} view: the rules read straight from the burst's arrays and the
 * packet's bytes, nothing is copied or boxed (text fields are copied into a reused buffer).
 * <p>
 * A policy also speaks about events: every id this reader does not serve (event fields such
 * as {@code syslog.severity}, a policy's dynamic {@code json.*} fields beyond the standard
 * catalogue) is absent, as the {@link FieldReader} contract asks, so such rules never match a
 * packet and never read a value. {@code item.kind} is {@code packet}.
 * Worker thread only; {@link #select} before every item.
 */
public final class BurstFieldReader implements FieldReader
{
    private static final int TLS_SNI_MAX_BYTES = 255;
    /** The value of {@code item.kind} for every item this reader serves. */
    private static final String ITEM_KIND_PACKET = "packet";

    private final DecodedPacket packet = new DecodedPacket();
    private final AsciiText text = new AsciiText(Math.max(DnsQuestion.MAX_NAME_CHARS, TLS_SNI_MAX_BYTES));

    public BurstFieldReader select(final PacketBurst burst, final int index)
    {
        packet.wrap(burst, index);
        return this;
    }

    /** The decoded view of the selected item. */
    public DecodedPacket packet()
    {
        return packet;
    }

    /**
     * Split by field id into three small methods, so that code testing a constant field (the
     * rules compiled to bytecode do) inlines the one it needs and folds its switch away: one
     * method with every case is beyond what the JIT inlines.
     */
    @Override
    public boolean isPresent(final int fieldId)
    {
        if (fieldId < PacketFields.TCP_SRCPORT)
        {
            return isPresentUpToIp(fieldId);
        }
        return fieldId < PacketFields.TUNNEL_DEPTH ? isPresentTransport(fieldId) : isPresentTunnelled(fieldId);
    }

    private boolean isPresentUpToIp(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.FRAME_LEN, PacketFields.FRAME_CAP_LEN -> true;
            case PacketFields.ETH_TYPE -> p.hasEtherType();
            case PacketFields.VLAN_ID -> p.vlanCount() > 0;
            case PacketFields.MPLS_LABEL -> p.mplsCount() > 0;
            case PacketFields.PPPOE_SESSION_ID -> p.hasPppoe();
            case PacketFields.IP_VERSION, PacketFields.IP_SRC, PacketFields.IP_DST, PacketFields.IP_TTL,
                PacketFields.IP_TOS -> p.hasIp();
            case PacketFields.IP_PROTO -> p.hasIp() && p.ipProtocol() != PacketBurst.ABSENT;
            case PacketFields.IP_ID -> p.hasIpId();
            case PacketFields.IP_FLAGS -> p.hasIpFlags();
            case PacketFields.IP_FRAG_OFFSET -> p.hasIpFragmentOffset();
            default -> false;
        };
    }

    private boolean isPresentTransport(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.TCP_SRCPORT, PacketFields.TCP_DSTPORT, PacketFields.TCP_FLAGS -> p.hasTcp();
            case PacketFields.UDP_SRCPORT, PacketFields.UDP_DSTPORT -> p.hasUdp();
            case PacketFields.SCTP_SRCPORT, PacketFields.SCTP_DSTPORT -> p.hasSctp();
            case PacketFields.ICMP_TYPE, PacketFields.ICMP_CODE -> p.hasIcmp();
            case PacketFields.ESP_SPI -> p.hasEsp();
            case PacketFields.GRE_PROTO -> p.hasGre();
            case PacketFields.VXLAN_VNI -> p.hasVxlan();
            case PacketFields.GENEVE_VNI -> p.hasGeneve();
            case PacketFields.GTP_TEID -> p.hasGtp();
            default -> false;
        };
    }

    private boolean isPresentTunnelled(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.TUNNEL_DEPTH -> true;
            case PacketFields.TUNNEL_TYPE -> p.tunnelDepth() > 0;
            case PacketFields.INNER_IP_VERSION, PacketFields.INNER_IP_SRC, PacketFields.INNER_IP_DST,
                PacketFields.INNER_IP_PROTO -> p.hasInnerIp();
            case PacketFields.INNER_TCP_SRCPORT, PacketFields.INNER_TCP_DSTPORT -> p.hasInnerTcp();
            case PacketFields.INNER_UDP_SRCPORT, PacketFields.INNER_UDP_DSTPORT -> p.hasInnerUdp();
            case PacketFields.DNS_QRY_NAME -> p.hasDnsQuery() && p.dnsQueryNameLength() != PacketBurst.ABSENT;
            case PacketFields.DNS_QRY_TYPE -> p.hasDnsQuery();
            case PacketFields.TLS_SNI -> p.hasTlsSni();
            case EventFields.ITEM_KIND -> true;
            default -> false;
        };
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return switch (fieldId)
        {
            case PacketFields.VLAN_ID -> packet.vlanCount();
            case PacketFields.MPLS_LABEL -> packet.mplsCount();
            default -> isPresent(fieldId) ? 1 : 0;
        };
    }

    /** Split by field id like {@link #isPresent(int)}, for the same reason. */
    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        if (fieldId < PacketFields.TCP_SRCPORT)
        {
            return integerUpToIp(fieldId, occurrence);
        }
        return fieldId < PacketFields.TUNNEL_DEPTH ? integerTransport(fieldId) : integerTunnelled(fieldId);
    }

    private long integerUpToIp(final int fieldId, final int occurrence)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.FRAME_LEN -> p.frameLength();
            case PacketFields.FRAME_CAP_LEN -> p.capturedLength();
            case PacketFields.ETH_TYPE -> p.etherType();
            case PacketFields.VLAN_ID -> p.vlanId(occurrence);
            case PacketFields.MPLS_LABEL -> p.mplsLabel(occurrence);
            case PacketFields.PPPOE_SESSION_ID -> p.pppoeSessionId();
            case PacketFields.IP_VERSION -> p.ipVersion();
            case PacketFields.IP_PROTO -> p.ipProtocol();
            case PacketFields.IP_TTL -> p.ipTtl();
            case PacketFields.IP_TOS -> p.ipTos();
            case PacketFields.IP_ID -> p.ipId();
            case PacketFields.IP_FLAGS -> p.ipFlags();
            case PacketFields.IP_FRAG_OFFSET -> p.ipFragmentOffset();
            default -> 0;
        };
    }

    private long integerTransport(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.TCP_SRCPORT -> p.tcpSrcPort();
            case PacketFields.TCP_DSTPORT -> p.tcpDstPort();
            case PacketFields.TCP_FLAGS -> p.tcpFlags();
            case PacketFields.UDP_SRCPORT -> p.udpSrcPort();
            case PacketFields.UDP_DSTPORT -> p.udpDstPort();
            case PacketFields.SCTP_SRCPORT -> p.sctpSrcPort();
            case PacketFields.SCTP_DSTPORT -> p.sctpDstPort();
            case PacketFields.ICMP_TYPE -> p.icmpType();
            case PacketFields.ICMP_CODE -> p.icmpCode();
            case PacketFields.ESP_SPI -> p.espSpi();
            case PacketFields.GRE_PROTO -> p.greProtocol();
            case PacketFields.VXLAN_VNI -> p.vxlanVni();
            case PacketFields.GENEVE_VNI -> p.geneveVni();
            case PacketFields.GTP_TEID -> p.gtpTeid();
            default -> 0;
        };
    }

    private long integerTunnelled(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.TUNNEL_DEPTH -> p.tunnelDepth();
            case PacketFields.INNER_IP_VERSION -> p.innerIpVersion();
            case PacketFields.INNER_IP_PROTO -> p.innerIpProtocol();
            case PacketFields.INNER_TCP_SRCPORT -> p.innerTcpSrcPort();
            case PacketFields.INNER_TCP_DSTPORT -> p.innerTcpDstPort();
            case PacketFields.INNER_UDP_SRCPORT -> p.innerUdpSrcPort();
            case PacketFields.INNER_UDP_DSTPORT -> p.innerUdpDstPort();
            case PacketFields.DNS_QRY_TYPE -> p.dnsQueryType();
            default -> 0;
        };
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.TUNNEL_TYPE -> p.tunnelTypeName();
            case EventFields.ITEM_KIND -> ITEM_KIND_PACKET;
            case PacketFields.DNS_QRY_NAME -> text.length(p.dnsQueryName(text.bytes(), 0));
            case PacketFields.TLS_SNI -> text.length(p.tlsSni(text.bytes(), 0));
            default -> text.length(0);
        };
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return fieldId == PacketFields.INNER_IP_SRC || fieldId == PacketFields.INNER_IP_DST ?
            packet.innerIpVersion() : packet.ipVersion();
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.IP_SRC -> p.srcAddressHigh();
            case PacketFields.IP_DST -> p.dstAddressHigh();
            case PacketFields.INNER_IP_SRC -> p.innerSrcAddressHigh();
            default -> p.innerDstAddressHigh();
        };
    }

    @Override
    public long addressLow(final int fieldId)
    {
        final DecodedPacket p = packet;
        return switch (fieldId)
        {
            case PacketFields.IP_SRC -> p.srcAddressLow();
            case PacketFields.IP_DST -> p.dstAddressLow();
            case PacketFields.INNER_IP_SRC -> p.innerSrcAddressLow();
            default -> p.innerDstAddressLow();
        };
    }
}
