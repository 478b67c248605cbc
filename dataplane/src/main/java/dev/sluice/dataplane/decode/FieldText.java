package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders packet fields, by their policy-language names, as text in the style of
 * {@code tshark -T fields}: integers in decimal, IPv4 addresses dotted, IPv6 addresses in
 * RFC 5952 form (with tshark's dotted tail for IPv4-mapped and IPv4-compatible addresses),
 * repeated values and the two fields of an alias joined by commas, nothing for an absent
 * field. Text fields keep printable ASCII as it is and escape other bytes as {@code \xHH};
 * the root DNS name is {@code <Root>}, as tshark prints it.
 * <p>
 * Besides the packet fields, two names serve the decode tool: {@code frame.number} (the
 * packet's 1-based position in its capture) and {@code decode.drop} (the drop reason's label,
 * empty when the packet decoded).
 * <p>
 * A tool path, not the data path: it allocates. Immutable once made; any thread, each with
 * its own {@link DecodedPacket}.
 */
public final class FieldText
{
    /** Tool-only field: the packet's position in its capture. */
    public static final String FRAME_NUMBER = "frame.number";
    /** Tool-only field: the label of the drop reason, empty when the packet decoded. */
    public static final String DECODE_DROP = "decode.drop";

    /** The fields the decode tool prints when none are asked for. */
    public static final List<String> DEFAULT_FIELDS = List.of(
        FRAME_NUMBER, "frame.len", "vlan.id", "ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport",
        "udp.srcport", "udp.dstport", "tunnel.type", "inner.ip.src", "inner.ip.dst", "inner.ip.proto",
        "dns.qry.name", "tls.sni", DECODE_DROP);

    @FunctionalInterface
    private interface Renderer
    {
        void append(DecodedPacket packet, long number, StringBuilder out);
    }

    private static final Map<String, Renderer> RENDERERS = renderers();
    private static final DropReason[] DROP_REASONS = DropReason.values();

    private final List<String> fields;
    private final Renderer[] renderers;

    private FieldText(final List<String> fields)
    {
        this.fields = List.copyOf(fields);
        this.renderers = new Renderer[fields.size()];
        for (int i = 0; i < renderers.length; i++)
        {
            renderers[i] = RENDERERS.get(fields.get(i));
        }
    }

    /** Every field name this class renders, packet fields first in the order of the field list. */
    public static List<String> names()
    {
        return Collections.unmodifiableList(new ArrayList<>(RENDERERS.keySet()));
    }

    /**
     * A renderer for {@code fields}, in that order.
     *
     * @throws IllegalArgumentException naming every unknown field and listing the known ones.
     */
    public static FieldText of(final List<String> fields)
    {
        final List<String> unknown = new ArrayList<>();
        for (final String field : fields)
        {
            if (!RENDERERS.containsKey(field))
            {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty())
        {
            throw new IllegalArgumentException("unknown field" + (unknown.size() == 1 ? " " : "s ") +
                String.join(", ", unknown) + "; known fields: " + String.join(", ", RENDERERS.keySet()));
        }
        if (fields.isEmpty())
        {
            throw new IllegalArgumentException("no fields to print; known fields: " + String.join(", ", RENDERERS.keySet()));
        }
        return new FieldText(fields);
    }

    public List<String> fields()
    {
        return fields;
    }

    /** The text of field {@code field} (an index into {@link #fields()}) of {@code packet}, the {@code number}th of its capture. */
    public String value(final int field, final DecodedPacket packet, final long number)
    {
        final StringBuilder out = new StringBuilder();
        renderers[field].append(packet, number, out);
        return out.toString();
    }

    /** Every field's text, tab-separated. */
    public String line(final DecodedPacket packet, final long number)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < renderers.length; i++)
        {
            if (i > 0)
            {
                out.append('\t');
            }
            renderers[i].append(packet, number, out);
        }
        return out.toString();
    }

    /** The header line: the field names, tab-separated. */
    public String header()
    {
        return String.join("\t", fields);
    }

    // ---------------------------------------------------------------- formatting

    /** Appends an IPv4 address held in the low 32 bits of {@code address}, dotted. */
    public static StringBuilder appendIpv4(final StringBuilder out, final long address)
    {
        return out.append((address >>> 24) & 0xFF).append('.').append((address >>> 16) & 0xFF).append('.')
            .append((address >>> 8) & 0xFF).append('.').append(address & 0xFF);
    }

    /**
     * Appends an IPv6 address in RFC 5952 form as tshark (and glibc's inet_ntop) print it: the
     * longest run of two or more zero groups, the first of equal runs, becomes {@code ::}; an
     * IPv4-mapped ({@code ::ffff:0:0/96}) or IPv4-compatible ({@code ::/96} but not
     * {@code ::/112}) address ends in dotted IPv4.
     */
    public static StringBuilder appendIpv6(final StringBuilder out, final long high, final long low)
    {
        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++)
        {
            groups[i] = (int)(high >>> (48 - 16 * i)) & 0xFFFF;
            groups[4 + i] = (int)(low >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; )
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2)
        {
            bestStart = -1;
        }
        final boolean dottedTail = bestStart == 0 && (bestLength == 6 || (bestLength == 5 && groups[5] == 0xFFFF));
        for (int i = 0; i < 8; i++)
        {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength)
            {
                if (i == bestStart)
                {
                    out.append(':');
                }
                continue;
            }
            if (i != 0)
            {
                out.append(':');
            }
            if (i == 6 && dottedTail)
            {
                appendIpv4(out, low & 0xFFFF_FFFFL);
                return out;
            }
            out.append(Integer.toHexString(groups[i]));
        }
        if (bestStart >= 0 && bestStart + bestLength == 8)
        {
            out.append(':');
        }
        return out;
    }

    private static void appendAddress(final StringBuilder out, final int version, final long high, final long low)
    {
        if (version == 4)
        {
            appendIpv4(out, low);
        }
        else if (version == 6)
        {
            appendIpv6(out, high, low);
        }
    }

    /** Printable ASCII as it is, other bytes as {@code \xHH}. */
    static void appendText(final StringBuilder out, final byte[] bytes, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\')
            {
                out.append((char)b);
            }
            else
            {
                out.append("\\x").append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
    }

    // ---------------------------------------------------------------- the catalogue

    private static Map<String, Renderer> renderers()
    {
        final Map<String, Renderer> map = new LinkedHashMap<>();
        map.put("frame.len", (p, n, out) -> out.append(p.frameLength()));
        map.put("frame.cap_len", (p, n, out) -> out.append(p.capturedLength()));
        map.put("eth.type", (p, n, out) -> integer(out, p.hasEtherType(), p.etherType()));
        map.put("vlan.id", (p, n, out) ->
        {
            for (int k = 0; k < p.vlanCount(); k++)
            {
                out.append(k == 0 ? "" : ",").append(p.vlanId(k));
            }
        });
        map.put("mpls.label", (p, n, out) ->
        {
            for (int k = 0; k < p.mplsCount(); k++)
            {
                out.append(k == 0 ? "" : ",").append(p.mplsLabel(k));
            }
        });
        map.put("pppoe.session_id", (p, n, out) -> integer(out, p.hasPppoe(), p.pppoeSessionId()));

        map.put("ip.version", (p, n, out) -> integer(out, p.hasIp(), p.ipVersion()));
        map.put("ip.src", (p, n, out) -> appendAddress(out, p.ipVersion(), p.srcAddressHigh(), p.srcAddressLow()));
        map.put("ip.dst", (p, n, out) -> appendAddress(out, p.ipVersion(), p.dstAddressHigh(), p.dstAddressLow()));
        map.put("ip.proto", (p, n, out) -> integer(out, p.hasIp(), p.ipProtocol()));
        map.put("ip.ttl", (p, n, out) -> integer(out, p.hasIp(), p.ipTtl()));
        map.put("ip.tos", (p, n, out) -> integer(out, p.hasIp(), p.ipTos()));
        map.put("ip.id", (p, n, out) -> integer(out, p.hasIpId(), p.ipId()));
        map.put("ip.flags", (p, n, out) -> integer(out, p.hasIpFlags(), p.ipFlags()));
        map.put("ip.flags.df", (p, n, out) -> integer(out, p.hasIpFlags(), p.ipFlagDf()));
        map.put("ip.flags.mf", (p, n, out) -> integer(out, p.hasIpFlags(), p.ipFlagMf()));
        map.put("ip.frag_offset", (p, n, out) -> integer(out, p.hasIpFragmentOffset(), p.ipFragmentOffset()));

        map.put("tcp.srcport", (p, n, out) -> integer(out, p.hasTcp(), p.tcpSrcPort()));
        map.put("tcp.dstport", (p, n, out) -> integer(out, p.hasTcp(), p.tcpDstPort()));
        map.put("tcp.flags", (p, n, out) -> integer(out, p.hasTcp(), p.hasTcp() ? p.tcpFlags() : 0));
        map.put("tcp.flags.syn", (p, n, out) -> tcpFlag(out, p, TcpHeader.SYN));
        map.put("tcp.flags.ack", (p, n, out) -> tcpFlag(out, p, TcpHeader.ACK));
        map.put("tcp.flags.fin", (p, n, out) -> tcpFlag(out, p, TcpHeader.FIN));
        map.put("tcp.flags.rst", (p, n, out) -> tcpFlag(out, p, TcpHeader.RST));
        map.put("udp.srcport", (p, n, out) -> integer(out, p.hasUdp(), p.udpSrcPort()));
        map.put("udp.dstport", (p, n, out) -> integer(out, p.hasUdp(), p.udpDstPort()));
        map.put("sctp.srcport", (p, n, out) -> integer(out, p.hasSctp(), p.sctpSrcPort()));
        map.put("sctp.dstport", (p, n, out) -> integer(out, p.hasSctp(), p.sctpDstPort()));
        map.put("icmp.type", (p, n, out) -> integer(out, p.hasIcmp(), p.icmpType()));
        map.put("icmp.code", (p, n, out) -> integer(out, p.hasIcmp(), p.icmpCode()));
        map.put("esp.spi", (p, n, out) -> integer(out, p.hasEsp(), p.hasEsp() ? p.espSpi() : 0));

        map.put("gre.proto", (p, n, out) -> integer(out, p.hasGre(), p.hasGre() ? p.greProtocol() : 0));
        map.put("vxlan.vni", (p, n, out) -> integer(out, p.hasVxlan(), p.hasVxlan() ? p.vxlanVni() : 0));
        map.put("geneve.vni", (p, n, out) -> integer(out, p.hasGeneve(), p.hasGeneve() ? p.geneveVni() : 0));
        map.put("gtp.teid", (p, n, out) -> integer(out, p.hasGtp(), p.hasGtp() ? p.gtpTeid() : 0));
        map.put("tunnel.depth", (p, n, out) -> out.append(p.tunnelDepth()));
        map.put("tunnel.type", (p, n, out) ->
        {
            if (null != p.tunnelTypeName())
            {
                out.append(p.tunnelTypeName());
            }
        });

        map.put("inner.ip.version", (p, n, out) -> integer(out, p.hasInnerIp(), p.innerIpVersion()));
        map.put("inner.ip.src", (p, n, out) ->
            appendAddress(out, p.innerIpVersion(), p.innerSrcAddressHigh(), p.innerSrcAddressLow()));
        map.put("inner.ip.dst", (p, n, out) ->
            appendAddress(out, p.innerIpVersion(), p.innerDstAddressHigh(), p.innerDstAddressLow()));
        map.put("inner.ip.proto", (p, n, out) -> integer(out, p.hasInnerIp(), p.innerIpProtocol()));
        map.put("inner.tcp.srcport", (p, n, out) -> integer(out, p.hasInnerTcp(), p.innerTcpSrcPort()));
        map.put("inner.tcp.dstport", (p, n, out) -> integer(out, p.hasInnerTcp(), p.innerTcpDstPort()));
        map.put("inner.udp.srcport", (p, n, out) -> integer(out, p.hasInnerUdp(), p.innerUdpSrcPort()));
        map.put("inner.udp.dstport", (p, n, out) -> integer(out, p.hasInnerUdp(), p.innerUdpDstPort()));

        map.put("dns.qry.name", FieldText::dnsQueryName);
        map.put("dns.qry.type", (p, n, out) -> integer(out, p.hasDnsQuery(), p.dnsQueryType()));
        map.put("tls.sni", (p, n, out) ->
        {
            if (p.hasTlsSni())
            {
                final byte[] name = new byte[p.tlsSniLength()];
                appendText(out, name, p.tlsSni(name, 0));
            }
        });

        alias(map, "ip.addr", "ip.src", "ip.dst");
        alias(map, "tcp.port", "tcp.srcport", "tcp.dstport");
        alias(map, "udp.port", "udp.srcport", "udp.dstport");
        alias(map, "sctp.port", "sctp.srcport", "sctp.dstport");
        alias(map, "inner.ip.addr", "inner.ip.src", "inner.ip.dst");
        alias(map, "inner.tcp.port", "inner.tcp.srcport", "inner.tcp.dstport");
        alias(map, "inner.udp.port", "inner.udp.srcport", "inner.udp.dstport");

        map.put(FRAME_NUMBER, (p, n, out) -> out.append(n));
        map.put(DECODE_DROP, (p, n, out) ->
        {
            if (p.isDropped())
            {
                out.append(DROP_REASONS[p.dropReasonOrdinal()].label());
            }
        });
        return Collections.unmodifiableMap(map);
    }

    private static void alias(final Map<String, Renderer> map, final String name, final String first, final String second)
    {
        final Renderer a = map.get(first);
        final Renderer b = map.get(second);
        map.put(name, (p, n, out) ->
        {
            final int start = out.length();
            a.append(p, n, out);
            if (out.length() > start)
            {
                out.append(',');
                b.append(p, n, out);
            }
        });
    }

    private static void integer(final StringBuilder out, final boolean present, final long value)
    {
        if (present)
        {
            out.append(value);
        }
    }

    private static void tcpFlag(final StringBuilder out, final DecodedPacket packet, final int flag)
    {
        if (packet.hasTcp())
        {
            out.append((packet.tcpFlags() & flag) != 0 ? 1 : 0);
        }
    }

    private static void dnsQueryName(final DecodedPacket packet, final long number, final StringBuilder out)
    {
        if (!packet.hasDnsQuery())
        {
            return;
        }
        final byte[] name = new byte[DnsQuestion.MAX_NAME_CHARS];
        final int length = packet.dnsQueryName(name, 0);
        if (length == 0)
        {
            out.append("<Root>");
        }
        else if (length > 0)
        {
            appendText(out, name, length);
        }
    }

    /** Text bytes as UTF-8, for tests that compare with what tshark printed. */
    static String utf8(final byte[] bytes, final int length)
    {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
