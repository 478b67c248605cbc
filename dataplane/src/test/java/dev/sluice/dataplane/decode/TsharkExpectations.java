package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.testing.Tshark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what tshark dissected in one packet into the text Sluice's {@link FieldText} must print
 * for each compared field: which of tshark's occurrences of a field belongs to Sluice's outer
 * or inner header is decided by tshark's own layer path ({@code frame.protocols}), so an inner
 * header is never taken for an outer one, nor an IP header quoted in an ICMP error for a
 * tunnelled one.
 * <p>
 * The mapping (Sluice field: tshark source):
 * <ul>
 *   <li>{@code frame.len}, {@code frame.cap_len}: the same fields;</li>
 *   <li>{@code eth.type}: {@code vlan.etype} of the last outer tag, else {@code eth.type} or
 *       {@code sll.etype} (not compared when the last outer tag is 802.1ad, which has no such
 *       field);</li>
 *   <li>{@code vlan.id}: {@code vlan.id}/{@code ieee8021ad.id} of the tags before the first
 *       network layer, in path order; {@code mpls.label}: the labels of the outer MPLS stack;
 *       {@code pppoe.session_id}: of an outer {@code pppoes} layer;</li>
 *   <li>outer {@code ip.*}: the first {@code ip} or {@code ipv6} layer: {@code ip.src/dst},
 *       {@code ipv6.src/dst}; {@code ip.proto}, or IPv6's next header followed through the
 *       extension headers after it (hop-by-hop, routing, fragment, destination options, AH);
 *       {@code ip.ttl}/{@code ipv6.hlim}; {@code ip.dsfield}/{@code ipv6.tclass};
 *       {@code ip.id}/{@code ipv6.fraghdr.ident}; {@code ip.flags} (tshark prints the 3 bits
 *       shifted down, as Sluice does)/{@code ipv6.fraghdr.more}; {@code ip.frag_offset} and
 *       {@code ipv6.fraghdr.offset}, which tshark prints in 8-byte units and Sluice in bytes;</li>
 *   <li>outer transport: the layer after the outer IP layer and its extension headers
 *       ({@code tcp}, {@code udp}, {@code sctp}, {@code icmp}/{@code icmpv6}, {@code esp});
 *       {@code tcp.flags} is compared as its 12 bits;</li>
 *   <li>{@code gre.proto}, {@code vxlan.vni}, {@code geneve.vni}, {@code gtp.teid}: of the
 *       first layer of that protocol;</li>
 *   <li>{@code inner.*}: the last {@code ip}/{@code ipv6} layer after the outer one and before
 *       any {@code icmp}/{@code icmpv6} layer (what follows ICMP is a quoted packet, not a
 *       tunnel), and the transport layer after it;</li>
 *   <li>{@code dns.qry.name/type}: the first question of a {@code dns} layer right after the
 *       innermost IP layer's UDP or TCP (names of earlier {@code dns}, {@code mdns} or
 *       {@code llmnr} layers, counted with {@code dns.count.queries}, are skipped);
 *       {@code tls.sni}: {@code tls.handshake.extensions_server_name} of a {@code tls} layer
 *       right after the innermost TCP.</li>
 * </ul>
 * Stateless; any thread.
 */
final class TsharkExpectations
{
    /** Sluice fields the differential test compares, in the order they are reported. */
    static final List<String> COMPARED = List.of(
        "frame.len", "frame.cap_len", "eth.type", "vlan.id", "mpls.label", "pppoe.session_id",
        "ip.version", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.tos", "ip.id", "ip.flags", "ip.flags.df",
        "ip.flags.mf", "ip.frag_offset",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
        "icmp.type", "icmp.code", "esp.spi",
        "gre.proto", "vxlan.vni", "geneve.vni", "gtp.teid",
        "inner.ip.version", "inner.ip.src", "inner.ip.dst", "inner.ip.proto",
        "inner.tcp.srcport", "inner.tcp.dstport", "inner.udp.srcport", "inner.udp.dstport",
        "dns.qry.name", "dns.qry.type", "tls.sni");

    /** Value for a field whose expectation tshark's output cannot give: it is not compared. */
    static final String UNKNOWN = "\u0000unknown";

