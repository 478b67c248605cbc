package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.decode.TsharkDifferences.Difference;
import dev.sluice.dataplane.decode.TsharkDifferences.Kind;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.testing.Captures;
import dev.sluice.dataplane.testing.DecodedPacket;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential test: every packet of a fixed list of real captures, and every golden packet,
 * decoded by Sluice and dissected by tshark (with {@link Tshark#PER_PACKET_PREFERENCES}) must
 * agree on the outermost headers (see {@link TsharkDifferences}), and every packet tshark finds
 * malformed must be a Sluice drop. Each place where they intentionally differ is listed with
 * its reason; a listed difference that no longer happens fails the test too, so the list stays
 * true.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PacketDecoderTsharkTest
{
    /** A difference the test expects, with why it is right. */
    record Known(int frame, Kind kind, String why)
    {
    }

    record Capture(String file, List<Known> known)
    {
        @Override
        public String toString()
        {
            return file;
        }
    }

    private static final String ABOVE_SLUICE = "tshark's error is in a layer Sluice does not decode: ";

    static final List<Capture> CAPTURES = List.of(
        capture("arkime/dot1ad.pcap"),
        capture("arkime/bigendian.pcap"),
        capture("arkime/gtp-iphone.pcap"),
        capture("arkime/icmp-frame-relay.pcap"),
        capture("arkime/ipv6-in-ipv4.pcap"),
        capture("zeek/http-vlan-0.pcap"),
        capture("zeek/http-qinq-0.pcap"),
        capture("zeek/http_bro.org.pcap"),
        capture("zeek/icmp_dot1q.pcap"),
        capture("zeek/icmp_icmp-destunreach-udp.pcap"),
        capture("zeek/icmp_icmp6-ping.pcap"),
        capture("zeek/icmp_icmp6-destunreach-ip6ext-trunc.pcap"),
        capture("zeek/icmp_icmp6-neighbor-solicit.pcap"),
        capture("zeek/icmp_icmp6-toobig.pcap"),
        capture("zeek/ipv4_fragmented-1.pcap"),
        capture("zeek/ipv4_fragmented-4.pcap"),
        capture("zeek/ipv4_fragmented-syn.pcap"),
        capture("zeek/ipv6-fragmented-dns.pcap"),
        capture("zeek/ipv6-http-atomic-frag.pcap"),
        capture("zeek/ipv6-hbh-routing0.pcap",
            new Known(1, Kind.TSHARK_ERROR_NOT_DROPPED, ABOVE_SLUICE + "the DNS message is malformed")),
        capture("zeek/ipv6-mobility-dst-opts.pcap"),
        capture("zeek/chksums_ip6-hoa-tcp-good-chksum.pcap"),
        capture("zeek/chksums_ip6-route0-udp-good-chksum.pcap"),
        capture("zeek/communityid_ipv6.pcap"),
        capture("zeek/dns_mdns.pcap"),
        capture("zeek/arp-who-has.pcap"),
        capture("zeek/raw_packets.pcap"),
        capture("zeek/linux_dlt_sll2.pcap"),
        capture("zeek/linuxsll-arp.pcap"),
        capture("zeek/tcp-syslog.pcap"),
        capture("zeek/tcp_reassembly.pcap"),
        capture("zeek/tcp_truncated-header.pcap"),
        capture("zeek/trunc_icmp-header-trunc.pcap"),
        capture("zeek/trunc_icmp-payload-trunc.pcap"),
        capture("zeek/trunc_ip4-trunc.pcap"),
        capture("zeek/trunc_ip6-ext-trunc.pcap"),
        capture("zeek/trunc_ip6-trunc.pcap"),
        capture("zeek/trunc_ipv4-internally-truncated-header.pcap",
            new Known(1, Kind.FIELD, "tshark gives up on the IPv4 options cut by the snapshot length before it shows " +
                "ip.dst; Sluice reads the fixed header, which was captured, and drops the packet as SNAPLEN_TRUNCATED " +
                "because the TCP header was not")),
        capture("zeek/trunc_ipv4-truncated-broken-header.pcap"),
        capture("zeek/trunc_trunc-hdr.pcap"),
        capture("zeek/trunc_mpls-6in6-6in6-4in6-trunc.pcap",
            new Known(1, Kind.TSHARK_ERROR_NOT_DROPPED, ABOVE_SLUICE + "the IPv4 header is inside MPLS")),
        capture("zeek/pppoe-over-qinq.pcap",
            pppoe(19), pppoe(33), pppoe(41), pppoe(47), pppoe(63), pppoe(81)),
        capture("zeek/fake-syslog-with-padding.pcap",
            new Known(1, Kind.TSHARK_ERROR_NOT_DROPPED, ABOVE_SLUICE + "the Ethernet trailer after the IP packet is " +
                "read as an F5 trailer")),
        capture("zeek/trunc_ip-discarder-truncated-tcp-oob.pcapng"),
        capture("zeek/tunnels_geneve-truncated.pcapng",
            new Known(1, Kind.TSHARK_ERROR_NOT_DROPPED, ABOVE_SLUICE + "the Ethernet frame inside Geneve is cut short")),
        capture("zeek/tunnels_gtp_pdp_ctx_messages.pcapng"));

    private static final Map<String, String> SUMMARY = new TreeMap<>();

    @ParameterizedTest
    @FieldSource("CAPTURES")
    void decodesTheOutermostHeadersLikeTshark(final Capture capture)
    {
        final Path file = SharedData.pcap(capture.file());
        final Captures.Decoded decoded = Captures.decode(file);
        assertNull(decoded.problem(), "the source stopped early");
        final List<Tshark.Packet> tshark = Tshark.fields(file, TsharkDifferences.FIELDS, Tshark.PER_PACKET_PREFERENCES);
        check(capture.file(), decoded.packets(), tshark, capture.known());
    }

    @Test
    void goldenPacketsDecodeLikeTshark(@TempDir final Path directory) throws IOException
    {
        final Map<Integer, List<Golden>> byLinkType = new LinkedHashMap<>();
        for (final Golden golden : GoldenPackets.WELL_FORMED)
        {
            byLinkType.computeIfAbsent(golden.linkType(), ignored -> new ArrayList<>()).add(golden);
        }
        for (final Golden golden : GoldenPackets.BROKEN)
        {
            byLinkType.computeIfAbsent(golden.linkType(), ignored -> new ArrayList<>()).add(golden);
        }
        for (final Map.Entry<Integer, List<Golden>> entry : byLinkType.entrySet())
        {
            final List<Golden> goldens = entry.getValue();
            final Path file = directory.resolve("golden-" + entry.getKey() + ".pcap");
            try (CaptureFileWriter writer = CaptureFileWriter.create(file, entry.getKey(), CaptureFileWriter.Precision.NANOSECONDS))
            {
                for (int i = 0; i < goldens.size(); i++)
                {
                    final byte[] bytes = goldens.get(i).bytes();
                    writer.write(1_700_000_000_000_000_000L + i, bytes, 0, goldens.get(i).capturedLength(), bytes.length);
                }
            }
            final List<Known> known = new ArrayList<>();
            for (int i = 0; i < goldens.size(); i++)
            {
                final String why = GOLDEN_KNOWN.get(goldens.get(i).name());
                if (null != why)
                {
                    known.add(new Known(i + 1, Kind.DROPPED_WITHOUT_TSHARK_ERROR, why));
                }
            }
            final Captures.Decoded decoded = Captures.decode(file);
            for (int i = 0; i < goldens.size(); i++)
            {
                assertEquals(goldens.get(i).drop(), decoded.packets().get(i).dropReason(), goldens.get(i).name());
            }
            check("golden link type " + entry.getKey(), decoded.packets(),
                Tshark.fields(file, TsharkDifferences.FIELDS, Tshark.PER_PACKET_PREFERENCES), known);
        }
    }

    /** Golden packets that Sluice drops and tshark does not flag, by name. */
    private static final Map<String, String> GOLDEN_KNOWN = Map.of(
        "tiny-first-fragment-tcp", "Sluice is stricter: a first fragment too short for its TCP header is RFC 1858's " +
            "tiny-fragment attack; tshark shows an unreassembled fragment",
        "raw-ip-version-5", "Sluice is stricter: raw IP that is neither IPv4 nor IPv6 is dropped; tshark shows it as data");

    @AfterAll
    static void printSummary()
    {
        SUMMARY.forEach((file, line) -> System.out.println(file + ": " + line));
    }

    private static void check(
        final String name, final List<DecodedPacket> sluice, final List<Tshark.Packet> tshark, final List<Known> known)
    {
        assertEquals(tshark.size(), sluice.size(), name + ": packets read by tshark and by Sluice");
        final List<Difference> differences = new ArrayList<>();
        final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
        int tsharkErrors = 0;
        for (int i = 0; i < sluice.size(); i++)
        {
            differences.addAll(TsharkDifferences.compare(sluice.get(i), tshark.get(i)));
            if (sluice.get(i).dropped())
            {
                drops.merge(sluice.get(i).dropReason(), 1, Integer::sum);
            }
            tsharkErrors += tshark.get(i).malformedOrError() ? 1 : 0;
        }

        final List<String> unexpected = new ArrayList<>();
        for (final Difference difference : differences)
        {
            final boolean documented = known.stream()
                .anyMatch(k -> k.frame() == difference.frame() && k.kind() == difference.kind());
            if (!documented)
            {
                unexpected.add(difference.toString());
            }
        }
        for (final Known k : known)
        {
            final boolean happened = differences.stream()
                .anyMatch(difference -> difference.frame() == k.frame() && difference.kind() == k.kind());
            if (!happened)
            {
                unexpected.add("documented difference no longer happens: frame " + k.frame() + " " + k.kind());
            }
        }
        SUMMARY.put(name, sluice.size() + " packets, tshark errors " + tsharkErrors + ", Sluice drops " + drops +
            ", documented differences " + known.size());
        if (!unexpected.isEmpty())
        {
            fail(name + ":\n  " + unexpected.stream().collect(Collectors.joining("\n  ")));
        }
    }

    private static Capture capture(final String file, final Known... known)
    {
        return new Capture(file, List.of(known));
    }

    private static Known pppoe(final int frame)
    {
        return new Known(frame, Kind.TSHARK_ERROR_NOT_DROPPED, ABOVE_SLUICE + "the IPv4 header is inside PPPoE, whose " +
            "payload length disagrees with it");
    }
}
