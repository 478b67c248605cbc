package dev.sluice.dataplane.classify.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.sluice.dataplane.classify.event.EventPolicyTesting.matching;
import static dev.sluice.dataplane.classify.event.EventPolicyTesting.oneRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies over gpsd's JSON reports (../shared/data/vehicle/gpsd/*.chk): {@code json.*} paths with
 * keys and array indexes, typed reads (truncation, booleans, null, text as written) and the
 * telemetry view's {@code vehicle.*}, each rule matching exactly the documents Jackson's reading
 * says it should; plus crafted documents for the edges, and zero allocation.
 */
class JsonFieldReaderTest
{
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private final JsonParser parser = new JsonParser();

    private static List<String> gpsdDocuments() throws IOException
    {
        final List<String> documents = new ArrayList<>();
        try (var files = Files.list(SharedData.root().resolve("vehicle/gpsd")))
        {
            for (final Path file : files.filter(p -> p.toString().endsWith(".chk")).sorted().toList())
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1))
                {
                    if (line.startsWith("{"))
                    {
                        documents.add(line);
                    }
                }
            }
        }
        return documents;
    }

    private List<Integer> matches(final String when, final MemorySegment[] documents)
    {
        final Policy policy = oneRule(when);
        final JsonFieldReader reader = new JsonFieldReader(policy.catalogue());
        return matching(documents.length, i -> parser.parse(documents[i], 0, (int)documents[i].byteSize()) &&
            null != reader.wrap(parser), policy, reader);
    }

    private static List<Integer> expected(final List<String> documents, final Predicate<JsonNode> oracle)
    {
        final List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++)
        {
            try
            {
                if (oracle.test(JACKSON.readTree(documents.get(i))))
                {
                    indexes.add(i);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return indexes;
    }

    @Test
    void rulesMatchExactlyWhatJacksonReads() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> lines = gpsdDocuments();
            assertTrue(lines.size() > 100, "gpsd reports: " + lines.size());
            final MemorySegment[] documents = EventPolicyTesting.segments(lines, arena);

            assertEquals(expected(lines, n -> true), matches("item.kind == \"json\"", documents));
            assertEquals(expected(lines, n -> "TPV".equals(n.path("class").asText(null)) && n.path("mode").asInt() == 3),
                matches("json.class == \"TPV\" and json.mode == 3", documents));
            // A decimal reads truncated toward zero.
            final List<Integer> fast = expected(lines, n -> n.path("speed").isNumber() && (long)n.path("speed").asDouble() >= 1);
            assertFalse(fast.isEmpty());
            assertEquals(fast, matches("json.speed >= 1", documents));
            assertEquals(expected(lines, n -> n.path("speed").isNumber() && (long)n.path("speed").asDouble() == 0),
                matches("json.speed == 0", documents));
            // Array indexes and nested keys; a key step never indexes an array.
            assertEquals(expected(lines, n -> n.path("satellites").path(0).path("used").asBoolean(false)),
                matches("json.satellites[0].used == 1", documents));
            assertEquals(expected(lines, n -> n.path("satellites").path(2).path("PRN").isNumber() &&
                n.path("satellites").path(2).path("PRN").asLong() > 10), matches("json.satellites[2].PRN > 10", documents));
            assertEquals(List.of(), matches("json.satellites[\"0\"].PRN", documents));
            assertEquals(expected(lines, n -> n.has("device") && !n.get("device").isNull()), matches("json.device", documents));
            assertEquals(expected(lines, n -> n.path("time").isTextual() && n.get("time").asText().startsWith("2005-06-09T14:34:4")),
                matches("json.time in {\"2005-06-09T14:34:44.280Z\", \"2005-06-09T14:34:45.280Z\", \"2005-06-09T14:34:46.280Z\", " +
                    "\"2005-06-09T14:34:47.280Z\", \"2005-06-09T14:34:48.280Z\", \"2005-06-09T14:34:49.280Z\"}", documents));
            // The telemetry view: a TPV's track is the heading, lat/lon read as written.
            final List<Integer> headings = expected(lines, n -> "TPV".equals(n.path("class").asText(null)) && n.path("track").isNumber() &&
                n.get("track").asDouble() >= 0 && n.get("track").asDouble() <= 360 && ((long)n.get("track").asDouble()) % 360 >= 180);
            assertEquals(headings, matches("vehicle.heading >= 180", documents));
            assertEquals(expected(lines, n -> lines.get(0).equals(n.toString()) || n.toString().contains("\"lat\":46.498287177,")),
                matches("vehicle.lat == \"46.498287177\"", documents));
            assertEquals(List.of(), matches("syslog.severity >= 0 or cef.src in 0.0.0.0/0 or can.id >= 0 or json.nothing", documents));
        }
    }

    @Test
    void typedReadsFollowTheFieldReaderContract()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] documents = EventPolicyTesting.segments(List.of(
                "{\"n\":12.9,\"t\":true,\"ip\":\"192.0.2.7\",\"a\":[5,{\"b\":\"x\\u0041\"}],\"z\":null}",
                "{\"n\":-3,\"t\":false,\"ip\":\"2001:db8::1\",\"a\":{\"0\":5},\"z\":\"null\"}",
                "{\"n\":\"42\",\"t\":\"true\",\"ip\":\"not an address\",\"a\":[],\"z\":0}",
                "{\"n\":1e30,\"t\":1,\"ip\":7,\"a\":[1]}",
                "[1,2]",
                "{\"n\":9223372036854775807,\"t\":0.5}"), arena);
            assertEquals(List.of(0), matches("json.n == 12", documents));
            assertEquals(List.of(2), matches("json.n == 42", documents));
            assertEquals(List.of(0, 2, 5), matches("json.n >= 0", documents));
            assertEquals(List.of(5), matches("json.n > 100000000000000000", documents));
            assertEquals(List.of(0, 3), matches("json.t == 1", documents));
            assertEquals(List.of(1, 5), matches("json.t == 0", documents));
            assertEquals(List.of(0, 1, 2, 3, 5), matches("json.t", documents));
            assertEquals(List.of(0, 2), matches("json.t in {\"true\"}", documents));
            assertEquals(List.of(0), matches("json.ip in 192.0.2.0/24", documents));
            assertEquals(List.of(1), matches("json.ip in 2001:db8::/32", documents));
            assertEquals(List.of(0), matches("json.a[1].b == \"xA\"", documents));
            assertEquals(List.of(0, 3), matches("json.a[0]", documents));
            assertEquals(List.of(1), matches("json.a[\"0\"] == 5", documents));
            assertEquals(List.of(0), matches("json.a == \"[5,{\\\"b\\\":\\\"x\\\\u0041\\\"}]\"", documents));
            // null is absent whatever the type; the text "null" is text.
            assertEquals(List.of(1, 2), matches("json.z", documents));
            assertEquals(List.of(1), matches("json.z == \"null\"", documents));
        }
    }

    @Test
    void readingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] documents = EventPolicyTesting.segments(gpsdDocuments(), arena);
            final Policy policy = EventPolicyTesting.rules(
                "json.satellites[5].PRN == 9999 or json.class == \"NONE\"",
                "json.speed > 1000 or json.device == \"/dev/none\"",
                "vehicle.heading == 359 or vehicle.speed > 5000 or vehicle.lat == \"0\"",
                "json.ip in 203.0.113.0/24 or json.tag == \"x\"",
                "vehicle.time == \"x\" or vehicle.vin == \"x\" or item.kind == \"can\"");
            final JsonFieldReader reader = new JsonFieldReader(policy.catalogue());
            final long[] matched = new long[1];
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (final MemorySegment document : documents)
                {
                    if (parser.parse(document, 0, (int)document.byteSize()))
                    {
                        matched[0] += policy.firstMatch(reader.wrap(parser));
                    }
                }
            }, 2_000, 1_000);
            assertTrue(matched[0] != 0);
            assertEquals(0, bytes, "bytes allocated by evaluations over gpsd reports");
        }
    }
}
