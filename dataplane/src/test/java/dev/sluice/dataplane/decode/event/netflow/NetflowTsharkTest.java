package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.decode.event.netflow.NetflowCaptures.Datagram;
import dev.sluice.dataplane.decode.event.netflow.TsharkFlows.Flow;
import dev.sluice.dataplane.decode.event.netflow.TsharkFlows.Frame;
import dev.sluice.dataplane.decode.event.netflow.TsharkFlows.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conformance over the shared NetFlow data, held to tshark's {@code cflow} dissector record by
 * record and field by field:
 * <ul>
 *   <li>Graylog's pcaps: their UDP payloads, read with the dataplane's capture reader, parsed in
 *       file order with one template table per capture (keyed by the real exporter addresses);</li>
 *   <li>Graylog's and Logstash's raw payloads: fed in the order Logstash's spec feeds them
 *       (templates, then data, per exporter: each {@code context} of {@code netflow_spec.rb.txt}
 *       is one scenario with a fresh table; files no context names are a scenario each), written
 *       into a capture so tshark sees the same datagrams in the same order.</li>
 * </ul>
 * For every datagram, Sluice must index exactly the records tshark shows, and every flow field
 * tshark shows once in a record must have the same value (addresses, ports, protocol, counters,
 * flags, ToS, interfaces, next hop, AS numbers, masks, IP version, start and end times made
 * absolute from the header or the IPFIX system init time). The datagrams Sluice rejects are
 * exactly {@link #EXPECTED_REJECTIONS}, each with its reason. A summary per file is printed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NetflowTsharkTest
{
    private static final Pattern CONTEXT = Pattern.compile("^\\s*(?:context|describe)\\s.*?\"([^\"]+)\"");
    private static final Pattern READ = Pattern.compile("IO\\.read\\(File\\.join\\(File\\.dirname\\(__FILE__\\), \"([^\"]+\\.dat)\"\\)");
    private static final DateTimeFormatter TSHARK_TIME =
        DateTimeFormatter.ofPattern("MMM d, yyyy HH:mm:ss.SSSSSSSSS 'UTC'", Locale.US);

    /** Graylog's raw payloads, in the order its tests feed them. */
    private static final List<List<String>> GRAYLOG_RAW = List.of(
        List.of("netflow-v5-1.dat"), List.of("netflow-v5-2.dat"), List.of("netflow-v9-1.dat"),
        List.of("netflow-v9-2-1.dat", "netflow-v9-2-2.dat", "netflow-v9-2-3.dat"), List.of("netflow-v9-3_incomplete.dat"));

    /** "scenario file#datagram" of each datagram Sluice rejects, with the reason it gives. */
    static final Map<String, String> EXPECTED_REJECTIONS = Map.of(
        // The header counts 0xd91e records; 1,440 bytes hold 30 (tshark: malformed too).
        "logstash Netflow 5 invalid 01 datagram 1", "bad_length@2",
        // The header counts 0xa3 (163) records; 1,440 bytes hold 30.
        "logstash Netflow 5 invalid 02 datagram 1", "bad_length@2");

    /**
     * Datagrams tshark dissects only in part, so only the records it shows are compared, with why.
     * A v9 header's count is the number of records (templates included), but these exporters
     * count otherwise; tshark stops there, Sluice (like Logstash and Graylog) reads every flowset.
     */
    static final Map<String, String> EXPECTED_SHORT_DISSECTIONS = Map.of(
        "graylog netflow-v9-1.dat datagram 1", "tshark stops at the header count 2: 0 of 2 records",
        "graylog/netflow9.pcap datagram 1", "tshark stops at the header count 1: 0 of 2 records",
        "graylog/netflow9.pcap datagram 7", "tshark lacks a template it did not dissect: 2 of 3 records",
        "graylog/netflow9.pcap datagram 9", "tshark lacks a template it did not dissect: 0 of 1 records",
        // A 2-byte field type tshark reads as an IPv4 address: its dissection ends there.
        "logstash Netflow 9 H3C datagram 2", "tshark stops at an exception: 1 of 16 records",
        "logstash Netflow 9 invalid 01 datagram 1", "tshark stops at the header count 2: 0 of 3 records");

    private static final Map<String, String> SUMMARY = new TreeMap<>();
    private static final Map<String, Integer> AGREED = new ConcurrentHashMap<>();
    private static final Map<String, String> REJECTIONS = new TreeMap<>();
    private static final Map<String, String> SHORT_DISSECTIONS = new TreeMap<>();

    @TempDir
    static Path directory;

    @AfterAll
    static void printSummary()
    {
        System.out.println("NetFlow conformance (records / options records / templates learned / unknown-template sets / rejected):");
        SUMMARY.forEach((name, line) -> System.out.println("  " + name + ": " + line));
        System.out.println("fields agreed with tshark: " + new TreeMap<>(AGREED));
        System.out.println("datagrams tshark dissects only in part (the records it shows are compared):");
        SHORT_DISSECTIONS.forEach((where, why) -> System.out.println("  " + where + ": " + why));
        System.out.println("datagrams rejected: " + REJECTIONS);
    }

    @Test
    void graylogCapturesAgreeWithTshark() throws IOException
    {
        final List<String> mismatches = new ArrayList<>();
        try (Stream<Path> files = Files.list(NetflowCaptures.graylog("")))
        {
            for (final Path capture : files.filter(p -> p.toString().endsWith(".pcap")).sorted().toList())
            {
                check("graylog/" + capture.getFileName(), capture, mismatches);
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " differences with tshark:\n" + String.join("\n", mismatches));
        assertShortDissections(key -> key.startsWith("graylog/"));
    }

    @Test
    void rawPayloadsAgreeWithTshark() throws IOException
    {
        final Map<String, List<String>> scenarios = new LinkedHashMap<>();
        for (final List<String> files : GRAYLOG_RAW)
        {
            scenarios.put("graylog " + String.join(",", files), files.stream().map(f -> "../graylog/" + f).toList());
        }
        final TreeSet<String> unused = new TreeSet<>();
        try (Stream<Path> files = Files.list(NetflowCaptures.logstash("")))
        {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat")).forEach(unused::add);
        }
        assertEquals(92, unused.size(), "Logstash's raw payloads");
        scenarios.putAll(logstashScenarios(unused));
        for (final String file : unused)
        {
            scenarios.put("logstash " + file, List.of(file));
        }

        // One capture, one tshark run: each scenario is its own exporter (10.1.x.y), so neither tshark
        // nor Sluice shares templates between scenarios.
        final List<byte[]> payloads = new ArrayList<>();
        final List<long[]> exporters = new ArrayList<>();
        final Map<Long, String> names = new LinkedHashMap<>();
        long exporter = 0x0A01_0001L;
        for (final Map.Entry<String, List<String>> scenario : scenarios.entrySet())
        {
            for (final byte[] payload : NetflowCaptures.logstashPayloads(scenario.getValue()))
            {
                payloads.add(payload);
                exporters.add(new long[]{exporter});
            }
            names.put(exporter++, scenario.getKey());
        }
        final Path capture = NetflowCaptures.capture(directory.resolve("scenarios.pcap"), payloads, exporters);
        final List<String> mismatches = new ArrayList<>();
        check(capture, datagram -> names.get(datagram.low()), mismatches);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " differences with tshark:\n" + String.join("\n", mismatches));
        assertEquals(EXPECTED_REJECTIONS, REJECTIONS);
        assertShortDissections(key -> !key.startsWith("graylog/"));
        for (final String field : List.of("flow.src", "flow.dst", "flow.srcport", "flow.dstport", "flow.proto", "flow.bytes",
            "flow.packets", "flow.tcp_flags", "flow.tos", "flow.input_if", "flow.output_if", "flow.start_ns", "flow.end_ns",
            "flow.next_hop", "flow.src_as", "flow.dst_as", "flow.src_mask", "flow.dst_mask", "flow.ip_version"))
        {
            assertTrue(AGREED.getOrDefault(field, 0) > 0, "no record compared " + field);
        }
    }

    private static void assertShortDissections(final java.util.function.Predicate<String> mine)
    {
        final Map<String, String> expected = new TreeMap<>();
        EXPECTED_SHORT_DISSECTIONS.forEach((key, value) -> expected.put(mine.test(key) ? key : "", value));
        expected.remove("");
        final Map<String, String> actual = new TreeMap<>();
        SHORT_DISSECTIONS.forEach((key, value) ->
        {
            if (mine.test(key))
            {
                actual.put(key, value);
            }
        });
        assertEquals(expected, actual);
    }

    /** Logstash spec contexts in file order: each names the payloads it decodes, in order, with one codec. */
    private static Map<String, List<String>> logstashScenarios(final TreeSet<String> unused) throws IOException
    {
        final Map<String, List<String>> scenarios = new LinkedHashMap<>();
        String context = null;
        String lastScenario = null;
        for (final String line : Files.readAllLines(NetflowCaptures.logstash("netflow_spec.rb.txt")))
        {
            final Matcher contextMatch = CONTEXT.matcher(line);
            if (contextMatch.find())
            {
                context = contextMatch.group(1).trim();
                continue;
            }
            final Matcher read = READ.matcher(line);
            if (read.find() && null != context)
            {
                // A context name used twice (the spec's template-caching variants) is a scenario of its own.
                String name = "logstash " + context;
                if (scenarios.containsKey(name) && !name.equals(lastScenario))
                {
                    name = name + " (again)";
                }
                lastScenario = name;
                scenarios.computeIfAbsent(name, k -> new ArrayList<>()).add(read.group(1));
                unused.remove(read.group(1));
            }
        }
        return scenarios;
    }

    private static void check(final String name, final Path capture, final List<String> mismatches) throws IOException
    {
        check(capture, datagram -> name, mismatches);
    }

    /** Parses every datagram of {@code capture}, with a fresh parser per scenario, and compares it with tshark. */
    private static void check(
        final Path capture, final java.util.function.Function<Datagram, String> scenarioOf, final List<String> mismatches)
        throws IOException
    {
        final List<Datagram> datagrams = NetflowCaptures.udpPayloads(capture);
        final List<Frame> frames = TsharkFlows.dissect(capture);
        String name = null;
        NetflowParser parser = null;
        long systemInitNs = -1;
        int rejected = 0;
        int count = 0;
        for (final Datagram datagram : datagrams)
        {
            final String scenario = scenarioOf.apply(datagram);
            if (!scenario.equals(name))
            {
                summarize(name, parser, rejected, count);
                name = scenario;
                parser = new NetflowParser();
                systemInitNs = -1;
                rejected = 0;
                count = 0;
            }
            count++;
            final Frame frame = frames.get(datagram.frame() - 1);
            final String where = name + " datagram " + count;
            if (!datagram.parse(parser))
            {
                rejected++;
                REJECTIONS.put(where, parser.rejectReason() + "@" + parser.rejectOffset());
                continue;
            }
            int compared = parser.recordCount();
            if (compared != frame.flows().size())
            {
                // tshark stops dissecting a v9 datagram after the header's record count, and at an exception.
                final Value headerCount = frame.header().get("cflow.count");
                final boolean countLimited = parser.version() == NetflowParser.V9 && null != headerCount &&
                    frame.templateRecords() + frame.flows().size() >= Integer.parseInt(headerCount.show());
                if (frame.flows().size() > compared || (!countLimited && !frame.malformed() && !frame.noTemplate()))
                {
                    mismatches.add(where + ": " + parser.recordCount() + " records, tshark " + frame.flows().size());
                    continue;
                }
                SHORT_DISSECTIONS.put(where, (countLimited ? "tshark stops at the header count " + headerCount.show() :
                    frame.malformed() ? "tshark stops at an exception" : "tshark lacks a template it did not dissect") + ": " + frame.flows().size() + " of " + parser.recordCount() + " records");
                compared = frame.flows().size();
            }
            for (int i = 0; i < compared; i++)
            {
                final Flow flow = frame.flows().get(i);
                final Value init = flow.single("cflow.sys_init_time");
                if (null != init)
                {
                    systemInitNs = tsharkTimeNs(init.show());
                }
                assertTrue(parser.selectRecord(i), where + " record " + i);
                compareRecord(where + " record " + i, parser, frame, flow, systemInitNs, mismatches);
            }
        }
        summarize(name, parser, rejected, count);
    }

    private static void summarize(final String name, final NetflowParser parser, final int rejected, final int count)
    {
        if (null != name)
        {
            SUMMARY.put(name, parser.recordsParsed() + " / " + parser.optionsRecordsParsed() + " / " +
                parser.templates().learned() + " / " + parser.unknownTemplateSets() + " / " + rejected +
                " of " + count + " datagrams");
        }
    }

    private static void compareRecord(
        final String where, final NetflowParser p, final Frame frame, final Flow flow, final long systemInitNs,
        final List<String> mismatches)
    {
        if (p.isOptionsRecord())
        {
            return;
        }
        address(where, "flow.src", p.srcAddressVersion(), p.srcAddressHigh(), p.srcAddressLow(), flow,
            mismatches, "cflow.srcaddr", "cflow.srcaddrv6");
        address(where, "flow.dst", p.dstAddressVersion(), p.dstAddressHigh(), p.dstAddressLow(), flow,
            mismatches, "cflow.dstaddr", "cflow.dstaddrv6");
        address(where, "flow.next_hop", p.nextHopVersion(), p.nextHopHigh(), p.nextHopLow(), flow,
            mismatches, "cflow.nexthop", "cflow.nexthopv6");
        integer(where, "flow.srcport", p.srcPort(), flow, mismatches, "cflow.srcport");
        integer(where, "flow.dstport", p.dstPort(), flow, mismatches, "cflow.dstport");
        integer(where, "flow.proto", p.protocol(), flow, mismatches, "cflow.protocol");
        integer(where, "flow.bytes", p.bytes(), flow, mismatches, "cflow.octets");
        integer(where, "flow.packets", p.packets(), flow, mismatches, "cflow.packets");
        integer(where, "flow.tcp_flags", p.tcpFlags(), flow, mismatches, "cflow.tcpflags");
        integer(where, "flow.tos", p.tos(), flow, mismatches, "cflow.tos");
        integer(where, "flow.input_if", p.inputInterface(), flow, mismatches, "cflow.inputint");
        integer(where, "flow.output_if", p.outputInterface(), flow, mismatches, "cflow.outputint");
        integer(where, "flow.src_as", p.srcAs(), flow, mismatches, "cflow.srcas");
        integer(where, "flow.dst_as", p.dstAs(), flow, mismatches, "cflow.dstas");
        integer(where, "flow.src_mask", p.srcMask(), flow, mismatches, "cflow.srcmask", "cflow.srcmaskv6");
        integer(where, "flow.dst_mask", p.dstMask(), flow, mismatches, "cflow.dstmask", "cflow.dstmaskv6");
        integer(where, "flow.ip_version", p.ipVersion(), flow, mismatches, "cflow.ip_version");
        time(where, "flow.start_ns", p.startNs(), p, frame, flow, systemInitNs, mismatches, "cflow.abstimestart",
            "cflow.timestart");
        time(where, "flow.end_ns", p.endNs(), p, frame, flow, systemInitNs, mismatches, "cflow.abstimeend",
            "cflow.timeend");
    }

    private static void address(
        final String where, final String field, final int version, final long high, final long low, final Flow flow,
        final List<String> mismatches, final String... names)
    {
        for (final String name : names)
        {
            final Value value = flow.single(name);
            if (null == value)
            {
                continue;
            }
            final String ours = version == 0 ? "absent" : text(version, high, low);
            final String theirs;
            try
            {
                final byte[] bytes = InetAddress.getByName(value.show()).getAddress();
                theirs = bytes.length == 4 ? text(4, 0, java.nio.ByteBuffer.wrap(bytes).getInt() & 0xFFFF_FFFFL) :
                    text(6, java.nio.ByteBuffer.wrap(bytes).getLong(0), java.nio.ByteBuffer.wrap(bytes).getLong(8));
            }
            catch (final IOException ex)
            {
                mismatches.add(where + " " + field + ": tshark value " + value.show() + " is no address");
                return;
            }
            agree(where, field, ours, theirs, mismatches);
            return;
        }
    }

    private static void integer(
        final String where, final String field, final long ours, final Flow flow, final List<String> mismatches,
        final String... names)
    {
        for (final String name : names)
        {
            final Value value = flow.single(name);
            if (null == value)
            {
                continue;
            }
            final String show = value.show();
            final long theirs = show.startsWith("0x") ? Long.parseUnsignedLong(show.substring(2), 16) : Long.parseUnsignedLong(show);
            agree(where, field, ours == NetflowParser.ABSENT ? "absent" : Long.toUnsignedString(ours),
                Long.toUnsignedString(theirs), mismatches);
            return;
        }
    }

    private static void time(
        final String where, final String field, final long ours, final NetflowParser p, final Frame frame, final Flow flow,
        final long systemInitNs, final List<String> mismatches, final String absolute, final String relative)
    {
        final Value abs = flow.single(absolute);
        final Value rel = flow.single(relative);
        // tshark shows a FIRST/LAST_SWITCHED uptime stamp of 0 as an absolute time of 0 (1970).
        final boolean zeroUptime = null != abs && abs.size() == 4 && Long.parseLong(abs.hex(), 16) == 0;
        final long theirs;
        if (null != abs && !zeroUptime)
        {
            theirs = tsharkTimeNs(abs.show());
        }
        else if (zeroUptime || (null != rel && rel.size() == 4 && !rel.hex().isEmpty()))
        {
            final long stampMs = zeroUptime ? 0 : Long.parseLong(rel.hex(), 16);
            if (p.version() == NetflowParser.IPFIX)
            {
                if (systemInitNs < 0)
                {
                    return;
                }
                theirs = systemInitNs + stampMs * 1_000_000L;
            }
            else
            {
                final long uptimeMs = Long.parseLong(frame.header().get("cflow.sysuptime").hex(), 16);
                final long secs = Long.parseLong(frame.header().get("cflow.unix_secs").show());
                final Value nsecs = frame.header().get("cflow.unix_nsecs");
                final long exportNs = secs * 1_000_000_000L + (null == nsecs ? 0 : Long.parseLong(nsecs.show()));
                theirs = exportNs - (long)(int)(uptimeMs - stampMs) * 1_000_000L;
            }
        }
        else
        {
            return;
        }
        agree(where, field, ours == NetflowParser.ABSENT ? "absent" : Long.toString(ours), Long.toString(theirs),
            mismatches);
    }

    private static void agree(
        final String where, final String field, final String ours, final String theirs, final List<String> mismatches)
    {
        if (ours.equals(theirs))
        {
            AGREED.merge(field, 1, Integer::sum);
        }
        else
        {
            mismatches.add(where + " " + field + ": sluice " + ours + ", tshark " + theirs);
        }
    }

    static long tsharkTimeNs(final String show)
    {
        final LocalDateTime time = LocalDateTime.parse(show.replaceAll("\\s+", " "), TSHARK_TIME);
        final java.time.Instant instant = time.toInstant(ZoneOffset.UTC);
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    static String text(final int version, final long high, final long low)
    {
        if (version == 4)
        {
            return (low >>> 24 & 0xFF) + "." + (low >>> 16 & 0xFF) + "." + (low >>> 8 & 0xFF) + "." + (low & 0xFF);
        }
        return String.format("%016x%016x", high, low);
    }
}
