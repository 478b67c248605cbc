package dev.sluice.perf.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.json.JsonPath;
import dev.sluice.dataplane.decode.event.json.TelemetryView;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JSON parse throughput per core, one operation = one document, over {@value #DOCUMENTS}
 * generated documents laid back to back in native memory (as records in an ingest ring) and
 * cycled in order; JMH benchmark threads only.
 * <ul>
 *   <li>{@code parse}: {@link JsonParser#parse}: validation and the index, no field read;</li>
 *   <li>{@code parseAndRead}: the same, then what a fleet policy reads: four lookups by
 *       compiled path (a decimal, an integer, a string copied into a reused {@link EventText})
 *       and the {@link TelemetryView} mapping with its validation;</li>
 *   <li>{@code jacksonStreaming}: the baseline of the same run: Jackson's streaming parser
 *       (jackson-core, strict defaults) walking every token of the same bytes from a heap
 *       array, values not materialized (the cheapest way to validate with Jackson).</li>
 * </ul>
 * Workloads ({@link #documents}):
 * <ul>
 *   <li>{@code telemetry}: small vehicle messages, ~210 bytes: position, speed, heading, VIN,
 *       driver id, RFC 3339 time, a nested object, one escaped string;</li>
 *   <li>{@code nested}: ~4 KB documents, four levels of objects and arrays (a batch of 20
 *       readings with tags and sensor arrays), many numbers and strings.</li>
 * </ul>
 * Mean bytes per document are printed at setup, to turn events/s into MB/s.
 * Run: {@code perf/run-jmh.sh JsonParseBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class JsonParseBenchmark
{
    static final int DOCUMENTS = 4096;
    private static final long SEED = 0x15_0CEA_2026L;

    @Param({"telemetry", "nested"})
    public String documents;

    private Arena arena;
    private MemorySegment ring;
    private final int[] offsets = new int[DOCUMENTS];
    private final int[] lengths = new int[DOCUMENTS];
    private byte[] heap;
    private int next;

    private final JsonParser parser = new JsonParser();
    private final TelemetryView telemetry = new TelemetryView();
    private final EventText text = new EventText(64);
    private final JsonPath speed = JsonPath.compile("speed");
    private final JsonPath sequence = JsonPath.compile("seq");
    private final JsonPath driver = JsonPath.compile("vehicle.driver_id");
    private final JsonPath reading = JsonPath.compile("readings.7.sensors.2");
    private final JsonFactory jackson = new JsonFactory();

    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final byte[][] generated = new byte[DOCUMENTS][];
        long total = 0;
        for (int i = 0; i < DOCUMENTS; i++)
        {
            final String document = "telemetry".equals(documents) ? telemetry(random, i) : nested(random, i);
            generated[i] = document.getBytes(StandardCharsets.UTF_8);
            total += generated[i].length;
        }
        arena = Arena.ofConfined();
        ring = arena.allocate(total);
        heap = new byte[(int)total];
        int offset = 0;
        for (int i = 0; i < DOCUMENTS; i++)
        {
            MemorySegment.copy(generated[i], 0, ring, ValueLayout.JAVA_BYTE, offset, generated[i].length);
            System.arraycopy(generated[i], 0, heap, offset, generated[i].length);
            offsets[i] = offset;
            lengths[i] = generated[i].length;
            offset += generated[i].length;
            if (!parser.parse(ring, offsets[i], lengths[i]))
            {
                throw new IllegalStateException("generated document rejected: " + parser.rejectReason() + " at " +
                    parser.rejectOffset() + ": " + new String(generated[i], StandardCharsets.UTF_8));
            }
        }
        System.out.printf(Locale.ROOT, "%n  %s: %d documents, %.1f bytes per document, %d tokens in the first%n",
            documents, DOCUMENTS, (double)total / DOCUMENTS, tokens(0));
    }

    private int tokens(final int document)
    {
        parser.parse(ring, offsets[document], lengths[document]);
        return parser.tokenCount();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    public int parse()
    {
        final int i = next++ & (DOCUMENTS - 1);
        return parser.parse(ring, offsets[i], lengths[i]) ? parser.tokenCount() : -1;
    }

    @Benchmark
    public long parseAndRead()
    {
        final int i = next++ & (DOCUMENTS - 1);
        if (!parser.parse(ring, offsets[i], lengths[i]))
        {
            return -1;
        }
        long sum = 0;
        int token = parser.find(speed);
        if (token >= 0)
        {
            sum += (long)parser.decimal(token);
        }
        token = parser.find(sequence);
        if (token >= 0)
        {
            sum += parser.integer(token);
        }
        token = parser.find(driver);
        if (token >= 0)
        {
            sum += parser.text(token, text).length();
        }
        token = parser.find(reading);
        if (token >= 0)
        {
            sum += (long)parser.decimal(token);
        }
        telemetry.wrap(parser);
        return sum + (long)(telemetry.lat() + telemetry.lon()) + telemetry.timeMillis();
    }

    @Benchmark
    public int jacksonStreaming() throws IOException
    {
        final int i = next++ & (DOCUMENTS - 1);
        int tokens = 0;
        try (com.fasterxml.jackson.core.JsonParser streaming = jackson.createParser(heap, offsets[i], lengths[i]))
        {
            JsonToken token;
            while (null != (token = streaming.nextToken()))
            {
                tokens += token.id();
            }
        }
        return tokens;
    }

    static String telemetry(final SplittableRandom random, final int sequence)
    {
        return String.format(Locale.ROOT,
            "{\"seq\":%d,\"vehicle\":{\"vin\":\"WVWZZZ1JZXW%06d\",\"driver_id\":\"drv-%04d\"},\"lat\":%.7f,\"lon\":%.7f," +
                "\"speed\":%.2f,\"heading\":%.1f,\"time\":\"2026-11-27T05:%02d:%02d.%03dZ\",\"ignition\":true,\"note\":\"ok\\n\"}",
            sequence, random.nextInt(1_000_000), random.nextInt(10_000), random.nextDouble(-90, 90), random.nextDouble(-180, 180),
            random.nextDouble(0, 40), random.nextDouble(0, 360), random.nextInt(60), random.nextInt(60), random.nextInt(1000));
    }

    static String nested(final SplittableRandom random, final int sequence)
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("{\"seq\":").append(sequence).append(",\"site\":{\"id\":\"depot-").append(random.nextInt(100))
            .append("\",\"region\":\"eu-central\",\"tags\":[\"fleet\",\"cold-chain\"]},\"readings\":[");
        for (int r = 0; r < 20; r++)
        {
            if (r > 0)
            {
                out.append(',');
            }
            out.append(String.format(Locale.ROOT, "{\"t\":%d,\"pos\":{\"lat\":%.6f,\"lon\":%.6f,\"alt\":%.1f},\"speed\":%.2f,",
                1_700_000_000_000L + r * 1000L, random.nextDouble(-90, 90), random.nextDouble(-180, 180),
                random.nextDouble(0, 2000), random.nextDouble(0, 40)));
            out.append("\"sensors\":[");
            for (int s = 0; s < 8; s++)
            {
                out.append(s > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", random.nextDouble(-50, 150)));
            }
            out.append("],\"door\":").append(random.nextBoolean()).append(",\"label\":\"reading \\\"").append(r)
                .append("\\\"\",\"fault\":null}");
        }
        return out.append("]}").toString();
    }
}
