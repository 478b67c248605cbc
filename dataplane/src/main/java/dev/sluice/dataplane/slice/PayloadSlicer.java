package dev.sluice.dataplane.slice;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.HeaderType;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static dev.sluice.dataplane.decode.InternetChecksum.finish;
import static dev.sluice.dataplane.decode.InternetChecksum.sum;

/**
 * Carries out {@code truncate payload N} and {@code strip payload}: copies a packet's headers and
 * the first N bytes of its payload, then rewrites every length along the decoder's header chain
 * and every checksum, so the shorter packet is still one a dissector accepts.
 * <p>
 * The payload is what the decoder calls payload ({@link PacketBurst#payloadOffset}): the bytes
 * after the innermost transport header, or after the innermost IP header (or tunnel header) when
 * there is no transport header the decoder understood. All nested layers end where the kept
 * payload ends, so each length field becomes "new end minus where the layer's length counts from":
 * <pre>
 *   IPv4 total length, header checksum     IPv6 payload length
 *   UDP length and checksum                TCP, ICMP, ICMPv6 checksums; SCTP CRC32c
 *   GTP-U length                           PPPoE payload length
 *   GRE checksum when its C bit is set     enhanced GRE (PPTP) payload length
 *   (VXLAN, GENEVE, ERSPAN, Teredo, ESP, AH: no length to fix)
 * </pre>
 * Inner layers are fixed before outer ones because an outer checksum (a tunnel's UDP, GRE) covers
 * the inner bytes. Addresses that a destination must receive transformed are written into the
 * copy before any checksum is computed, so the pseudo-header sums match them.
 * <p>
 * Packets that cannot become a valid shorter packet are refused in {@link #plan} with a drop
 * reason, because forwarding them whole would break the policy and forwarding them broken would
 * mislead whoever reads the capture:
 * <ul>
 *   <li>{@link DropReason#UNSLICEABLE_NOT_IP}: no IP header, so there is no payload to locate;</li>
 *   <li>{@link DropReason#UNSLICEABLE_FRAGMENT}: an IP fragment at any layer; a later fragment has no
 *   transport header, and a first fragment's transport checksum covers bytes that are in other
 *   packets, so no checksum can be recomputed;</li>
 *   <li>{@link DropReason#UNSLICEABLE_IPV6_ADDRESS_OPTION}: IPv6 with a routing header whose segments
 *   are not all visited or a home address option, where the transport checksum uses an address the
 *   IPv6 header does not hold;</li>
 *   <li>{@link DropReason#UNSLICEABLE_TRUNCATED_CAPTURE}: the capture ended before the payload
 *   starts, so the headers themselves are incomplete.</li>
 * </ul>
 * Some payloads are protocol structure a dissector needs, and are kept whatever N says (see
 * {@link #minimumPayload}): non-IP frames inside tunnels, ICMP control messages, and the quoted
 * header of an ICMP error (whose addresses are zeroed for a destination that gets addresses
 * transformed). A payload of a protocol the decoder does not know (an IP protocol it does not
 * decode, an IP packet inside an undecoded tunnel) is cut like any other, so checksums inside it
 * are not fixed.
 * <p>
 * A capture cut inside the payload is sliced: the packet keeps the payload bytes that were
 * captured (at most N), and its lengths and checksums describe exactly those bytes.
 * <p>
 * Worker thread only (holds a CRC engine).
 */
public final class PayloadSlicer
{
    /** {@code PacketBurst.payloadAction}: no payload action; the SBE {@code PayloadAction} values follow. */
    public static final byte ACTION_NONE = 0;
    public static final byte ACTION_TRUNCATED = 1;
    public static final byte ACTION_STRIPPED = 2;

