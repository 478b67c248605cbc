package dev.sluice.perf.decode;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.decode.DecodedPacket;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decode throughput per core, reported per packet, on bursts of {@value #BURST} packets read
 * from a capture once in setup (so only the decoder is timed, not the file source):
 * <ul>
 *   <li>{@code outerOnlyBaseline}: the walking skeleton's outer-header decoder
 *       ({@link OuterOnlyDecoder}) on the mixed capture, the baseline of the same run;</li>
 *   <li>{@code decodeMixed}: {@link PacketDecoder} on the mixed capture
 *       ({@link TunnelledTraffic}: the demo traffic, half of it in GTP-U, VXLAN or GRE);</li>
 *   <li>{@code decodeMixedAndRead}: the same, then the fields a tunnel-aware policy reads, for
 *       every packet, through {@link DecodedPacket} (tunnel type and id, GTP TEID, VXLAN VNI,
 *       inner addresses and ports, DNS name copied into a sink);</li>
 *   <li>{@code decodeDemo}: {@link PacketDecoder} on the plain demo traffic.</li>
 * </ul>
 * Bytes per packet are printed at setup, to turn packets/s into bytes/s.
 * Run: {@code perf/run-jmh.sh DecodeBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class DecodeBenchmark
{
    static final int BURST = 256;
    private static final int PACKETS = 100_000;
    private static final long SEED = 11;

    private Path directory;
    private CaptureFileSource mixedSource;
    private CaptureFileSource demoSource;
    private PacketBurst[] mixed;
    private PacketBurst[] demo;
    private int nextMixed;
    private int nextDemo;
    private final PacketDecoder decoder = new PacketDecoder();
    private final OuterOnlyDecoder baseline = new OuterOnlyDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final byte[] sink = new byte[256];

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("sluice-decode-benchmark");
        final Path mixedCapture = directory.resolve("mixed.pcap");
        final TunnelledTraffic.Summary summary = TunnelledTraffic.write(mixedCapture, PACKETS, SEED);
        final Path demoCapture = directory.resolve("demo.pcap");
        DemoTraffic.write(demoCapture, PACKETS, SEED);
        mixedSource = CaptureFileSource.open(mixedCapture);
        demoSource = CaptureFileSource.open(demoCapture);
        mixed = load(mixedSource);
        demo = load(demoSource);
        System.out.printf("%nmixed capture: %s, %.1f bytes per packet; demo capture: %.1f bytes per packet%n",
            summary, summary.averageBytes(), (double)Files.size(demoCapture) / PACKETS);
    }

    /** Every full burst of the capture, polled once: the benchmarks decode them over and over. */
    private static PacketBurst[] load(final CaptureFileSource source)
    {
        final List<PacketBurst> bursts = new ArrayList<>();
        while (true)
        {
            final PacketBurst burst = new PacketBurst(BURST, 1);
            if (source.poll(burst) < BURST)
            {
                return bursts.toArray(new PacketBurst[0]);
            }
            bursts.add(burst);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        mixedSource.close();
        demoSource.close();
        try (var files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    private PacketBurst nextMixed()
    {
        final PacketBurst burst = mixed[nextMixed];
        nextMixed = nextMixed + 1 == mixed.length ? 0 : nextMixed + 1;
        burst.resetStageState();
        return burst;
    }

    private PacketBurst nextDemo()
    {
        final PacketBurst burst = demo[nextDemo];
        nextDemo = nextDemo + 1 == demo.length ? 0 : nextDemo + 1;
        burst.resetStageState();
        return burst;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int outerOnlyBaseline()
    {
        final PacketBurst burst = nextMixed();
        baseline.decode(burst);
        return burst.count();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int decodeMixed()
    {
        final PacketBurst burst = nextMixed();
        decoder.decode(burst);
        return burst.count();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long decodeMixedAndRead()
    {
        final PacketBurst burst = nextMixed();
        decoder.decode(burst);
        long sum = 0;
        for (int i = 0; i < burst.count(); i++)
        {
            final DecodedPacket p = packet.wrap(burst, i);
            sum += p.tunnelType() + p.tunnelId();
            if (p.hasGtp())
            {
                sum += p.gtpTeid();
            }
            if (p.hasVxlan())
            {
                sum += p.vxlanVni();
            }
            if (p.hasInnerIp())
            {
                sum += p.innerSrcAddressLow() + p.innerDstAddressLow() + p.innerIpProtocol();
                sum += p.hasInnerTcp() ? p.innerTcpDstPort() : p.hasInnerUdp() ? p.innerUdpDstPort() : 0;
            }
            if (p.hasDnsQuery())
            {
                sum += p.dnsQueryName(sink, 0);
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int decodeDemo()
    {
        final PacketBurst burst = nextDemo();
        decoder.decode(burst);
        return burst.count();
    }
}
