package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static dev.sluice.dataplane.classify.event.EventPolicyTesting.matching;
import static dev.sluice.dataplane.classify.event.EventPolicyTesting.oneRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies over the RFC 5424 and RFC 3164 example messages (../shared/data/syslog/rfc): fixed
 * header fields and structured-data parameters read as text, integer and address, rules on
 * other formats' fields never matching, and the reader allocating nothing per message.
 */
class SyslogFieldReaderTest
{
    /** Lines 0-3: RFC 5424 section 6.5 (with a real BOM); 4-9: RFC 3164 section 5.4. */
    private static List<String> messages() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        lines.addAll(Files.readAllLines(SharedData.root().resolve("syslog/rfc/rfc5424_sec6.5_examples_realBOM.txt"), StandardCharsets.UTF_8));
        lines.addAll(Files.readAllLines(SharedData.root().resolve("syslog/rfc/rfc3164_sec5.4_examples.txt"), StandardCharsets.UTF_8));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    private final SyslogParser parser = new SyslogParser();

    private List<Integer> matches(final String when, final MemorySegment[] messages)
    {
        final Policy policy = oneRule(when);
        final SyslogFieldReader reader = new SyslogFieldReader(policy.catalogue());
        return matching(messages.length, i -> parser.parse(messages[i], 0, (int)messages[i].byteSize()) &&
            null != reader.wrap(parser), policy, reader);
    }

    @Test
    void rulesMatchExactlyTheExpectedMessages() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> lines = messages();
            assertEquals(10, lines.size(), lines::toString);
            final MemorySegment[] messages = EventPolicyTesting.segments(lines, arena);

            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), matches("item.kind == \"syslog\"", messages));
            assertEquals(List.of(0, 1, 2, 3), matches("syslog.format == \"rfc5424\" and syslog.version == 1", messages));
            assertEquals(List.of(0, 4), matches("syslog.severity == 2 and syslog.facility == 4", messages));
            assertEquals(List.of(8, 9), matches("syslog.pri == 0", messages));
            // A bare integer field is true when non-zero (PRI 0 is kern.emerg); a range tests presence.
            assertEquals(List.of(5, 8, 9), matches("not syslog.pri", messages));
            assertEquals(List.of(5), matches("not syslog.pri in {0..191}", messages));
            assertEquals(List.of(1), matches("syslog.appname == \"myproc\" and syslog.procid == \"8710\"", messages));
            assertEquals(List.of(0, 2, 3), matches("syslog.hostname == \"MyMachine.Example.com\"", messages));
            assertEquals(List.of(0, 2, 3), matches("syslog.msgid == \"ID47\"", messages));
            assertEquals(List.of(4, 6, 7, 8, 9), matches("syslog.timestamp and syslog.format == \"rfc3164\"", messages));
            assertEquals(List.of(0, 1), matches("syslog.timestamp and syslog.version == 1 and not syslog.sd.exampleSDID@32473.iut", messages));
            // Structured data: text, integer (a number as text), absent when not a number, absent when missing.
            assertEquals(List.of(2, 3), matches("syslog.sd.exampleSDID@32473.eventSource == \"Application\"", messages));
            assertEquals(List.of(2, 3), matches("syslog.sd.exampleSDID@32473.iut == 3 and syslog.sd.exampleSDID@32473.eventID > 1000", messages));
            assertEquals(List.of(), matches("syslog.sd.exampleSDID@32473.eventSource > 0", messages));
            assertEquals(List.of(3), matches("syslog.sd.examplePriority@32473.class", messages));
            assertEquals(List.of(), matches("syslog.sd.origin.ip in 0.0.0.0/0", messages));
            assertEquals(List.of(2), matches("syslog.msg == \"An application event log entry...\"", messages));
            // Fields of other items: never present, never read.
            assertEquals(List.of(), matches("cef.severity >= 0 or tcp.dstport == 80 or json.a == 1 or flow.bytes > 0 or can.dlc >= 0", messages));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), matches("not json.a and not cef.x and not vehicle.vin", messages));
        }
    }

    @Test
    void structuredDataReadsAsAnAddress()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] messages = EventPolicyTesting.segments(List.of(
                "<14>1 2024-01-01T00:00:00Z h a - - [origin ip=\"192.0.2.7\" software=\"x\"] m",
                "<14>1 2024-01-01T00:00:00Z h a - - [origin ip=\"2001:db8::1\"] m",
                "<14>1 2024-01-01T00:00:00Z h a - - [origin ip=\"192.0.2.300\"] m",
                "<14>1 2024-01-01T00:00:00Z h a - - [origin ip=\"12.5\" n=\"-3\"] m"), arena);
            assertEquals(List.of(0), matches("syslog.sd.origin.ip in 192.0.2.0/24", messages));
            assertEquals(List.of(1), matches("syslog.sd.origin.ip in 2001:db8::/32", messages));
            assertEquals(List.of(0, 1), matches("syslog.sd.origin.ip in {0.0.0.0/0, ::/0}", messages));
            assertEquals(List.of(3), matches("syslog.sd.origin.n or syslog.sd.origin.ip == \"12.5\"", messages));
            assertEquals(List.of(), matches("syslog.sd.origin.n >= 0", messages));
        }
    }

    @Test
    void readingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] messages = EventPolicyTesting.segments(messages(), arena);
            final Policy policy = EventPolicyTesting.rules(
                "syslog.sd.examplePriority@32473.class == \"low\"",
                "syslog.sd.exampleSDID@32473.iut == 4",
                "syslog.hostname == \"nowhere\" or syslog.msg == \"x\" or syslog.appname == \"y\"",
                "syslog.severity == 7 and syslog.format == \"rfc3164\"",
                "item.kind == \"json\"");
            final SyslogFieldReader reader = new SyslogFieldReader(policy.catalogue());
            final long[] matched = new long[1];
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (final MemorySegment message : messages)
                {
                    if (parser.parse(message, 0, (int)message.byteSize()))
                    {
                        matched[0] += policy.firstMatch(reader.wrap(parser));
                    }
                }
            }, 20_000, 10_000);
            assertTrue(matched[0] != 0);
            assertEquals(0, bytes, "bytes allocated by 100,000 evaluations");
        }
    }
}
