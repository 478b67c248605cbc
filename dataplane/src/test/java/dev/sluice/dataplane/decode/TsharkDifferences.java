package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.testing.DecodedPacket;
import dev.sluice.dataplane.testing.Tshark;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Compares what {@link PacketDecoder} made of a packet with what tshark dissected, for the
 * outermost headers only (Sluice does not enter tunnels): tshark's first occurrence of a field
 * is its outermost, and its {@code frame.protocols} path says which dissector followed which,
 * so an inner header is never mistaken for an outer one.
 * <p>
 * Stateless; any thread.
 */
final class TsharkDifferences
{
    /** The tshark fields {@link #compare} reads. */
    static final List<String> FIELDS = List.of(
        "frame.len", "frame.cap_len", "frame.time_epoch", "frame.protocols",
        "_ws.expert.message",
        "eth.type", "vlan.id", "vlan.etype", "ieee8021ad.id", "sll.etype",
        "ip.src", "ip.dst", "ip.proto", "ip.ttl",
        "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.hlim",
        "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt",
        "tcp.srcport", "tcp.dstport", "tcp.flags",
        "udp.srcport", "udp.dstport",
        "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code");

    /** How Sluice and tshark disagree about one packet. */
    enum Kind
    {
        /** A header field differs, or one side has it and the other does not. */
        FIELD,
        /** tshark found the packet malformed or raised an expert error; Sluice decoded it. */
        TSHARK_ERROR_NOT_DROPPED,
        /** Sluice dropped the packet as malformed; tshark raised no error. */
        DROPPED_WITHOUT_TSHARK_ERROR
    }

    record Difference(int frame, Kind kind, String detail)
    {
        @Override
        public String toString()
        {
            return "frame " + frame + " " + kind + ": " + detail;
        }
    }

    private static final Set<String> LINK_LAYER = Set.of("eth", "ethertype", "sll", "raw", "vlan", "ieee8021ad");
    private static final Set<String> IPV6_EXTENSIONS = Set.of("ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts");
    private static final Set<String> TRANSPORTS = Set.of("tcp", "udp", "icmp", "icmpv6");

    private TsharkDifferences()
    {
    }

