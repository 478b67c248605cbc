package dev.sluice.dataplane.decode.event.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gpsd's expected outputs ({@code vehicle/gpsd/*.log.chk}: NMEA sentences interleaved with the
 * JSON TPV and SKY reports gpsd produced from them) and its raw captures: every line that
 * starts with {@code {} in a {@code .chk} file is a JSON report and must parse; TPV reports map
 * to telemetry with the values gpsd wrote; other lines (NMEA) are skipped and counted. In the
 * raw u-blox capture, a {@code {} starting a "line" (2 of them) is a byte of binary UBX, which must be
 * rejected with a reason, never crash. Counts are printed.
 */
class GpsdJsonTest
{
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private final JsonParser parser = new JsonParser();
    private final TelemetryView telemetry = new TelemetryView();
    private final EventText text = new EventText(64);
    private final JsonPath classPath = JsonPath.compile("class");
    private final JsonPath latPath = JsonPath.compile("lat");
    private final JsonPath satellitePrn = JsonPath.compile("satellites.0.PRN");

    @Test
    void everyGpsdReportParsesAndTpvMapsToTelemetry() throws IOException
    {
        final Map<String, Integer> counts = new TreeMap<>();
        int tpvWithFix = 0;
        int satellites = 0;
        try (Arena arena = Arena.ofConfined())
        {
            for (final Path file : gpsdFiles(".chk"))
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1))
                {
                    if (!line.startsWith("{"))
                    {
                        counts.merge("skipped_not_json", 1, Integer::sum);
                        continue;
                    }
                    final byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
                    assertTrue(parser.parse(JsonTesting.exact(arena, bytes), 0, bytes.length),
                        () -> file.getFileName() + ": " + parser.rejectReason() + " at " + parser.rejectOffset() + ": " + line);
                    final String reportClass = parser.text(parser.find(classPath), text).toString();
                    counts.merge("parsed_" + reportClass, 1, Integer::sum);
                    assertTrue(telemetry.wrap(parser), () -> telemetry.firstInvalidReason() + ": " + line);
                    if ("SKY".equals(reportClass) && parser.find(satellitePrn) >= 0)
                    {
                        satellites++;
                        assertEquals(JsonParser.INTEGER, parser.kind(parser.find(satellitePrn)));
                    }
                    if (!"TPV".equals(reportClass))
                    {
                        continue;
                    }
                    // The expected values, read independently by Jackson.
                    final JsonNode expected = JACKSON.readTree(line);
                    if (parser.find(latPath) >= 0)
                    {
                        tpvWithFix++;
                        assertEquals(expected.get("lat").doubleValue(), telemetry.lat(), line);
                        assertEquals(expected.get("lon").doubleValue(), telemetry.lon(), line);
                    }
                    else
                    {
                        assertFalse(telemetry.has(TelemetryView.LAT));
                    }
                    assertEquals(expected.has("speed"), telemetry.has(TelemetryView.SPEED), line);
                    if (expected.has("speed"))
                    {
                        assertEquals(expected.get("speed").doubleValue(), telemetry.speed(), line);
                    }
                    assertEquals(expected.has("track"), telemetry.has(TelemetryView.HEADING), line);
                    if (expected.has("track"))
                    {
                        assertEquals(expected.get("track").doubleValue(), telemetry.heading(), line);
                    }
                    assertEquals(expected.has("time"), telemetry.has(TelemetryView.TIME), line);
                    if (expected.has("time"))
                    {
                        assertEquals(Instant.parse(expected.get("time").textValue()).toEpochMilli(), telemetry.timeMillis(), line);
                    }
                }
            }
        }
        System.out.println("gpsd JSON: " + counts + ", TPV with a fix " + tpvWithFix + ", SKY with satellites " + satellites);
        // Counted with grep: 65 TPV (29 with a fix; the others are mode 1, no fix yet) and 122 SKY reports.
        assertEquals(65, counts.get("parsed_TPV"), "TPV reports in the .chk files");
        assertEquals(122, counts.get("parsed_SKY"), "SKY reports in the .chk files");
        assertEquals(29, tpvWithFix, "TPV reports with lat/lon");
    }

    @Test
    void binaryCaptureLinesAreRejectedWithAReason() throws IOException
    {
        final Map<String, Integer> reasons = new TreeMap<>();
        int lines = 0;
        try (Arena arena = Arena.ofConfined())
        {
            for (final Path file : gpsdFiles(".log"))
            {
                final byte[] all = Files.readAllBytes(file);
                final MemorySegment segment = JsonTesting.exact(arena, all);
                int start = 0;
                for (int i = 0; i <= all.length; i++)
                {
                    if (i == all.length || all[i] == '\n')
                    {
                        lines++;
                        if (i > start && all[start] == '{')
                        {
                            if (parser.parse(segment, start, i - start))
                            {
                                reasons.merge("accepted", 1, Integer::sum);
                            }
                            else
                            {
                                reasons.merge(parser.rejectReason(), 1, Integer::sum);
                            }
                        }
                        start = i + 1;
                    }
                }
            }
        }
        System.out.println("gpsd raw captures: " + lines + " lines, those starting with '{' (binary UBX): " + reasons);
        assertFalse(reasons.containsKey("accepted"), "binary UBX is not JSON: " + reasons);
        assertEquals(2, reasons.values().stream().mapToInt(Integer::intValue).sum(), "LF-separated lines of the u-blox capture that start with '{'");
    }

    static List<Path> gpsdFiles(final String suffix) throws IOException
    {
        final Path directory = SharedData.root().resolve("vehicle/gpsd");
        final List<Path> files = new ArrayList<>();
        try (var stream = Files.list(directory))
        {
            stream.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().forEach(files::add);
        }
        assertFalse(files.isEmpty(), "no " + suffix + " files in " + directory);
        return files;
    }
}
