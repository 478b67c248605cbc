package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;

/**
 * The decode stage: reads the link, network, transport and tunnel headers of every packet in
 * a burst through flyweights and fills the burst's header fields, or drops the packet with a
 * reason. One pass over the burst, no allocation, and no exception for any input bytes: every
 * read is preceded by a check against the captured length. The link layer is decoded here,
 * IP layers and what they carry by {@link NetworkDecoder}, tunnels by {@link TunnelDecoder}.
 *
 * <h2>What is decoded</h2>
 * <ul>
 *   <li>Link types: Ethernet (1); raw IP (101, and 12 and 14 as some systems number it; the
 *       version nibble picks IPv4 or IPv6); raw IPv4 (228); raw IPv6 (229); Linux cooked
 *       capture v1 (113) and v2 (276). Anything else: {@link DropReason#UNSUPPORTED_LINK_TYPE}.</li>
 *   <li>Up to {@link #MAX_VLAN_TAGS} 802.1Q (0x8100), 802.1ad (0x88a8) and pre-standard QinQ
 *       (0x9100) tags: their offset and count, the outermost id in {@code vlanId}, the EtherType
 *       after the last tag in {@code etherType}.</li>
 *   <li>MPLS (0x8847, 0x8848): up to {@link #MAX_MPLS_LABELS} labels, then IPv4 or IPv6 by the
 *       first nibble of the payload. Anything else after the label stack (an Ethernet
 *       pseudowire, with or without the RFC 4385 control word, or a PW associated channel) is
 *       left undecoded without a drop: what a label carries is agreed out of band, a payload
 *       whose destination MAC starts with 4 or 6 looks like IP, and guessing would decode
 *       garbage as addresses (tshark's pseudowire heuristic misreads a control word as a MAC
 *       address).</li>
 *   <li>PPPoE session (0x8864) carrying PPP protocol 0x0021 (IPv4) or 0x0057 (IPv6); its
 *       length field bounds the IP packet.</li>
 *   <li>IPv4 with options (walked, length-checked, not interpreted; the header checksum is not
 *       verified, as tshark's default) and IPv6 with hop-by-hop (0), routing (43, the segment
 *       routing header included, walked by its length), fragment (44), destination options (60)
 *       and authentication (51) headers. {@code ipProtocol} is IPv4's protocol field and IPv6's
 *       first header after those; an IPv4 authentication header is stepped over too.</li>
 *   <li>TCP (options length-checked), UDP, SCTP common header, ICMP over IPv4, ICMPv6 over
 *       IPv6, and ESP, of which only the SPI and sequence number are clear.</li>
 *   <li>Tunnels, each counted in {@code tunnelDepth}, at most {@link #MAX_TUNNEL_DEPTH}
 *       deep ({@link DropReason#TUNNEL_TOO_DEEP} beyond): IPv4 and IPv6 in IPv4 or IPv6
 *       (4in4, 6in4, 4in6, 6in6); GRE versions 0 and 1 carrying IP, Ethernet (0x6558), ERSPAN
 *       type I, II or III, or PPP (PPTP), and GRE in UDP (port 4754); VXLAN (UDP 4789); GENEVE
 *       (UDP 6081) carrying Ethernet or IP; GTP-U (UDP 2152) G-PDUs carrying IP, with
 *       extension headers; Teredo (UDP 3544). The UDP ports are tried lower first, as tshark
 *       does (DNS replies from port 53 to port 2152 are DNS). The innermost IP layer fills the
 *       {@code inner*} fields.</li>
 *   <li>DNS over UDP or TCP port 53 (TCP: a segment that starts with the message length): the
 *       first question's name and type are checked and its offset kept; TLS ClientHello server
 *       names in any TCP payload that starts with a handshake record (never a drop).</li>
 * </ul>
 * Frames that carry no IP (ARP, LLDP, PPPoE discovery, 802.3 frames with a length instead of
 * an EtherType, MPLS pseudowires) are not drops: {@code ipVersion} is 0 and the IP and
 * transport fields are {@link PacketBurst#ABSENT}. Fragments other than the first (offset not
 * 0) carry no transport fields, and enter no tunnel, and are not drops either.
 *
 * <h2>Malformed or cut by the snapshot length</h2>
 * tshark tells two kinds of short packet apart: a header that runs past the packet's own
 * length (its wire length, or the length the enclosing header claims) is a <em>malformed
 * packet</em>; a header that is whole on the wire but runs past the bytes the capture kept is
 * merely <em>packet size limited during capture</em>. Sluice drops both, because a policy
 * cannot judge a packet on fields it cannot read, but counts them apart so an operator can
 * tell hostile or broken traffic from a snapshot length set too small:
 * <ul>
 *   <li>a header that runs past the packet or its enclosing layer's end gets its layer's
 *       reason ({@code TRUNCATED_ETHERNET}, {@code TRUNCATED_VLAN}, {@code TRUNCATED_IPV4},
 *       {@code TRUNCATED_GTP}, ...), as do inconsistent fields (the {@code *_BAD_*} reasons);
 *       these are the packets tshark calls malformed or marks with an expert error;</li>
 *   <li>a header field Sluice reads that lies inside the wire length but past the captured
 *       bytes gets {@link DropReason#SNAPLEN_TRUNCATED}; tshark decodes what it can of these
 *       and flags nothing.</li>
 * </ul>
 * Whole headers must fit in the packet, but only the bytes Sluice reads must have been
 * captured: TCP options, IPv4 options and the second word of an ICMP header may be cut by the
 * snapshot length without a drop, as long as the transport header after IPv4 options was
 * captured.
 * <p>
 * The rules follow tshark (Wireshark 4.0) so that the differential tests can hold Sluice to
 * it: an IPv4 total length of 0 means the capture predates TCP segmentation offload and the
 * frame's length is used; an IPv4 total length larger than the frame is a drop; an IPv6
 * payload length or a PPPoE length larger than the frame is not (the frame bounds the
 * payload); a hop-by-hop header anywhere but first is a drop; ICMP and ICMPv6 need their 8-byte
 * header on the wire; UDP over IPv6 with a zero checksum is a drop, as RFC 8200 tells
 * receivers (the tunnel exemption of RFC 6935 is not applied, as tshark does not by default);
 * a DNS question that runs past its message or whose name is invalid is a drop.
 * <p>
 * In a first fragment (of the outer IP packet or of one inside a tunnel) the datagram continues
 * in later fragments, so length fields inside it may reach past the fragment: the UDP length,
 * TCP options, a GTP-U length, the total length of an IP packet inside a tunnel, a DNS message.
 * Headers must still fit in the fragment. tshark flags an inner IPv4 total length that reaches
 * past a first fragment as an error; Sluice applies the same rule as to the outer UDP length.
 * <p>
 * Where Sluice is stricter than tshark:
 * <ul>
 *   <li>a first fragment too short to hold its whole TCP or UDP header (or ICMP's 8 bytes, or a
 *       tunnel header) is dropped ({@code TRUNCATED_*}): RFC 1858's tiny-fragment attack, which
 *       tshark shows as an unreassembled fragment;</li>
 *   <li>raw IP whose version is neither 4 nor 6 is dropped ({@link DropReason#IP_BAD_VERSION});
 *       tshark shows it as data;</li>
 *   <li>more than {@link #MAX_VLAN_TAGS} VLAN tags, {@link #MAX_MPLS_LABELS} MPLS labels or
 *       {@link #MAX_TUNNEL_DEPTH} tunnels are dropped, so a crafted packet costs a bounded
 *       amount of work;</li>
 *   <li>IPv6 jumbograms (payload length 0 with a jumbo option) are not supported: their
 *       payload counts as empty, so the first header after the IPv6 header is dropped as
 *       truncated, which is also what tshark reports.</li>
 * </ul>
 * A source error also drops: {@link DropReason#CAPTURED_LENGTH_INVALID} when the captured
 * length is zero, larger than the wire length, or outside the packet's memory.
 * <p>
 * A header's fields are filled once the header has passed its checks, so a dropped packet
 * keeps the fields of every header before the one that failed (useful to quarantine and
 * count); verdicts of packets that decode are left as they are ({@code PENDING} for a fresh
 * burst). Every decoder field of every item is initialised, whatever the packet.
 * <p>
 * Owned by one worker; called only by its thread.
 */
