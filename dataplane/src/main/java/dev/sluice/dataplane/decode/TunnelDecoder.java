package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;

/**
 * The tunnel part of the decoder: GRE (with ERSPAN and PPTP's PPP), VXLAN, GENEVE, GTP-U and
 * Teredo headers, and the Ethernet frames some of them carry, handing every inner IP packet
 * back to {@link NetworkDecoder}. A tunnel counts towards {@code tunnelDepth} when its payload is
 * entered: an IP packet, or an Ethernet frame whatever it carries. A GTP message other than a
 * G-PDU, a GRE packet whose payload is not one of those, and PPP control traffic are decoded
 * as far as their own header but enter no tunnel.
 * <p>
 * {@code end} and {@code partial} mean what they mean in {@link NetworkDecoder}.
 * <p>
 * Owned by one {@link PacketDecoder}, called only by its worker thread.
 */
final class TunnelDecoder
{
    private static final int TEREDO_AUTHENTICATION = 0x0001;
    private static final int TEREDO_ORIGIN = 0x0000;
    /** Indicator type, client id length, authentication value length. */
    private static final int TEREDO_AUTHENTICATION_FIXED_LENGTH = 4;
    /** Nonce and confirmation byte after the variable parts. */
    private static final int TEREDO_AUTHENTICATION_TRAILER_LENGTH = 9;
    private static final int TEREDO_ORIGIN_LENGTH = 8;
    private static final int PPP_ADDRESS_CONTROL = 0xFF03;
    private static final int PPP_ADDRESS_CONTROL_LENGTH = 2;

    private final PacketCursor cursor;
    private final NetworkDecoder network;

    private final GreHeader gre = new GreHeader();
    private final ErspanHeader erspan = new ErspanHeader();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final GeneveHeader geneve = new GeneveHeader();
    private final GtpHeader gtp = new GtpHeader();
    private final VlanTag vlanTag = new VlanTag();

    TunnelDecoder(final PacketCursor cursor, final NetworkDecoder network)
    {
        this.cursor = cursor;
        this.network = network;
    }

    /**
     * GRE versions 0 and 1; other versions and RFC 1701 source routes are recorded but not
     * entered. The tunnel id is the key (version 1: the call id, the half of the key field that
     * stays the same for a call).
     */
    DropReason decodeGre(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, GreHeader.MIN_LENGTH, end, DropReason.TRUNCATED_GRE);
        if (null != reason)
        {
            return reason;
        }
        final GreHeader header = gre.wrap(c.segment, c.base + offset, c.captured - offset);
        final int version = header.version();
        final int headerBytes = version <= 1 ? header.headerLengthBytes() : GreHeader.MIN_LENGTH;
        reason = c.check(offset, headerBytes, end, DropReason.TRUNCATED_GRE);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.GRE, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final int payload = offset + headerBytes;
        c.payload(payload, end);
        if (version > 1 || header.routingPresent())
        {
            return null;
        }
        long key = ABSENT;
        if (header.keyPresent())
        {
            key = version == 1 ? header.key() & 0xFFFF : header.key();
        }