    /**
     * @return true when {@code action} keeping {@code bytes} cuts more of a payload than {@code than}
     * keeping {@code thanBytes}: stripping cuts most, then the shorter truncation; none cuts nothing.
     */
    public static boolean cutsMore(final byte action, final int bytes, final byte than, final int thanBytes)
    {
        return switch (action)
        {
            case ACTION_STRIPPED -> ACTION_STRIPPED != than;
            case ACTION_TRUNCATED -> ACTION_NONE == than || (ACTION_TRUNCATED == than && bytes < thanBytes);
            default -> false;
        };
    }

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int IPV4_HEADER_MIN_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_AH = 51;
    private static final int IPV6_DESTINATION_OPTIONS = 60;
    private static final int IPV6_MAX_EXTENSION_HEADERS = 16;
    private static final int IPV4_MORE_FRAGMENTS_AND_OFFSET = 0x3FFF;
    private static final int GRE_CHECKSUM_PRESENT = 0x8000;
    private static final int GRE_KEY_PRESENT = 0x2000;
    private static final int GRE_SEQUENCE_PRESENT = 0x1000;
    private static final int GRE_ACKNOWLEDGMENT_PRESENT = 0x0080;
    private static final int GRE_VERSION_MASK = 0x0007;
    private static final int GRE_VERSION_ENHANCED = 1;
    private static final int GTP_VERSION_1 = 1;
    private static final int GTP_MANDATORY_LENGTH = 8;
    private static final int PPPOE_SESSION_HEADER_LENGTH = 6;
    private static final int IPV6_OPTION_PAD1 = 0;
    private static final int IPV6_OPTION_HOME_ADDRESS = 0xC9;
    private static final int INVOKING_TRANSPORT_BYTES = 8;

    private final CRC32C crc = new CRC32C();

    /**
     * Decides whether item {@code index} can be cut and how long its frame will be. On success sets
     * {@code burst.payloadAction[index]} and {@code burst.frameLength[index]}; otherwise drops the item
     * with the reason and leaves its action {@link #ACTION_NONE}.
     *
     * @param keepPayloadBytes payload bytes to keep; 0 for {@code strip payload}.
     * @param action           {@link #ACTION_TRUNCATED} or {@link #ACTION_STRIPPED}.
     * @return true when the item will be sent as a frame.
     */
    public boolean plan(final PacketBurst burst, final int index, final int keepPayloadBytes, final byte action)
    {
        final DropReason reason = check(burst, index);
        if (null != reason)
        {
            burst.drop(index, reason);
            return false;
        }
        final int payloadOffset = burst.payloadOffset[index];
        final int captured = burst.capturedLength[index];
        final int keep = Math.max(keepPayloadBytes, minimumPayload(burst, index));
        final int kept = Math.min(Math.min(keep, burst.payloadLength[index]), captured - payloadOffset);
        burst.payloadAction[index] = action;
        burst.frameLength[index] = payloadOffset + kept;
        return true;
    }

    private static DropReason check(final PacketBurst burst, final int index)
    {
        final int payloadOffset = burst.payloadOffset[index];
        if (PacketBurst.ABSENT == payloadOffset || 0 == burst.ipVersion[index])
        {
            return DropReason.UNSLICEABLE_NOT_IP;
        }
        if (payloadOffset > burst.capturedLength[index] || burst.payloadLength[index] < 0)
        {
            return DropReason.UNSLICEABLE_TRUNCATED_CAPTURE;
        }
        final MemorySegment data = burst.data[index];
        final long base = burst.offset[index];
        final int headers = burst.headerCount[index];
        final int chain = index * PacketBurst.MAX_HEADERS;
        for (int k = 0; k < headers; k++)
        {
            final int at = burst.headerOffset[chain + k];
            // Every header must lie before the payload: its length fields are rewritten relative to the payload's end.
            if (at >= payloadOffset)
            {
                return DropReason.UNSLICEABLE_TRUNCATED_CAPTURE;
            }
            final byte type = burst.headerType[chain + k];
            if (at + minimumLength(type) > payloadOffset)
            {
                return DropReason.UNSLICEABLE_TRUNCATED_CAPTURE;
            }
            if (HeaderType.IPV4 == type)
            {
                if (0 != (u16(data, base + at + 6) & IPV4_MORE_FRAGMENTS_AND_OFFSET))
                {
                    return DropReason.UNSLICEABLE_FRAGMENT;
                }
            }
            else if (HeaderType.IPV6 == type)
            {
                final DropReason extensions = checkIpv6Extensions(data, base, at, payloadOffset);
                if (null != extensions)
                {
                    return extensions;
                }
            }
        }
        return null;
    }

    /** The bytes of a header this class reads or writes, so a rewrite never reaches past the kept bytes. */
    private static int minimumLength(final byte type)
    {
        return switch (type)
        {
            case HeaderType.IPV4, HeaderType.TCP -> IPV4_HEADER_MIN_LENGTH;
            case HeaderType.IPV6 -> IPV6_HEADER_LENGTH;
            case HeaderType.UDP, HeaderType.ICMP, HeaderType.GTP -> 8;
            case HeaderType.SCTP -> 12;
            case HeaderType.GRE -> 4;
            case HeaderType.PPPOE -> PPPOE_SESSION_HEADER_LENGTH;
            case HeaderType.ICMPV6 -> 4;
            default -> 0;
        };
    }