public final class PacketDecoder
{
    /** Tunnels entered at most; a packet nested deeper is dropped. */
    public static final int MAX_TUNNEL_DEPTH = 4;
    /** VLAN tags walked at most in one Ethernet header; a packet with more is dropped. */
    public static final int MAX_VLAN_TAGS = 8;
    /** MPLS label stack entries walked at most; a packet with more is dropped. */
    public static final int MAX_MPLS_LABELS = 16;

    private final PacketCursor cursor = new PacketCursor();
    private final NetworkDecoder network = new NetworkDecoder(cursor);

    private final EthernetHeader ethernet = new EthernetHeader();
    private final VlanTag vlanTag = new VlanTag();
    private final MplsLabel mplsLabel = new MplsLabel();
    private final PppoeHeader pppoe = new PppoeHeader();
    private final LinuxSllHeader linuxSll = new LinuxSllHeader();
    private final LinuxSll2Header linuxSll2 = new LinuxSll2Header();

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
        cursor.finish();
    }

    /**
     * Decodes slot {@code index} alone, as {@link #decode(PacketBurst)} does each slot: for callers
     * that handle some slots without the decoder.
     */
    public void decodeSlot(final PacketBurst burst, final int index)
    {
        final DropReason reason = decode(burst, index);
        if (null != reason)
        {
            burst.drop(index, reason);
        }
        cursor.finish();
    }

    /**
     * Decodes slot {@code index}, filling its header fields.
     *
     * @return why the packet must be dropped, or null when it decoded.
     */
    DropReason decode(final PacketBurst burst, final int index)
    {
        PacketCursor.clear(burst, index);
        final MemorySegment data = burst.data[index];
        final long offset = burst.offset[index];
        final int captured = burst.capturedLength[index];
        final int wire = burst.wireLength[index];
        if (null == data || captured <= 0 || captured > wire || offset < 0 || offset > data.byteSize() - captured)
        {
            return DropReason.CAPTURED_LENGTH_INVALID;
        }
        cursor.start(burst, index, data, offset, captured);

        switch (burst.linkType[index])
        {
            case LinkType.ETHERNET:
                return decodeEthernet(wire);

            case LinkType.RAW:
            case LinkType.RAW_DLT_12:
            case LinkType.RAW_DLT_14:
                return network.decodeIpByVersion(0, wire, false, true);

            case LinkType.IPV4:
                return network.decodeIp(4, 0, wire, false);

            case LinkType.IPV6:
                return network.decodeIp(6, 0, wire, false);

            case LinkType.LINUX_SLL:
                return decodeLinuxSll(wire);

            case LinkType.LINUX_SLL2:
                return decodeLinuxSll2(wire);

            default:
                return DropReason.UNSUPPORTED_LINK_TYPE;
        }
    }

    private DropReason decodeEthernet(final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(0, EthernetHeader.LENGTH, end, DropReason.TRUNCATED_ETHERNET);
        if (null != reason)
        {
            return reason;
        }
        ethernet.wrap(c.segment, c.base, c.captured);
        return decodeEtherType(ethernet.etherType(), EthernetHeader.LENGTH, end);
    }

    private DropReason decodeLinuxSll(final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(0, LinuxSllHeader.LENGTH, end, DropReason.TRUNCATED_LINUX_SLL);
        if (null != reason)
        {
            return reason;
        }
        linuxSll.wrap(c.segment, c.base, c.captured);
        return decodeEtherType(linuxSll.protocol(), LinuxSllHeader.LENGTH, end);
    }

    private DropReason decodeLinuxSll2(final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(0, LinuxSll2Header.LENGTH, end, DropReason.TRUNCATED_LINUX_SLL);
        if (null != reason)
        {
            return reason;
        }
        linuxSll2.wrap(c.segment, c.base, c.captured);
        return decodeEtherType(linuxSll2.protocol(), LinuxSll2Header.LENGTH, end);
    }

    /** VLAN tags, then what the EtherType after them announces. */
    private DropReason decodeEtherType(final int firstEtherType, final int firstOffset, final int end)
    {
        final PacketCursor c = cursor;
        final PacketBurst burst = c.burst;
        final int index = c.index;
        int etherType = firstEtherType;
        int offset = firstOffset;
        int tags = 0;
        while (EthernetHeader.isVlanTag(etherType))
        {
            final DropReason reason = c.check(offset, VlanTag.LENGTH, end, DropReason.TRUNCATED_VLAN);
            if (null != reason)
            {
                return reason;
            }
            if (tags == MAX_VLAN_TAGS)
            {
                return DropReason.VLAN_STACK_TOO_DEEP;
            }
            vlanTag.wrap(c.segment, c.base + offset, c.captured - offset);
            if (tags == 0)
            {
                burst.vlanId[index] = vlanTag.vlanId();
                burst.vlanOffset[index] = offset;
            }
            burst.vlanCount[index] = ++tags;
            etherType = vlanTag.etherType();
            offset += VlanTag.LENGTH;
        }

        if (etherType < EthernetHeader.MIN_ETHER_TYPE)
        {
            return null;
        }
        burst.etherType[index] = etherType;
        switch (etherType)
        {
            case EthernetHeader.ETHER_TYPE_IPV4:
                return network.decodeIp(4, offset, end, false);

            case EthernetHeader.ETHER_TYPE_IPV6:
                return network.decodeIp(6, offset, end, false);

            case EthernetHeader.ETHER_TYPE_MPLS_UNICAST:
            case EthernetHeader.ETHER_TYPE_MPLS_MULTICAST:
                return decodeMpls(offset, end);

            case EthernetHeader.ETHER_TYPE_PPPOE_SESSION:
                return decodePppoe(offset, end);

            default:
                return null;
        }
    }

    private DropReason decodeMpls(final int firstOffset, final int end)
    {
        final PacketCursor c = cursor;
        int offset = firstOffset;
        int labels = 0;
        while (true)
        {
            final DropReason reason = c.check(offset, MplsLabel.LENGTH, end, DropReason.TRUNCATED_MPLS);
            if (null != reason)
            {
                return reason;
            }
            if (labels == MAX_MPLS_LABELS)
            {
                return DropReason.MPLS_STACK_TOO_DEEP;
            }
            if (labels == 0)
            {
                c.burst.mplsOffset[c.index] = offset;
            }
            c.burst.mplsCount[c.index] = ++labels;
            final boolean bottom = mplsLabel.wrap(c.segment, c.base + offset, c.captured - offset).bottomOfStack();
            offset += MplsLabel.LENGTH;
            if (bottom)
            {
                break;
            }
        }
        return network.decodeIpByVersion(offset, end, false, false);
    }

    private DropReason decodePppoe(final int offset, final int end)
    {
        final PacketCursor c = cursor;
        final DropReason reason = c.check(offset, PppoeHeader.LENGTH, end, DropReason.TRUNCATED_PPPOE);
        if (null != reason)
        {
            return reason;
        }
        final PppoeHeader header = pppoe.wrap(c.segment, c.base + offset, c.captured - offset);
        final long declaredEnd = (long)offset + PppoeHeader.SESSION_HEADER_LENGTH + header.payloadLengthBytes();
        if (declaredEnd < offset + PppoeHeader.LENGTH)
        {
            return DropReason.TRUNCATED_PPPOE;
        }
        if (!c.push(HeaderType.PPPOE, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        c.burst.pppoeSessionId[c.index] = header.sessionId();
        // A length beyond the frame is only a warning in tshark: the frame bounds the payload.
        final int payloadEnd = (int)Math.min(declaredEnd, end);
        final int protocol = header.pppProtocol();
        if (protocol == PppoeHeader.PPP_IPV4)
        {
            return network.decodeIp(4, offset + PppoeHeader.LENGTH, payloadEnd, false);
        }
        if (protocol == PppoeHeader.PPP_IPV6)
        {
            return network.decodeIp(6, offset + PppoeHeader.LENGTH, payloadEnd, false);
        }
        return null;
    }
}