    static List<Difference> compare(final DecodedPacket sluice, final Tshark.Packet tshark)
    {
        final List<Difference> differences = new ArrayList<>();
        final int frame = tshark.number();
        final boolean dropped = sluice.dropped();

        field(differences, frame, "frame.len", tshark.first("frame.len"), String.valueOf(sluice.wireLength()));
        field(differences, frame, "frame.cap_len", tshark.first("frame.cap_len"), String.valueOf(sluice.capturedLength()));
        field(differences, frame, "frame.time_epoch", tshark.first("frame.time_epoch"), sluice.epochTime());

        final ProtocolPath path = ProtocolPath.of(tshark.first("frame.protocols"));

        // Link layer: VLAN id of the outermost tag, EtherType after the last tag.
        if (!dropped || sluice.vlanId() != PacketBurst.ABSENT)
        {
            final String expected = path.tags == 0 ? null : "ieee8021ad".equals(path.firstTag) ?
                tshark.first("ieee8021ad.id") : tshark.first("vlan.id");
            field(differences, frame, "vlan id", expected, absentOr(sluice.vlanId()));
        }
        final String expectedEtherType = expectedEtherType(path, tshark);
        if (!"?".equals(expectedEtherType) && (!dropped || sluice.etherType() != PacketBurst.ABSENT))
        {
            field(differences, frame, "ethertype", expectedEtherType,
                sluice.etherType() == PacketBurst.ABSENT ? null : String.valueOf(sluice.etherType()));
        }

        // Network layer.
        final int expectedVersion = "ip".equals(path.network) ? 4 : "ipv6".equals(path.network) ? 6 : 0;
        if (!dropped || sluice.ipVersion() != 0)
        {
            field(differences, frame, "ip version", String.valueOf(expectedVersion), String.valueOf(sluice.ipVersion()));
        }
        if (sluice.ipVersion() == 4 && expectedVersion == 4)
        {
            address(differences, frame, "ip.src", tshark.first("ip.src"), sluice.sourceAddress());
            address(differences, frame, "ip.dst", tshark.first("ip.dst"), sluice.destinationAddress());
            field(differences, frame, "ip.proto", tshark.first("ip.proto"), String.valueOf(sluice.ipProtocol()));
            field(differences, frame, "ip.ttl", tshark.first("ip.ttl"), String.valueOf(sluice.ipTtl()));
        }
        else if (sluice.ipVersion() == 6 && expectedVersion == 6)
        {
            address(differences, frame, "ipv6.src", tshark.first("ipv6.src"), sluice.sourceAddress());
            address(differences, frame, "ipv6.dst", tshark.first("ipv6.dst"), sluice.destinationAddress());
            field(differences, frame, "ipv6.hlim", tshark.first("ipv6.hlim"), String.valueOf(sluice.ipTtl()));
            if (!dropped || sluice.l4Offset() != PacketBurst.ABSENT)
            {
                // A drop inside the extension headers leaves ipProtocol at the header that failed.
                field(differences, frame, "ipv6 upper-layer protocol", ipv6UpperLayer(tshark),
                    String.valueOf(sluice.ipProtocol()));
            }
        }

        // Transport layer: only the dissector right after the outermost IP header counts.
        if (sluice.l4Offset() != PacketBurst.ABSENT)
        {
            final String transport = switch (sluice.ipProtocol())
            {
                case IpProtocol.TCP -> "tcp";
                case IpProtocol.UDP -> "udp";
                case IpProtocol.ICMP -> "icmp";
                case IpProtocol.ICMPV6 -> "icmpv6";
                default -> "?";
            };
            field(differences, frame, "transport dissector", path.transport, transport);
            if (transport.equals(path.transport))
            {
                switch (transport)
                {
                    case "tcp" ->
                    {
                        field(differences, frame, "tcp.srcport", tshark.first("tcp.srcport"), absentOr(sluice.srcPort()));
                        field(differences, frame, "tcp.dstport", tshark.first("tcp.dstport"), absentOr(sluice.dstPort()));
                        final String flags = tshark.first("tcp.flags");
                        field(differences, frame, "tcp.flags",
                            null == flags ? null : String.valueOf(Integer.decode(flags) & TcpHeader.FLAGS_MASK),
                            absentOr(sluice.tcpFlags()));
                    }
                    case "udp" ->
                    {
                        field(differences, frame, "udp.srcport", tshark.first("udp.srcport"), absentOr(sluice.srcPort()));
                        field(differences, frame, "udp.dstport", tshark.first("udp.dstport"), absentOr(sluice.dstPort()));
                    }
                    default ->
                    {
                        field(differences, frame, transport + ".type", tshark.first(transport + ".type"),
                            absentOr(sluice.icmpType()));
                        field(differences, frame, transport + ".code", tshark.first(transport + ".code"),
                            absentOr(sluice.icmpCode()));
                    }
                }
            }
        }
        else if (!dropped && null != path.transport && TRANSPORTS.contains(path.transport))
        {
            differences.add(new Difference(frame, Kind.FIELD,
                "tshark dissected " + path.transport + " after the outer IP header, Sluice found no transport header"));
        }

        final boolean tsharkError = tshark.malformedOrError();
        if (tsharkError && !dropped)
        {
            differences.add(new Difference(frame, Kind.TSHARK_ERROR_NOT_DROPPED,
                String.join(" | ", tshark.all("_ws.expert.message")) + " (" + tshark.first("frame.protocols") + ")"));
        }
        // A snapshot length too short or a link type Sluice does not read say nothing about the packet itself.
        if (dropped && sluice.dropReason() != DropReason.SNAPLEN_TRUNCATED &&
            sluice.dropReason() != DropReason.UNSUPPORTED_LINK_TYPE && !tsharkError)
        {
            differences.add(new Difference(frame, Kind.DROPPED_WITHOUT_TSHARK_ERROR,
                sluice.dropReason() + " (" + tshark.first("frame.protocols") + ")"));
        }
        return differences;
    }