    private static DropReason checkIpv6Extensions(
        final MemorySegment data, final long base, final int ipOffset, final int payloadOffset)
    {
        int nextHeader = u8(data, base + ipOffset + 6);
        int position = ipOffset + IPV6_HEADER_LENGTH;
        for (int n = 0; n < IPV6_MAX_EXTENSION_HEADERS && position + 8 <= payloadOffset; n++)
        {
            switch (nextHeader)
            {
                case IPV6_FRAGMENT -> {
                    return DropReason.UNSLICEABLE_FRAGMENT;
                }
                case IPV6_ROUTING ->
                {
                    if (0 != u8(data, base + position + 3))
                    {
                        return DropReason.UNSLICEABLE_IPV6_ADDRESS_OPTION;
                    }
                    nextHeader = u8(data, base + position);
                    position += (u8(data, base + position + 1) + 1) * 8;
                }
                case IPV6_DESTINATION_OPTIONS ->
                {
                    final int headerEnd = position + (u8(data, base + position + 1) + 1) * 8;
                    if (hasHomeAddressOption(data, base, position + 2, Math.min(headerEnd, payloadOffset)))
                    {
                        return DropReason.UNSLICEABLE_IPV6_ADDRESS_OPTION;
                    }
                    nextHeader = u8(data, base + position);
                    position = headerEnd;
                }
                case IPV6_HOP_BY_HOP ->
                {
                    nextHeader = u8(data, base + position);
                    position += (u8(data, base + position + 1) + 1) * 8;
                }
                case IPV6_AH ->
                {
                    nextHeader = u8(data, base + position);
                    position += (u8(data, base + position + 1) + 2) * 4;
                }
                default ->
                {
                    return null;
                }
            }
        }
        return null;
    }

    private static boolean hasHomeAddressOption(final MemorySegment data, final long base, final int from, final int end)
    {
        int position = from;
        while (position < end)
        {
            final int type = u8(data, base + position);
            if (IPV6_OPTION_PAD1 == type)
            {
                position++;
                continue;
            }
            if (IPV6_OPTION_HOME_ADDRESS == type)
            {
                return true;
            }
            if (position + 1 >= end)
            {
                return false;
            }
            position += 2 + u8(data, base + position + 1);
        }
        return false;
    }

    /**
     * The payload bytes kept whatever N says, so the message stays one a dissector accepts: an inner
     * frame that is not IP (ARP, LLC behind VXLAN or ERSPAN) and ICMP/ICMPv6 control messages (neighbour
     * discovery, router advertisements) are protocol structure with no user data, kept whole; an ICMP error
     * keeps the invoking packet's IP header and the first 8 bytes after it, as RFC 792 quotes them; an echo
     * keeps nothing more than N.
     */
    private static int minimumPayload(final PacketBurst burst, final int index)
    {
        final int headers = burst.headerCount[index];
        if (0 == headers)
        {
            return 0;
        }
        final int last = index * PacketBurst.MAX_HEADERS + headers - 1;
        final byte type = burst.headerType[last];
        final int payloadLength = burst.payloadLength[index];
        if (HeaderType.ETHERNET == type)
        {
            return payloadLength;
        }
        if (HeaderType.ICMP != type && HeaderType.ICMPV6 != type)
        {
            return 0;
        }
        final MemorySegment data = burst.data[index];
        final long base = burst.offset[index];
        final int icmpType = u8(data, base + burst.headerOffset[last]);
        final boolean error = HeaderType.ICMP == type ? isIcmpError(icmpType) : icmpType >= 1 && icmpType <= 4;
        final boolean echo = HeaderType.ICMP == type ? 0 == icmpType || 8 == icmpType : 128 == icmpType || 129 == icmpType;
        if (echo)
        {
            return 0;
        }
        if (!error)
        {
            return payloadLength;
        }
        final int payloadOffset = burst.payloadOffset[index];
        if (payloadOffset >= burst.capturedLength[index])
        {
            return 0;
        }
        final int version = u8(data, base + payloadOffset) >>> 4;
        if (4 == version)
        {
            return Math.max(IPV4_HEADER_MIN_LENGTH, (u8(data, base + payloadOffset) & 0x0F) * 4) + INVOKING_TRANSPORT_BYTES;
        }
        return IPV6_HEADER_LENGTH + INVOKING_TRANSPORT_BYTES;
    }

