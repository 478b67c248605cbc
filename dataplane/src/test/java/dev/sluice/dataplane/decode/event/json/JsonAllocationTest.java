package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parsing and reading JSON allocates nothing per document: after a warm-up, passes over the
 * gpsd reports, nested and escaped documents and rejected ones (parse, lookups by compiled
 * path, integers, decimals, text with escapes into a reused {@link EventText}, the telemetry
 * view) leave the thread's allocated-bytes counter where it was.
 */
class JsonAllocationTest
{
    private static final int WARM_UP_DOCUMENTS = 400_000;
    private static final int MEASURED_DOCUMENTS = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static final String[] EXTRA = {
        "{\"vehicle\":{\"vin\":\"WVWZZZ1JZXW000001\",\"driver_id\":\"dr\\u00efver-7\",\"speed\":13.9},\"position\":{\"lat\":48.1,\"lon\":11.5}," +
            "\"time\":\"2026-11-27T05:00:00.5+01:00\",\"fixes\":[{\"lat\":1e-3,\"lon\":-2.5E2},{\"lat\":12345678901234567890}]," +
            "\"tags\":[\"a\\n\",\"\\ud83d\\ude97\",true,false,null],\"deep\":[[[[[[[[1]]]]]]]]}",
        "[1,2,3,{\"a\":{\"b\":{\"c\":[\"x\",\"y\",{\"d\":-0.5}]}}}]",
        "{\"lat\":91,\"vin\":\"bad\",\"time\":\"never\"}",
        "{\"a\":1,}", "[\"\\x\"]", "[01]", "{\"a\" 1}", "[\"\\ud800\"]", "", "[1] 2", "[" + "[".repeat(80),
    };

    private static long checksum;


    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void parseAndReadAllocateNothing() throws IOException
    {
        final List<byte[]> documents = new ArrayList<>();
        for (final Path file : GpsdJsonTest.gpsdFiles(".chk"))
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1))
            {
                if (line.startsWith("{"))
                {
                    documents.add(line.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        for (final String extra : EXTRA)
        {
            documents.add(extra.getBytes(StandardCharsets.UTF_8));
        }

        try (Arena arena = Arena.ofConfined())
        {
            // All documents back to back in one native segment, as records in a ring.
            final int[] offsets = new int[documents.size()];
            final int[] lengths = new int[documents.size()];
            final MemorySegment ring = arena.allocate(documents.stream().mapToInt(d -> d.length).sum() + 1);
            int offset = 0;
            for (int i = 0; i < documents.size(); i++)
            {
                final byte[] document = documents.get(i);
                MemorySegment.copy(document, 0, ring, ValueLayout.JAVA_BYTE, offset, document.length);
                offsets[i] = offset;
                lengths[i] = document.length;
                offset += document.length;
            }
            final Reader reader = new Reader();

            new AllocationProbe("parse + lookups + telemetry", WARM_UP_DOCUMENTS, MEASURED_DOCUMENTS, MEASURED_WINDOWS).assertNoAllocation(() -> reader.pass(ring, offsets, lengths));
            assertTrue(reader.accepted > 0 && reader.rejected > 0, "both outcomes exercised");
        }
    }

    /** One parser, view, paths and sink, as a worker holds them. */
    private static final class Reader
    {
        final JsonParser parser = new JsonParser();
        final TelemetryView telemetry = new TelemetryView();
        final EventText text = new EventText(256);
        final JsonPath[] paths = {
            JsonPath.compile("class"), JsonPath.compile("lat"), JsonPath.compile("satellites.3.ss"), JsonPath.compile("time"),
            JsonPath.compile("vehicle.driver_id"), JsonPath.compile("fixes.1.lat"), JsonPath.compile("tags.1"),
            JsonPath.compile("0"), JsonPath.compile("3.a.b.c.2.d"), JsonPath.compile("missing.path")};
        long accepted;
        long rejected;

        int pass(final MemorySegment ring, final int[] offsets, final int[] lengths)
        {
            long sum = 0;
            for (int i = 0; i < offsets.length; i++)
            {
                if (!parser.parse(ring, offsets[i], lengths[i]))
                {
                    rejected++;
                    sum += parser.rejectOffset() + parser.rejectReason().length();
                    continue;
                }
                accepted++;
                for (final JsonPath path : paths)
                {
                    final int token = parser.find(path);
                    if (token < 0)
                    {
                        continue;
                    }
                    switch (parser.kind(token))
                    {
                        case JsonParser.INTEGER -> sum += parser.integer(token);
                        case JsonParser.DECIMAL -> sum += (long)parser.decimal(token);
                        case JsonParser.STRING -> sum += parser.text(token, text).length();
                        default -> sum += parser.next(token);
                    }
                }
                if (!telemetry.wrap(parser))
                {
                    sum += telemetry.firstInvalidReason().length();
                }
                sum += (long)(telemetry.lat() + telemetry.lon() + telemetry.speed() + telemetry.heading()) +
                    telemetry.timeMillis() + telemetry.vin(text).length() + telemetry.driverId(text).length();
            }
            checksum += sum;
            return offsets.length;
        }
    }
}
