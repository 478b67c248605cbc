package dev.sluice.dataplane.decode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.sluice.dataplane.decode.PacketDecoderTsharkTest.DROPPED_WITHOUT_TSHARK_ERROR;
import static dev.sluice.dataplane.decode.PacketDecoderTsharkTest.TSHARK_ERROR_NOT_DROPPED;

/**
 * Every place where Sluice intentionally decodes a shared capture differently from tshark,
 * with the frames and fields it concerns and why Sluice is right (or why the difference lies
 * in a layer Sluice does not decode). {@link PacketDecoderTsharkTest} fails on a difference not
 * listed here and on a listed one that no longer happens on one of its frames.
 * <p>
 * Constants only; any thread.
 */
final class TsharkKnownDifferences
{
    /** A documented difference: on each of {@code frames}, at least one of {@code fields} differs. */
    record Known(String capture, Set<String> fields, Set<Integer> frames, String why)
    {
    }

    private static final String TSHARK_ERROR = TSHARK_ERROR_NOT_DROPPED;

    /** Captures of a link type Sluice does not decode, with the link type. */
    static final Map<String, String> UNSUPPORTED_LINK_TYPES = Map.of(
        "arkime/icmp-frame-relay.pcap", "Frame Relay, LINKTYPE_FRELAY 107",
        "arkime/nflog.pcap", "Linux netfilter log, LINKTYPE_NFLOG 239");

    /** Captures whose file ends inside a record, with what is missing. */
    static final Map<String, String> CUT_SHORT = Map.of();

    private static final String ABOVE_SLUICE = "tshark's error is in a layer Sluice does not decode: ";
    private static final String INNER_FIRST_FRAGMENT = "the outer IPv4 packet is a first fragment, so the GTP-U " +
        "payload, an IPv4 packet whose total length reaches into the later fragments, is cut short; tshark flags " +
        "the inner total length as an error, Sluice accepts lengths that reach past a first fragment, as it does " +
        "for the outer UDP length (dropping every first fragment of fragmented GTP-U traffic would leave a mobile " +
        "core's policy only the later fragments, which carry no transport fields at all)";
    private static final String GTP_CONTROL = "tshark's gtp dissector also decodes GTPv1-C (UDP 2123); Sluice's " +
        "gtp.teid is the user plane's, GTP-U on UDP 2152";
    private static final String GTP_PRIME = "GTP' (UDP 3386, charging data) is not a tunnel Sluice enters";
    private static final String INNER = "inner.ip.version";
    private static final String[] INNER_IP = {INNER, "inner.ip.src", "inner.ip.dst", "inner.ip.proto"};
    private static final String BROKEN_INNERMOST = "the innermost IPv4 header is broken and Sluice drops the " +
        "packet there; its inner fields are those of the last IP layer that decoded (the second IPv6 header), " +
        "tshark's last layer is the broken IPv4 header";

    static final List<Known> KNOWN = List.of(
        known("zeek/fake-syslog-with-padding.pcap", "1",
            ABOVE_SLUICE + "the Ethernet padding after the IP packet is read as an F5 trailer", TSHARK_ERROR),
        known("zeek/trunc_ipv4-internally-truncated-header.pcap", "1",
            "tshark gives up on the IPv4 options cut by the snapshot length before it shows ip.dst; Sluice reads " +
            "the fixed header, which was captured, and drops the packet as SNAPLEN_TRUNCATED because the TCP " +
            "header was not", "ip.dst"),
        known("zeek/trunc_mpls-6in6-6in6-4in6-trunc.pcap", "1", BROKEN_INNERMOST, INNER_IP),
        known("zeek/tunnels_mpls-6in6-6in6-4in6-invalid-version-4.pcap", "1", BROKEN_INNERMOST, INNER_IP),
        known("zeek/tunnels_ayiya3.pcap", "1-5, 9-35",
            "AYIYA (UDP 5072, an IPv6 tunnel broker protocol) is not a tunnel Sluice enters",
            INNER, "inner.ip.src", "inner.ip.dst", "inner.ip.proto", "inner.tcp.srcport", "inner.tcp.dstport"),
        known("zeek/tunnels_gtp_gtp1_gn_normal_incl_fragmentation.pcap",
            "4, 10, 12, 14, 16, 18, 20, 22, 24, 26, 30, 32, 34, 36, 38, 42, 44, 46, 48, 50, 52, 56, 57, 59, 61, 63, " +
            "66, 68, 70, 73, 75, 77, 80, 81, 83, 86, 88, 90, 92, 93", INNER_FIRST_FRAGMENT, TSHARK_ERROR),
        known("zeek/tunnels_gtp_gtp2_different_udp_port.pcap",
            "7, 10, 12, 14, 18, 20, 22, 24, 26, 30, 32, 34, 36, 38, 40, 46, 48, 50, 52, 54, 56, 64, 66, 68, 70, 72, " +
            "74, 76, 78, 80, 87, 89, 91, 93, 95, 97, 99, 101, 103, 105, 107, 109", INNER_FIRST_FRAGMENT, TSHARK_ERROR),
        known("zeek/tunnels_gtp_gtp9_unknown_or_too_short_payload.pcap", "1, 4, 7, 9, 13, 16, 18",
            INNER_FIRST_FRAGMENT, TSHARK_ERROR),
        known("zeek/tunnels_gtp_gtp_ext_header.pcap", "1", INNER_FIRST_FRAGMENT, TSHARK_ERROR),
        known("zeek/tunnels_gtp_gtp_control_prime.pcap", "1-4", GTP_CONTROL, "gtp.teid"),
        known("zeek/tunnels_gtp_gtp_control_prime.pcap", "9-10", GTP_PRIME, INNER_IP),
        known("zeek/tunnels_gtp_gtp_create_pdp_ctx.pcap", "2-3", GTP_CONTROL, "gtp.teid"),
        known("zeek/tunnels_gtp_pdp_ctx_messages.pcapng", "2-3, 5-8", GTP_CONTROL, "gtp.teid"),
        known("zeek/tunnels_gtp_pdp_ctx_messages.pcapng", "13-14", GTP_PRIME, INNER_IP));