    /** The tshark fields the mapping reads. */
    static final List<String> TSHARK_FIELDS = List.of(
        "frame.len", "frame.cap_len", "frame.protocols", "_ws.expert.message",
        "eth.type", "sll.etype", "vlan.id", "vlan.etype", "ieee8021ad.id", "mpls.label", "pppoe.session_id",
        "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.dsfield", "ip.id", "ip.flags", "ip.flags.df", "ip.flags.mf",
        "ip.frag_offset",
        "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.hlim", "ipv6.tclass",
        "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt", "ah.next_header",
        "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
        "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code", "esp.spi",
        "gre.proto", "vxlan.vni", "geneve.vni", "gtp.teid",
        "dns.count.queries", "dns.qry.name", "dns.qry.type", "tls.handshake.extensions_server_name");

    private static final Set<String> LINK_PREFIX = Set.of("eth", "ethertype", "sll", "vlan", "ieee8021ad");
    private static final Set<String> IP_EXTENSIONS =
        Set.of("ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah");
    private static final Set<String> TRANSPORTS = Set.of("tcp", "udp", "sctp", "icmp", "icmpv6", "esp");
    private static final Set<String> DNS_LAYERS = Set.of("dns", "mdns", "llmnr");

    private TsharkExpectations()
    {
    }

    /** Expected text per compared field: null for absent, {@link #UNKNOWN} for not compared. */
    static Map<String, String> expected(final Tshark.Packet packet)
    {
        final Path path = new Path(packet);
        final Map<String, String> expected = new LinkedHashMap<>();
        for (final String field : COMPARED)
        {
            expected.put(field, null);
        }
        expected.put("frame.len", packet.first("frame.len"));
        expected.put("frame.cap_len", packet.first("frame.cap_len"));
        link(path, expected);

        final int outer = path.next(0, "ip", "ipv6");
        if (outer >= 0)
        {
            ip(path, outer, expected, "");
            transport(path, path.transportAfter(outer), expected, "");
        }
        expected.put("gre.proto", number(path.firstOf("gre", "gre.proto")));
        expected.put("vxlan.vni", number(path.firstOf("vxlan", "vxlan.vni")));
        expected.put("geneve.vni", number(path.firstOf("geneve", "geneve.vni")));
        expected.put("gtp.teid", number(path.firstOf("gtp", "gtp.teid")));

        int inner = -1;
        if (outer >= 0)
        {
            final int icmp = path.next(outer + 1, "icmp", "icmpv6");
            for (int i = outer + 1; i < (icmp < 0 ? path.size() : icmp); i++)
            {
                if (path.is(i, "ip") || path.is(i, "ipv6"))
                {
                    inner = i;
                }
            }
        }
        if (inner >= 0)
        {
            ip(path, inner, expected, "inner.");
            transport(path, path.transportAfter(inner), expected, "inner.");
        }

        final int innermost = inner >= 0 ? inner : outer;
        if (innermost >= 0)
        {
            application(path, path.transportAfter(innermost), expected);
        }
        return expected;
    }

    private static void link(final Path path, final Map<String, String> expected)
    {
        final List<String> vlanIds = new ArrayList<>();
        String lastTag = null;
        int lastTagAt = -1;
        int i = 0;
        while (i < path.size() && LINK_PREFIX.contains(path.name(i)))
        {
            if (path.is(i, "vlan"))
            {
                vlanIds.add(path.value(i, "vlan.id"));
                lastTag = "vlan";
                lastTagAt = i;
            }
            else if (path.is(i, "ieee8021ad"))
            {
                vlanIds.add(path.value(i, "ieee8021ad.id"));
                lastTag = "ieee8021ad";
                lastTagAt = i;
            }
            i++;
        }
        expected.put("vlan.id", vlanIds.isEmpty() ? null : String.join(",", vlanIds));

        final String etherType;
        if ("ieee8021ad".equals(lastTag))
        {
            etherType = UNKNOWN;
        }
        else if ("vlan".equals(lastTag))
        {
            etherType = number(path.value(lastTagAt, "vlan.etype"));
        }
        else if (path.size() > 0 && path.is(0, "eth"))
        {
            etherType = number(path.value(0, "eth.type"));
        }
        else if (path.size() > 0 && path.is(0, "sll"))
        {
            etherType = number(path.value(0, "sll.etype"));
        }
        else
        {
            etherType = null;
        }
        expected.put("eth.type", etherType);

        if (i < path.size() && path.is(i, "mpls"))
        {
            final List<String> labels = path.packet.all("mpls.label");
            expected.put("mpls.label", path.count("mpls") == 1 && !labels.isEmpty() ? String.join(",", labels) : UNKNOWN);
            i++;
        }
        if (i < path.size() && path.is(i, "pppoes"))
        {
            expected.put("pppoe.session_id", number(path.value(i, "pppoe.session_id", "pppoed", "pppoes")));
        }
    }

