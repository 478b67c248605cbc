package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.SourceCounters;
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
import java.util.stream.Collectors;

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
        final Path config = writeConfig("net_pcap_gateway,rx_pcap=" + capture, 1);

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
                assertEquals(sources.mempool().size(), sources.mempool().available(), "every mbuf back in the pool");
            }
        }
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

    private Path writeConfig(final String device, final int queues) throws Exception
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
                mbufs: 4095
            policy-file: policy.yaml
            state-dir: state
            anonymization:
              key-file: keys/cryptopan.key
            """.formatted(ealArgs, device, queues));
        return config;
    }
}