    private static boolean isIcmpError(final int icmpType)
    {
        return 3 == icmpType || 4 == icmpType || 5 == icmpType || 11 == icmpType || 12 == icmpType;
    }

    /**
     * Writes the frame planned for item {@code index} into {@code out[0, frameLength)}: the kept
     * bytes, the addresses named by {@code addressBits} replaced with their transformed values,
     * then every length and checksum fixed.
     *
     * @param addressBits {@code AnonymizedFields} bits to write transformed (0 for a raw destination).
     * @param out         at least {@code burst.frameLength[index]} bytes.
     * @return the {@code AnonymizedFields} bits whose addresses were rewritten in the bytes.
     */
    public byte slice(final PacketBurst burst, final int index, final byte addressBits, final byte[] out)
    {
        final int frameLength = burst.frameLength[index];
        MemorySegment.copy(burst.data[index], U8, burst.offset[index], out, 0, frameLength);

        byte rewritten = 0;
        if (0 != (addressBits & AnonymizedFields.ALL_ADDRESSES))
        {
            rewritten = rewriteAddresses(burst, index, addressBits, out);
            hideInvokingAddresses(burst, index, out, frameLength);
        }

        final int headers = burst.headerCount[index];
        final int chain = index * PacketBurst.MAX_HEADERS;
        for (int k = headers - 1; k >= 0; k--)
        {
            final int at = burst.headerOffset[chain + k];
            final int layerLength = frameLength - at;
            switch (burst.headerType[chain + k])
            {
                case HeaderType.IPV4 ->
                {
                    final int headerLength = (out[at] & 0x0F) * 4;
                    putU16(out, at + 2, layerLength);
                    putU16(out, at + 10, 0);
                    putU16(out, at + 10, finish(sum(out, at, Math.min(headerLength, layerLength), 0)));
                }
                case HeaderType.IPV6 -> putU16(out, at + 4, layerLength - IPV6_HEADER_LENGTH);
                case HeaderType.TCP -> transportChecksum(burst, chain, k, out, at, layerLength, PROTOCOL_TCP, 16, false);
                case HeaderType.UDP ->
                {
                    putU16(out, at + 4, layerLength);
                    transportChecksum(burst, chain, k, out, at, layerLength, PROTOCOL_UDP, 6, true);
                }
                case HeaderType.ICMP ->
                {
                    putU16(out, at + 2, 0);
                    putU16(out, at + 2, finish(sum(out, at, layerLength, 0)));
                }
                case HeaderType.ICMPV6 -> transportChecksum(burst, chain, k, out, at, layerLength, PROTOCOL_ICMPV6, 2, false);
                case HeaderType.SCTP ->
                {
                    putU32LittleEndian(out, at + 8, 0);
                    crc.reset();
                    crc.update(out, at, layerLength);
                    putU32LittleEndian(out, at + 8, (int)crc.getValue());
                }
                case HeaderType.GRE ->
                {
                    final int flags = u16(out, at);
                    final int version = flags & GRE_VERSION_MASK;
                    if (version > GRE_VERSION_ENHANCED || at + 8 > burst.payloadOffset[index])
                    {
                        // Other versions are recorded but not read by the decoder: nothing here is known to be a length.
                        continue;
                    }
                    if (GRE_VERSION_ENHANCED == version && 0 != (flags & GRE_KEY_PRESENT))
                    {
                        // Enhanced GRE (PPTP) holds the length of what follows it in the key field's high half.
                        final int headerLength = 8 + (0 != (flags & GRE_SEQUENCE_PRESENT) ? 4 : 0) +
                            (0 != (flags & GRE_ACKNOWLEDGMENT_PRESENT) ? 4 : 0);
                        putU16(out, at + 4, Math.max(0, layerLength - headerLength));
                    }
                    else if (0 == version && 0 != (flags & GRE_CHECKSUM_PRESENT))
                    {
                        putU16(out, at + 4, 0);
                        putU16(out, at + 4, finish(sum(out, at, layerLength, 0)));
                    }
                }
                case HeaderType.GTP ->
                {
                    if (GTP_VERSION_1 == ((out[at] & 0xFF) >>> 5))
                    {
                        putU16(out, at + 2, layerLength - GTP_MANDATORY_LENGTH);
                    }
                }
                case HeaderType.PPPOE -> putU16(out, at + 4, layerLength - PPPOE_SESSION_HEADER_LENGTH);
                default ->
                {
                    // VXLAN, GENEVE, ERSPAN, Teredo, inner Ethernet, ESP and AH carry no length of the packet's end.
                }
            }
        }
        return rewritten;
    }

