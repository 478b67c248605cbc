package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A gateway whose source is {@code af-packet} on one end of a veth pair: a capture injected from
 * the namespace on the other end goes through the whole pipeline, and the source's counters
 * balance (received = forwarded + aggregated + filtered + sampled out + dropped, nothing in flight).
 */
class AfPacketGatewayEndToEndTest
{
    private static final int STREAM_ID = 3301;
    /**
     * Packets injected before waiting for the gateway to take them all: fewer than the ring's
     * blocks, so even one packet per retired block cannot overflow the ring.
     */
    private static final int CHUNK = 100;

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void injectedCaptureGoesThroughTheGatewayAndTheCountersBalance() throws Exception
    {
        final Path capture = directory.resolve("inject.pcap");
        int packets = 0;
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            final int[] ports = {TestFrames.DEFAULT_PORT, 123, 53, 8080};
            for (int i = 0; i < 3000; i++)
            {
                writer.write(1_000_000_000L * i, TestFrames.udp(i, i % 97, ports[i % ports.length]));
                packets++;
            }
            for (int i = 0; i < 200; i++)
            {
                final byte[] udp = TestFrames.udp(10_000 + i, i, 8080);
                writer.write(1_000_000_000L * i, TestFrames.ethernet(new int[] {0x8100, 10 + i % 3}, 0x0800,
                    Arrays.copyOfRange(udp, 14, udp.length)));
                packets++;
            }
            for (int i = 0; i < 50; i++)
            {
                writer.write(1_000_000_000L * i, TestFrames.ethernet(new int[0], 0x0806, new byte[28]));
                packets++;
            }
        }
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, TestPolicies.resource("edge-demo-policy.yaml"));
        final Path key = directory.resolve("cryptopan.key");
        CryptoPan.writeKeyFile(key, new byte[CryptoPan.KEY_LENGTH_BYTES]);

        try (VethNamespace veth = VethNamespace.create();
            AfPacketSender sender = veth.openSender();
            TestMediaDriver media = new TestMediaDriver();
            Subscription subscription = media.aeron.addSubscription("aeron:ipc", STREAM_ID);
            CaptureFileSource replay = CaptureFileSource.open(capture))
        {
            final GatewayContext context = new GatewayContext()
                .aeron(media.aeron)
                .gatewayId("gw-afp-1")
                .site("lab-1")
                .region("eu-west")
                .controlInboundChannel("aeron:ipc?alias=unused-control")
                .policyPushChannel("aeron:ipc?alias=unused-push")
                .packetSources(new AfPacketSources(new AfPacketSettings()
                    .interfaceName(veth.receiveInterface())
                    .blockSizeBytes(16 * 1024)
                    .blockCount(CHUNK + 32)
                    .retireTimeoutMs(1)))
                .stateDirectory(directory.resolve("gateway"))
                .anonymizationKeyFile(key)
                .bootstrapPolicyFile(policy)
                .addDestination("eu-west", "aeron:ipc", STREAM_ID)
                .addDestination("us-east", "aeron:ipc", STREAM_ID + 1);
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                final PacketBurst burst = new PacketBurst(CHUNK, 1);
                long sent = 0;
                int n;
                while ((n = replay.poll(burst)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        while (!sender.send(burst.data[i], burst.offset[i], burst.capturedLength[i]))
                        {
                            Thread.onSpinWait();
                        }
                    }
                    sent += n;
                    final long target = sent;
                    awaitSource(gateway, subscription, s -> s.received() >= target && s.inFlight() == 0,
                        "the gateway to receive " + target + " packets");
                }
                awaitSource(gateway, subscription, s -> s.inFlight() == 0, "nothing in flight");
                final SourceCounters.Snapshot source = gateway.sourceSnapshot();
                assertEquals(packets, source.received(), "every injected packet, and nothing else: " + source);
                assertEquals(source.received(),
                    source.forwarded() + source.filtered() + source.sampledOut() + source.aggregated() + source.dropped(),
                    "counters balance: " + source);
                // Plain UDP and the VLAN-tagged frames (decoded through their restored tag) are kept; NTP and
                // ARP are filtered; the sequence numbers on port 53 are no DNS message.
                assertEquals(750 + 750 + 200, source.forwarded(), "forwarded: " + source);
                assertEquals(750 + 50, source.filtered(), "NTP and ARP filtered: " + source);
                assertEquals(750, source.dropped(), "port 53 without DNS: " + source);
                assertEquals(0, gateway.errorCount());
            }
        }
    }

    private static void awaitSource(
        final Gateway gateway,
        final Subscription subscription,
        final java.util.function.Predicate<SourceCounters.Snapshot> done,
        final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(gateway.sourceSnapshot()))
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for " + what + ": " + gateway.sourceSnapshot());
            }
            subscription.poll((buffer, offset, length, header) -> { }, 64);
            Thread.sleep(1);
        }
    }
}