    private static void ip(final Path path, final int at, final Map<String, String> expected, final String prefix)
    {
        final boolean v4 = path.is(at, "ip");
        final String family = v4 ? "ip" : "ipv6";
        expected.put(prefix + "ip.version", v4 ? "4" : "6");
        expected.put(prefix + "ip.src", path.value(at, family + ".src"));
        expected.put(prefix + "ip.dst", path.value(at, family + ".dst"));
        expected.put(prefix + "ip.proto", v4 ? path.value(at, "ip.proto") : ipv6UpperLayer(path, at));
        if (!prefix.isEmpty())
        {
            return;
        }
        expected.put("ip.ttl", path.value(at, v4 ? "ip.ttl" : "ipv6.hlim"));
        expected.put("ip.tos", number(path.value(at, v4 ? "ip.dsfield" : "ipv6.tclass")));
        if (v4)
        {
            expected.put("ip.id", number(path.value(at, "ip.id")));
            expected.put("ip.flags", number(path.value(at, "ip.flags")));
            expected.put("ip.flags.df", path.value(at, "ip.flags.df"));
            expected.put("ip.flags.mf", path.value(at, "ip.flags.mf"));
            expected.put("ip.frag_offset", times8(path.value(at, "ip.frag_offset")));
        }
        else
        {
            for (int i = at + 1; i < path.size() && IP_EXTENSIONS.contains(path.name(i)); i++)
            {
                if (path.is(i, "ipv6.fraghdr"))
                {
                    final String more = path.value(i, "ipv6.fraghdr.more");
                    expected.put("ip.id", number(path.value(i, "ipv6.fraghdr.ident")));
                    expected.put("ip.flags", more);
                    expected.put("ip.flags.df", null == more ? null : "0");
                    expected.put("ip.flags.mf", more);
                    expected.put("ip.frag_offset", times8(path.value(i, "ipv6.fraghdr.offset")));
                    break;
                }
            }
        }
    }

    /** IPv6's next header followed through the extension headers after the IPv6 layer at {@code at}. */
    private static String ipv6UpperLayer(final Path path, final int at)
    {
        String next = path.value(at, "ipv6.nxt");
        for (int i = at + 1; i < path.size() && IP_EXTENSIONS.contains(path.name(i)); i++)
        {
            final String field = switch (path.name(i))
            {
                case "ipv6.hopopts" -> "ipv6.hopopts.nxt";
                case "ipv6.routing" -> "ipv6.routing.nxt";
                case "ipv6.fraghdr" -> "ipv6.fraghdr.nxt";
                case "ipv6.dstopts" -> "ipv6.dstopts.nxt";
                default -> "ah.next_header";
            };
            final String value = path.value(i, field);
            if (null == value)
            {
                return UNKNOWN;
            }
            next = value;
        }
        return next;
    }

    private static void transport(final Path path, final int at, final Map<String, String> expected, final String prefix)
    {
        if (at < 0 || at >= path.size() || !TRANSPORTS.contains(path.name(at)))
        {
            return;
        }
        final String name = path.name(at);
        if (!prefix.isEmpty())
        {
            if ("tcp".equals(name) || "udp".equals(name))
            {
                expected.put(prefix + name + ".srcport", path.value(at, name + ".srcport"));
                expected.put(prefix + name + ".dstport", path.value(at, name + ".dstport"));
            }
            return;
        }
        switch (name)
        {
            case "tcp", "udp", "sctp" ->
            {
                expected.put(name + ".srcport", path.value(at, name + ".srcport"));
                expected.put(name + ".dstport", path.value(at, name + ".dstport"));
                if ("tcp".equals(name))
                {
                    expected.put("tcp.flags", number(path.value(at, "tcp.flags")));
                }
            }
            case "icmp", "icmpv6" ->
            {
                expected.put("icmp.type", path.value(at, name + ".type"));
                expected.put("icmp.code", path.value(at, name + ".code"));
            }
            default -> expected.put("esp.spi", number(path.value(at, "esp.spi")));
        }
    }

