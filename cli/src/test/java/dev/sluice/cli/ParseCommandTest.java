package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice parse}: one JSON object per message, rejections with reason and position, never a crash. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ParseCommandTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void syslogFieldsCarryThePolicyNamesAndABadLineIsRejectedWithItsPosition(@TempDir final Path directory)
        throws IOException
    {
        final Path input = directory.resolve("mixed.log");
        Files.writeString(input, """
            <165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An entry
            <999>1 2003-10-11T22:14:15.003Z host app - - - priority out of range
            """);
        assertEquals(0, run("parse", "--format", "syslog", input.toString()));
        final List<JsonNode> records = records();
        assertEquals(2, records.size());
        final JsonNode accepted = records.get(0);
        final JsonNode rejected = records.get(1);
        assertAll(
            () -> assertEquals(5, accepted.path("syslog.severity").asInt(), accepted.toString()),
            () -> assertEquals(20, accepted.path("syslog.facility").asInt(), accepted.toString()),
            () -> assertEquals("mymachine.example.com", accepted.path("syslog.hostname").asText(), accepted.toString()),
            () -> assertEquals("3", accepted.path("syslog.sd.exampleSDID@32473.iut").asText(), accepted.toString()),
            () -> assertEquals(1, accepted.path("line").asInt()),
            () -> assertEquals(2, rejected.path("line").asInt()),
            () -> assertTrue(rejected.path("rejected").asText().contains("pri"), rejected.toString()),
            () -> assertTrue(rejected.path("column").asInt() >= 1, rejected.toString()),
            () -> assertTrue(err().contains("messages=2 accepted=1 rejected=1"), err()));
    }

    @Test
    void everyRfcExampleParses() throws IOException
    {
        final Path input = shared("syslog/rfc/rfc5424_sec6.5_examples.txt");
        assertEquals(0, run("parse", "--format", "syslog", input.toString()));
        final List<JsonNode> records = records();
        assertTrue(records.size() >= 4, "" + records.size());
        assertTrue(records.stream().noneMatch(record -> record.has("rejected")), records.toString());
    }

    @Test
    void cefExtensionsAreFieldsAndAddressesAreAddresses(@TempDir final Path directory) throws IOException
    {
        final Path input = directory.resolve("cef.log");
        Files.writeString(input, "CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 " +
            "dst=2.1.2.2 spt=1232 suser=alice msg=a value with spaces\n" +
            "not a CEF message\n");
        assertEquals(0, run("parse", "--format", "cef", input.toString()));
        final List<JsonNode> records = records();
        assertAll(
            () -> assertEquals("10.0.0.1", records.get(0).path("cef.src").asText(), records.get(0).toString()),
            () -> assertEquals("alice", records.get(0).path("cef.suser").asText()),
            () -> assertEquals("a value with spaces", records.get(0).path("cef.msg").asText()),
            () -> assertEquals("Security", records.get(0).path("cef.device_vendor").asText()),
            () -> assertEquals("not_cef", records.get(1).path("rejected").asText(), records.get(1).toString()));
    }

    @Test
    void jsonLeavesAreNamedByPathAndMalformedDocumentsSayWhere(@TempDir final Path directory) throws IOException
    {
        final Path input = directory.resolve("events.ndjson");
        Files.writeString(input, """
            {"vehicle":{"speed":87,"vin":"1M8GDM9AXKP042788"},"tags":["a","b"]}
            {"vehicle": {"speed": 87,}}
            """);
        assertEquals(0, run("parse", "--format", "json", input.toString()));
        final List<JsonNode> records = records();
        assertAll(
            () -> assertEquals(87, records.get(0).path("json.vehicle.speed").asInt(), records.get(0).toString()),
            () -> assertEquals("1M8GDM9AXKP042788", records.get(0).path("json.vehicle.vin").asText()),
            () -> assertEquals("1M8GDM9AXKP042788", records.get(0).path("vehicle.vin").asText(), records.get(0).toString()),
            () -> assertEquals(87.0, records.get(0).path("vehicle.speed").asDouble(), records.get(0).toString()),
            () -> assertTrue(records.get(1).has("rejected"), records.get(1).toString()),
            () -> assertEquals(26, records.get(1).path("column").asInt(), records.get(1).toString()));
    }

    @Test
    void candumpFramesDecodeIntoNamedSignalsWithADbc() throws IOException
    {
        final Path log = shared("vehicle/savvycan/candump.log");
        final Path dbc = shared("vehicle/savvycan/ThinkCity.dbc");
        assertEquals(0, run("parse", "--format", "candump", "--dbc", dbc.toString(), log.toString()));
        final List<JsonNode> records = records();
        assertTrue(records.size() > 10_000, "" + records.size());
        assertTrue(records.stream().noneMatch(record -> record.has("rejected")));
        assertTrue(records.stream().anyMatch(record -> fieldNames(record).stream()
            .anyMatch(name -> name.startsWith("can.") && name.chars().filter(c -> c == '.').count() == 2 &&
                !name.startsWith("can.timestamp"))), "some frame decodes into can.<message>.<signal>");
    }

    @Test
    void netflowDatagramsFromFilesBecomeFlowRecords() throws IOException
    {
        final Path datagram = shared("netflow/graylog/netflow-v5-1.dat");
        assertEquals(0, run("parse", "--format", "netflow", datagram.toString()));
        final List<JsonNode> records = records();
        assertEquals(1, records.size());
        assertEquals(5, records.get(0).path("netflow.version").asInt(), records.get(0).toString());
        assertTrue(records.get(0).has("flow.src"), records.get(0).toString());
    }

    @Test
    void usageMistakesAndUnreadableInputsAreReported()
    {
        assertAll(
            () -> assertEquals(2, run("parse", "x.log")),
            () -> assertTrue(err().contains("--format is required"), err()),
            () -> assertEquals(2, run("parse", "--format", "xml", "x.log")),
            () -> assertTrue(err().contains("unknown --format 'xml'"), err()),
            () -> assertEquals(2, run("parse", "--format", "json", "--dbc", "a.dbc", "x.log")),
            () -> assertEquals(1, run("parse", "--format", "json", "/nonexistent/file.log")),
            () -> assertTrue(err().contains("no such file"), err()));
    }

    @Test
    void hostileBytesAreRejectedNeverFatal(@TempDir final Path directory) throws IOException
    {
        final Path input = directory.resolve("garbage.bin");
        final byte[] bytes = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(input, bytes);
        for (final String format : List.of("syslog", "cef", "leef", "json", "netflow", "candump"))
        {
            outBytes.reset();
            assertEquals(0, run("parse", "--format", format, input.toString()), format + ": " + err());
        }
    }

    private List<String> fieldNames(final JsonNode record)
    {
        final List<String> names = new ArrayList<>();
        record.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private int run(final String... args)
    {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8))
        {
            return SluiceCommand.run(List.of(args), out, err);
        }
    }

    private List<JsonNode> records() throws IOException
    {
        final List<JsonNode> records = new ArrayList<>();
        for (final String line : outBytes.toString(StandardCharsets.UTF_8).lines().toList())
        {
            records.add(mapper.readTree(line));
        }
        return records;
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static Path shared(final String relativePath)
    {
        final Path file = Path.of(System.getProperty("sluice.shared.data"), relativePath);
        assertTrue(Files.isRegularFile(file), "shared data missing: " + file);
        return file;
    }
}
