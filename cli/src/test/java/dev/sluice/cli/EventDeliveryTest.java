package dev.sluice.cli;

import dev.sluice.cli.faults.KeepAllPolicy;
import dev.sluice.cli.faults.RecordingCheck;
import dev.sluice.cli.reconcile.ReconcileCommand;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.regional.RegionalCore;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCounter;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The event path's delivery guarantee: events taken in while the regional core is away (longer
 * than Aeron's image timeout) wait in the event stream's spool and reach the core once each, in
 * order, when it is back; the gateway drops none. One thread drives the event worker and the
 * core; the listener runs on its own thread.
 */
class EventDeliveryTest
{
    private static final String REGION = "eu-west";
    private static final long AERON_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int EVENTS_EACH_PHASE = 400;

    @TempDir
    Path directory;

    private MediaDriver driver;
    private Aeron aeron;

    @BeforeEach
    void launchDriver()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .imageLivenessTimeoutNs(AERON_TIMEOUT_NS)
            .publicationConnectionTimeoutNs(AERON_TIMEOUT_NS)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @AfterEach
    void closeDriver()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    @Test
    @Timeout(60)
    void eventsWaitInTheSpoolWhileTheCoreIsAwayAndArriveOnceInOrder() throws Exception
    {
        final String channel = "aeron:udp?endpoint=localhost:" + DeliveryGuaranteesTest.freePortPair();
        final Path output = Files.createDirectories(directory.resolve("regional"));
        Files.writeString(directory.resolve("policy.yaml"), KeepAllPolicy.EU_WEST);
        final GatewayConfig config = GatewayConfig.parse("gateway.yaml", """
            gateway: {id: gw-events-1, site: lab-1, region: eu-west}
            ingest:
              transport: nio
              listeners:
                - {name: syslog-tcp, kind: syslog-tcp, bind: 127.0.0.1, port: 0}
            destinations:
              - region: eu-west
                channel: "%s"
                stream: 1001
                spool: {segment-bytes: 65536, fsync: interval, fsync-interval-ms: 2}
            control-plane:
              channel: "aeron:ipc?alias=unused-control"
              push-channel: "aeron:ipc?alias=unused-push"
            policy-file: policy.yaml
            state-dir: state
            replay-timeout-ms: 200
            not-connected-timeout-ms: 100
            """.formatted(channel), directory);
        config.context().aeron(aeron);

        try (Gateway gateway = Gateway.assemble(config.context());
            Socket client = new Socket())
        {
            client.connect(gateway.eventIngest().localAddress(0));
            final OutputStream out = client.getOutputStream();
            RegionalCore core = core(channel, output);
            send(out, 0);
            final RegionalCore first = core;
            drive(() -> first.counters().get(RegionalCounter.RECORDS) >= EVENTS_EACH_PHASE / 2, gateway, first);
            core.onClose();

            // Longer than the image and connection timeouts, and the not-connected timeout that used to drop.
            send(out, EVENTS_EACH_PHASE);
            final long until = System.nanoTime() + 3 * AERON_TIMEOUT_NS;
            drive(() -> System.nanoTime() > until && received(gateway) == 2 * EVENTS_EACH_PHASE, gateway);
            final EventDestinationCounters.Snapshot waiting = gateway.eventDestinationSnapshots().getFirst();
            assertEquals(0, waiting.droppedUnavailable() + waiting.droppedSpoolFull(), waiting.toString());
            final DestinationStream stream = gateway.eventStreams().getFirst();
            assertTrue(stream.counters().snapshot().spooledBatches() > 0, "batches wait in the spool: " + stream.counters().snapshot());

            core = core(channel, output);
            final RegionalCore restarted = core;
            drive(() ->
            {
                final DestinationCounters.Snapshot counters = stream.counters().snapshot();
                return counters.spooledBatches() == 0 &&
                    restarted.counters().snapshot().stream("gw-events-1", REGION, 0x8000)
                        .map((s) -> s.lastSequence() == counters.lastSequence()).orElse(false);
            }, gateway, restarted);
            restarted.onClose();
            restarted.countersFile().write(true);

            final EventDestinationCounters.Snapshot done = gateway.eventDestinationSnapshots().getFirst();
            assertEquals(2 * EVENTS_EACH_PHASE, done.sent(), done.toString());
            assertEquals(0, done.inFlight(), done.toString());
            RecordingCheck.assertExactlyOnceInOrder(output.resolve(REGION + ".ndjson"), 2 * EVENTS_EACH_PHASE,
                stream.counters().snapshot().lastSequence());
            final String recording = Files.readString(output.resolve(REGION + ".ndjson"), StandardCharsets.UTF_8);
            int from = 0;
            for (int i = 0; i < 2 * EVENTS_EACH_PHASE; i++)
            {
                final int at = recording.indexOf("login " + i + " from", from);
                assertTrue(at >= 0, "event " + i + " recorded after event " + (i - 1));
                from = at;
            }
        }

        // The gateway wrote its counters at close: the event path and its stream reconcile with the core's.
        final ByteArrayOutputStream report = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(report, true, StandardCharsets.UTF_8);
        assertEquals(ReconcileCommand.BALANCED, ReconcileCommand.run(
            List.of(directory.resolve("state")), List.of(output), print, print), report.toString(StandardCharsets.UTF_8));
        assertTrue(report.toString(StandardCharsets.UTF_8).contains("eu-west worker 32768: last "), report.toString(StandardCharsets.UTF_8));
    }

    private RegionalCore core(final String channel, final Path output)
    {
        return new RegionalCore(new RegionalCoreContext()
            .aeron(aeron)
            .regionName(REGION)
            .channel(channel)
            .streamId(1001)
            .outputDir(output)
            .ackIntervalNs(TimeUnit.MILLISECONDS.toNanos(1))
            .ackRepeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
    }

    private static void send(final OutputStream out, final int first) throws IOException
    {
        for (int i = first; i < first + EVENTS_EACH_PHASE; i++)
        {
            final byte[] message = ("<13>1 2026-11-27T10:00:00Z host sshd - - - login " + i + " from 10.1.2.3")
                .getBytes(StandardCharsets.UTF_8);
            out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(message);
        }
        out.flush();
    }

    private static long received(final Gateway gateway)
    {
        return gateway.eventSnapshot().received();
    }

    private static void drive(final BooleanSupplier condition, final Gateway gateway, final RegionalCore... cores)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("condition not reached: " + gateway.eventSnapshot() + " " + gateway.eventDestinationSnapshots() + " " +
                    gateway.eventStreams().getFirst().counters().snapshot());
            }
            int work = gateway.eventWorker().doWork();
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
}
