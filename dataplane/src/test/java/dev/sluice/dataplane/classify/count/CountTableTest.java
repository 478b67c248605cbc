package dev.sluice.dataplane.classify.count;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The count tables over simulated time (each event's receive time is given, no clock is read):
 * windows aligned to the epoch close at their end, keys count apart, a full table emits its
 * stalest entry early, a flush emits every open window, the records are the JSON the gateway
 * sends, and counting allocates nothing.
 */
class CountTableTest
{
    private static final long SECOND = 1_000_000_000L;
    /** 2023-11-14T22:13:00Z, a whole minute. */
    private static final long T0 = 1_699_999_980L * SECOND;

    private static final String POLICY = """
        sluice-policy: 1
        name: counts
        match: first
        default: keep
        rules:
          - name: per-host
            when: syslog.severity >= 0
            then: count by syslog.hostname every 1m
          - name: total
            when: tcp.dstport == 23
            then: count every 10s
          - name: per-source
            when: tcp.dstport == 22
            then: count by ip.src, vlan.id, syslog.hostname every 1h
          - name: keep
            when: true
            then: keep
        """;

    private static final int PER_HOST = 0;
    private static final int TOTAL = 1;
    private static final int PER_SOURCE = 2;

    private final Policy policy = TestPolicies.parse(POLICY);
    private final CountTable table = new CountTable();
    private final List<String> records = new ArrayList<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CountRecordJson.MAX_RECORD_BYTES]);
    private final CountTable.RecordHandler collect = (slot, entry, early, atNs) ->
    {
        final int length = CountRecordJson.render(table, slot, entry, early, buffer, 0, buffer.capacity());
        assertTrue(length > 0);
        records.add(buffer.getStringWithoutLengthUtf8(0, length));
    };

    @Test
    void aWindowsCountsLeaveAtItsEndOneRecordPerKey()
    {
        table.onNewPolicy(CountPlan.of(policy));
        final Item item = new Item();
        for (final String host : List.of("web-1", "web-2", "web-1", "web-1"))
        {
            assertEquals(CountTable.COUNTED, table.add(PER_HOST, item.host(host), T0 + 5 * SECOND, collect));
        }
        table.add(TOTAL, item, T0 + 9 * SECOND, collect);
        assertEquals(T0 + 10 * SECOND, table.nextWindowEndNs(), "the 10 s window ends first");

        table.advance(T0 + 10 * SECOND - 1, collect);
        assertTrue(records.isEmpty(), "nothing before a window's end");
        table.advance(T0 + 10 * SECOND, collect);
        assertEquals(List.of(
            "{\"count\":1,\"rule\":\"total\",\"window_start\":\"2023-11-14T22:13:00Z\",\"window_end\":\"2023-11-14T22:13:10Z\",\"keys\":{}}"),
            records);
        records.clear();

        // An event from before the window began (a clock stepped back) still counts in it.
        table.add(PER_HOST, item.host("web-2"), T0 - 30 * SECOND, collect);
        // The first event past the minute closes it, then opens the next window.
        table.add(PER_HOST, item.host("web-1"), T0 + 61 * SECOND, collect);
        assertEquals(sorted(List.of(
            "{\"count\":3,\"rule\":\"per-host\",\"window_start\":\"2023-11-14T22:13:00Z\",\"window_end\":\"2023-11-14T22:14:00Z\"," +
                "\"keys\":{\"syslog.hostname\":\"web-1\"}}",
            "{\"count\":2,\"rule\":\"per-host\",\"window_start\":\"2023-11-14T22:13:00Z\",\"window_end\":\"2023-11-14T22:14:00Z\"," +
                "\"keys\":{\"syslog.hostname\":\"web-2\"}}")),
            sorted(records));
        assertEquals(T0 + 120 * SECOND, table.nextWindowEndNs());
        assertEquals(0, table.evictions());
    }

    @Test
    void keysAreWrittenAsTheirTypeSaysAbsentOnesAsNullAndTextEscaped()
    {
        table.onNewPolicy(CountPlan.of(policy));
        final Item item = new Item().source(0x0A00_0007L).vlans(10, 20).host("db \"primary\"\\é\u0001😀");
        table.add(PER_SOURCE, item, T0, collect);
        table.add(PER_SOURCE, new Item().source(0x0A00_0007L).vlans(30), T0, collect);
        table.add(PER_SOURCE, new Item().vlans(30), T0, collect);
        table.add(PER_SOURCE, new Item().v6(0x2001_0db8_0000_0000L, 0x0000_0000_0000_00ffL), T0, collect);
        table.flushAll(T0 + SECOND, collect);
        final String head = "{\"count\":1,\"rule\":\"per-source\",\"window_start\":\"2023-11-14T22:00:00Z\"," +
            "\"window_end\":\"2023-11-14T23:00:00Z\",\"early\":true,\"keys\":";
        assertEquals(sorted(List.of(
            head + "{\"ip.src\":\"10.0.0.7\",\"vlan.id\":\"10,20\",\"syslog.hostname\":\"db \\\"primary\\\"\\\\é\\u0001😀\"}}",
            head + "{\"ip.src\":\"10.0.0.7\",\"vlan.id\":30,\"syslog.hostname\":null}}",
            head + "{\"ip.src\":null,\"vlan.id\":30,\"syslog.hostname\":null}}",
            head + "{\"ip.src\":\"2001:db8:0:0:0:0:0:ff\",\"vlan.id\":null,\"syslog.hostname\":null}}")),
            sorted(records));
        assertFalse(table.hasOpenWindows());

        final CountTable.RecordHandler readBack = (slot, entry, early, atNs) ->
        {
            final CountRecordReader reader = table.reader(slot, entry);
            assertTrue(reader.isPresent(PacketFields.IP_SRC));
            assertFalse(reader.isPresent(EventFields.SYSLOG_HOSTNAME));
            assertEquals("10.0.0.7", reader.text(PacketFields.IP_SRC).toString());
            assertEquals(0x0A00_0007L, reader.addressLow(PacketFields.IP_SRC));
            assertEquals(30, reader.integer(PacketFields.VLAN_ID, 0));
            records.add("read");
        };
        records.clear();
        table.add(PER_SOURCE, new Item().source(0x0A00_0007L).vlans(30), T0, readBack);
        table.flushAll(T0, readBack);
        assertEquals(List.of("read"), records);
    }

    @Test
    void aFullTableEmitsItsStalestEntryEarlyAndLosesNoCount()
    {
        // Eight entries: the ninth key finds every probe taken.
        table.onNewPolicy(CountPlan.of(policy, 8));
        final Item item = new Item();
        for (int i = 0; i < 8; i++)
        {
            table.add(PER_HOST, item.host("host-" + i), T0 + i, collect);
            table.add(PER_HOST, item.host("host-" + i), T0 + i, collect);
        }
        assertTrue(records.isEmpty());
        table.add(PER_HOST, item.host("host-8"), T0 + 100, collect);
        assertEquals(1, table.evictions());
        assertEquals(List.of(
            "{\"count\":2,\"rule\":\"per-host\",\"window_start\":\"2023-11-14T22:13:00Z\",\"window_end\":\"2023-11-14T22:14:00Z\"," +
                "\"early\":true,\"keys\":{\"syslog.hostname\":\"host-0\"}}"),
            records, "the entry seen least recently leaves early");
        table.advance(T0 + 60 * SECOND, collect);
        assertEquals(9, records.size(), "the early record and the window's eight");
        assertEquals(17, total(records));
    }

    @Test
    void manyKeysOverManyWindowsAddUpPerKeyAndWindow()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        table.onNewPolicy(CountPlan.of(policy, 256));
        final Map<String, Long> expected = new HashMap<>();
        final Item item = new Item();
        long now = T0;
        for (int i = 0; i < 50_000; i++)
        {
            now += random.nextInt(5_000_000);
            final String host = "h" + (int)Math.abs(random.nextGaussian() * 150);
            final long window = now / (60 * SECOND);
            expected.merge(window + " " + host, 1L, Long::sum);
            table.add(PER_HOST, item.host(host), now, collect);
        }
        table.flushAll(now, collect);
        final Map<String, Long> counted = new HashMap<>();
        for (final String record : records)
        {
            final String start = record.replaceAll(".*\"window_start\":\"([^\"]+)\".*", "$1");
            final long window = java.time.Instant.parse(start).getEpochSecond() / 60;
            final String host = record.replaceAll(".*\"syslog.hostname\":\"([^\"]+)\".*", "$1");
            counted.merge(window + " " + host, count(record), Long::sum);
        }
        assertEquals(expected, counted, "seed " + seed);
        assertFalse(table.hasOpenWindows(), "seed " + seed);
    }

    @Test
    void keyValuesLongerThanAnEntryAreNotCounted()
    {
        table.onNewPolicy(CountPlan.of(policy));
        assertEquals(CountTable.KEY_TOO_LONG, table.add(PER_HOST, new Item().host("x".repeat(CountTable.KEY_CHARS + 1)), T0, collect));
        assertEquals(CountTable.COUNTED, table.add(PER_HOST, new Item().host("x".repeat(CountTable.KEY_CHARS)), T0, collect));
        table.flushAll(T0, collect);
        assertEquals(1, total(records));
    }

    @Test
    void aNewVersionNeedsTheOpenWindowsFlushedFirst()
    {
        table.onNewPolicy(CountPlan.of(policy));
        table.add(TOTAL, new Item(), T0, collect);
        assertThrows(IllegalStateException.class, () -> table.onNewPolicy(CountPlan.of(policy)));
        table.flushAll(T0, collect);
        table.onNewPolicy(CountPlan.of(policy));
        assertEquals(Long.MAX_VALUE, table.nextWindowEndNs());
    }

    @Test
    void countingAndEmittingAllocateNothing()
    {
        table.onNewPolicy(CountPlan.of(policy));
        final Item[] items = {new Item().host("web-1"), new Item().host("web-2"), new Item().source(0x0A00_0001L).vlans(7)};
        final long[] now = {T0};
        final long[] emitted = {0};
        final CountTable.RecordHandler render = (slot, entry, early, atNs) ->
            emitted[0] += CountRecordJson.render(table, slot, entry, early, buffer, 0, buffer.capacity());
        final Runnable pass = () ->
        {
            for (int i = 0; i < 1_000; i++)
            {
                now[0] += 100_000_000L;
                table.add(PER_HOST, items[i & 1], now[0], render);
                table.add(TOTAL, items[0], now[0], render);
                table.add(PER_SOURCE, items[2], now[0], render);
            }
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 200, 20, 8);
        assertTrue(emitted[0] > 0);
        assertEquals(0, bytes, "bytes allocated counting 60,000 events and emitting their records");
    }

    private static List<String> sorted(final List<String> list)
    {
        final List<String> copy = new ArrayList<>(list);
        copy.sort(null);
        return copy;
    }

    private static long count(final String record)
    {
        return Long.parseLong(record.replaceAll("^\\{\"count\":(\\d+),.*", "$1"));
    }

    private static long total(final List<String> records)
    {
        return records.stream().mapToLong(CountTableTest::count).sum();
    }

    /** A reusable event with an address, a host name and VLAN tags; everything else absent. */
    private static final class Item implements FieldReader
    {
        private int version = 4;
        private long high;
        private long source = -1;
        private String host;
        private long[] vlans = new long[0];

        Item source(final long address)
        {
            source = address;
            return this;
        }

        Item v6(final long highBits, final long lowBits)
        {
            version = 6;
            high = highBits;
            source = lowBits;
            return this;
        }

        Item host(final String name)
        {
            host = name;
            return this;
        }

        Item vlans(final long... ids)
        {
            vlans = ids;
            return this;
        }

        @Override
        public boolean isPresent(final int fieldId)
        {
            return occurrences(fieldId) > 0;
        }

        @Override
        public int occurrences(final int fieldId)
        {
            return switch (fieldId)
            {
                case PacketFields.IP_SRC -> source >= 0 ? 1 : 0;
                case EventFields.SYSLOG_HOSTNAME -> null != host ? 1 : 0;
                case PacketFields.VLAN_ID -> vlans.length;
                default -> 0;
            };
        }

        @Override
        public long integer(final int fieldId, final int occurrence)
        {
            return vlans[occurrence];
        }

        @Override
        public CharSequence text(final int fieldId)
        {
            return host;
        }

        @Override
        public int addressVersion(final int fieldId)
        {
            return version;
        }

        @Override
        public long addressHigh(final int fieldId)
        {
            return high;
        }

        @Override
        public long addressLow(final int fieldId)
        {
            return source;
        }
    }
}