    /** Golden packets Sluice decodes differently from tshark, by name. */
    static final Map<String, Known> GOLDEN = Map.ofEntries(
        Map.entry("tiny-first-fragment-tcp", golden(
            "Sluice is stricter: a first fragment too short for its TCP header is RFC 1858's tiny-fragment attack; " +
            "tshark shows an unreassembled fragment", DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("raw-ip-version-5", golden(
            "Sluice is stricter: raw IP that is neither IPv4 nor IPv6 is dropped; tshark shows it as data",
            DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("eth-mpls-pseudowire-control-word", golden(
            "Sluice leaves an MPLS payload that is not IP undecoded (what a label carries is agreed out of band); " +
            "tshark's pseudowire heuristic finds the IPv4 packet behind the control word and Ethernet header",
            "ip.version", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.tos", "ip.id", "ip.flags", "ip.flags.df",
            "ip.flags.mf", "ip.frag_offset", "udp.srcport", "udp.dstport")),
        Map.entry("eth-ipv4-first-fragment-gtp-ipv4-tcp", golden(INNER_FIRST_FRAGMENT, TSHARK_ERROR)),
        Map.entry("mpls-stack-too-deep", golden(
            "Sluice is stricter: it walks at most 16 labels, so a crafted stack costs bounded work; tshark reads on " +
            "and takes the packet behind the 17th entry for more labels", "mpls.label", DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("vlan-stack-too-deep", golden(
            "Sluice is stricter: it walks at most 8 VLAN tags; tshark walks any number", "vlan.id",
            DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("ipv4-option-length-1", golden(
            "Sluice is stricter: an IPv4 option shorter than its type and length bytes is malformed (RFC 791); " +
            "tshark only warns (\"Record Route (with too-short option length = 1 byte)\", severity warning)",
            DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("tcp-option-past-header", golden(
            "Sluice is stricter: a TCP option running past the data offset is malformed; tshark only notes it " +
            "(\"option goes past end of options\", severity note)", DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("ipv4-in-ipv4-5-deep", golden(
            "Sluice is stricter: it enters at most 4 tunnels and keeps the fields of the 4th level's IP layer; " +
            "tshark enters all 5", "inner.ip.src", "inner.ip.dst", "inner.ip.proto", DROPPED_WITHOUT_TSHARK_ERROR)),
        Map.entry("ipv4-31-authentication-headers", golden(
            "Sluice is stricter: its header chain has room for 32 headers; tshark walks any number",
            DROPPED_WITHOUT_TSHARK_ERROR)));

    private TsharkKnownDifferences()
    {
    }

    /** The documented differences of {@code capture}. */
    static List<Known> of(final String capture)
    {
        final List<Known> known = new ArrayList<>();
        for (final Known k : KNOWN)
        {
            if (k.capture().equals(capture))
            {
                known.add(k);
            }
        }
        return known;
    }

    private static Known golden(final String why, final String... fields)
    {
        return new Known("golden", new LinkedHashSet<>(List.of(fields)), Set.of(), why);
    }

    /** Frames given as numbers and ranges, e.g. {@code "1-4, 7"}. */
    static Set<Integer> frames(final String list)
    {
        final Set<Integer> frames = new TreeSet<>();
        for (final String part : list.split(","))
        {
            final String item = part.trim();
            final int dash = item.indexOf('-');
            if (dash < 0)
            {
                frames.add(Integer.parseInt(item));
            }
            else
            {
                for (int f = Integer.parseInt(item.substring(0, dash)); f <= Integer.parseInt(item.substring(dash + 1)); f++)
                {
                    frames.add(f);
                }
            }
        }
        return frames;
    }

    static Known known(final String capture, final String frames, final String why, final String... fields)
    {
        return new Known(capture, new LinkedHashSet<>(List.of(fields)), frames(frames), why);
    }
}
