package dev.sluice.perf.trafgen;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real generator into a pcap vdev and reads the file back with the project's own
 * capture reader. Needs the binary built by perf/native/build.sh: fails when it is missing on
 * a machine with DPDK, or anywhere with -Dsluice.dpdk.required=true; skips otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TrafficGeneratorTest
{
    private static final String DPDK_REQUIRED_PROP_NAME = "sluice.dpdk.required";
    /** Receivers started for the memif test while the generator's port starts (each waits 10 s for its link). */
    private static final int RECEIVER_ATTEMPTS = 3;
    private static final int ETHER_TYPE_OFFSET = 12;
    private static final int IPV4_HEADER_OFFSET = 14;
    private static final int IPV4_HEADER_LENGTH = 20;

    @TempDir
    Path directory;

    @BeforeAll
    static void generatorIsBuilt() throws InterruptedException
    {
        if (TrafficGenerator.locateBinary().isPresent())
        {
            return;
        }
        if (Boolean.getBoolean(DPDK_REQUIRED_PROP_NAME) || dpdkInstalled())
        {
            fail(TrafficGenerator.missingBinaryMessage());
        }
        Assumptions.abort("DPDK is not installed here: " + TrafficGenerator.missingBinaryMessage());
    }

    @Test
    void synthesizedPacketsArriveOnceEachInOrderWithGoodChecksums() throws IOException, InterruptedException
    {
        final int count = 1_000;
        final Path out = directory.resolve("synth.pcap");
        final TrafficGenerator.Result result = TrafficGenerator.builder()
            .txPcap(out)
            .synth(count)
            .frameLength(100)
            .flows(4)
            .vlanEvery(5)
            .ipv6Every(7)
            .build()
            .run();

        assertEquals(count, result.packetsSent(), result.output());
        assertEquals(0, result.txFailed(), result.output());
        final List<byte[]> packets = readAll(out);
        assertEquals(count, packets.size());
        long bytes = 0;
        int vlanTagged = 0;
        for (int i = 0; i < count; i++)
        {
            final byte[] frame = packets.get(i);
            bytes += frame.length;
            assertEquals(i, TrafficGenerator.synthSequence(frame), "packet " + i);
            if (etherType(frame, ETHER_TYPE_OFFSET) == 0x8100)
            {
                vlanTagged++;
            }
            else if (etherType(frame, ETHER_TYPE_OFFSET) == 0x0800)
            {
                assertEquals(100, frame.length, "packet " + i);
                assertEquals(0, onesComplementSum(frame, IPV4_HEADER_OFFSET, IPV4_HEADER_LENGTH) ^ 0xffff,
                    "IPv4 header checksum of packet " + i);
            }
        }
        assertEquals(count / 5, vlanTagged);
        assertEquals(result.bytesSent(), bytes);
    }

    @Test
    void replayWritesTheCapturesPacketsByteForByte() throws IOException, InterruptedException
    {
        final Path original = directory.resolve("original.pcap");
        TrafficGenerator.builder().txPcap(original).synth(300).frameLength(200).flows(3).ipv6Every(4).build().run();
        final Path replayed = directory.resolve("replayed.pcap");

        final TrafficGenerator.Result result = TrafficGenerator.builder()
            .txPcap(replayed)
            .replay(original, 2)
            .ratePps(100_000)
            .build()
            .run();

        final List<byte[]> in = readAll(original);
        final List<byte[]> out = readAll(replayed);
        assertEquals(2L * in.size(), result.packetsSent(), result.output());
        assertEquals(2 * in.size(), out.size());
        for (int i = 0; i < out.size(); i++)
        {
            assertArrayEquals(in.get(i % in.size()), out.get(i), "packet " + i);
        }
    }

    @Test
    void memifCarriesEveryPacketOnceToAnotherProcess() throws IOException, InterruptedException
    {
        final int count = 20_000;
        final Path socket = directory.resolve("memif.sock");
        final Path receiverBinary = TrafficGenerator.locateBinary().orElseThrow().resolveSibling("sluice-rxbench");
        final Path receiverOutput = directory.resolve("rxbench.out");
        final List<String> receiverCommand = new ArrayList<>();
        receiverCommand.add(receiverBinary.toString());
        receiverCommand.addAll(TrafficGenerator.DEFAULT_EAL_ARGS);
        receiverCommand.addAll(List.of("--vdev", "net_memif0,role=client,socket=" + socket,
            "--", "--count", Integer.toString(count), "--check-sequence", "--idle-exit-ms", "5000"));

        final TrafficGenerator generator = TrafficGenerator.builder()
            .memif(socket, true)
            .synth(count)
            .flows(8)
            .vlanEvery(3)
            .ipv6Every(5)
            .lingerMs(1_000)
            .linkWaitMs(60_000)
            .build();
        Process receiver = null;
        final TrafficGenerator.Result result;
        try (TrafficGenerator.Running running = generator.start())
        {
            assertTrue(running.awaitListening(socket, Duration.ofSeconds(30)), "the generator never listened on " + socket);
            try
            {
                // A memif client connects once, when its port starts, and the server refuses it until its own port
                // has started too (just after it starts listening): start the receiver again while that happens.
                for (int attempt = 1; ; attempt++)
                {
                    receiver = new ProcessBuilder(receiverCommand).redirectErrorStream(true)
                        .redirectOutput(receiverOutput.toFile()).start();
                    assertTrue(receiver.waitFor(60, TimeUnit.SECONDS), "receiver did not finish");
                    if (receiver.exitValue() == 0 || attempt == RECEIVER_ATTEMPTS ||
                        !Files.readString(receiverOutput).contains("still down") || !running.isAlive())
                    {
                        break;
                    }
                }
                result = running.await();
            }
            finally
            {
                if (receiver != null)
                {
                    receiver.destroyForcibly();
                }
            }
        }
        final String received = Files.readString(receiverOutput);
        assertEquals(count, result.packetsSent(), result.output());
        assertEquals(0, receiver.exitValue(), received);
        assertTrue(received.contains("with_sequence=" + count + " duplicates=0 missing=0"), received);
        final Matcher pool = Pattern.compile("pool_free_start=(\\d+) pool_free_end=(\\d+)").matcher(received);
        assertTrue(pool.find(), received);
        assertEquals(pool.group(1), pool.group(2), "every mbuf back in the receiver's pool: " + received);
    }

    @Test
    void aFailingGeneratorReportsItsOutput()
    {
        final TrafficGenerator generator = TrafficGenerator.builder()
            .txPcap(directory.resolve("never.pcap"))
            .replay(directory.resolve("no-such-capture.pcap"), 1)
            .build();

        final IllegalStateException failure = assertThrows(IllegalStateException.class, generator::run);
        assertTrue(failure.getMessage().contains("cannot read capture"), failure.getMessage());
    }

    @Test
    void builderRejectsAnIncompleteSetup()
    {
        final IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
            () -> TrafficGenerator.builder().frameLength(10).build());
        assertTrue(failure.getMessage().contains("no target"), failure.getMessage());
        assertTrue(failure.getMessage().contains("synth"), failure.getMessage());
        assertTrue(failure.getMessage().contains("frameLength"), failure.getMessage());
    }

    private static List<byte[]> readAll(final Path file) throws IOException
    {
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(64, 1);
            final List<byte[]> packets = new ArrayList<>();
            while (!source.isExhausted())
            {
                final int n = source.poll(burst);
                for (int i = 0; i < n; i++)
                {
                    packets.add(burst.data[i].asSlice(burst.offset[i], burst.capturedLength[i])
                        .toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertNull(source.problem());
            return packets;
        }
    }

    private static int etherType(final byte[] frame, final int offset)
    {
        return ((frame[offset] & 0xff) << 8) | (frame[offset + 1] & 0xff);
    }

    private static int onesComplementSum(final byte[] bytes, final int offset, final int length)
    {
        int sum = 0;
        for (int i = offset; i < offset + length; i += 2)
        {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    private static boolean dpdkInstalled() throws InterruptedException
    {
        try
        {
            return new ProcessBuilder("pkg-config", "--exists", "libdpdk").start().waitFor() == 0;
        }
        catch (final IOException noPkgConfig)
        {
            return false;
        }
    }
}