    private static byte rewriteAddresses(final PacketBurst burst, final int index, final byte bits, final byte[] out)
    {
        byte rewritten = 0;
        final int outer = burst.l3Offset[index];
        final byte outerVersion = burst.ipVersion[index];
        if (PacketBurst.ABSENT != outer && (4 == outerVersion || 6 == outerVersion))
        {
            if (0 != (bits & AnonymizedFields.SRC_ADDRESS))
            {
                putAddress(out, outer, outerVersion, true, burst.anonSrcAddressHigh[index], burst.anonSrcAddressLow[index]);
                rewritten |= AnonymizedFields.SRC_ADDRESS;
            }
            if (0 != (bits & AnonymizedFields.DST_ADDRESS))
            {
                putAddress(out, outer, outerVersion, false, burst.anonDstAddressHigh[index], burst.anonDstAddressLow[index]);
                rewritten |= AnonymizedFields.DST_ADDRESS;
            }
        }
        final int inner = burst.innerL3Offset[index];
        final byte innerVersion = burst.innerIpVersion[index];
        if (PacketBurst.ABSENT != inner && (4 == innerVersion || 6 == innerVersion))
        {
            if (0 != (bits & AnonymizedFields.INNER_SRC_ADDRESS))
            {
                putAddress(out, inner, innerVersion, true,
                    burst.anonInnerSrcAddressHigh[index], burst.anonInnerSrcAddressLow[index]);
                rewritten |= AnonymizedFields.INNER_SRC_ADDRESS;
            }
            if (0 != (bits & AnonymizedFields.INNER_DST_ADDRESS))
            {
                putAddress(out, inner, innerVersion, false,
                    burst.anonInnerDstAddressHigh[index], burst.anonInnerDstAddressLow[index]);
                rewritten |= AnonymizedFields.INNER_DST_ADDRESS;
            }
        }
        return rewritten;
    }

    /**
     * An ICMP error quotes the invoking packet's IP header, whose addresses are the raw ones a
     * transforming destination must not see; there is no Crypto-PAn here to transform them, so they
     * are zeroed (and a quoted IPv4 header's checksum fixed), which keeps the message dissectable.
     */
    private static void hideInvokingAddresses(final PacketBurst burst, final int index, final byte[] out, final int frameLength)
    {
        final int headers = burst.headerCount[index];
        if (0 == headers)
        {
            return;
        }
        final int last = index * PacketBurst.MAX_HEADERS + headers - 1;
        final byte type = burst.headerType[last];
        if (HeaderType.ICMP != type && HeaderType.ICMPV6 != type)
        {
            return;
        }
        final int icmpType = out[burst.headerOffset[last]] & 0xFF;
        if (!(HeaderType.ICMP == type ? isIcmpError(icmpType) : icmpType >= 1 && icmpType <= 4))
        {
            return;
        }
        final int at = burst.payloadOffset[index];
        if (at >= frameLength)
        {
            return;
        }
        final int version = (out[at] & 0xFF) >>> 4;
        if (4 == version)
        {
            final int headerLength = Math.max(IPV4_HEADER_MIN_LENGTH, (out[at] & 0x0F) * 4);
            Arrays.fill(out, Math.min(at + 12, frameLength), Math.min(at + 20, frameLength), (byte)0);
            if (at + headerLength <= frameLength)
            {
                putU16(out, at + 10, 0);
                putU16(out, at + 10, finish(sum(out, at, headerLength, 0)));
                final boolean whole = 0 == (u16(out, at + 6) & IPV4_MORE_FRAGMENTS_AND_OFFSET);
                fixQuotedTransport(out, at, true, at + headerLength, at + u16(out, at + 2), out[at + 9] & 0xFF,
                    whole, frameLength);
            }
        }
        else if (6 == version)
        {
            Arrays.fill(out, Math.min(at + 8, frameLength), Math.min(at + IPV6_HEADER_LENGTH, frameLength), (byte)0);
            if (at + IPV6_HEADER_LENGTH <= frameLength)
            {
                fixQuotedTransport(out, at, false, at + IPV6_HEADER_LENGTH, at + IPV6_HEADER_LENGTH + u16(out, at + 4),
                    out[at + 6] & 0xFF, true, frameLength);
            }
        }
    }

