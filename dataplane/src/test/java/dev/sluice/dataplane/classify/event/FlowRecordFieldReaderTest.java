package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies over every raw NetFlow v5/v9 and IPFIX payload of Logstash's codec tests
 * (../shared/data/netflow/logstash-codec-netflow/*.dat), one item per flow record: each rule
 * matches exactly the records the parser's own field report says it should (two passes, so
 * templates sent in other files are known); zero allocation.
 */
class FlowRecordFieldReaderTest
{
    private static final long EXPORTER = 0xC000_0207L; // 192.0.2.7
    private static final long RECEIVED_NS = 1_600_000_000_000_000_000L;

    private final NetflowParser parser = new NetflowParser();

    private static MemorySegment[] datagrams(final Arena arena) throws IOException
    {
        final List<MemorySegment> segments = new ArrayList<>();
        try (var files = Files.list(SharedData.root().resolve("netflow/logstash-codec-netflow")))
        {
            for (final Path file : files.filter(p -> p.toString().endsWith(".dat")).sorted().toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                final MemorySegment segment = arena.allocate(Math.max(1, bytes.length)).asSlice(0, bytes.length);
                MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
                segments.add(segment);
            }
        }
        return segments.toArray(MemorySegment[]::new);
    }

    private boolean parse(final MemorySegment datagram)
    {
        return parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS).parse(datagram, 0, (int)datagram.byteSize());
    }

    /** The fields of each record of the last datagram, as visitFields reports them. */
    private static final class Records implements EventFieldVisitor
    {
        final List<FieldMap> records = new ArrayList<>();
        private FieldMap current = new FieldMap();

        @Override
        public void text(final String name, final CharSequence value)
        {
            current.text(name, value);
        }

        @Override
        public void integer(final String name, final long value)
        {
            if ("flow.record".equals(name))
            {
                current = new FieldMap();
                records.add(current);
            }
            current.integer(name, value);
        }

        @Override
        public void decimal(final String name, final double value)
        {
            current.decimal(name, value);
        }

        @Override
        public void bool(final String name, final boolean value)
        {
            current.bool(name, value);
        }

        @Override
        public void address(final String name, final int version, final long high, final long low)
        {
            current.address(name, version, high, low);
        }
    }

    /** Per record (numbered over both passes' second pass): whether the rule matched, and whether the oracle says so. */
    private List<List<Integer>> run(final MemorySegment[] datagrams, final String when, final Predicate<FieldMap> oracle)
    {
        final Policy policy = EventPolicyTesting.oneRule(when);
        final FlowRecordFieldReader reader = new FlowRecordFieldReader(policy.catalogue());
        for (final MemorySegment datagram : datagrams)
        {
            parse(datagram);
        }
        final List<Integer> expected = new ArrayList<>();
        final List<Integer> actual = new ArrayList<>();
        int item = 0;
        for (final MemorySegment datagram : datagrams)
        {
            if (!parse(datagram))
            {
                continue;
            }
            final Records records = new Records();
            parser.visitFields(records);
            for (int i = 0; i < parser.recordCount(); i++)
            {
                if (!parser.selectRecord(i))
                {
                    continue;
                }
                final FieldMap fields = records.records.get(i);
                if (oracle.test(fields))
                {
                    expected.add(item);
                }
                if (0 == policy.firstMatch(reader.wrap(parser)))
                {
                    actual.add(item);
                }
                item++;
            }
        }
        return List.of(expected, actual);
    }

    private void assertRule(final MemorySegment[] datagrams, final String when, final Predicate<FieldMap> oracle, final boolean nonEmpty)
    {
        final List<List<Integer>> result = run(datagrams, when, oracle);
        assertEquals(result.get(0), result.get(1), when);
        if (nonEmpty)
        {
            assertFalse(result.get(0).isEmpty(), when + " matches some record");
        }
    }

    private static boolean isFlow(final FieldMap f)
    {
        return !f.values.containsKey("flow.options");
    }

    private static long counter(final FieldMap f, final String name)
    {
        return f.get(name) instanceof Long value ? (value < 0 ? Long.MAX_VALUE : value) : -1;
    }

    private static boolean ipv4In(final FieldMap f, final String name, final long network, final int bits)
    {
        return f.get(name) instanceof FieldMap.Address a && 4 == a.version() && (a.low() >>> (32 - bits)) == (network >>> (32 - bits));
    }

    @Test
    void rulesMatchExactlyTheRecordsTheParserReports() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] datagrams = datagrams(arena);
            assertTrue(datagrams.length > 50);

            assertRule(datagrams, "item.kind == \"flow\" and flow.exporter == 192.0.2.7", f -> true, true);
            assertRule(datagrams, "flow.proto == 17 and flow.dstport == 53",
                f -> isFlow(f) && Long.valueOf(17).equals(f.get("flow.proto")) && Long.valueOf(53).equals(f.get("flow.dstport")), true);
            assertRule(datagrams, "flow.src in 10.0.0.0/8", f -> isFlow(f) && ipv4In(f, "flow.src", 0x0A00_0000L, 8), true);
            assertRule(datagrams, "flow.dst in 192.168.0.0/16", f -> isFlow(f) && ipv4In(f, "flow.dst", 0xC0A8_0000L, 16), false);
            assertRule(datagrams, "flow.src in ::/0",
                f -> isFlow(f) && f.get("flow.src") instanceof FieldMap.Address a && 6 == a.version(), true);
            // Counters above 2^63-1 (the parser reports them as negative longs) read as 2^63-1.
            assertRule(datagrams, "flow.bytes > 1000 and flow.packets >= 2",
                f -> isFlow(f) && counter(f, "flow.bytes") > 1000 && counter(f, "flow.packets") >= 2, true);
            assertRule(datagrams, "flow.end_ns > 150000000000000000",
                f -> isFlow(f) && f.get("flow.end_ns") instanceof Long end && end > 150_000_000_000_000_000L, true);
            assertRule(datagrams, "flow.tcp_flags in {2, 18, 19, 22, 23, 26, 27, 30, 31}", f -> isFlow(f) && null != f.integer("flow.tcp_flags") &&
                java.util.Set.of(2L, 18L, 19L, 22L, 23L, 26L, 27L, 30L, 31L).contains(f.integer("flow.tcp_flags")), false);
            // A bare integer field is true when non-zero.
            assertRule(datagrams, "flow.start_ns and flow.input_if in {0..65535}", f -> isFlow(f) &&
                f.get("flow.start_ns") instanceof Long start && start > 0 && f.get("flow.input_if") instanceof Long input && input <= 65535, true);
            assertRule(datagrams, "flow.next_hop in {0.0.0.0/0, ::/0}", f -> isFlow(f) && f.values.containsKey("flow.next_hop"), false);
            assertRule(datagrams, "syslog.pri >= 0 or json.a or cef.src in 0.0.0.0/0", f -> false, false);
        }
    }

    @Test
    void readingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] datagrams = datagrams(arena);
            final Policy policy = EventPolicyTesting.rules(
                "flow.src in 203.0.113.0/24 or flow.dst in 2001:db8::/32",
                "flow.bytes > 100000000000 or flow.dstport == 1",
                "flow.proto == 132 and flow.tos == 1",
                "flow.start_ns < 1 or flow.next_hop == 10.9.9.9",
                "item.kind == \"json\"");
            final FlowRecordFieldReader reader = new FlowRecordFieldReader(policy.catalogue());
            final long[] matched = new long[1];
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (final MemorySegment datagram : datagrams)
                {
                    if (parse(datagram))
                    {
                        for (int i = 0; i < parser.recordCount(); i++)
                        {
                            if (parser.selectRecord(i))
                            {
                                matched[0] += policy.firstMatch(reader.wrap(parser));
                            }
                        }
                    }
                }
            }, 3_000, 1_000);
            assertTrue(matched[0] != 0);
            assertEquals(0, bytes, "bytes allocated by evaluations over every flow record");
        }
    }
}