    private static void application(final Path path, final int transport, final Map<String, String> expected)
    {
        if (transport < 0 || transport + 1 >= path.size())
        {
            return;
        }
        final String carrier = path.name(transport);
        final String application = path.name(transport + 1);
        if (("udp".equals(carrier) || "tcp".equals(carrier)) && "dns".equals(application))
        {
            int skipped = 0;
            int dnsLayer = 0;
            for (int i = 0; i < transport + 1; i++)
            {
                if (DNS_LAYERS.contains(path.name(i)))
                {
                    skipped += Integer.parseInt(path.packet.all("dns.count.queries").get(dnsLayer++));
                }
            }
            final List<String> counts = path.packet.all("dns.count.queries");
            if (dnsLayer < counts.size() && Integer.parseInt(counts.get(dnsLayer)) > 0)
            {
                expected.put("dns.qry.name", at(path.packet.all("dns.qry.name"), skipped));
                expected.put("dns.qry.type", at(path.packet.all("dns.qry.type"), skipped));
            }
        }
        if ("tcp".equals(carrier) && "tls".equals(application))
        {
            expected.put("tls.sni", path.packet.first("tls.handshake.extensions_server_name"));
        }
    }

    private static String at(final List<String> values, final int index)
    {
        return index < values.size() ? values.get(index) : UNKNOWN;
    }

    /** tshark's hexadecimal ({@code 0x0800}) or decimal text as decimal; null stays null. */
    static String number(final String text)
    {
        if (null == text || UNKNOWN.equals(text))
        {
            return text;
        }
        return String.valueOf(Long.decode(text));
    }

    private static String times8(final String eightByteUnits)
    {
        return null == eightByteUnits ? null : String.valueOf(Long.decode(eightByteUnits) * 8);
    }

    /** tshark's layer path, with each layer's occurrence of a field found by counting earlier layers of its protocol. */
    private static final class Path
    {
        private final Tshark.Packet packet;
        private final String[] names;

        Path(final Tshark.Packet packet)
        {
            this.packet = packet;
            final String protocols = packet.first("frame.protocols");
            this.names = null == protocols || protocols.isEmpty() ? new String[0] : protocols.split(":");
        }

        int size()
        {
            return names.length;
        }

        String name(final int i)
        {
            return names[i];
        }

        boolean is(final int i, final String name)
        {
            return names[i].equals(name);
        }

        int count(final String name)
        {
            int count = 0;
            for (final String n : names)
            {
                count += n.equals(name) ? 1 : 0;
            }
            return count;
        }

        /** First layer at or after {@code from} named one of {@code wanted}, or -1. */
        int next(final int from, final String... wanted)
        {
            for (int i = from; i < names.length; i++)
            {
                for (final String w : wanted)
                {
                    if (names[i].equals(w))
                    {
                        return i;
                    }
                }
            }
            return -1;
        }

        /** The layer after the IP layer at {@code ip} and its extension headers. */
        int transportAfter(final int ip)
        {
            int i = ip + 1;
            while (i < names.length && IP_EXTENSIONS.contains(names[i]))
            {
                i++;
            }
            return i;
        }

        /** {@code field} of the layer at {@code at}, counting earlier layers of the same protocol. */
        String value(final int at, final String field)
        {
            return value(at, field, names[at]);
        }

        /** {@code field} of the layer at {@code at}; {@code producers} are the layers that print the field. */
        String value(final int at, final String field, final String... producers)
        {
            int occurrence = 0;
            for (int i = 0; i < at; i++)
            {
                for (final String producer : producers)
                {
                    occurrence += names[i].equals(producer) ? 1 : 0;
                }
            }
            final List<String> values = packet.all(field);
            return occurrence < values.size() ? values.get(occurrence) : null;
        }

        /** {@code field} of the first layer named {@code layer}, or null when there is none. */
        String firstOf(final String layer, final String field)
        {
            return next(0, layer) < 0 ? null : packet.first(field);
        }
    }
}