    /** The outermost protocols of tshark's {@code frame.protocols}, e.g. eth:ethertype:vlan:ethertype:ip:tcp. */
    private record ProtocolPath(int tags, String firstTag, String lastTag, int vlanTags, String link, String network, String transport)
    {
        static ProtocolPath of(final String protocols)
        {
            final String[] names = protocols.split(":");
            int i = 0;
            int tags = 0;
            int vlanTags = 0;
            String firstTag = null;
            String lastTag = null;
            while (i < names.length && LINK_LAYER.contains(names[i]))
            {
                if ("vlan".equals(names[i]) || "ieee8021ad".equals(names[i]))
                {
                    tags++;
                    firstTag = null == firstTag ? names[i] : firstTag;
                    lastTag = names[i];
                    vlanTags += "vlan".equals(names[i]) ? 1 : 0;
                }
                i++;
            }
            final String network = i < names.length ? names[i] : null;
            i++;
            while (i < names.length && IPV6_EXTENSIONS.contains(names[i]))
            {
                i++;
            }
            final String transport = ("ip".equals(network) || "ipv6".equals(network)) && i < names.length ? names[i] : null;
            return new ProtocolPath(tags, firstTag, lastTag, vlanTags, names[0], network, transport);
        }
    }

    /** The EtherType tshark saw after the outermost tags, null for none, "?" when its fields cannot tell. */
    private static String expectedEtherType(final ProtocolPath path, final Tshark.Packet tshark)
    {
        final String hex;
        if (path.tags > 0)
        {
            if (!"vlan".equals(path.lastTag) || tshark.all("vlan.etype").size() < path.vlanTags)
            {
                return "?";
            }
            hex = tshark.all("vlan.etype").get(path.vlanTags - 1);
        }
        else if ("eth".equals(path.link))
        {
            hex = tshark.first("eth.type");
        }
        else if ("sll".equals(path.link))
        {
            hex = tshark.first("sll.etype");
        }
        else
        {
            return null;
        }
        return null == hex ? null : String.valueOf(Integer.decode(hex));
    }

    /** Follows tshark's next-header chain through the extension headers Sluice walks. */
    private static String ipv6UpperLayer(final Tshark.Packet tshark)
    {
        String next = tshark.first("ipv6.nxt");
        final int[] used = new int[4];
        final String[] fields = {"ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt"};
        while (null != next)
        {
            final int kind = switch (Integer.parseInt(next))
            {
                case IpProtocol.IPV6_HOP_BY_HOP -> 0;
                case IpProtocol.IPV6_ROUTING -> 1;
                case IpProtocol.IPV6_FRAGMENT -> 2;
                case IpProtocol.IPV6_DESTINATION_OPTIONS -> 3;
                default -> -1;
            };
            if (kind < 0)
            {
                return next;
            }
            final List<String> values = tshark.all(fields[kind]);
            if (used[kind] >= values.size())
            {
                return next;
            }
            next = values.get(used[kind]++);
        }
        return null;
    }

    private static String absentOr(final int value)
    {
        return value == PacketBurst.ABSENT ? null : String.valueOf(value);
    }

    private static void field(
        final List<Difference> differences, final int frame, final String name, final String tshark, final String sluice)
    {
        if (!Objects.equals(tshark, sluice))
        {
            differences.add(new Difference(frame, Kind.FIELD, name + ": tshark " + tshark + ", Sluice " + sluice));
        }
    }

    private static void address(
        final List<Difference> differences, final int frame, final String name, final String tshark, final InetAddress sluice)
    {
        try
        {
            final InetAddress expected = null == tshark ? null : InetAddress.ofLiteral(tshark);
            if (!Objects.equals(expected, sluice))
            {
                differences.add(new Difference(frame, Kind.FIELD, name + ": tshark " + tshark + ", Sluice " + sluice));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            differences.add(new Difference(frame, Kind.FIELD, name + ": tshark printed " + tshark));
        }
    }
}
