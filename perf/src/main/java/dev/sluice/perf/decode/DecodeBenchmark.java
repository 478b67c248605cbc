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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decode throughput per core, reported per packet, on bursts of {@value #BURST} packets whose
 * descriptors were read from a capture once in setup and are copied into one reused burst per
 * invocation, as a receive ring fills it (so the decoder is timed, not the capture format):
 * <ul>
 *   <li>{@code outerOnlyBaseline}: the walking skeleton's outer-header decoder
 *       ({@link OuterOnlyDecoder}) on the mixed capture, the baseline of the same run;</li>
 *   <li>{@code decodeMixed}: {@link PacketDecoder} on the mixed capture
 *       ({@link TunnelledTraffic}: the demo traffic, half of it in GTP-U, VXLAN or GRE);</li>
 *   <li>{@code decodeMixedAndRead}: the same, then the fields a tunnel-aware policy reads, for
 *       every packet, through {@link DecodedPacket} (tunnel type and id, GTP TEID, VXLAN VNI,
 *       inner addresses and ports, DNS name copied into a sink);</li>
 *   <li>{@code outerOnlyBaselineDemo} and {@code decodeDemo}: both decoders on the plain demo
 *       traffic, without tunnels.</li>
 * </ul>
 * Bytes per packet are printed at setup, to turn packets/s into bytes/s. {@link #packets} sets
 * whether the packets' bytes come from memory or from the caches.
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
    /**
     * Packets in each capture: 100,000 (about 60 MB, so every packet's bytes come from memory,
     * as a gateway's do unless the NIC writes into the cache) or 4,096 (about 2.5 MB, whose bytes
     * stay in the caches: the decoder's own cost).
     */
    @Param({"100000", "4096"})
    public int packets;
    private static final long SEED = 11;

    private Path directory;
    private CaptureFileSource mixedSource;
    private CaptureFileSource demoSource;
    private Descriptors mixed;
    private Descriptors demo;
    private final PacketBurst burst = new PacketBurst(BURST, 1);
    private final PacketDecoder decoder = new PacketDecoder();
    private final OuterOnlyDecoder baseline = new OuterOnlyDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final byte[] sink = new byte[256];

    /**
     * Every packet descriptor of a capture, read once: a burst is filled from them as a NIC's
     * receive ring fills one, so the benchmarks time the decoder and not the capture file format.
     */
    private static final class Descriptors
    {
        final MemorySegment[] data;
        final long[] offset;
        final int[] capturedLength;
        final int[] wireLength;
        final long[] timestampNs;
        final int[] linkType;
        final int count;
        final long bytes;
        int next;

        Descriptors(final CaptureFileSource source)
        {
            final List<PacketBurst> copies = new ArrayList<>();
            while (true)
            {
                final PacketBurst copy = new PacketBurst(BURST, 1);
                if (source.poll(copy) < BURST)
                {
                    break;
                }
                copies.add(copy);
            }
            count = copies.size() * BURST;
            data = new MemorySegment[count];
            offset = new long[count];
            capturedLength = new int[count];
            wireLength = new int[count];
            timestampNs = new long[count];
            linkType = new int[count];
            for (int b = 0; b < copies.size(); b++)
            {
                final PacketBurst copy = copies.get(b);
                System.arraycopy(copy.data, 0, data, b * BURST, BURST);
                System.arraycopy(copy.offset, 0, offset, b * BURST, BURST);
                System.arraycopy(copy.capturedLength, 0, capturedLength, b * BURST, BURST);
                System.arraycopy(copy.wireLength, 0, wireLength, b * BURST, BURST);
                System.arraycopy(copy.timestampNs, 0, timestampNs, b * BURST, BURST);
                System.arraycopy(copy.linkType, 0, linkType, b * BURST, BURST);
            }
            long sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += capturedLength[i];
            }
            bytes = sum;
        }

        void fill(final PacketBurst burst)
        {
            final int from = next;
            System.arraycopy(data, from, burst.data, 0, BURST);
            System.arraycopy(offset, from, burst.offset, 0, BURST);
            System.arraycopy(capturedLength, from, burst.capturedLength, 0, BURST);
            System.arraycopy(wireLength, from, burst.wireLength, 0, BURST);
            System.arraycopy(timestampNs, from, burst.timestampNs, 0, BURST);
            System.arraycopy(linkType, from, burst.linkType, 0, BURST);
            burst.count(BURST);
            burst.resetStageState();
            next = from + BURST == count ? 0 : from + BURST;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("sluice-decode-benchmark");
        final Path mixedCapture = directory.resolve("mixed.pcap");
        final TunnelledTraffic.Summary summary = TunnelledTraffic.write(mixedCapture, packets, SEED);
        final Path demoCapture = directory.resolve("demo.pcap");
        DemoTraffic.write(demoCapture, packets, SEED);
        mixedSource = CaptureFileSource.open(mixedCapture);
        demoSource = CaptureFileSource.open(demoCapture);
        mixed = new Descriptors(mixedSource);
        demo = new Descriptors(demoSource);
        System.out.printf("%nmixed capture: %s; decoded: %.1f bytes per packet (mixed), %.1f (demo)%n",
            summary, (double)mixed.bytes / mixed.count, (double)demo.bytes / demo.count);
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
        mixed.fill(burst);
        return burst;
    }

    private PacketBurst nextDemo()
    {
        demo.fill(burst);
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
    public int outerOnlyBaselineDemo()
    {
        final PacketBurst burst = nextDemo();
        baseline.decode(burst);
        return burst.count();
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
