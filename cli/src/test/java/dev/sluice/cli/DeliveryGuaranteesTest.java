package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.cli.faults.RecordingCheck;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.Channels;
import dev.sluice.regional.RegionalCore;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCounter;
import dev.sluice.regional.RegionalCountersSnapshot;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Delivery guarantees of issue 8, in one JVM and one thread: the gateway's worker and the regional
 * cores are driven by hand ({@code doWork()}), over Aeron UDP on loopback through an embedded media
 * driver whose image and connection timeouts are short, so "longer than Aeron's image timeout" takes
 * a second. Waits are bounded loops on counters, never timing assertions.
 */
class DeliveryGuaranteesTest
{
    private static final String GATEWAY_ID = "gw-delivery-1";
    private static final String HOME = "eu-west";
    private static final String FOREIGN = "us-east";
    private static final int PACKETS = 6_000;
    private static final long AERON_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String POLICY = """
        sluice-policy: 1
        name: delivery
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west, us-east]
        """;

    @TempDir
    Path directory;

    private MediaDriver driver;
    private Aeron aeron;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * (a) The core is stopped for longer than Aeron's image and connection timeouts (and the old
     * not-connected timeout, which used to drop), then a new core starts on the same output: every
     * record arrives exactly once, in order, and both sides' accounting balances.
     */
    @Test
    @Timeout(60)
    void coreDownLongerThanTheImageTimeoutLosesNothing() throws Exception
    {
        final int port = freePortPair();
        final String channel = "aeron:udp?endpoint=localhost:" + port;
        final Path output = directory.resolve("regional");
        Files.createDirectories(output);
        final Gateway gateway = gateway(List.of(destination(HOME, channel, 1001, OverflowRule.PAUSE, 4L << 20)), PACKETS);
        RegionalCore core = core(HOME, channel, output);

        driveUntil(() -> core.counters().get(RegionalCounter.BATCHES) >= 3, gateway, core);
        core.onClose();

        // Longer than the image liveness and publication connection timeouts: the gateway's publication
        // loses its subscriber, and batches offered meanwhile are lost in flight; the spool keeps them.
        final long until = System.nanoTime() + 3 * AERON_TIMEOUT_NS;
        while (System.nanoTime() < until || !sourceExhausted(gateway))
        {
            gateway.worker(0).doWork();
            Thread.sleep(1);
        }
        final DestinationCounters.Snapshot waiting = gateway.destinationSnapshots().getFirst();
        assertEquals(0, waiting.droppedUnavailable(), waiting.toString());
        assertTrue(waiting.spooledBatches() > 0, "batches wait in the spool: " + waiting);

        final RegionalCore restarted = core(HOME, channel, output);
        driveUntil(() -> delivered(gateway, 0, restarted), gateway, restarted);

        final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().getFirst();
        assertBalances(gateway.sourceSnapshot());
        assertEquals(0, destination.inFlight(), destination.toString());
        assertEquals(0, destination.droppedUnavailable() + destination.droppedSpoolFull(), destination.toString());
        assertEquals(0, destination.spooledBatches(), "every batch acknowledged: " + destination);
        final RegionalCountersSnapshot.Stream stream = restarted.counters().snapshot().stream(GATEWAY_ID, HOME).orElseThrow();
        assertEquals(0, stream.gaps(), stream.toString());
        assertEquals(destination.lastSequence(), stream.lastSequence());
        RecordingCheck.assertExactlyOnceInOrder(output.resolve(HOME + ".ndjson"), destination.recordsSent(), destination.lastSequence());
        assertTrue(gateway.stream(0, 0).spool().replays() > 0, "the batches lost in flight were sent again");
    }

    /**
     * (d) One destination's spool is full while the other's core takes everything: under DROP_NEWEST
     * the full one counts its losses by reason and the other receives every record; under PAUSE
     * nothing is dropped, intake stops (both destinations alike, they share the worker's source) and
     * the other destination still receives everything taken in so far, and all of it once the full
     * one's core starts.
     */
    @Test
    @Timeout(60)
    void oneFullSpoolLeavesTheOtherDestinationFlowing() throws Exception
    {
        final Path output = directory.resolve("regional");
        Files.createDirectories(output);
        final String homeChannel = "aeron:udp?endpoint=localhost:" + freePortPair();
        final String foreignChannel = "aeron:udp?endpoint=localhost:" + freePortPair();

        // DROP_NEWEST: eu-west has no core and a spool of two 64 KiB segments.
        final Gateway dropping = gateway(List.of(
            destination(HOME, homeChannel, 1001, OverflowRule.DROP_NEWEST, 128L << 10),
            destination(FOREIGN, foreignChannel, 1002, OverflowRule.PAUSE, 4L << 20)), PACKETS);
        final RegionalCore foreign = core(FOREIGN, foreignChannel, output);
        driveUntil(() -> sourceExhausted(dropping) && delivered(dropping, 1, foreign), dropping, foreign);
        final DestinationCounters.Snapshot full = dropping.destinationSnapshots().get(0);
        final DestinationCounters.Snapshot flowing = dropping.destinationSnapshots().get(1);
        assertBalances(dropping.sourceSnapshot());
        assertTrue(full.droppedSpoolFull() > 0, full.toString());
        assertEquals(0, full.inFlight(), "every summary sent to the spool or dropped{spool_full}: " + full);
        assertEquals(0, flowing.inFlight() + flowing.droppedSpoolFull() + flowing.droppedUnavailable(), flowing.toString());
        assertEquals(dropping.sourceSnapshot().forwarded(), flowing.sentRecords(), "us-east got every forwarded packet");
        assertEquals(flowing.recordsSent(), foreign.counters().get(RegionalCounter.RECORDS));
        foreign.onClose();
        dropping.close();
        closeables.remove(dropping);

        // PAUSE: same, with a new gateway id so the cores see new streams.
        final Path pausedOutput = directory.resolve("regional-paused");
        Files.createDirectories(pausedOutput);
        final Gateway pausing = gateway("gw-delivery-2", directory.resolve("gateway-2"), List.of(
            destination(HOME, homeChannel, 1001, OverflowRule.PAUSE, 128L << 10),
            destination(FOREIGN, foreignChannel, 1002, OverflowRule.PAUSE, 4L << 20)), PACKETS);
        final RegionalCore foreign2 = core(FOREIGN, foreignChannel, pausedOutput);
        // Until the worker holds a burst it cannot spool and us-east has everything taken in so far.
        final long[] lastReceived = {-1};
        final int[] still = {0};
        driveUntil(() ->
        {
            final long received = pausing.sourceSnapshot().received();
            still[0] = received == lastReceived[0] ? still[0] + 1 : 0;
            lastReceived[0] = received;
            return still[0] > 200 && delivered(pausing, 1, foreign2);
        }, pausing, foreign2);
        final SourceCounters.Snapshot paused = pausing.sourceSnapshot();
        assertTrue(paused.received() < PACKETS, "intake paused: " + paused);
        final DestinationCounters.Snapshot pausedHome = pausing.destinationSnapshots().get(0);
        assertEquals(0, pausedHome.droppedSpoolFull() + pausedHome.droppedUnavailable(), pausedHome.toString());
        assertTrue(pausedHome.inFlight() > 0, "the held burst waits: " + pausedHome);

        final RegionalCore home = core(HOME, homeChannel, pausedOutput);
        driveUntil(() -> sourceExhausted(pausing) && delivered(pausing, 0, home) && delivered(pausing, 1, foreign2),
            pausing, home, foreign2);
        assertBalances(pausing.sourceSnapshot());
        assertEquals(PACKETS, pausing.sourceSnapshot().received());
        for (final DestinationCounters.Snapshot destination : pausing.destinationSnapshots())
        {
            assertEquals(0, destination.inFlight() + destination.droppedSpoolFull() + destination.droppedUnavailable(),
                destination.toString());
            assertEquals(pausing.sourceSnapshot().forwarded(), destination.sentRecords(), destination.toString());
        }
        RecordingCheck.assertExactlyOnceInOrder(pausedOutput.resolve(HOME + ".ndjson"),
            pausing.destinationSnapshots().get(0).recordsSent(), pausing.destinationSnapshots().get(0).lastSequence());
    }

    /**
     * {@code sluice reconcile} over the counters files a gateway and two cores wrote: after every
     * record is delivered and acknowledged and each process stopped cleanly, everything balances;
     * with one core stopped early, the gateway's spooled batches are named as not yet durable there.
     */
    @Test
    @Timeout(60)
    void reconcileReadsTheCountersFilesOfAGatewayAndItsCores() throws Exception
    {
        final Path output = directory.resolve("regional");
        Files.createDirectories(output);
        final String homeChannel = "aeron:udp?endpoint=localhost:" + freePortPair();
        final String foreignChannel = "aeron:udp?endpoint=localhost:" + freePortPair();
        final Gateway gateway = gateway(List.of(
            destination(HOME, homeChannel, 1001, OverflowRule.PAUSE, 4L << 20),
            destination(FOREIGN, foreignChannel, 1002, OverflowRule.PAUSE, 4L << 20)), PACKETS);
        final RegionalCore home = core(HOME, homeChannel, output);
        final RegionalCore foreign = core(FOREIGN, foreignChannel, output);
        driveUntil(() -> gateway.isDrained() && delivered(gateway, 0, home) && delivered(gateway, 1, foreign) &&
            acknowledged(gateway), gateway, home, foreign);
        gateway.close();
        closeables.remove(gateway);
        for (final RegionalCore core : List.of(home, foreign))
        {
            core.onClose();
            core.countersFile().write(true);
        }

        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final int status = SluiceCommand.run(
            List.of("reconcile", "--gateway", directory.resolve("gateway").toString(), "--core", output.toString()),
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        final String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, report + err.toString(StandardCharsets.UTF_8));
        assertTrue(report.contains("Reconciliation: balanced (1 gateway, 2 cores)"), report);
        assertTrue(report.contains("eu-west worker 0: last ") && report.contains("us-east worker 0: last "), report);
        assertTrue(report.contains("stopped cleanly"), report);

        // The same gateway's stream to a core that stopped after a few batches: the rest waits in the spool.
        final Path laterOutput = directory.resolve("regional-later");
        Files.createDirectories(laterOutput);
        final String laterChannel = "aeron:udp?endpoint=localhost:" + freePortPair();
        final Gateway later = gateway(
            "gw-delivery-2", directory.resolve("gateway-2"), List.of(destination(HOME, laterChannel, 1001, OverflowRule.PAUSE,
                4L << 20)), PACKETS);
        final RegionalCore stopped = core(HOME, laterChannel, laterOutput);
        driveUntil(() -> stopped.counters().get(RegionalCounter.BATCHES) >= 3, later, stopped);
        stopped.onClose();
        stopped.countersFile().write(true);
        driveUntil(() -> sourceExhausted(later), later);
        later.close();
        closeables.remove(later);

        out.reset();
        final int laterStatus = SluiceCommand.run(
            List.of("reconcile", "--gateway", directory.resolve("gateway-2").resolve("counters.json").toString(),
                "--core", laterOutput.toString()),
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        final String laterReport = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, laterStatus, laterReport);
        assertTrue(laterReport.contains("batches spooled at the gateway not yet durable at the core"), laterReport);
    }

    /** Every stream's last sequence acknowledged by its core (the gateway has seen the acks). */
    private static boolean acknowledged(final Gateway gateway)
    {
        for (int d = 0; d < gateway.destinationSnapshots().size(); d++)
        {
            final DestinationCounters counters = gateway.stream(0, d).counters();
            if (counters.ackedSequence() != gateway.destinationSnapshots().get(d).lastSequence())
            {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------

    @org.junit.jupiter.api.BeforeEach
    void launchDriver()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .imageLivenessTimeoutNs(AERON_TIMEOUT_NS)
            .publicationConnectionTimeoutNs(AERON_TIMEOUT_NS)
            .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(10))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @org.junit.jupiter.api.AfterEach
    void closeAll()
    {
        for (final AutoCloseable closeable : closeables.reversed())
        {
            CloseHelper.quietClose(closeable);
        }
        CloseHelper.closeAll(aeron, driver);
    }

    private static GatewayContext.Destination destination(
        final String region, final String channel, final int streamId, final OverflowRule overflow, final long maxBytes)
    {
        return new GatewayContext.Destination(region, channel, streamId, null, Channels.ACK_STREAM_ID_DEFAULT,
            new GatewayContext.SpoolSettings(true, maxBytes, 64 * 1024, overflow, FsyncPolicy.INTERVAL,
                TimeUnit.MILLISECONDS.toNanos(2)));
    }

    private Gateway gateway(final List<GatewayContext.Destination> destinations, final int packets) throws IOException
    {
        return gateway(GATEWAY_ID, directory.resolve("gateway"), destinations, packets);
    }

    private Gateway gateway(
        final String gatewayId, final Path state, final List<GatewayContext.Destination> destinations, final int packets)
        throws IOException
    {
        final Path capture = directory.resolve(gatewayId + ".pcap");
        DemoTraffic.write(capture, packets, 4242);
        final Path policyFile = directory.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        final GatewayContext context = new GatewayContext()
            .aeron(aeron)
            .gatewayId(gatewayId)
            .site("lab-1")
            .region(HOME)
            .controlInboundChannel("aeron:ipc?alias=unused-control")
            .policyPushChannel("aeron:ipc?alias=unused-push")
            .captureFile(capture)
            .stateDirectory(state)
            .bootstrapPolicyFile(policyFile)
            .notConnectedTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100))
            .replayTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200));
        for (final GatewayContext.Destination destination : destinations)
        {
            context.addDestination(destination);
        }
        final Gateway gateway = Gateway.assemble(context);
        closeables.add(gateway);
        return gateway;
    }

    private RegionalCore core(final String region, final String channel, final Path output)
    {
        final RegionalCore core = new RegionalCore(new RegionalCoreContext()
            .aeron(aeron)
            .regionName(region)
            .channel(channel)
            .streamId(HOME.equals(region) ? 1001 : 1002)
            .outputDir(output)
            .ackIntervalNs(TimeUnit.MILLISECONDS.toNanos(1))
            .ackRepeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
        closeables.add(core::onClose);
        return core;
    }

    /** Every packet of the capture read, and every destination's share of it spooled (or dropped, counted). */
    private static boolean sourceExhausted(final Gateway gateway)
    {
        if (gateway.sourceSnapshot().received() != PACKETS)
        {
            return false;
        }
        for (final DestinationCounters.Snapshot destination : gateway.destinationSnapshots())
        {
            if (destination.inFlight() != 0)
            {
                return false;
            }
        }
        return true;
    }

    /** Every record the gateway spooled for destination {@code d} is in the core, and acknowledged. */
    private static boolean delivered(final Gateway gateway, final int d, final RegionalCore core)
    {
        final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().get(d);
        return destination.inFlight() == 0 && destination.flowRecordsInFlight() == 0 &&
            destination.spooledBatches() == 0 && destination.sentBatches() > 0 &&
            core.counters().get(RegionalCounter.BATCHES) > 0 &&
            core.counters().snapshot().stream(gateway.context().gatewayId(), destination.region())
                .map((s) -> s.lastSequence() == destination.lastSequence()).orElse(false);
    }

    private static void driveUntil(final BooleanSupplier condition, final Gateway gateway, final RegionalCore... cores)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                final StringBuilder state = new StringBuilder();
                for (final RegionalCore core : cores)
                {
                    state.append(core.counters().snapshot()).append('\n');
                }
                fail("condition not reached: " + gateway.sourceSnapshot() + "\n" + gateway.destinationSnapshots() + "\n" + state);
            }
            int work = gateway.worker(0).doWork();
            for (final RegionalCore core : cores)
            {
                work += core.doWork();
            }
            if (work == 0)
            {
                Thread.sleep(0, 200_000);
            }
        }
    }

    private static void assertBalances(final SourceCounters.Snapshot source)
    {
        assertEquals(0, source.inFlight(), source.toString());
        assertEquals(source.received(),
            source.forwarded() + source.filtered() + source.sampledOut() + source.aggregated() + source.dropped(),
            source.toString());
    }

    /** A UDP port whose ack control port (+{@link Channels#ACK_PORT_OFFSET}, derived) is free too. */
    static int freePortPair() throws IOException
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
            {
                final int port = socket.getLocalPort();
                if (port + Channels.ACK_PORT_OFFSET < 65_536)
                {
                    try (DatagramSocket next = new DatagramSocket(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port + Channels.ACK_PORT_OFFSET)))
                    {
                        return port;
                    }
                    catch (final IOException ignored)
                    {
                        // taken: try another
                    }
                }
            }
        }
        throw new IOException("no free pair of UDP ports on loopback");
    }
}
