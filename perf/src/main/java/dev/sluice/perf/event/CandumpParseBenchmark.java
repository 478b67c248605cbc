package dev.sluice.perf.event;

import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CandumpParser;
import dev.sluice.dataplane.decode.event.can.DbcFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * candump log parsing and DBC signal decoding per core, one operation = one frame (one log
 * line), on the SavvyCAN capture of the shared data ({@code vehicle/savvycan/candump.log},
 * 12,974 frames of a real bus) held off-heap as the ingest ring would hold it:
 * <ul>
 *   <li>{@code capture}: every line, with ThinkCity.dbc (5% of the frames have a DBC message;
 *   the rest are looked up, counted and passed on without signals);</li>
 *   <li>{@code dbc-frames}: only the 362 lines whose frames decode to signals (5.1 signals each),
 *   the decoder's cost per decoded frame;</li>
 *   <li>{@code no-dbc}: every line, frames parsed without a DBC.</li>
 * </ul>
 * Every accepted frame's id and decoded values are read. Bytes per frame are printed at setup,
 * to turn frames/s into MB/s. The shared data is found through {@code -Dsluice.shared.data}, else
 * {@code ../shared/data} from the working directory or its parent.
 * Run: {@code perf/run-jmh.sh CandumpParseBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CandumpParseBenchmark
{
    static final int FRAMES_PER_INVOCATION = 1024;

    @Param({"capture", "dbc-frames", "no-dbc"})
    public String workload;

    private Arena arena;
    private MemorySegment lines;
    private long[] starts;
    private int[] lengths;
    private int next;
    private CandumpParser parser;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final Path directory = sharedData().resolve("vehicle").resolve("savvycan");
        final CanDatabase database = CanDatabase.compile(DbcFile.load(directory.resolve("ThinkCity.dbc")));
        final byte[] log = Files.readAllBytes(directory.resolve("candump.log"));
        final List<byte[]> selected = new ArrayList<>();
        final CandumpParser probe = new CandumpParser(database);
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment all = scratch.allocate(log.length);
            MemorySegment.copy(log, 0, all, ValueLayout.JAVA_BYTE, 0, log.length);
            int start = 0;
            for (int i = 0; i < log.length; i++)
            {
                if ('\n' != log[i])
                {
                    continue;
                }
                final boolean keep = !"dbc-frames".equals(workload) ||
                    (probe.parse(all, start, i - start) && probe.signalCount() > 0);
                if (keep)
                {
                    selected.add(java.util.Arrays.copyOfRange(log, start, i));
                }
                start = i + 1;
            }
        }
        parser = "no-dbc".equals(workload) ? new CandumpParser() : new CandumpParser(database);

        arena = Arena.ofShared();
        long total = 0;
        for (final byte[] line : selected)
        {
            total += line.length;
        }
        lines = arena.allocate(Math.max(1, total));
        starts = new long[selected.size()];
        lengths = new int[selected.size()];
        long at = 0;
        for (int i = 0; i < selected.size(); i++)
        {
            final byte[] line = selected.get(i);
            MemorySegment.copy(line, 0, lines, ValueLayout.JAVA_BYTE, at, line.length);
            starts[i] = at;
            lengths[i] = line.length;
            at += line.length;
        }
        long signals = 0;
        for (int i = 0; i < starts.length; i++)
        {
            if (parser.parse(lines, starts[i], lengths[i]))
            {
                signals += parser.signalCount();
            }
        }
        System.out.printf("%n%s: %d frames, %.1f bytes per frame (line without LF), %.2f signals per frame%n",
            workload, starts.length, (double)total / starts.length, (double)signals / starts.length);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_INVOCATION)
    public long parseAndDecode()
    {
        final CandumpParser parser = this.parser;
        final long[] starts = this.starts;
        final int[] lengths = this.lengths;
        int i = next;
        long sink = 0;
        for (int n = 0; n < FRAMES_PER_INVOCATION; n++)
        {
            if (parser.parse(lines, starts[i], lengths[i]))
            {
                sink += parser.canId();
                for (int s = 0; s < parser.signalCount(); s++)
                {
                    sink += Double.doubleToRawLongBits(parser.signalValue(s));
                }
            }
            if (++i == starts.length)
            {
                i = 0;
            }
        }
        next = i;
        return sink;
    }

    static Path sharedData()
    {
        final String configured = System.getProperty("sluice.shared.data");
        if (null != configured)
        {
            return Path.of(configured);
        }
        for (final Path candidate : List.of(Path.of("..", "shared", "data"), Path.of("..", "..", "shared", "data")))
        {
            if (Files.isDirectory(candidate.resolve("vehicle")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("shared data not found from " + Path.of("").toAbsolutePath() +
            "; pass -jvmArgsAppend -Dsluice.shared.data=/path/to/shared/data");
    }
}