        switch (header.protocol())
        {
            case GreHeader.PROTOCOL_IPV4:
            case GreHeader.PROTOCOL_IPV6:
            {
                reason = c.enterTunnel(TunnelType.GRE, key);
                if (null != reason)
                {
                    return reason;
                }
                return network.decodeIp(header.protocol() == GreHeader.PROTOCOL_IPV4 ? 4 : 6, payload, end, partial);
            }

            case GreHeader.PROTOCOL_ETHERNET:
                reason = c.enterTunnel(TunnelType.GRE, key);
                return null != reason ? reason : decodeEthernet(payload, end, partial);

            case GreHeader.PROTOCOL_ERSPAN_II:
                return decodeErspanII(payload, end, partial, header.sequencePresent());

            case GreHeader.PROTOCOL_ERSPAN_III:
                return decodeErspanIII(payload, end, partial);

            case GreHeader.PROTOCOL_PPP:
                return decodePpp(payload, end, partial, key);

            default:
                return null;
        }
    }

    /** Type I has no header (GRE without a sequence number); type II has 8 bytes. */
    private DropReason decodeErspanII(final int offset, final int end, final boolean partial, final boolean typeII)
    {
        final PacketCursor c = cursor;
        int frame = offset;
        long sessionId = ABSENT;
        if (typeII)
        {
            final DropReason reason = c.check(offset, ErspanHeader.TYPE_II_LENGTH, end, DropReason.TRUNCATED_ERSPAN);
            if (null != reason)
            {
                return reason;
            }
            if (!c.push(HeaderType.ERSPAN, offset))
            {
                return DropReason.TOO_MANY_HEADERS;
            }
            sessionId = erspan.wrap(c.segment, c.base + offset, c.captured - offset).sessionId();
            frame += ErspanHeader.TYPE_II_LENGTH;
        }
        final DropReason reason = c.enterTunnel(TunnelType.ERSPAN, sessionId);
        return null != reason ? reason : decodeEthernet(frame, end, partial);
    }

    private DropReason decodeErspanIII(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, ErspanHeader.TYPE_III_LENGTH, end, DropReason.TRUNCATED_ERSPAN);
        if (null != reason)
        {
            return reason;
        }
        final ErspanHeader header = erspan.wrap(c.segment, c.base + offset, c.captured - offset);
        final int headerBytes = ErspanHeader.TYPE_III_LENGTH +
            (header.platformSubheaderPresent() ? ErspanHeader.PLATFORM_SUBHEADER_LENGTH : 0);
        reason = c.check(offset, headerBytes, end, DropReason.TRUNCATED_ERSPAN);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.ERSPAN, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        reason = c.enterTunnel(TunnelType.ERSPAN, header.sessionId());
        return null != reason ? reason : decodeEthernet(offset + headerBytes, end, partial);
    }

    /**
     * PPP as PPTP carries it: optional address and control bytes, a 1- or 2-byte protocol
     * (RFC 1661). A packet without payload is an acknowledgment only.
     */
    private DropReason decodePpp(final int offset, final int end, final boolean partial, final long callId)
    {
        final PacketCursor c = cursor;
        if (offset >= end)
        {
            return null;
        }
        int position = offset;
        DropReason reason = c.check(position, 1, end, DropReason.TRUNCATED_GRE);
        if (null != reason)
        {
            return reason;
        }
        if (c.u8(position) == PPP_ADDRESS_CONTROL >>> 8)
        {
            reason = c.check(position, PPP_ADDRESS_CONTROL_LENGTH, end, DropReason.TRUNCATED_GRE);
            if (null != reason)
            {
                return reason;
            }
            if (c.u16(position) == PPP_ADDRESS_CONTROL)
            {
                position += PPP_ADDRESS_CONTROL_LENGTH;
            }
        }
        reason = c.check(position, 1, end, DropReason.TRUNCATED_GRE);
        if (null != reason)
        {
            return reason;
        }
        final int protocol;
        if ((c.u8(position) & 1) != 0)
        {
            // Protocol field compression: odd first byte, a one-byte protocol.
            protocol = c.u8(position);
            position += 1;
        }
        else
        {
            reason = c.check(position, 2, end, DropReason.TRUNCATED_GRE);
            if (null != reason)
            {
                return reason;
            }
            protocol = c.u16(position);
            position += 2;
        }
        c.payload(position, end);
        if (protocol != PppoeHeader.PPP_IPV4 && protocol != PppoeHeader.PPP_IPV6)
        {
            return null;
        }
        reason = c.enterTunnel(TunnelType.GRE, callId);
        if (null != reason)
        {
            return reason;
        }
        return network.decodeIp(protocol == PppoeHeader.PPP_IPV4 ? 4 : 6, position, end, partial);
    }

    DropReason decodeVxlan(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, VxlanHeader.LENGTH, end, DropReason.TRUNCATED_VXLAN);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.VXLAN, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final int vni = vxlan.wrap(c.segment, c.base + offset, c.captured - offset).vni();
        c.payload(offset + VxlanHeader.LENGTH, end);
        reason = c.enterTunnel(TunnelType.VXLAN, vni);
        return null != reason ? reason : decodeEthernet(offset + VxlanHeader.LENGTH, end, partial);
    }

    /** GENEVE version 0; its options are walked and must fill exactly the length the header announces. */
    DropReason decodeGeneve(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, GeneveHeader.FIXED_LENGTH, end, DropReason.TRUNCATED_GENEVE);
        if (null != reason)
        {
            return reason;
        }
        final GeneveHeader header = geneve.wrap(c.segment, c.base + offset, c.captured - offset);
        if (header.version() != 0)
        {
            return null;
        }
        final int headerBytes = header.headerLengthBytes();
        reason = c.check(offset, headerBytes, end, DropReason.TRUNCATED_GENEVE);
        if (null != reason)
        {
            return reason;
        }
        final int optionsEnd = offset + headerBytes;
        int option = offset + GeneveHeader.FIXED_LENGTH;
        while (option < optionsEnd)
        {
            if (option + GeneveHeader.OPTION_HEADER_LENGTH > optionsEnd)
            {
                return DropReason.GENEVE_BAD_OPTION_LENGTH;
            }
            option += GeneveHeader.optionLengthBytes(c.segment, c.base + option);
        }
        if (option != optionsEnd)
        {
            return DropReason.GENEVE_BAD_OPTION_LENGTH;
        }
        if (!c.push(HeaderType.GENEVE, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        c.payload(optionsEnd, end);
        final int protocol = header.protocol();
        if (protocol != GeneveHeader.PROTOCOL_ETHERNET && protocol != GeneveHeader.PROTOCOL_IPV4 &&
            protocol != GeneveHeader.PROTOCOL_IPV6)
        {
            return null;
        }
        reason = c.enterTunnel(TunnelType.GENEVE, header.vni());
        if (null != reason)
        {
            return reason;
        }
        if (protocol == GeneveHeader.PROTOCOL_ETHERNET)
        {
            return decodeEthernet(optionsEnd, end, partial);
        }
        return network.decodeIp(protocol == GeneveHeader.PROTOCOL_IPV4 ? 4 : 6, optionsEnd, end, partial);
    }

    /**
     * GTPv1-U. A payload on port 2152 that is not GTPv1 with the GTP protocol type is left as
     * plain UDP payload, as tshark leaves it. A G-PDU whose payload starts with version 4 or 6
     * enters the tunnel; other messages (echo, error indication, end marker) do not.
     */
    DropReason decodeGtp(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, GtpHeader.MANDATORY_LENGTH, end, DropReason.TRUNCATED_GTP);
        if (null != reason)
        {
            return reason;
        }
        final GtpHeader header = gtp.wrap(c.segment, c.base + offset, c.captured - offset);
        if (header.version() != 1 || !header.isGtp())
        {
            return null;
        }
        int messageEnd = offset + GtpHeader.MANDATORY_LENGTH + header.lengthBytes();
        if (messageEnd > end)
        {
            if (!partial)
            {
                return DropReason.GTP_BAD_LENGTH;
            }
            messageEnd = end;
        }
        int position = offset + GtpHeader.MANDATORY_LENGTH;
        if (header.optionalFieldsPresent())
        {
            reason = c.check(offset, GtpHeader.OPTIONAL_LENGTH, messageEnd, DropReason.TRUNCATED_GTP);
            if (null != reason)
            {
                return reason;
            }
            position = offset + GtpHeader.OPTIONAL_LENGTH;
            int next = header.extensionHeaderPresent() ? header.nextExtensionType() : 0;
            while (next != 0)
            {
                reason = c.check(position, 1, messageEnd, DropReason.TRUNCATED_GTP);
                if (null != reason)
                {
                    return reason;
                }
                final int extensionBytes = c.u8(position) * 4;
                if (extensionBytes == 0)
                {
                    return DropReason.GTP_BAD_EXTENSION_HEADER;
                }
                reason = c.check(position, extensionBytes, messageEnd, DropReason.TRUNCATED_GTP);
                if (null != reason)
                {
                    return reason;
                }
                next = c.u8(position + extensionBytes - 1);
                position += extensionBytes;
            }
        }
        if (!c.push(HeaderType.GTP, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        c.payload(position, messageEnd);
        if (header.messageType() != GtpHeader.MESSAGE_TYPE_G_PDU || position >= messageEnd)
        {
            return null;
        }
        if (position >= c.captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        final int version = c.u8(position) >>> 4;
        if (version != 4 && version != 6)
        {
            return null;
        }
        reason = c.enterTunnel(TunnelType.GTP, header.teid());
        return null != reason ? reason : network.decodeIp(version, position, messageEnd, partial);
    }

    /**
     * Teredo (RFC 4380): optional authentication and origin indicators, then IPv6. A payload
     * on port 3544 that is not that (a first nibble other than 6 after the indicators, or
     * indicators that run past the datagram) is left as plain UDP payload.
     */
    DropReason decodeTeredo(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        int position = offset;
        if (position + 2 <= end && c.u16Captured(position) == TEREDO_AUTHENTICATION)
        {
            if (position + TEREDO_AUTHENTICATION_FIXED_LENGTH > end)
            {
                return null;
            }
            if (position + TEREDO_AUTHENTICATION_FIXED_LENGTH > c.captured)
            {
                return DropReason.SNAPLEN_TRUNCATED;
            }
            position += TEREDO_AUTHENTICATION_FIXED_LENGTH + c.u8(position + 2) + c.u8(position + 3) +
                TEREDO_AUTHENTICATION_TRAILER_LENGTH;
        }
        if (position + 2 <= end && c.u16Captured(position) == TEREDO_ORIGIN)
        {
            position += TEREDO_ORIGIN_LENGTH;
        }
        if (position >= end)
        {
            return null;
        }
        if (position >= c.captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        if (c.u8(position) >>> 4 != 6)
        {
            return null;
        }
        if (!c.push(HeaderType.TEREDO, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        final DropReason reason = c.enterTunnel(TunnelType.TEREDO, ABSENT);
        return null != reason ? reason : network.decodeIp(6, position, end, partial);
    }

    /** An Ethernet frame inside a tunnel: its VLAN tags are stepped over; IPv4 and IPv6 are decoded. */
    private DropReason decodeEthernet(final int offset, final int end, final boolean partial)
    {
        final PacketCursor c = cursor;
        DropReason reason = c.check(offset, EthernetHeader.LENGTH, end, DropReason.TRUNCATED_ETHERNET);
        if (null != reason)
        {
            return reason;
        }
        if (!c.push(HeaderType.ETHERNET, offset))
        {
            return DropReason.TOO_MANY_HEADERS;
        }
        int etherType = c.u16(offset + EthernetHeader.ETHER_TYPE_OFFSET);
        int position = offset + EthernetHeader.LENGTH;
        int tags = 0;
        while (EthernetHeader.isVlanTag(etherType))
        {
            reason = c.check(position, VlanTag.LENGTH, end, DropReason.TRUNCATED_VLAN);
            if (null != reason)
            {
                return reason;
            }
            if (++tags > PacketDecoder.MAX_VLAN_TAGS)
            {
                return DropReason.VLAN_STACK_TOO_DEEP;
            }
            etherType = vlanTag.wrap(c.segment, c.base + position, c.captured - position).etherType();
            position += VlanTag.LENGTH;
        }
        c.payload(position, end);
        if (etherType == EthernetHeader.ETHER_TYPE_IPV4)
        {
            return network.decodeIp(4, position, end, partial);
        }
        if (etherType == EthernetHeader.ETHER_TYPE_IPV6)
        {
            return network.decodeIp(6, position, end, partial);
        }
        return null;
    }
}
