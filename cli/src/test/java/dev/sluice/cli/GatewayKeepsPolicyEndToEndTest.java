package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.controlplane.AckState;
import dev.sluice.controlplane.ControlPlaneContext;
import dev.sluice.controlplane.ControlPlaneMain;
import dev.sluice.controlplane.GatewayStatus;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.Channels;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCoreMain;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * All three tiers in one JVM: a policy that the control plane accepts but this gateway cannot
 * run (it asks for Crypto-PAn and the gateway has no key) is pushed, rejected with its reason,
 * and the gateway keeps the version it runs; every record the core receives carries that
 * version.
 */
class GatewayKeepsPolicyEndToEndTest
{
    private static final int PORT_BASE = 20_500;
    private static final String REGION = "eu-west";
    private static final String RAW_POLICY = """
        sluice-policy: 1
        name: raw-everywhere
        match: first
        default: keep
        regions: [eu-west]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;
    private static final String ANONYMIZING_POLICY = """
        sluice-policy: 1
        name: needs-a-key
        match: first
        default: keep
        regions: [eu-west]
        rules:
          - name: web
            when: tcp.port in {80, 443}
            then: anonymize ip.src, ip.dst with cryptopan
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;

    @TempDir
    Path directory;

    @Test
    @Timeout(120)
    void gatewayRejectsWhatItCannotRunAndKeepsItsPolicy() throws Exception
    {
        final Path capture = directory.resolve("site.pcap");
        final DemoTraffic.Summary traffic = DemoTraffic.write(capture, 5_000, 7);
        final Path policyFile = directory.resolve("policy.yaml");
        Files.writeString(policyFile, RAW_POLICY);

        final String inbound = "aeron:udp?endpoint=localhost:" + (PORT_BASE + 10);
        final String pushPublication = "aeron:udp?control=localhost:" + (PORT_BASE + 11) + "|control-mode=dynamic";
        final String pushSubscription =
            "aeron:udp?endpoint=localhost:0|control=localhost:" + (PORT_BASE + 11) + "|control-mode=dynamic";
        final String data = "aeron:udp?endpoint=localhost:" + (PORT_BASE + 21);

        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            RegionalCoreMain core = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(aeron)
                .regionName(REGION)
                .channel(data)
                .streamId(Channels.DATA_STREAM_ID_DEFAULT)
                .outputDir(directory.resolve("regional")));
            ControlPlaneMain controlPlane = ControlPlaneMain.launch(new ControlPlaneContext()
                .aeron(aeron)
                .inboundChannel(inbound)
                .pushChannel(pushPublication)
                .policyStoreDir(directory.resolve("store"))
                .policyFile(policyFile)
                .policyFilePollIntervalMs(50)))
        {
            final GatewayContext context = new GatewayContext()
                .aeron(aeron)
                .gatewayId("gw-test-1")
                .site("lab-1")
                .region(REGION)
                .controlInboundChannel(inbound)
                .policyPushChannel(pushSubscription)
                .captureFile(capture)
                .stateDirectory(directory.resolve("gateway"))
                .helloIntervalMs(50)
                .addDestination(REGION, data, Channels.DATA_STREAM_ID_DEFAULT);
            try (Gateway gateway = Gateway.assemble(context))
            {
                // Drive the conductor only, so no packet is read before both pushes are settled.
                awaitWhileDriving(gateway, () -> gateway.policyHolder().appliedVersion() == 1, "version 1 applied");

                Files.writeString(policyFile, ANONYMIZING_POLICY);
                awaitWhileDriving(gateway, () -> controlPlane.controlPlane().currentPolicyVersion() == 2, "version 2 stored");
                awaitWhileDriving(gateway, () -> rejected(controlPlane, 2), "version 2 rejected by the gateway");

                assertEquals(1, gateway.policyHolder().appliedVersion(), "the gateway keeps version 1");
                final GatewayStatus status = controlPlane.controlPlane().fleetSnapshot().gateways().get(0);
                assertEquals(1, status.appliedPolicyVersion());
                assertTrue(status.lastAckMessage().contains("no anonymization key"), status.lastAckMessage());
                assertTrue(gateway.conductor().lastRejection().contains("anonymization.key-file"));

                gateway.start();
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (!gateway.isDrained() ||
                    core.counters().snapshot().records() < gateway.destinationSnapshots().get(0).sentRecords())
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("traffic did not drain: " + gateway.sourceSnapshot() + " " + core.counters().snapshot());
                    }
                    Thread.sleep(10);
                }

                final SourceCounters.Snapshot source = gateway.sourceSnapshot();
                final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().get(0);
                assertEquals(traffic.packets(), source.received());
                assertEquals(source.received(), source.forwarded() + source.filtered() + source.sampledOut() + source.dropped());
                assertEquals(source.forwarded(), destination.raw());
                assertEquals(0, destination.transformed());
                assertEquals(destination.sentRecords(), core.counters().snapshot().records());
            }
        }

        final ObjectMapper mapper = new ObjectMapper();
        final List<String> lines = Files.readAllLines(directory.resolve("regional").resolve(REGION + ".ndjson"));
        assertTrue(!lines.isEmpty());
        for (final String line : lines)
        {
            final JsonNode record = mapper.readTree(line);
            assertEquals(1, record.path("policy_version").asLong(), line);
            assertTrue(record.path("anonymized").isEmpty(), line);
        }
    }

    private static boolean rejected(final ControlPlaneMain controlPlane, final long version)
    {
        for (final GatewayStatus status : controlPlane.controlPlane().fleetSnapshot().gateways())
        {
            if (status.lastAckState() == AckState.REJECTED && status.lastAckPolicyVersion() == version)
            {
                return true;
            }
        }
        return false;
    }

    private static void awaitWhileDriving(final Gateway gateway, final BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for: " + what);
            }
            if (gateway.conductor().doWork() == 0)
            {
                Thread.sleep(1);
            }
        }
    }
}
