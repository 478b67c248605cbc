package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.testing.TestMediaDriver;
import io.aeron.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packets the kernel drops because a worker's ring is full show as the source's
 * {@code source_drops}, outside the received balance: frames are injected into a two-block ring
 * that nobody polls, then the worker is driven by hand until every frame is either received or
 * counted as a kernel drop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AfPacketSourceDropsTest
{
    private static final int STREAM_ID = 3501;
    /** Many times what two 4 KiB blocks hold (some 30 small frames each). */
    private static final int INJECTED = 2_000;
    private static final String POLICY = """
        sluice-policy: 1
        name: keep-all
        match: first
        default: keep
        regions: [eu-west]
        rules: []
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;

    @TempDir
    Path directory;

    @Test
    void aFullRingShowsAsSourceDropsOutsideTheBalance() throws Exception
    {
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        try (VethNamespace veth = VethNamespace.create();
            AfPacketSender sender = veth.openSender();
            TestMediaDriver media = new TestMediaDriver();
            Subscription subscription = media.aeron.addSubscription("aeron:ipc", STREAM_ID);
            Arena arena = Arena.ofConfined())
        {
            final GatewayContext context = new GatewayContext()
                .aeron(media.aeron)
                .gatewayId("gw-afp-drops")
                .site("lab-1")
                .region("eu-west")
                .controlInboundChannel("aeron:ipc?alias=unused-control")
                .policyPushChannel("aeron:ipc?alias=unused-push")
                .packetSources(new AfPacketSources(new AfPacketSettings()
                    .interfaceName(veth.receiveInterface())
                    .blockSizeBytes(4096)
                    .blockCount(2)
                    .retireTimeoutMs(1)))
                .stateDirectory(directory.resolve("gateway"))
                .bootstrapPolicyFile(policy)
                .addDestination("eu-west", "aeron:ipc", STREAM_ID);
            // Assembled, not started: the worker runs only when this test calls doWork().
            try (Gateway gateway = Gateway.assemble(context))
            {
                final MemorySegment frame = arena.allocate(TestFrames.UDP_FRAME_LENGTH);
                for (int i = 0; i < INJECTED; i++)
                {
                    MemorySegment.copy(MemorySegment.ofArray(TestFrames.udp(i, i % 16)), 0, frame, 0, TestFrames.UDP_FRAME_LENGTH);
                    while (!sender.send(frame, 0, TestFrames.UDP_FRAME_LENGTH))
                    {
                        Thread.onSpinWait();
                    }
                }
                assertEquals(0, gateway.sourceSnapshot().sourceDrops(), "not read before the worker runs");

                TestMediaDriver.until(() ->
                {
                    final SourceCounters.Snapshot source = gateway.sourceSnapshot();
                    return source.sourceDrops() > 0 && source.received() + source.sourceDrops() >= INJECTED &&
                        source.inFlight() == 0;
                }, () ->
                {
                    gateway.worker().doWork();
                    subscription.poll((buffer, offset, length, header) -> { }, 64);
                }, "every frame received or dropped by the kernel");

                final SourceCounters.Snapshot source = gateway.sourceSnapshot();
                assertEquals(INJECTED, source.received() + source.sourceDrops(), "received or dropped in front: " + source);
                assertTrue(source.received() < INJECTED / 2, "a two-block ring holds a fraction: " + source);
                assertEquals(source.received(),
                    source.forwarded() + source.filtered() + source.sampledOut() + source.aggregated() + source.dropped(),
                    "source drops stay outside the balance: " + source);
                assertEquals(source.sourceDrops(), gateway.workerSnapshots().getFirst().source().sourceDrops());
            }
        }
    }
}
