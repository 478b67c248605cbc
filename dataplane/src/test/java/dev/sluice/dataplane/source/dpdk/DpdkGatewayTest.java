package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A gateway read from a configuration file whose source is a DPDK net_pcap vdev: every packet of
 * the capture is received once and accounted for (forwarded, filtered, sampled out or dropped by
 * reason), and the mempool has every mbuf back.
 */
@Timeout(120)
class DpdkGatewayTest
{
    private static final String REGION = "eu-west";

    @TempDir
    Path directory;

    @Test
    void gatewayOverANetPcapVdevAccountsForEveryPacket() throws Exception
    {
        DpdkTesting.eal();
        final Path capture = SharedData.pcap("zeek/http_bro.org.pcap");
        final int expected = DpdkSourceTest.captureFilePackets(capture).size();
        final Path config = writeConfig("net_pcap_gateway,rx_pcap=" + capture, 1, "");

        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Subscription core = aeron.addSubscription("aeron:ipc", 1001))
        {
            final GatewayContext context = GatewayConfig.load(config).context().aeron(aeron);
            final DpdkSources sources = assertInstanceOf(DpdkSources.class, context.packetSources());
            assertEquals("dpdk:net_pcap_gateway (1 queue)", sources.describe());
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                final long deadline = System.nanoTime() + 60_000_000_000L;
                SourceCounters.Snapshot source = gateway.sourceSnapshot();
                while (source.received() < expected || source.inFlight() != 0)
                {
                    core.poll((buffer, offset, length, header) -> { }, 64);
                    if (System.nanoTime() > deadline)
                    {
                        fail("packets not accounted for: " + source);
                    }
                    Thread.sleep(1);
                    source = gateway.sourceSnapshot();
                }
                System.out.println("gateway over DPDK: " + source + "; mempool in use " + sources.mempool().inUse());
                assertEquals(expected, source.received());
                assertEquals(source.received(),
                    source.forwarded() + source.aggregated() + source.filtered() + source.sampledOut() + source.dropped());
                assertTrue(source.forwarded() > 0, source.toString());
                assertEquals(0, gateway.errorCount());
                awaitMempoolFull(sources);
            }
        }
    }

    @Test
    void severalQueuesFeedOneWorkerEachAndEveryPacketIsCountedOnceAndLeavesInItsWorkersStream() throws Exception
    {
        DpdkTesting.eal();
        // A net_pcap vdev with several rx_pcap= arguments has one rx queue per file: one worker per queue.
        final List<Path> captures = List.of(
            SharedData.pcap("zeek/http_bro.org.pcap"),
            SharedData.pcap("zeek/tunnels_gtp_gtp2_different_udp_port.pcap"),
            SharedData.pcap("zeek/dnp3_dnp3.pcap"));
        final StringBuilder device = new StringBuilder("net_pcap_workers");
        final long[] expected = new long[captures.size()];
        for (int i = 0; i < captures.size(); i++)
        {
            expected[i] = DpdkSourceTest.captureFilePackets(captures.get(i)).size();
            device.append(",rx_pcap=").append(captures.get(i));
        }
        final Path config = writeConfig(device.toString(), captures.size(), "");
        final long total = Arrays.stream(expected).sum();

        try (MediaDriver driver = launchDriver();
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Subscription core = aeron.addSubscription("aeron:ipc", 1001))
        {
            final GatewayContext context = GatewayConfig.load(config).context().aeron(aeron);
            final DpdkSources sources = assertInstanceOf(DpdkSources.class, context.packetSources());
            final DataBatches egress = new DataBatches();
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                assertEquals(captures.size(), gateway.workerCount());
                final SourceCounters.Snapshot sum = awaitAccounted(gateway, core, egress, total);
                // Once every mbuf is back, every worker has sent its last burst and counted it.
                awaitMempoolFull(sources);
                egress.awaitRecords(core, sum.forwarded());
                final List<Gateway.WorkerSnapshot> workers = gateway.workerSnapshots();
                long forwarded = 0;
                for (int i = 0; i < captures.size(); i++)
                {
                    final SourceCounters.Snapshot source = workers.get(i).source();
                    System.out.println("rx-" + i + ": " + source);
                    assertEquals(expected[i], source.received(), "rx-" + i + " received its queue's capture once");
                    assertEquals(source.received(), source.forwarded() + source.aggregated() + source.filtered() +
                        source.sampledOut() + source.dropped(), "rx-" + i + " accounting");
                    forwarded += workers.get(i).destinations().getFirst().sentRecords();
                }
                assertEquals(total, sum.received());
                assertEquals(sum.received(), sum.forwarded() + sum.aggregated() + sum.filtered() + sum.sampledOut() +
                    sum.dropped());
                assertEquals(sum.forwarded(), forwarded);
                assertEquals(0, gateway.errorCount());
                awaitMempoolFull(sources);

                // One stream per worker, in order: sequences 1..n for each worker index.
                final Map<Integer, List<Long>> sequences = new HashMap<>();
                long packets = 0;
                for (final DataBatches.Batch batch : egress.batches())
                {
                    sequences.computeIfAbsent(batch.workerIndex(), (w) -> new ArrayList<>()).add(batch.streamSequence());
                    packets += batch.packets().size();
                }
                assertEquals(sum.forwarded(), packets, "every forwarded packet left exactly once");
                for (int i = 0; i < captures.size(); i++)
                {
                    final long batches = workers.get(i).destinations().getFirst().sentBatches();
                    assertEquals(LongStream.rangeClosed(1, batches).boxed().toList(),
                        sequences.getOrDefault(i, List.of()), "rx-" + i + " stream in order");
                }
                System.out.println("gateway over " + captures.size() + " DPDK queues: " + sum + "; batches per worker " +
                    sequences.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
            }
        }
    }

    @Test
    void framesLongerThanAnMbufAreReceivedAndDroppedAsMultiSegmentSoTheAccountingBalances() throws Exception
    {
        DpdkTesting.eal();
        final Path capture = SharedData.pcap("zeek/http_bro.org.pcap");
        final List<byte[]> packets = DpdkSourceTest.captureFilePackets(capture);
        // 1,024 bytes of packet room after DPDK's 128-byte headroom: longer frames span two mbufs.
        final int dataRoom = 1024 + 128;
        final long longFrames = packets.stream().filter(p -> p.length > dataRoom - 128).count();
        assertTrue(longFrames > 100, "frames over 1,024 bytes: " + longFrames);
        final Path config = writeConfig("net_pcap_segments,rx_pcap=" + capture, 1, "    mbuf-data-room: " + dataRoom);

        try (MediaDriver driver = launchDriver();
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Subscription core = aeron.addSubscription("aeron:ipc", 1001))
        {
            final GatewayContext context = GatewayConfig.load(config).context().aeron(aeron);
            final DpdkSources sources = assertInstanceOf(DpdkSources.class, context.packetSources());
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                final SourceCounters.Snapshot source = awaitAccounted(gateway, core, new DataBatches(), packets.size());
                System.out.println("multi-segment: " + source + "; frames over 1,024 bytes " + longFrames);
                assertEquals(packets.size(), source.received());
                assertEquals(longFrames, source.droppedByReason().getOrDefault(DropReason.MULTI_SEGMENT, 0L));
                assertEquals(source.received(),
                    source.forwarded() + source.aggregated() + source.filtered() + source.sampledOut() + source.dropped());
                awaitMempoolFull(sources);
                assertEquals(0, gateway.errorCount());
            }
        }
    }

    private MediaDriver launchDriver()
    {
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    /**
     * The worker frees a burst's mbufs after counting its outcomes and sending it, so the counters
     * balance a moment before the last burst is back in the pool: wait (bounded) for it, then check.
     */
    private static void awaitMempoolFull(final DpdkSources sources) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (sources.mempool().available() != sources.mempool().size() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(sources.mempool().size(), sources.mempool().available(), "every mbuf back in the pool");
    }

    /** Polls the core's subscription until {@code expected} packets are received and none is in flight. */
    private static SourceCounters.Snapshot awaitAccounted(
        final Gateway gateway, final Subscription core, final DataBatches egress, final long expected) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        SourceCounters.Snapshot source = gateway.sourceSnapshot();
        while (source.received() < expected || source.inFlight() != 0)
        {
            core.poll(egress, 64);
            if (System.nanoTime() > deadline)
            {
                fail("packets not accounted for: " + source);
            }
            Thread.sleep(1);
            source = gateway.sourceSnapshot();
        }
        return source;
    }

    @Test
    void relativeCaptureFilesInTheDeviceAreReadFromTheConfigurationsDirectory() throws Exception
    {
        DpdkTesting.requireShim();
        final Path config = writeConfig("net_pcap_relative,rx_pcap=captures/site.pcap,rx_pcap=" + directory.resolve("b.pcap") +
            ",tx_pcap=../out.pcap,iface=lo", 2, "");
        final DpdkSources sources = assertInstanceOf(DpdkSources.class, GatewayConfig.load(config).context().packetSources());
        assertEquals("net_pcap_relative,rx_pcap=" + directory.resolve("captures/site.pcap") + ",rx_pcap=" +
            directory.resolve("b.pcap") + ",tx_pcap=" + directory.getParent().resolve("out.pcap") + ",iface=lo",
            sources.device());
    }

    @Test
    void dpdkConfigurationErrorsAreAllReportedWithTheirPositions() throws Exception
    {
        DpdkTesting.requireShim();
        final Path tooFewMbufs = directory.resolve("few.yaml");
        Files.writeString(tooFewMbufs, baseConfig() + """
            source:
              dpdk:
                device: net_null0
                queues: 2
                mbufs: 1000
                colour: blue
            """);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(tooFewMbufs));
        assertTrue(error.getMessage().contains(tooFewMbufs + ":13:12: error: source.dpdk.mbufs: 1000 mbufs cannot fill 2 queues"),
            error.getMessage());
        assertTrue(error.getMessage().contains(tooFewMbufs + ":14:5: error: unknown key 'colour'"), error.getMessage());
        assertTrue(error.getMessage().contains("colour"), error.getMessage());

        final Path both = directory.resolve("both.yaml");
        Files.writeString(both, baseConfig() + """
            source:
              pcap: site.pcap
              dpdk:
                device: net_null0
            """);
        final IllegalArgumentException bothError = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(both));
        assertTrue(bothError.getMessage().contains("source needs exactly one of pcap, dpdk"), bothError.getMessage());
    }

    private String baseConfig()
    {
        return """
            gateway:
              id: gw-dpdk
              site: lab-1
              region: eu-west
            destinations:
              - region: eu-west
                channel: aeron:ipc
                stream: 1001
            """;
    }

    private Path writeConfig(final String device, final int queues, final String extraDpdkLines) throws Exception
    {
        Files.createDirectories(directory.resolve("keys"));
        CryptoPan.writeKeyFile(directory.resolve("keys/cryptopan.key"), new byte[CryptoPan.KEY_LENGTH_BYTES]);
        Files.writeString(directory.resolve("policy.yaml"), TestPolicies.resource("edge-demo-policy.yaml"));
        final String ealArgs = DpdkTesting.EAL_ARGS.stream().map(arg -> "\"" + arg + "\"").collect(Collectors.joining(", "));
        final Path config = directory.resolve("gateway.yaml");
        Files.writeString(config, baseConfig() + """
            source:
              dpdk:
                eal-args: [%s]
                device: "%s"
                queues: %d
                mbufs: 8191
            %s
            policy-file: policy.yaml
            state-dir: state
            anonymization:
              key-file: keys/cryptopan.key
            """.formatted(ealArgs, device, queues, extraDpdkLines));
        return config;
    }
}
