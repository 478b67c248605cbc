package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.cli.faults.KeepAllPolicy;
import dev.sluice.cli.faults.RecordingCheck;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.DestinationCounters;
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

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 of each tier mid-stream ({@link DeliveryChild} in a process of its own, SIGKILL through
 * {@link Process#destroyForcibly()}), then a restart on the same directory: every batch the gateway
 * accepted reaches the core's recording exactly once, in order.
 */
class DeliveryKillTest
{
    static final String GATEWAY_ID = "gw-kill-1";
    private static final String REGION = "eu-west";
    private static final Pattern NUMBER = Pattern.compile("(\\w+)=(\\d+)");

    @TempDir
    Path directory;

    /**
     * (b) The gateway is killed while it streams (paced, so the kill lands mid-capture), and restarts
     * on the same spool: what it accepted before the kill (the spool's recovered prefix) and what it
     * takes after reach the core once each, in order, with no gap.
     */
    @Test
    @Timeout(90)
    void gatewayKilledMidStreamLosesNothingItAccepted() throws Exception
    {
        final int port = DeliveryGuaranteesTest.freePortPair();
        final String channel = "aeron:udp?endpoint=localhost:" + port;
        final Path output = directory.resolve("regional");
        Files.createDirectories(output);
        final Path capture = directory.resolve("site.pcap");
        DemoTraffic.write(capture, 20_000, 77);
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, KeepAllPolicy.EU_WEST);
        final Path state = directory.resolve("gateway");

        try (MediaDriver driver = driver(directory.resolve("aeron"));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
        {
            final RegionalCore core = new RegionalCore(new RegionalCoreContext()
                .aeron(aeron).regionName(REGION).channel(channel).streamId(1001).outputDir(output)
                .ackIntervalNs(TimeUnit.MILLISECONDS.toNanos(1)).ackRepeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
            try
            {
                final Child first = Child.start(directory, "gateway-1", "gateway", state.toString(),
                    directory.resolve("aeron-gw").toString(), channel, REGION, capture.toString(), policy.toString(), "3",
                    "false");
                final long appendedBeforeKill = first.awaitWhileDriving(
                    (values) -> values.containsKey("appended") && values.get("last") >= 20, core).get("last");
                first.kill();
                final long accepted = appendedBeforeKill;

                // The second run reads the capture again: its batches follow the recovered ones.
                final Child second = Child.start(directory, "gateway-2", "gateway", state.toString(),
                    directory.resolve("aeron-gw2").toString(), channel, REGION, capture.toString(), policy.toString(), "0",
                    "true");
                final java.util.Map<String, Long> recovered = second.awaitWhileDriving((values) -> values.containsKey("recovered"), core);
                assertTrue(recovered.get("last") >= accepted, "the spool kept every batch appended before the kill: " + recovered);
                final java.util.Map<String, Long> done = second.awaitWhileDriving((values) -> values.containsKey("done"), core);
                second.waitFor();

                final long last = done.get("last");
                final RegionalCountersSnapshot.Stream stream = core.counters().snapshot().stream(GATEWAY_ID, REGION).orElseThrow();
                assertEquals(last, stream.lastSequence(), stream.toString());
                assertEquals(0, stream.gaps(), stream.toString());
                core.doWork();
                RecordingCheck.assertExactlyOnceInOrder(output.resolve(REGION + ".ndjson"), -1, last);
            }
            finally
            {
                core.onClose();
            }
        }
    }

    /**
     * (c) The core is killed while it receives, and restarts on the same output: it cuts its files
     * back to what it had made durable and resumes each stream after its durable sequence; the
     * gateway replays from its last acknowledgement. The first run's acknowledgements go to a stream
     * the gateway does not read (acknowledgements lost in the network), so the replay after the
     * restart deterministically repeats batches the core had made durable: they are dropped as
     * duplicates and counted, and the recording holds every record once.
     */
    @Test
    @Timeout(90)
    void coreKilledAndRestartedDropsReplayedDuplicatesAndLosesNothing() throws Exception
    {
        final int port = DeliveryGuaranteesTest.freePortPair();
        final String channel = "aeron:udp?endpoint=localhost:" + port;
        final Path output = directory.resolve("regional");
        Files.createDirectories(output);
        final Path capture = directory.resolve("site.pcap");
        final int packets = 8_000;
        DemoTraffic.write(capture, packets, 78);
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, KeepAllPolicy.EU_WEST);

        try (MediaDriver driver = driver(directory.resolve("aeron"));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Gateway gateway = Gateway.assemble(new GatewayContext()
                .aeron(aeron)
                .gatewayId(GATEWAY_ID)
                .site("lab-1")
                .region(REGION)
                .controlInboundChannel("aeron:ipc?alias=unused-control")
                .policyPushChannel("aeron:ipc?alias=unused-push")
                .captureFile(capture)
                .stateDirectory(directory.resolve("gateway"))
                .bootstrapPolicyFile(policy)
                .replayTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
                .addDestination(new GatewayContext.Destination(REGION, channel, 1001, null, Channels.ACK_STREAM_ID_DEFAULT,
                    new GatewayContext.SpoolSettings(true, 64L << 20, 1 << 20, OverflowRule.PAUSE, FsyncPolicy.INTERVAL,
                        TimeUnit.MILLISECONDS.toNanos(2))))))
        {
            final Child first = Child.start(directory, "core-1", "core", output.toString(),
                directory.resolve("aeron-core").toString(), channel, REGION, "9999");
            final java.util.Map<String, Long> beforeKill = first.awaitWhileDriving(
                (values) -> values.getOrDefault("forces", 0L) >= 2 && values.getOrDefault("batches", 0L) >= 10, gateway, 2);
            first.kill();
            assertEquals(0, gateway.stream(0, 0).spool().ackedSequence(), "no acknowledgement reached the gateway");

            final Child second = Child.start(directory, "core-2", "core", output.toString(),
                directory.resolve("aeron-core2").toString(), channel, REGION, Integer.toString(Channels.ACK_STREAM_ID_DEFAULT));
            final java.util.Map<String, Long> after = second.awaitWhileDriving((values) ->
            {
                final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().getFirst();
                return gateway.sourceSnapshot().received() == packets && destination.inFlight() == 0 &&
                    destination.spooledBatches() == 0 && values.containsKey("batches");
            }, gateway, 0);
            second.kill();

            final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().getFirst();
            assertTrue(after.get("duplicates") > 0, "replayed batches the core had made durable are duplicates: " + after +
                " (before the kill: " + beforeKill + ")");
            assertEquals(0, destination.droppedUnavailable() + destination.droppedSpoolFull(), destination.toString());
            RecordingCheck.assertExactlyOnceInOrder(
                output.resolve(REGION + ".ndjson"), destination.recordsSent(), destination.lastSequence());
        }
    }

    private static MediaDriver driver(final Path aeronDirectory)
    {
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .imageLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .publicationConnectionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    /** A {@link DeliveryChild} process whose report lines are read as they come. */
    private static final class Child
    {
        private final Process process;
        private final BufferedReader reader;
        private final Path errors;

        private Child(final Process process, final Path errors)
        {
            this.process = process;
            this.errors = errors;
            this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Child start(final Path directory, final String name, final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
            {
                if (!argument.startsWith("-javaagent") && !argument.startsWith("-agentlib") &&
                    !argument.startsWith("-agentpath"))
                {
                    command.add(argument);
                }
            }
            command.add("-cp");
            command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
            command.add(DeliveryChild.class.getName());
            command.addAll(List.of(args));
            final Path errors = directory.resolve(name + ".err");
            return new Child(new ProcessBuilder(command)
                .redirectError(errors.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start(), errors);
        }

        /** Reads report lines, driving the core between them, until one satisfies {@code done}. */
        java.util.Map<String, Long> awaitWhileDriving(
            final Predicate<java.util.Map<String, Long>> done, final RegionalCore core) throws Exception
        {
            return await(done, () -> core.doWork());
        }

        /** Reads report lines, driving the gateway's worker {@code rounds} times between them (0: once, and waits less). */
        java.util.Map<String, Long> awaitWhileDriving(
            final Predicate<java.util.Map<String, Long>> done, final Gateway gateway, final int rounds) throws Exception
        {
            return await(done, () ->
            {
                for (int i = 0; i <= rounds; i++)
                {
                    gateway.worker(0).doWork();
                }
            });
        }

        private java.util.Map<String, Long> await(final Predicate<java.util.Map<String, Long>> done, final Runnable drive)
            throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String last = null;
            while (System.nanoTime() < deadline)
            {
                drive.run();
                if (!reader.ready())
                {
                    if (!process.isAlive())
                    {
                        break;
                    }
                    Thread.sleep(0, 200_000);
                    continue;
                }
                final String line = reader.readLine();
                if (line == null)
                {
                    break;
                }
                last = line;
                final java.util.Map<String, Long> values = new java.util.HashMap<>();
                values.put(line.substring(0, line.indexOf(' ')), 1L);
                final Matcher matcher = NUMBER.matcher(line);
                while (matcher.find())
                {
                    values.put(matcher.group(1), Long.parseLong(matcher.group(2)));
                }
                if (done.test(values))
                {
                    return values;
                }
            }
            process.destroyForcibly();
            fail("the child did not report what was awaited; its last report: " + last + "; its errors: " +
                Files.readString(errors));
            return null;
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed");
            CloseHelper.quietClose(reader);
        }

        void waitFor() throws InterruptedException
        {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child finished");
            assertEquals(0, process.exitValue());
            CloseHelper.quietClose(reader);
        }
    }
}
