package dev.sluice.perf.pipeline;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.policy.PolicyParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's per-packet work on the demo's traffic, one full burst of
 * {@value #BURST} packets per invocation, reported per packet:
 * <ul>
 *   <li>{@code decodeOnly} (the baseline of the same run): source poll and decode;</li>
 *   <li>{@code classify}: + the demo policy's rules;</li>
 *   <li>{@code pipeline}: + the reduce stage (the demo policy aggregates web traffic into flows),
 *       Crypto-PAn of every forwarded address and residency for two destinations, i.e.
 *       everything the worker does before encoding batches.</li>
 * </ul>
 * Egress (SBE encoding into Aeron) is measured by the demo's end-to-end rate instead.
 * Run: {@code perf/run-jmh.sh PipelineBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PipelineBenchmark
{
    static final int BURST = 256;
    private static final int PACKETS = 100_000;

    private Path directory;
    private CaptureFileSource source;
    private PacketBurst burst;
    private final PacketDecoder decoder = new PacketDecoder();
    private final ClassifyStage classify = new ClassifyStage();
    private ReduceStage reduce;
    private AnonymizeStage anonymize;
    private ResidencyStage residency;
    private PolicySnapshot policy;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("sluice-pipeline-benchmark");
        final Path capture = directory.resolve("demo.pcap");
        DemoTraffic.write(capture, PACKETS, 1);
        source = CaptureFileSource.open(capture);

        final String document;
        try (InputStream in = DemoTraffic.class.getResourceAsStream("demo-policy.yaml"))
        {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final List<String> destinations = List.of("eu-west", "us-east");
        final PolicyInstaller.Result installed = new PolicyInstaller("eu-west", destinations, true)
            .build(1, PolicyParser.parse("demo-policy.yaml", document).policy().orElseThrow());
        policy = installed.snapshot();

        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        new SplittableRandom(7).nextBytes(key);
        anonymize = new AnonymizeStage(new CryptoPan(key));

        final int counters = 128;
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(counters * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(counters * CountersReader.COUNTER_LENGTH)));
        final CounterFactory factory = (typeId, label) -> manager.newCounter(label, typeId);
        final DestinationCounters[] destinationCounters = {
            new DestinationCounters(factory, "eu-west"), new DestinationCounters(factory, "us-east")};
        residency = new ResidencyStage(destinationCounters, BURST);
        reduce = new ReduceStage(new FlowCounters(factory, "rx-0"), destinationCounters, new CryptoPan(key), BURST);
        burst = new PacketBurst(BURST, destinations.size());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        source.close();
        try (var files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    /** A full burst: a partial one at the end of the capture is skipped by starting over. */
    private void nextBurst()
    {
        if (source.poll(burst) < BURST)
        {
            source.rewind();
            source.poll(burst);
        }
        burst.resetStageState();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int decodeOnly()
    {
        nextBurst();
        decoder.decode(burst);
        return burst.count();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int classify()
    {
        nextBurst();
        decoder.decode(burst);
        classify.apply(burst, policy.rules());
        return burst.count();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int pipeline()
    {
        nextBurst();
        decoder.decode(burst);
        classify.apply(burst, policy.rules());
        reduce.apply(burst, policy);
        anonymize.apply(burst, policy.precomputeTransforms());
        residency.apply(burst, policy.residency());
        reduce.clearRecords();
        return burst.count();
    }
}
