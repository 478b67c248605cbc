package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.capture.CaptureAnonymizer;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Capture anonymization per packet on {@link CaptureWorkload}'s mix (IPv4 TCP/UDP, a quarter of
 * it VLAN-tagged, 15% IPv6; hundreds of thousands of distinct addresses), the capture held in
 * memory:
 * <ul>
 *   <li>{@code anonymize}: {@link CaptureAnonymizer#anonymize(CaptureFileSource, MemorySegment)}
 *       (read the records, decode, rewrite every address with Crypto-PAn, fix checksums,
 *       compact), after restoring the capture's bytes;</li>
 *   <li>{@code decodeBaseline}: the same records read and decoded by the same source and
 *       {@link PacketDecoder}, nothing rewritten: the baseline of the same run, so the difference
 *       is what anonymizing adds to decoding.</li>
 * </ul>
 * Both restore the capture first (a copy of about 89 bytes per packet), so they do the same
 * memory traffic. One operation is one packet.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CaptureAnonymizeBenchmark
{
    static final int PACKETS = 100_000;
    static final long SEED = 42;

    /** The capture in memory and the code under test. */
    @State(Scope.Thread)
    public static class Capture
    {
        Arena arena;
        MemorySegment pristine;
        MemorySegment work;
        CaptureFileSource source;
        CaptureAnonymizer anonymizer;
        final PacketBurst burst = new PacketBurst(CaptureAnonymizer.BURST_CAPACITY, 1);
        final PacketDecoder decoder = new PacketDecoder();

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            final Path file = Files.createTempFile("capture-anonymize", ".pcap");
            try
            {
                CaptureWorkload.generate(file, PACKETS, SEED);
                final byte[] bytes = Files.readAllBytes(file);
                arena = Arena.ofConfined();
                pristine = arena.allocate(bytes.length, 64);
                MemorySegment.copy(bytes, 0, pristine, ValueLayout.JAVA_BYTE, 0, bytes.length);
                work = arena.allocate(bytes.length, 64);
                MemorySegment.copy(pristine, 0, work, 0, bytes.length);
                source = CaptureFileSource.wrap("workload", work);
            }
            finally
            {
                Files.deleteIfExists(file);
            }
            final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
            for (int i = 0; i < key.length; i++)
            {
                key[i] = (byte)(i * 7 + 1);
            }
            anonymizer = new CaptureAnonymizer(new CryptoPan(key, 1 << 18), false);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            source.close();
            arena.close();
        }

        void restore()
        {
            MemorySegment.copy(pristine, 0, work, 0, work.byteSize());
            source.rewind();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long anonymize(final Capture capture)
    {
        capture.restore();
        return capture.anonymizer.anonymize(capture.source, capture.work);
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long decodeBaseline(final Capture capture)
    {
        capture.restore();
        final CaptureFileSource source = capture.source;
        final PacketBurst burst = capture.burst;
        long decoded = 0;
        while (!source.isExhausted())
        {
            final int count = source.poll(burst);
            burst.resetStageState();
            capture.decoder.decode(burst);
            decoded += count;
        }
        return decoded;
    }
}