    /**
     * A quoted TCP or UDP datagram that the frame holds whole has a checksum a dissector verifies;
     * with the quoted addresses zeroed it is recomputed over them (only directly after the IP header).
     */
    private static void fixQuotedTransport(
        final byte[] out,
        final int ip,
        final boolean v4,
        final int at,
        final int end,
        final int protocol,
        final boolean whole,
        final int frameLength)
    {
        if (!whole || end > frameLength)
        {
            return;
        }
        if (PROTOCOL_UDP == protocol && at + 8 <= end)
        {
            pseudoHeaderChecksum(out, ip, v4, at, end - at, PROTOCOL_UDP, 6, true);
        }
        else if (PROTOCOL_TCP == protocol && at + IPV4_HEADER_MIN_LENGTH <= end)
        {
            pseudoHeaderChecksum(out, ip, v4, at, end - at, PROTOCOL_TCP, 16, false);
        }
    }

    private static void putAddress(
        final byte[] out, final int ipOffset, final byte version, final boolean source, final long high, final long low)
    {
        if (4 == version)
        {
            putU32(out, ipOffset + (source ? 12 : 16), (int)low);
        }
        else
        {
            final int at = ipOffset + (source ? 8 : 24);
            putU32(out, at, (int)(high >>> 32));
            putU32(out, at + 4, (int)high);
            putU32(out, at + 8, (int)(low >>> 32));
            putU32(out, at + 12, (int)low);
        }
    }

    /**
     * Recomputes the checksum of the transport header at chain position {@code k} with the pseudo-header
     * of the nearest IP header before it. A UDP checksum of 0 over IPv4 means "none" and stays 0.
     */
    private static void transportChecksum(
        final PacketBurst burst,
        final int chain,
        final int k,
        final byte[] out,
        final int at,
        final int layerLength,
        final int protocol,
        final int checksumOffset,
        final boolean udp)
    {
        int ip = -1;
        byte ipType = 0;
        for (int j = k - 1; j >= 0; j--)
        {
            final byte type = burst.headerType[chain + j];
            if (HeaderType.IPV4 == type || HeaderType.IPV6 == type)
            {
                ip = burst.headerOffset[chain + j];
                ipType = type;
                break;
            }
        }
        if (ip < 0)
        {
            return;
        }
        pseudoHeaderChecksum(out, ip, HeaderType.IPV4 == ipType, at, layerLength, protocol, checksumOffset, udp);
    }

    private static void pseudoHeaderChecksum(
        final byte[] out,
        final int ip,
        final boolean v4,
        final int at,
        final int layerLength,
        final int protocol,
        final int checksumOffset,
        final boolean udp)
    {
        if (udp && v4 && 0 == u16(out, at + checksumOffset))
        {
            return;
        }
        long sum = v4 ? sum(out, ip + 12, 8, 0) : sum(out, ip + 8, 32, 0);
        sum += protocol + layerLength;
        putU16(out, at + checksumOffset, 0);
        sum = sum(out, at, layerLength, sum);
        final int checksum = finish(sum);
        // For UDP a computed 0 is sent as all ones, since 0 means "no checksum".
        putU16(out, at + checksumOffset, udp && 0 == checksum ? 0xFFFF : checksum);
    }

    private static int u8(final MemorySegment data, final long at)
    {
        return data.get(U8, at) & 0xFF;
    }

    private static int u16(final MemorySegment data, final long at)
    {
        return data.get(U16, at) & 0xFFFF;
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static void putU16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 8);
        bytes[at + 1] = (byte)value;
    }

    private static void putU32(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 24);
        bytes[at + 1] = (byte)(value >>> 16);
        bytes[at + 2] = (byte)(value >>> 8);
        bytes[at + 3] = (byte)value;
    }

    private static void putU32LittleEndian(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)value;
        bytes[at + 1] = (byte)(value >>> 8);
        bytes[at + 2] = (byte)(value >>> 16);
        bytes[at + 3] = (byte)(value >>> 24);
    }
}
