package dev.sluice.cli.demo;

import dev.sluice.controlplane.ControlPlaneContext;
import dev.sluice.controlplane.ControlPlaneMain;
import dev.sluice.controlplane.ParserPolicyValidator;
import dev.sluice.controlplane.PolicySubmitClient;
import dev.sluice.controlplane.PolicySubmitResponse;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.Channels;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCoreMain;
import dev.sluice.regional.RegionalCountersSnapshot;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice demo}: a control plane, two regional cores and a gateway in one process on
 * one embedded media driver, fed by a capture the project generates, ending with a table
 * that reconciles every packet. Main thread.
 */
public final class DemoCommand
{
    public static final int PACKETS_DEFAULT = 200_000;
    public static final long SEED = 20_261_126L;
    public static final String GATEWAY_ID = "gw-paris-1";
    public static final String SITE = "paris-1";
    public static final String HOME_REGION = "eu-west";
    public static final String FOREIGN_REGION = "us-east";

    private static final long PROGRESS_INTERVAL_MS = 500;
    private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(90);
    private static final int DEMO_PORT_BASE = 20_400;

    private final Path outputDirectory;
    private final int packets;
    private final PrintStream out;

    public DemoCommand(final Path outputDirectory, final int packets, final PrintStream out)
    {
        this.outputDirectory = outputDirectory;
        this.packets = packets;
        this.out = out;
    }

    /** Runs the demo and returns its result; the process exit status is 0 when it reconciles. */
    public DemoResult run() throws IOException, InterruptedException
    {
        final DemoLayout layout = DemoLayout.prepare(outputDirectory);
        final long startNs = System.nanoTime();

        out.printf("Sluice demo: gateway %s at site %s (%s) sending to %s and %s%n",
            GATEWAY_ID, SITE, HOME_REGION, HOME_REGION, FOREIGN_REGION);
        out.printf("  writing a deterministic capture of %,d packets to %s%n", packets, layout.capture());
        final DemoTraffic.Summary traffic = DemoTraffic.write(layout.capture(), packets, SEED);
        ensureKey(layout.keyFile());
        copyResource("demo-policy.yaml", layout.policyFile());
        copyResource("demo-policy-broken.yaml", layout.brokenPolicyFile());

        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(layout.aeronDirectory())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);

        final String controlInbound = "aeron:udp?endpoint=localhost:" + (DEMO_PORT_BASE + 10);
        final String pushPublication = "aeron:udp?control=localhost:" + (DEMO_PORT_BASE + 11) + "|control-mode=dynamic";
        final String pushSubscription =
            "aeron:udp?endpoint=localhost:0|control=localhost:" + (DEMO_PORT_BASE + 11) + "|control-mode=dynamic";
        final Map<String, String> dataChannels = new LinkedHashMap<>();
        dataChannels.put(HOME_REGION, "aeron:udp?endpoint=localhost:" + (DEMO_PORT_BASE + 21) + "|mtu=8192");
        dataChannels.put(FOREIGN_REGION, "aeron:udp?endpoint=localhost:" + (DEMO_PORT_BASE + 22) + "|mtu=8192");

