package dev.sluice.perf.event;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.event.netflow.FlowRecordJson;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Flow records rendered as the JSON a forwarded flow event carries ({@link FlowRecordJson}), per
 * core, reported per record: the datagrams of {@link NetflowParseBenchmark} (same formats, same
 * random records) are parsed, and every record is selected and rendered into an off-heap buffer,
 * with addresses raw or as Crypto-PAn images ({@code anonymized}). The JSON bytes per record are
 * printed at setup, to turn records/s into MB/s of output.
 * Run: {@code perf/run-jmh.sh FlowRecordJsonBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FlowRecordJsonBenchmark
{
    static final int DATAGRAMS = NetflowParseBenchmark.DATAGRAMS;
    static final int RECORDS = NetflowParseBenchmark.RECORDS;
    private static final long EXPORTER = 0x0A00_0001L;
    private static final long RECEIVED_NS = 1_700_000_000_000_000_000L;

    @Param({"v5", "v9", "ipfix"})
    public String format;

    @Param({"false", "true"})
    public boolean anonymized;

    private Arena arena;
    private final MemorySegment[] datagrams = new MemorySegment[DATAGRAMS];
    private final NetflowParser parser = new NetflowParser();
    private final FlowRecordJson json = new FlowRecordJson();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));
    private CryptoPan anonymizer;

    @Setup
    public void setUp()
    {
        arena = Arena.ofConfined();
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        Arrays.fill(key, (byte)0x5A);
        anonymizer = anonymized ? new CryptoPan(key) : null;
        final SplittableRandom random = new SplittableRandom(7);
        for (int d = 0; d < DATAGRAMS; d++)
        {
            final byte[] datagram = switch (format)
            {
                case "v5" -> NetflowParseBenchmark.v5(random);
                case "v9" -> NetflowParseBenchmark.v9(random, false);
                case "ipfix" -> NetflowParseBenchmark.ipfix(random, false, false);
                default -> throw new IllegalArgumentException("format: " + format);
            };
            datagrams[d] = arena.allocate(datagram.length);
            MemorySegment.copy(datagram, 0, datagrams[d], ValueLayout.JAVA_BYTE, 0, datagram.length);
        }
        final byte[] template = switch (format)
        {
            case "v9" -> NetflowParseBenchmark.v9(random, true);
            case "ipfix" -> NetflowParseBenchmark.ipfix(random, true, false);
            default -> null;
        };
        if (null != template)
        {
            parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS);
            parser.parse(MemorySegment.ofArray(template), 0, template.length);
        }
        final long jsonBytes = renderAll();
        if (jsonBytes <= 0)
        {
            throw new IllegalStateException(format + ": no record rendered");
        }
        System.out.printf("%n%s%s: %.1f JSON bytes per record; example: %s%n", format, anonymized ? " anonymized" : "",
            (double)jsonBytes / (DATAGRAMS * RECORDS), example());
    }

    @TearDown
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(DATAGRAMS * RECORDS)
    public long parseAndRender()
    {
        return renderAll();
    }

    private long renderAll()
    {
        long bytes = 0;
        for (final MemorySegment datagram : datagrams)
        {
            parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS);
            if (parser.parse(datagram, 0, (int)datagram.byteSize()))
            {
                final int records = parser.recordCount();
                for (int i = 0; i < records; i++)
                {
                    if (parser.selectRecord(i))
                    {
                        bytes += json.render(parser, anonymizer, buffer, 0, buffer.capacity());
                    }
                }
            }
        }
        return bytes;
    }

    private String example()
    {
        final MemorySegment datagram = datagrams[0];
        parser.exporter(4, 0, EXPORTER, 2055).receivedAt(RECEIVED_NS);
        parser.parse(datagram, 0, (int)datagram.byteSize());
        parser.selectRecord(0);
        final int length = json.render(parser, anonymizer, buffer, 0, buffer.capacity());
        return buffer.getStringWithoutLengthAscii(0, length);
    }
}
