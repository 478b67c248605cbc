package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AfPacketSourceTest
{
    private static final long DRAIN_DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    private static VethNamespace veth;
    private static AfPacketSender sender;

    @BeforeAll
    static void createVeth() throws Exception
    {
        veth = VethNamespace.create();
        sender = veth.openSender();
    }

    @AfterAll
    static void deleteVeth() throws Exception
    {
        if (sender != null)
        {
            sender.close();
        }
        if (veth != null)
        {
            veth.close();
        }
    }

    /**
     * The kernel retires a block after 1 ms even when it holds one packet, so however slowly a
     * loaded machine runs the test, N packets never take more than N blocks. Each test injects at
     * most {@link #MAX_IN_FLIGHT} packets before draining them all, fewer than the ring's blocks:
     * the ring cannot overflow, and every count is exact.
     */
    private static AfPacketSettings smallRing()
    {
        return new AfPacketSettings()
            .interfaceName(veth.receiveInterface())
            .blockSizeBytes(16 * 1024)
            .blockCount(MAX_IN_FLIGHT + 32)
            .retireTimeoutMs(1);
    }

    private static final int MAX_IN_FLIGHT = 128;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void framesOfACaptureArriveByteForByteWithVlanTagsIntact(@TempDir final Path dir) throws Exception
    {
        final Path capture = dir.resolve("inject.pcap");
        final List<byte[]> frames = new ArrayList<>();
        frames.add(TestFrames.udp(1, 1));
        frames.add(TestFrames.ethernet(new int[] {0x8100, 100}, 0x0800, Arrays.copyOfRange(TestFrames.udp(2, 2), 14, 50)));
        frames.add(TestFrames.ethernet(new int[] {0x8100, 0xE005}, 0x86DD, new byte[60]));  // priority 7, VLAN 5
        frames.add(TestFrames.ethernet(new int[] {0x88A8, 300, 0x8100, 42}, 0x0800,
            Arrays.copyOfRange(TestFrames.udp(3, 3), 14, 50)));                               // QinQ
        frames.add(TestFrames.ethernet(new int[] {0x8100, 0}, 0x0806, new byte[28]));        // priority tag, ARP
        frames.add(TestFrames.ethernet(new int[0], 0x0806, new byte[28]));
        final byte[] large = TestFrames.ethernet(new int[] {0x8100, 7}, 0x0800, new byte[1500]);
        for (int i = 14; i < large.length; i++)
        {
            large[i] = (byte)i;
        }
        frames.add(large);
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            long timestampNs = 1_700_000_000_000_000_000L;
            for (final byte[] frame : frames)
            {
                writer.write(timestampNs += 1000, frame);
            }
        }

        final List<byte[]> received = new ArrayList<>();
        final long beforeNs = System.currentTimeMillis() * 1_000_000L;
        try (AfPacketSource source = AfPacketSource.open(smallRing());
            CaptureFileSource replay = CaptureFileSource.open(capture))
        {
            final PacketBurst sent = new PacketBurst(64, 1);
            final int count = replay.poll(sent);
            assertEquals(frames.size(), count);
            for (int i = 0; i < count; i++)
            {
                assertTrue(sender.send(sent.data[i], sent.offset[i], sent.capturedLength[i]));
            }
            final PacketBurst burst = new PacketBurst(64, 1);
            final long deadline = System.nanoTime() + DRAIN_DEADLINE_NS;
            while (received.size() < count && System.nanoTime() < deadline)
            {
                final int n = source.poll(burst);
                for (int i = 0; i < n; i++)
                {
                    if (TestFrames.isOurs(burst, i))
                    {
                        final byte[] bytes = new byte[burst.capturedLength[i]];
                        MemorySegment.copy(burst.data[i], ValueLayout.JAVA_BYTE, burst.offset[i], bytes, 0, bytes.length);
                        assertEquals(bytes.length, burst.wireLength[i], "wire length of frame " + received.size());
                        assertEquals(LinkType.ETHERNET, burst.linkType[i]);
                        assertTrue(burst.timestampNs[i] >= beforeNs - TimeUnit.SECONDS.toNanos(5),
                            "timestamp " + burst.timestampNs[i] + " is the receive time");
                        received.add(bytes);
                    }
                }
                source.release(burst);
            }
            assertEquals(5, source.vlanTagsRestored(), "outer tags the kernel stripped and the source restored");
        }
        assertEquals(frames.size(), received.size(), "frames received");
        for (int i = 0; i < frames.size(); i++)
        {
            assertArrayEquals(frames.get(i), received.get(i), "frame " + i + " byte for byte");
        }
    }

    /** Real captures with 802.1Q, QinQ and 802.1ad tags, read in place from the shared data set. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zeek/http-vlan-0.pcap", "zeek/http-qinq-0.pcap", "arkime/dot1ad.pcap", "zeek/icmp_dot1q.pcap",
        "zeek/mpls-in-vlan.pcap", "arkime/curl-enabled-tls13.pcap"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sharedCapturesArriveByteForByte(final String capture) throws Exception
    {
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> received = new ArrayList<>();
        try (AfPacketSource source = AfPacketSource.open(smallRing());
            CaptureFileSource replay = CaptureFileSource.open(SharedData.pcap(capture)))
        {
            final PacketBurst frames = new PacketBurst(MAX_IN_FLIGHT, 1);
            final PacketBurst burst = new PacketBurst(64, 1);
            int n;
            while ((n = replay.poll(frames)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    final byte[] bytes = new byte[frames.capturedLength[i]];
                    MemorySegment.copy(frames.data[i], ValueLayout.JAVA_BYTE, frames.offset[i], bytes, 0, bytes.length);
                    sent.add(bytes);
                    assertTrue(sender.send(frames.data[i], frames.offset[i], frames.capturedLength[i]));
                }
                final long deadline = System.nanoTime() + DRAIN_DEADLINE_NS;
                while (received.size() < sent.size() && System.nanoTime() < deadline)
                {
                    final int got = source.poll(burst);
                    for (int i = 0; i < got; i++)
                    {
                        final byte[] bytes = new byte[burst.capturedLength[i]];
                        MemorySegment.copy(burst.data[i], ValueLayout.JAVA_BYTE, burst.offset[i], bytes, 0, bytes.length);
                        received.add(bytes);
                    }
                    source.release(burst);
                }
            }
        }
        assertEquals(sent.size(), received.size(), "frames received from " + capture);
        for (int i = 0; i < sent.size(); i++)
        {
            assertArrayEquals(sent.get(i), received.get(i), capture + " frame " + i + " byte for byte");
        }
    }

    @ParameterizedTest(name = "{0} workers, fanout {1}")
    @CsvSource({"2, HASH", "3, HASH", "3, LB"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void fanoutDeliversEveryPacketToExactlyOneWorker(final int workers, final AfPacketSettings.FanoutMode mode)
        throws Exception
    {
        final int packets = 20_000;
        final AfPacketSources factory = new AfPacketSources(smallRing().workers(workers).fanoutMode(mode));
        final List<AfPacketSource> sources = new ArrayList<>();
        try
        {
            for (int w = 0; w < workers; w++)
            {
                sources.add(factory.openSource(w));
            }
            final BitSet seen = new BitSet(packets);
            final long[] perWorker = new long[workers];
            final PacketBurst burst = new PacketBurst(256, 1);
            final MemorySegment frame = Arena.ofAuto().allocate(TestFrames.UDP_FRAME_LENGTH);
            long receivedTotal = 0;
            int next = 0;
            while (next < packets)
            {
                final int chunkEnd = Math.min(packets, next + MAX_IN_FLIGHT);
                for (; next < chunkEnd; next++)
                {
                    MemorySegment.copy(TestFrames.udp(next, next % 251), 0, frame, ValueLayout.JAVA_BYTE, 0,
                        TestFrames.UDP_FRAME_LENGTH);
                    while (!sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH))
                    {
                        Thread.onSpinWait();
                    }
                }
                final long deadline = System.nanoTime() + DRAIN_DEADLINE_NS;
                while (receivedTotal < next)
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("received " + receivedTotal + " of " + next + " packets; per worker " + Arrays.toString(perWorker) +
                            "; kernel drops " + drops(sources));
                    }
                    for (int w = 0; w < workers; w++)
                    {
                        final AfPacketSource source = sources.get(w);
                        final int n = source.poll(burst);
                        for (int i = 0; i < n; i++)
                        {
                            if (TestFrames.isOurs(burst, i))
                            {
                                final int sequence = (int)TestFrames.sequence(burst, i);
                                if (seen.get(sequence))
                                {
                                    fail("packet " + sequence + " received twice (second time by worker " + w + ")");
                                }
                                seen.set(sequence);
                                perWorker[w]++;
                                receivedTotal++;
                            }
                        }
                        source.release(burst);
                    }
                }
            }
            assertEquals(packets, seen.cardinality());
            for (int w = 0; w < workers; w++)
            {
                assertTrue(perWorker[w] > 0, "worker " + w + " received nothing: " + Arrays.toString(perWorker));
            }
            assertEquals(0, drops(sources));
        }
        finally
        {
            sources.forEach(PacketSource::close);
            factory.close();
        }
    }

    /**
     * A sender with a TX ring far smaller than the run: frames of varied lengths go out in ring
     * order through one send() per flush, wrap the ring many times, and arrive once each, in order
     * and byte for byte in length.
     */
    @Test
    void aTxRingSenderDeliversEveryFrameInOrder() throws Exception
    {
        final int packets = 5_000;
        final int chunk = MAX_IN_FLIGHT - 28;
        final int padding = 64;
        try (AfPacketSender ringSender = AfPacketSender.openWithTxRing(
                veth.namespace(), veth.injectInterface(), 48, TestFrames.UDP_FRAME_LENGTH + padding);
            AfPacketSource source = AfPacketSource.open(smallRing()))
        {
            assertTrue(ringSender.txRingFrames() >= 48, "slots " + ringSender.txRingFrames());
            final PacketBurst burst = new PacketBurst(64, 1);
            final MemorySegment frame = Arena.ofAuto().allocate(TestFrames.UDP_FRAME_LENGTH + padding);
            long received = 0;
            int next = 0;
            while (next < packets)
            {
                final int chunkEnd = Math.min(packets, next + chunk);
                for (; next < chunkEnd; next++)
                {
                    final byte[] bytes = TestFrames.paddedUdp(next, next % 32, TestFrames.DEFAULT_PORT, next % padding);
                    MemorySegment.copy(bytes, 0, frame, ValueLayout.JAVA_BYTE, 0, bytes.length);
                    while (!ringSender.send(frame, 0, bytes.length))
                    {
                        Thread.onSpinWait();
                    }
                }
                while (!ringSender.flush())
                {
                    Thread.onSpinWait();
                }
                final long deadline = System.nanoTime() + DRAIN_DEADLINE_NS;
                while (received < next)
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("stalled at " + received + " of " + next + " frames");
                    }
                    final int n = source.poll(burst);
                    for (int i = 0; i < n; i++)
                    {
                        if (TestFrames.isOurs(burst, i))
                        {
                            assertEquals(received, TestFrames.sequence(burst, i), "frames in order");
                            assertEquals(TestFrames.UDP_FRAME_LENGTH + received % padding, burst.wireLength[i]);
                            received++;
                        }
                    }
                    source.release(burst);
                }
            }
            assertTrue(source.refreshKernelStatistics());
            assertEquals(0, source.kernelDrops());
        }
        assertThrows(IllegalArgumentException.class,
            () -> AfPacketSender.openWithTxRing(veth.namespace(), veth.injectInterface(), 0, 100));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void blocksGoBackToTheKernelSoARunLargerThanTheRingNeverStalls() throws Exception
    {
        final AfPacketSettings settings = new AfPacketSettings()
            .interfaceName(veth.receiveInterface())
            .blockSizeBytes(4096)
            .blockCount(32)
            .frameSizeBytes(256)
            .retireTimeoutMs(1);
        final int packets = 10_000;
        final int chunk = 24; // fewer than the blocks (see smallRing()); the ring itself holds about 750 of them
        try (AfPacketSource source = AfPacketSource.open(settings))
        {
            final PacketBurst burst = new PacketBurst(16, 1);
            final MemorySegment frame = Arena.ofAuto().allocate(TestFrames.UDP_FRAME_LENGTH);
            long received = 0;
            int next = 0;
            while (next < packets)
            {
                final int chunkEnd = Math.min(packets, next + chunk);
                for (; next < chunkEnd; next++)
                {
                    MemorySegment.copy(TestFrames.udp(next, next), 0, frame, ValueLayout.JAVA_BYTE, 0, TestFrames.UDP_FRAME_LENGTH);
                    while (!sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH))
                    {
                        Thread.onSpinWait();
                    }
                }
                final long deadline = System.nanoTime() + DRAIN_DEADLINE_NS;
                while (received < next)
                {
                    if (System.nanoTime() > deadline)
                    {
                        source.refreshKernelStatistics();
                        fail("stalled at " + received + " of " + next + " packets; blocks returned " + source.blocksReturned() +
                            ", held " + source.heldBlocks() + ", kernel drops " + source.kernelDrops());
                    }
                    final int n = source.poll(burst);
                    for (int i = 0; i < n; i++)
                    {
                        if (TestFrames.isOurs(burst, i))
                        {
                            assertEquals(received, TestFrames.sequence(burst, i), "packets in order");
                            received++;
                        }
                    }
                    source.release(burst);
                }
            }
            assertTrue(source.refreshKernelStatistics());
            assertEquals(0, source.kernelDrops());
            assertTrue(source.kernelPackets() >= packets, "kernel packets " + source.kernelPackets());
            assertTrue(source.blocksReturned() > 10L * settings.blockCount(),
                "blocks returned " + source.blocksReturned() + " for a ring of " + settings.blockCount());
            assertTrue(source.heldBlocks() <= 1, "held blocks " + source.heldBlocks());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pollAndReleaseAllocateNothingPerPacket() throws Exception
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final int warmup = 200_000;
        final int window = 50_000;
        final int windows = 3;
        final int measured = window * windows;
        final AtomicLong consumed = new AtomicLong();
        final AtomicReference<Throwable> injectorFailure = new AtomicReference<>();
        try (AfPacketSource source = AfPacketSource.open(smallRing()))
        {
            final Thread injector = new Thread(() ->
            {
                try
                {
                    final MemorySegment frame = Arena.ofAuto().allocate(TestFrames.UDP_FRAME_LENGTH);
                    MemorySegment.copy(TestFrames.udp(0, 1), 0, frame, ValueLayout.JAVA_BYTE, 0, TestFrames.UDP_FRAME_LENGTH);
                    for (int sent = 0; sent < warmup + measured; )
                    {
                        if (sent - consumed.get() < MAX_IN_FLIGHT && sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH))
                        {
                            sent++;
                        }
                        else
                        {
                            Thread.onSpinWait();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    injectorFailure.set(ex);
                }
            }, "af-packet-test-injector");
            injector.start();
            final PacketBurst burst = new PacketBurst(64, 1);
            final long threadId = Thread.currentThread().threadId();
            // A per-packet allocation shows in every window; a one-off (C2 deoptimizing a method whose objects it had
            // scalar-replaced, on a loaded machine) in one. Steady state = at least one clean window.
            final long[] allocated = new long[windows];
            int currentWindow = -1;
            long windowStartBytes = 0;
            long received = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (received < warmup + measured && System.nanoTime() < deadline && injectorFailure.get() == null)
            {
                final int windowNow = received < warmup ? -1 : (int)((received - warmup) / window);
                if (windowNow != currentWindow)
                {
                    final long bytes = threads.getThreadAllocatedBytes(threadId);
                    if (currentWindow >= 0)
                    {
                        allocated[currentWindow] = bytes - windowStartBytes;
                    }
                    currentWindow = windowNow;
                    windowStartBytes = bytes;
                }
                final int n = source.poll(burst);
                received += n;
                source.release(burst);
                consumed.lazySet(received);
            }
            if (currentWindow >= 0 && currentWindow < windows)
            {
                allocated[currentWindow] = threads.getThreadAllocatedBytes(threadId) - windowStartBytes;
            }
            injector.join(TimeUnit.SECONDS.toMillis(10));
            if (injectorFailure.get() != null)
            {
                throw new AssertionError("injector failed", injectorFailure.get());
            }
            assertEquals(warmup + measured, received, "packets received");
            assertEquals(0, Arrays.stream(allocated).min().orElseThrow(),
                "bytes allocated by poll/release in windows of about " + window + " packets: " + Arrays.toString(allocated));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void awaitPacketsSleepsUntilABlockIsReadyAndADescriptorUsedAfterCloseFails() throws Exception
    {
        final PacketBurst burst = new PacketBurst(8, 1);
        final AfPacketSource source = AfPacketSource.open(smallRing());
        final MemorySegment frame = Arena.ofAuto().allocate(TestFrames.UDP_FRAME_LENGTH);
        MemorySegment.copy(TestFrames.udp(7, 7), 0, frame, ValueLayout.JAVA_BYTE, 0, TestFrames.UDP_FRAME_LENGTH);
        assertTrue(sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH));
        assertTrue(source.awaitPackets(10_000), "poll(2) wakes when the kernel hands over the block");
        assertEquals(1, source.poll(burst));
        source.release(burst);
        assertEquals(false, source.awaitPackets(0), "nothing more arrived");
        assertTrue(sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH));
        assertTrue(source.awaitPackets(10_000));
        assertEquals(1, source.poll(burst));
        source.close();
        assertThrows(IllegalStateException.class, () -> burst.data[0].get(ValueLayout.JAVA_BYTE, burst.offset[0]));
        assertEquals(false, source.refreshKernelStatistics());
        source.close();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void unknownInterfaceIsNamed()
    {
        final IOException error = assertThrows(IOException.class,
            () -> AfPacketSource.open(new AfPacketSettings().interfaceName("nosuch0")));
        assertTrue(error.getMessage().contains("no network interface named 'nosuch0'"), error.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void ringTooLargeNamesTheSettings()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new AfPacketSources(smallRing().blockSizeBytes(1 << 30).blockCount(8)));
        assertTrue(error.getMessage().contains("lower block-count or block-size"), error.getMessage());
    }

    /**
     * Capabilities are per thread on Linux: a thread that drops CAP_NET_RAW from its effective set
     * sees exactly what an unprivileged gateway would, while the rest of the test JVM stays root.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void withoutCapNetRawTheErrorSaysWhatIsNeeded() throws Exception
    {
        final AtomicReference<Throwable> outcome = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                dropEffectiveCapability(CAP_NET_RAW);
                AfPacketSource.open(smallRing()).close();
                outcome.set(new AssertionError("open succeeded without CAP_NET_RAW"));
            }
            catch (final Throwable ex)
            {
                outcome.set(ex);
            }
        }, "af-packet-test-unprivileged");
        thread.start();
        thread.join();
        final Throwable error = outcome.get();
        assertTrue(error instanceof IOException, String.valueOf(error));
        assertTrue(error.getMessage().contains("needs root or the CAP_NET_RAW capability"), error.getMessage());
        assertTrue(error.getMessage().contains("Operation not permitted"), error.getMessage());
    }

    private static final int CAP_NET_RAW = 13;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    private static void dropEffectiveCapability(final int capability) throws Throwable
    {
        final Linker linker = Linker.nativeLinker();
        final FunctionDescriptor descriptor = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        final MethodHandle capget = linker.downcallHandle(linker.defaultLookup().find("capget").orElseThrow(), descriptor);
        final MethodHandle capset = linker.downcallHandle(linker.defaultLookup().find("capset").orElseThrow(), descriptor);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment header = arena.allocate(8, 4);
            header.set(ValueLayout.JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
            header.set(ValueLayout.JAVA_INT, 4, 0);
            final MemorySegment data = arena.allocate(24, 4);  // two of {effective, permitted, inheritable}
            assertEquals(0, (int)capget.invokeExact(header, data));
            data.set(ValueLayout.JAVA_INT, 0, data.get(ValueLayout.JAVA_INT, 0) & ~(1 << capability));
            assertEquals(0, (int)capset.invokeExact(header, data));
        }
    }

    private static long drops(final List<AfPacketSource> sources)
    {
        long drops = 0;
        for (final AfPacketSource source : sources)
        {
            source.refreshKernelStatistics();
            drops += source.kernelDrops();
        }
        return drops;
    }
}