        final List<AutoCloseable> closeables = new ArrayList<>();
        try (MediaDriver driver = MediaDriver.launchEmbedded(driverContext);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
        {
            final Map<String, RegionalCoreMain> cores = new LinkedHashMap<>();
            for (final Map.Entry<String, String> entry : dataChannels.entrySet())
            {
                final RegionalCoreMain core = RegionalCoreMain.launch(new RegionalCoreContext()
                    .aeron(aeron)
                    .regionName(entry.getKey())
                    .channel(entry.getValue())
                    .streamId(Channels.DATA_STREAM_ID_DEFAULT)
                    .outputDir(layout.regionalDirectory()));
                closeables.add(core);
                cores.put(entry.getKey(), core);
            }

            final ControlPlaneMain controlPlane = ControlPlaneMain.launch(new ControlPlaneContext()
                .aeron(aeron)
                .inboundChannel(controlInbound)
                .pushChannel(pushPublication)
                .policyStoreDir(layout.policyStore())
                .policyFile(layout.policyFile())
                .policyValidator(new ParserPolicyValidator()));
            closeables.add(controlPlane);

            final GatewayContext gatewayContext = new GatewayContext()
                .aeron(aeron)
                .gatewayId(GATEWAY_ID)
                .site(SITE)
                .region(HOME_REGION)
                .controlInboundChannel(controlInbound)
                .policyPushChannel(pushSubscription)
                .captureFile(layout.capture())
                .stateDirectory(layout.gatewayState())
                .anonymizationKeyFile(layout.keyFile())
                .helloIntervalMs(200);
            dataChannels.forEach((region, channel) ->
                gatewayContext.addDestination(region, channel, Channels.DATA_STREAM_ID_DEFAULT));
            final Gateway gateway = Gateway.assemble(gatewayContext).start();
            closeables.add(0, gateway);

            final DemoProgress progress = new DemoProgress(out, gateway, cores, controlPlane);
            awaitFirstPolicy(gateway, progress);
            showRejectedPolicy(aeron, controlInbound, pushSubscription, layout, gateway);
            final boolean finished = awaitDelivery(gateway, cores, progress);

            final SourceCounters.Snapshot source = gateway.sourceSnapshot();
            final FlowCounters.Snapshot flows = gateway.flowSnapshot();
            final List<DestinationCounters.Snapshot> destinations = gateway.destinationSnapshots();
            CloseHelper.closeAll(closeables);
            closeables.clear();

            final Map<String, RegionalCountersSnapshot> received = new LinkedHashMap<>();
            cores.forEach((region, core) -> received.put(region, core.counters().snapshot()));
            final OutputCheck check = OutputCheck.of(
                layout.regionalFile(HOME_REGION), layout.regionalFile(FOREIGN_REGION), layout.keyFile());

            final DemoResult result = new DemoResult(
                finished, traffic, source, flows, destinations, received, check,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            new ReconciliationTable(out).print(result, layout);
            return result;
        }
        finally
        {
            CloseHelper.closeAll(closeables);
        }
    }

    private void awaitFirstPolicy(final Gateway gateway, final DemoProgress progress) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(20);
        while (gateway.policyHolder().current() == null)
        {
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new IllegalStateException("the gateway received no policy within 20 s; " +
                    "is another process using the demo's UDP ports " + DEMO_PORT_BASE + ".." + (DEMO_PORT_BASE + 30) + "?");
            }
            Thread.sleep(10);
        }
        out.printf("  control plane pushed policy '%s' version %d; gateway %s applied it%n",
            gateway.policyHolder().current().name(), gateway.policyHolder().appliedVersion(), GATEWAY_ID);
        progress.markStart();
    }

    private void showRejectedPolicy(
        final Aeron aeron,
        final String controlInbound,
        final String pushSubscription,
        final DemoLayout layout,
        final Gateway gateway) throws IOException
    {
        try (PolicySubmitClient client = new PolicySubmitClient(
            aeron,
            controlInbound,
            Channels.CONTROL_INBOUND_STREAM_ID_DEFAULT,
            pushSubscription,
            Channels.POLICY_SUBMIT_REPLY_STREAM_ID_DEFAULT))
        {
            final PolicySubmitResponse response = client.submitFile(layout.brokenPolicyFile(), 5_000);
            out.printf("  submitted a broken policy (%s): %s%n", layout.brokenPolicyFile().getFileName(), response.outcome());
            for (final String line : response.message().split("\n"))
            {
                out.println("      " + line);
            }
            out.printf("  the gateway keeps version %d%n", gateway.policyHolder().appliedVersion());
        }
    }

    private boolean awaitDelivery(
        final Gateway gateway,
        final Map<String, RegionalCoreMain> cores,
        final DemoProgress progress) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + TIMEOUT_MS;
        long nextProgressMs = 0;
        while (System.currentTimeMillis() < deadlineMs)
        {
            final long nowMs = System.currentTimeMillis();
            if (nowMs >= nextProgressMs)
            {
                progress.print();
                nextProgressMs = nowMs + PROGRESS_INTERVAL_MS;
            }
            if (gateway.isDrained() && everySentRecordArrived(gateway, cores))
            {
                progress.print();
                return true;
            }
            Thread.sleep(5);
        }
        out.println("  timed out waiting for the regional cores to receive everything the gateway sent");
        return false;
    }

    private static boolean everySentRecordArrived(final Gateway gateway, final Map<String, RegionalCoreMain> cores)
    {
        for (final DestinationCounters.Snapshot destination : gateway.destinationSnapshots())
        {
            final RegionalCountersSnapshot core = cores.get(destination.region()).counters().snapshot();
            if (destination.inFlight() != 0 || destination.flowRecordsInFlight() != 0 ||
                core.records() < destination.recordsSent())
            {
                return false;
            }
        }
        return true;
    }

    private static void ensureKey(final Path keyFile) throws IOException
    {
        if (!Files.exists(keyFile))
        {
            CryptoPan.writeKeyFile(keyFile, CryptoPan.generateKey(new SecureRandom()));
        }
    }

    private static void copyResource(final String name, final Path target) throws IOException
    {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new UncheckedIOException(new IOException("demo resource missing from the build: " + name));
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
    }
}
