package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mempool with a per-lcore cache: a source polled from a thread registered with DPDK (as a
 * gateway worker is) and one polled from an unregistered thread both receive the capture byte for
 * byte, and the pool's free count (ring plus every lcore's cache) returns to where it started.
 */
@Timeout(120)
class DpdkMempoolCacheTest
{
    private static final int MBUFS = 4095;
    private static final int CACHE = 256;

    @TempDir
    Path directory;

    @Test
    void registeredAndUnregisteredThreadsReceiveTheCaptureOverACachedPoolAndEveryMbufComesBack() throws Exception
    {
        DpdkTesting.eal();
        final Path capture = SharedData.pcap("zeek/http_bro.org.pcap");
        final List<byte[]> expected = DpdkSourceTest.captureFilePackets(capture);

        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_pcap_cached,rx_pcap=" + capture, 1, MBUFS,
            DpdkMempool.DEFAULT_DATA_ROOM_BYTES, DpdkPort.DEFAULT_RX_DESCRIPTORS, DpdkSource.DEFAULT_MAX_BURST, CACHE))
        {
            // Run 0 on a worker-like thread that registers through the source's lifecycle hook; run 1 on this
            // (unregistered) thread, which must bypass the cache and still be correct.
            for (int run = 0; run < 2; run++)
            {
                final boolean registered = run == 0;
                final DpdkSource source = (DpdkSource)sources.open(0);
                assertEquals(CACHE, sources.mempool().cacheSize());
                final int freeBefore = sources.mempool().available();
                final AtomicReference<List<byte[]>> received = new AtomicReference<>();
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final AtomicReference<Integer> freeWhileRegistered = new AtomicReference<>();
                final Runnable work = () ->
                {
                    try
                    {
                        source.onWorkerStart();
                        assertEquals(registered, source.workerThreadRegistered());
                        received.set(DpdkSourceTest.drain(source, expected.size()));
                        freeWhileRegistered.set(sources.mempool().available());
                        source.onWorkerStop();
                        assertFalse(source.workerThreadRegistered());
                        source.close();
                    }
                    catch (final Throwable t)
                    {
                        failure.set(t);
                    }
                };
                if (registered)
                {
                    final Thread worker = Thread.ofPlatform().name("dpdk-cache-worker").start(work);
                    worker.join();
                }
                else
                {
                    // Never started as a worker: the hook is not called, as when tests drive doWork() themselves.
                    received.set(DpdkSourceTest.drain(source, expected.size()));
                    freeWhileRegistered.set(sources.mempool().available());
                    source.close();
                }
                assertNull(failure.get());
                // Mbufs parked in the worker's cache count as free: rte_mempool_avail_count adds every lcore's cache.
                assertEquals(freeBefore, freeWhileRegistered.get(), "free mbufs after the run (run " + run + ")");
                assertEquals(freeBefore, sources.mempool().available(), "free mbufs after close (run " + run + ")");
                assertEquals(expected.size(), received.get().size(), "packets received (run " + run + ")");
                for (int i = 0; i < expected.size(); i++)
                {
                    assertArrayEquals(expected.get(i), received.get().get(i), "packet " + i + " (run " + run + ")");
                }
                sources.close();
            }
        }
    }

    @Test
    void aPoolTooSmallForItsCacheIsRefusedBeforeAnythingIsCreated()
    {
        final IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> new DpdkSources(
            DpdkTesting.EAL_ARGS, "net_null0", 1, MBUFS, DpdkMempool.DEFAULT_DATA_ROOM_BYTES, 64, 32, 513));
        assertTrue(tooBig.getMessage().contains("0..512"), tooBig.getMessage());
        final IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> new DpdkSources(
            DpdkTesting.EAL_ARGS, "net_null0", 2, 2048, DpdkMempool.DEFAULT_DATA_ROOM_BYTES, 512, 256, 512));
        assertTrue(tooFew.getMessage().contains("a cache of 512 each: raise mbufs to at least 2560"), tooFew.getMessage());
        assertEquals(2L * (1024 + 256 + 256), DpdkSources.mbufsNeeded(2, 1024, 256, 256));
        assertNull(DpdkMempool.cacheProblem(384, 256));
        assertTrue(DpdkMempool.cacheProblem(383, 256).contains("1.5"), DpdkMempool.cacheProblem(383, 256));
    }

    @Test
    void mempoolCacheConfigurationErrorsAreReportedAtTheirPositions() throws Exception
    {
        DpdkTesting.requireShim();
        final Path outOfRange = writeConfig("range.yaml", """
                mbufs: 8191
                mempool-cache: 600
            """);
        final IllegalArgumentException rangeError =
            assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(outOfRange));
        assertTrue(rangeError.getMessage().contains(outOfRange + ":13:20: error: source.dpdk.mempool-cache"),
            rangeError.getMessage());

        final Path tooFewMbufs = writeConfig("few.yaml", """
                mbufs: 1400
                mempool-cache: 256
            """);
        final IllegalArgumentException fewError =
            assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(tooFewMbufs));
        assertTrue(fewError.getMessage().contains(tooFewMbufs + ":12:12: error: source.dpdk.mbufs: 1400 mbufs cannot " +
            "fill 1 queues of 1024 descriptors plus a burst of 256 and a mempool cache of 256"), fewError.getMessage());
        assertTrue(fewError.getMessage().contains("at least 1536"), fewError.getMessage());

        final Path cacheOverPool = writeConfig("flush.yaml", """
                mbufs: 700
                rx-descriptors: 64
                burst: 32
                mempool-cache: 512
            """);
        final IllegalArgumentException flushError =
            assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(cacheOverPool));
        assertTrue(flushError.getMessage().contains(cacheOverPool + ":15:20: error: source.dpdk.mempool-cache: a mempool " +
            "cache of 512 needs at least 1.5 x as many mbufs (768)"), flushError.getMessage());
        assertTrue(flushError.getMessage().contains("at most 466"), flushError.getMessage());
    }

    /** A configuration whose source.dpdk section ends with {@code dpdkSettings} (indented 4), from line 12. */
    private Path writeConfig(final String name, final String dpdkSettings) throws Exception
    {
        final Path config = directory.resolve(name);
        Files.writeString(config, """
            gateway:
              id: gw-dpdk
              site: lab-1
              region: eu-west
            destinations:
              - region: eu-west
                channel: aeron:ipc
                stream: 1001
            source:
              dpdk:
                device: net_null0
            """ + dpdkSettings);
        return config;
    }
}
