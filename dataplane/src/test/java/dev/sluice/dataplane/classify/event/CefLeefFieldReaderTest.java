package dev.sluice.dataplane.classify.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sluice.dataplane.classify.event.EventPolicyTesting.matching;
import static dev.sluice.dataplane.classify.event.EventPolicyTesting.oneRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies over Splunk SC4S's CEF samples and rendered LEEF messages (../shared/data/cef_leef/sc4s):
 * each rule matches exactly the messages an independent reading of the text (regular expressions
 * over the raw line) says it should; the syslog header in front is served as {@code syslog.*};
 * the readers allocate nothing per message.
 */
class CefLeefFieldReaderTest
{
    private final SyslogParser syslog = new SyslogParser();
    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();

    private static List<String> cefSamples() throws IOException
    {
        final JsonNode samples = new ObjectMapper().readTree(SharedData.root().resolve("cef_leef/sc4s/sc4s_cef_samples.json").toFile());
        final List<String> lines = new ArrayList<>();
        samples.forEach(sample -> lines.add(sample.get("rendered").asText()));
        return lines;
    }

    private static List<String> leefSamples() throws IOException
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(
            SharedData.root().resolve("cef_leef/sc4s/sc4s_leef_rendered.txt"), StandardCharsets.UTF_8));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    /** Parses the CEF message, and its syslog header when one comes first, and positions the reader. */
    private boolean selectCef(final MemorySegment message, final CefFieldReader reader)
    {
        if (!cef.parse(message, 0, (int)message.byteSize()))
        {
            return false;
        }
        final boolean header = cef.syslogPrefixLength() > 0 && syslog.parse(message, 0, (int)message.byteSize());
        reader.wrap(cef, header ? syslog : null);
        return true;
    }

    private boolean selectLeef(final MemorySegment message, final LeefFieldReader reader)
    {
        if (!leef.parse(message, 0, (int)message.byteSize()))
        {
            return false;
        }
        final boolean header = leef.syslogPrefixLength() > 0 && syslog.parse(message, 0, (int)message.byteSize());
        reader.wrap(leef, header ? syslog : null);
        return true;
    }

    private List<Integer> cefMatches(final String when, final MemorySegment[] messages)
    {
        final Policy policy = oneRule(when);
        final CefFieldReader reader = new CefFieldReader(policy.catalogue());
        return matching(messages.length, i -> selectCef(messages[i], reader), policy, reader);
    }

    private List<Integer> leefMatches(final String when, final MemorySegment[] messages)
    {
        final Policy policy = oneRule(when);
        final LeefFieldReader reader = new LeefFieldReader(policy.catalogue());
        return matching(messages.length, i -> selectLeef(messages[i], reader), policy, reader);
    }

    private static List<Integer> expected(final List<String> lines, final Predicate<String> oracle)
    {
        final List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            if (oracle.test(lines.get(i)))
            {
                indexes.add(i);
            }
        }
        return indexes;
    }

    /** The value of an extension key written {@code key=value} with a space or {@code |} before and a space or the end after. */
    private static Predicate<String> extension(final String key, final Predicate<String> value)
    {
        final Pattern pattern = Pattern.compile("(?:[ |])" + Pattern.quote(key) + "=([^ =|]*)(?= |$)");
        return line ->
        {
            final Matcher m = pattern.matcher(line.substring(line.indexOf("CEF:")));
            return m.find() && value.test(m.group(1));
        };
    }

    private static String cefHeader(final String line, final int field)
    {
        return line.substring(line.indexOf("CEF:")).split("\\|", -1)[field];
    }

    @Test
    void cefRulesMatchExactlyTheExpectedSamples() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> lines = cefSamples();
            assertEquals(56, lines.size());
            final MemorySegment[] messages = EventPolicyTesting.segments(lines, arena);
            final List<Integer> all = expected(lines, line -> true);

            assertEquals(all, cefMatches("item.kind == \"cef\" and cef.version == 0", messages));
            assertEquals(expected(lines, line -> cefHeader(line, 1).equals("Imperva Inc.")),
                cefMatches("cef.device_vendor == \"Imperva Inc.\"", messages));
            assertEquals(expected(lines, line -> cefHeader(line, 6).matches("[789]|10|High|Very-High")),
                cefMatches("cef.severity >= 7", messages));
            assertEquals(expected(lines, extension("dpt", "80"::equals)), cefMatches("cef.dpt == 80", messages));
            assertEquals(expected(lines, extension("src", v -> v.matches("1\\.\\d+\\.\\d+\\.\\d+"))),
                cefMatches("cef.src in 1.0.0.0/8", messages));
            assertEquals(expected(lines, extension("dst", v -> v.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))),
                cefMatches("cef.dst in 0.0.0.0/0", messages));
            // Dynamic keys: integer (a non-number is absent), text, and presence.
            assertEquals(expected(lines, extension("cn1", v -> v.matches("\\d+") && Long.parseLong(v) > 100)),
                cefMatches("cef.cn1 > 100", messages));
            assertEquals(expected(lines, extension("app", "HTTP"::equals)), cefMatches("cef.app == \"HTTP\"", messages));
            assertEquals(expected(lines, extension("requestMethod", v -> true)), cefMatches("cef.requestMethod", messages));
            assertFalse(cefMatches("cef.cn1 > 100", messages).isEmpty());
            // The syslog header in front: <111> is facility 13, severity 7. An RFC 5424 header (<111>1 ...) is not
            // served yet: the strict RFC 5424 grammar rejects a line whose APP-NAME would be the CEF text.
            assertEquals(expected(lines, line -> line.startsWith("<111>") && !line.startsWith("<111>1 ")),
                cefMatches("syslog.severity == 7 and syslog.facility == 13", messages));
            assertEquals(List.of(), cefMatches("leef.sev > 0 or json.a or flow.bytes > 0 or syslog.sd.a.b", messages));
        }
    }

    @Test
    void leefRulesMatchExactlyTheExpectedMessages() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> lines = leefSamples();
            final MemorySegment[] messages = EventPolicyTesting.segments(lines, arena);
            final List<Integer> all = expected(lines, line -> true);

            assertEquals(all, leefMatches("item.kind == \"leef\" and leef.vendor and leef.event_id", messages));
            assertEquals(expected(lines, line -> line.contains("LEEF:2.0")), leefMatches("leef.version == \"2.0\"", messages));
            assertEquals(expected(lines, line -> line.contains("src=192.0.2.0")), leefMatches("leef.src in 192.0.2.0/24", messages));
            assertEquals(expected(lines, line -> line.contains("usrName=joe.black")),
                leefMatches("leef.usrName == \"joe.black\" and leef.sev == 5 and leef.srcPort == 81 and leef.dstPort == 21", messages));
            assertEquals(expected(lines, line -> line.contains("devTime=1547809673")), leefMatches("leef.devTime > 1500000000", messages));
            assertEquals(expected(lines, line -> line.contains("devTime=")), leefMatches("leef.devTime", messages));
            assertEquals(expected(lines, line -> line.contains("cat=TRAFFIC")), leefMatches("leef.cat == \"TRAFFIC\"", messages));
            assertEquals(expected(lines, line -> line.startsWith("<111>") && !line.startsWith("<111>1 ")),
                leefMatches("syslog.severity == 7 and syslog.hostname == \"testhost-abcde\"", messages));
            assertEquals(List.of(), leefMatches("syslog.version == 1", messages));
            assertEquals(List.of(), leefMatches("cef.src in 0.0.0.0/0 or leef.nothing or can.id > 0", messages));
        }
    }

    @Test
    void readingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] cefMessages = EventPolicyTesting.segments(cefSamples(), arena);
            final MemorySegment[] leefMessages = EventPolicyTesting.segments(leefSamples(), arena);
            final Policy policy = EventPolicyTesting.rules(
                "cef.src in 203.0.113.0/24 or leef.src in 203.0.113.0/24",
                "cef.cn1 > 1000000 or cef.app == \"none\" or leef.devTime == 1",
                "cef.severity == 10 and cef.device_product == \"x\"",
                "leef.usrName == \"nobody\" or leef.version == \"1.0\" and leef.vendor == \"none\"",
                "syslog.hostname == \"nowhere\" or cef.suser == \"x\" or cef.dpt == 1");
            final CefFieldReader cefReader = new CefFieldReader(policy.catalogue());
            final LeefFieldReader leefReader = new LeefFieldReader(policy.catalogue());
            final long[] matched = new long[1];
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (final MemorySegment message : cefMessages)
                {
                    if (selectCef(message, cefReader))
                    {
                        matched[0] += policy.firstMatch(cefReader);
                    }
                }
                for (final MemorySegment message : leefMessages)
                {
                    if (selectLeef(message, leefReader))
                    {
                        matched[0] += policy.firstMatch(leefReader);
                    }
                }
            }, 5_000, 2_000);
            assertTrue(matched[0] != 0);
            assertEquals(0, bytes, "bytes allocated by 150,000 CEF and LEEF evaluations");
        }
    }
}
