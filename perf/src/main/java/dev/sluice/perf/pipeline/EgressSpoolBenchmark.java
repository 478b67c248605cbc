package dev.sluice.perf.pipeline;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.egress.StreamSpool;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemEpochNanoClock;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The egress of one burst of {@value #BURST} packet summaries to one destination, per packet: SBE
 * encoding into an Aeron IPC publication drained on the same thread ({@code mode=direct}, the
 * baseline, as before issue 8), against the same through the stream's spool ({@code mode=spooled}:
 * encode into the spool's scratch buffer, append (one copy into the mapped segment plus a CRC32C),
 * send from the spool's cursor, acknowledge as a core would so segments are trimmed; fsync policy
 * NEVER, so the figure is the spool's CPU cost, not the device's). Decoding happens in the setup of
 * each invocation's burst only once: the burst is decoded once and sent again every invocation.
 * Run: {@code perf/run-jmh.sh EgressSpoolBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class EgressSpoolBenchmark
{
    static final int BURST = 256;
    private static final int SEGMENT_LENGTH = 256 * 1024 * 1024;

    @Param({"direct", "spooled"})
    public String mode;

    private Path directory;
    private MediaDriver driver;
    private Aeron aeron;
    private Subscription subscription;
    private CaptureFileSource source;
    private PacketBurst burst;
    private BatchEgress egress;
    private DestinationStream stream;
    private StreamSpool spool;
    private final FragmentHandler drain = (buffer, offset, length, header) -> { };

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("sluice-egress-benchmark");
        final Path capture = directory.resolve("demo.pcap");
        DemoTraffic.write(capture, 10_000, 1);
        source = CaptureFileSource.open(capture);
        burst = new PacketBurst(BURST, 1);
        if (source.poll(burst) < BURST)
        {
            throw new IllegalStateException("the capture holds fewer than " + BURST + " packets");
        }
        new PacketDecoder().decode(burst);
        Arrays.fill(burst.verdict, 0, BURST, Verdict.PASS);
        Arrays.fill(burst.delivery[0], 0, BURST, Delivery.RAW);

        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        subscription = aeron.addSubscription("aeron:ipc", 1001);
        final ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 1001);
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.COUNTER_LENGTH)));
        final CounterFactory factory = (typeId, label) -> manager.newCounter(label, typeId);
        stream = new DestinationStream(0, "eu-west", publication,
            StreamSequence.open(directory.resolve("eu-west.seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
            new DestinationCounters(factory, "eu-west"));
        if ("spooled".equals(mode))
        {
            spool = new StreamSpool(
                Spool.open(new SpoolConfig()
                    .directory(directory.resolve("spool"))
                    .segmentLength(SEGMENT_LENGTH)
                    .maxBytes(4L * SEGMENT_LENGTH)
                    .fsyncPolicy(FsyncPolicy.NEVER)),
                null, "gw-bench-1", "eu-west", 0, publication.maxPayloadLength(), TimeUnit.SECONDS.toNanos(5));
            stream.spool(spool);
        }
        egress = new BatchEgress(List.of(stream), "gw-bench-1", "site-1", "eu-west", 0, TimeUnit.SECONDS.toNanos(5),
            new SystemEpochNanoClock());
        while (!publication.isConnected())
        {
            Thread.onSpinWait();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.closeAll(stream, subscription, source, aeron, driver);
        IoUtil.delete(directory.toFile(), true);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long egress()
    {
        egress.beginBurst();
        while (!egress.send(burst, 1, 0))
        {
            egress.doWork(System.nanoTime());
            subscription.poll(drain, 256);
        }
        egress.doWork(System.nanoTime());
        subscription.poll(drain, 256);
        if (spool != null)
        {
            spool.onAck(spool.sentSequence());
        }
        return stream.publication().position();
    }
}
