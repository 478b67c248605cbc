package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.pipeline.PacketBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * net_ring from a gateway configuration: the vdev is created with rings of its own, its link is up,
 * and its empty queues yield nothing (a producer in the same process would enqueue onto its ring).
 * A smoke test that the device is usable as a source, not a traffic test.
 */
@Timeout(60)
class DpdkRingTest
{
    private static final int POLLS = 1_000;

    @TempDir
    Path directory;

    @Test
    void aNetRingDeviceFromTheConfigurationOpensWithItsLinkUpAndEmptyQueues() throws Exception
    {
        DpdkTesting.eal();
        final String ealArgs = DpdkTesting.EAL_ARGS.stream().map(arg -> "\"" + arg + "\"").collect(Collectors.joining(", "));
        final Path config = directory.resolve("gateway.yaml");
        Files.writeString(config, """
            gateway:
              id: gw-ring
              site: lab-1
              region: eu-west
            destinations:
              - region: eu-west
                channel: aeron:ipc
                stream: 1001
            source:
              dpdk:
                eal-args: [%s]
                device: net_ring_smoke
                queues: 2
                mbufs: 4095
            """.formatted(ealArgs));
        try (DpdkSources sources = assertInstanceOf(DpdkSources.class, GatewayConfig.load(config).context().packetSources()))
        {
            final DpdkSource first = (DpdkSource)sources.open(0);
            final DpdkSource second = (DpdkSource)sources.open(1);
            assertEquals("net_ring", sources.port().driver());
            assertTrue(sources.port().linkUp());
            assertEquals("dpdk:net_ring_smoke (2 queues)", sources.describe());
            final PacketBurst burst = new PacketBurst(32, 1);
            int received = 0;
            for (int i = 0; i < POLLS; i++)
            {
                received += first.poll(burst) + second.poll(burst);
            }
            assertEquals(0, received);
            assertEquals(sources.mempool().size(), sources.mempool().available());
            first.close();
            second.close();
        }
    }
}
