package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.pipeline.CpuAffinity;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.TestMediaDriver;
import io.aeron.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A gateway assembled from a YAML configuration whose {@code source.af-packet} runs several
 * workers in one hash fanout group, each pinned by {@code workers.cpus} where the machine has the
 * CPUs. Flows injected into the veth pair reach exactly one worker each: the per-worker counters
 * sum to what was injected, each worker balances on its own, and each worker's stream to the
 * destination carries its flows' packets once and in order (a frame's length is its place in its
 * flow), with stream sequences 1..n per worker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AfPacketWorkersGatewayTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(3400);
    private static final int FLOWS = 64;
    private static final int PACKETS_PER_FLOW = 120;
    /** Every eighth flow goes to the NTP port, which the policy drops. */
    private static final int FILTERED_FLOW_STRIDE = 8;
    private static final int NTP_PORT = 123;
    private static final int KEPT_PORT = 5000;
    /** Frames injected before waiting for the gateway to take them all: fewer than one worker's ring blocks. */
    private static final int CHUNK = 100;
    private static final int BLOCK_COUNT = CHUNK + 32;
    private static final String POLICY = """
        sluice-policy: 1
        name: keep-most
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

    private static TestMediaDriver media;

    @TempDir
    Path directory;

    @BeforeAll
    static void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterAll
    static void closeDriver()
    {
        media.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyFlowReachesExactlyOneWorkerAndEachStreamIsInOrder(final int workers) throws Exception
    {
        try (VethNamespace veth = VethNamespace.create();
            AfPacketSender sender = veth.openSender();
            Arena arena = Arena.ofConfined())
        {
            final int streamId = STREAM_IDS.getAndIncrement();
            final List<Integer> cpus = pinnableCpus(workers);
            final GatewayContext context = config(veth.receiveInterface(), workers, streamId, cpus).context().aeron(media.aeron);
            assertEquals(workers, context.packetSources().workerCount());
            final DataBatches received = new DataBatches();
            try (Subscription subscription = media.aeron.addSubscription("aeron:ipc", streamId);
                Gateway gateway = Gateway.assemble(context).start())
            {
                assertEquals(workers, gateway.workerCount());
                final MemorySegment frame = arena.allocate(TestFrames.UDP_FRAME_LENGTH + PACKETS_PER_FLOW);
                long sent = 0;
                for (int k = 0; k < PACKETS_PER_FLOW; k++)
                {
                    for (int flow = 0; flow < FLOWS; flow++)
                    {
                        final int port = flow % FILTERED_FLOW_STRIDE == FILTERED_FLOW_STRIDE - 1 ? NTP_PORT : KEPT_PORT;
                        final byte[] bytes = TestFrames.paddedUdp(sent, flow, port, k);
                        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, frame, 0, bytes.length);
                        while (!sender.send(frame, 0, bytes.length))
                        {
                            Thread.onSpinWait();
                        }
                        sent++;
                        if (sent % CHUNK == 0)
                        {
                            awaitReceived(gateway, subscription, received, sent);
                        }
                    }
                }
                awaitReceived(gateway, subscription, received, sent);
                final long forwarded = gateway.sourceSnapshot().forwarded();
                TestMediaDriver.until(() -> received.records() >= forwarded, () -> subscription.poll(received, 100),
                    forwarded + " records");
                received.drain(subscription);

                final List<Gateway.WorkerSnapshot> snapshots = gateway.workerSnapshots();
                long receivedSum = 0;
                for (int i = 0; i < workers; i++)
                {
                    final SourceCounters.Snapshot source = snapshots.get(i).source();
                    final DestinationCounters.Snapshot destination = snapshots.get(i).destinations().getFirst();
                    assertTrue(source.received() > 0, "rx-" + i + " got none of " + FLOWS + " flows: " + snapshots);
                    assertEquals(source.received(), source.forwarded() + source.filtered() + source.sampledOut() +
                        source.aggregated() + source.dropped(), "rx-" + i + " balances: " + source);
                    assertEquals(source.forwarded(), destination.sentRecords(), "rx-" + i + " sent what it forwarded");
                    receivedSum += source.received();
                }
                assertEquals(sent, receivedSum, "every injected frame reached exactly one worker: " + snapshots);
                final SourceCounters.Snapshot sum = gateway.sourceSnapshot();
                assertEquals(sent, sum.received());
                assertEquals(sum.received(),
                    sum.forwarded() + sum.filtered() + sum.sampledOut() + sum.aggregated() + sum.dropped(), sum.toString());
                assertEquals((long)FLOWS / FILTERED_FLOW_STRIDE * PACKETS_PER_FLOW, sum.filtered(), sum.toString());
                assertEquals(sum.forwarded(), received.records(), "every forwarded packet left exactly once");

                assertStreams(received, snapshots, workers);
                for (int i = 0; i < cpus.size(); i++)
                {
                    assertEquals(cpus.get(i), gateway.worker(i).cpu());
                }
                assertEquals(0, gateway.cpuPinFailures());
                assertEquals(0, gateway.errorCount());
            }
        }
    }

    /**
     * Each worker's stream: sequences 1..n; each kept flow on one worker only, its frames once
     * each and in the order they were injected.
     */
    private static void assertStreams(
        final DataBatches received, final List<Gateway.WorkerSnapshot> snapshots, final int workers)
    {
        final Map<Integer, List<Long>> sequences = new HashMap<>();
        final Map<Integer, Integer> workerOfFlow = new HashMap<>();
        final Map<Integer, List<Integer>> placesOfFlow = new HashMap<>();
        for (final DataBatches.Batch batch : received.batches())
        {
            sequences.computeIfAbsent(batch.workerIndex(), (w) -> new ArrayList<>()).add(batch.streamSequence());
            for (final DataBatches.Packet packet : batch.packets())
            {
                final int flow = packet.srcPort() - 10_000;
                final Integer previous = workerOfFlow.putIfAbsent(flow, batch.workerIndex());
                assertTrue(previous == null || previous == batch.workerIndex(),
                    "flow " + flow + " on rx-" + previous + " and rx-" + batch.workerIndex());
                placesOfFlow.computeIfAbsent(flow, (f) -> new ArrayList<>())
                    .add((int)packet.wireLength() - TestFrames.UDP_FRAME_LENGTH);
            }
        }
        final List<Integer> inOrder = new ArrayList<>();
        for (int k = 0; k < PACKETS_PER_FLOW; k++)
        {
            inOrder.add(k);
        }
        assertEquals(FLOWS - FLOWS / FILTERED_FLOW_STRIDE, placesOfFlow.size(), "every kept flow arrived");
        placesOfFlow.forEach((flow, places) -> assertEquals(inOrder, places, "flow " + flow + " once each, in order"));
        for (int i = 0; i < workers; i++)
        {
            final DestinationCounters.Snapshot destination = snapshots.get(i).destinations().getFirst();
            final List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= destination.sentBatches(); s++)
            {
                expected.add(s);
            }
            assertEquals(expected, sequences.getOrDefault(i, List.of()), "rx-" + i + " stream sequences");
        }
    }

    private GatewayConfig config(
        final String interfaceName, final int workers, final int streamId, final List<Integer> cpus) throws Exception
    {
        Files.writeString(directory.resolve("policy.yaml"), POLICY);
        final String text = """
            gateway:
              id: gw-afp-workers
              site: lab-1
              region: eu-west
            source:
              af-packet:
                interface: %s
                workers: %d
                fanout: hash
                block-size: 16384
                block-count: %d
                retire-timeout-ms: 1
            destinations:
              - region: eu-west
                channel: aeron:ipc
                stream: %d
            control-plane:
              channel: aeron:ipc?alias=unused-control
              push-channel: aeron:ipc?alias=unused-push
            policy-file: policy.yaml
            state-dir: state
            """.formatted(interfaceName, workers, BLOCK_COUNT, streamId) +
            (cpus.isEmpty() ? "" : "workers:\n  cpus: " + cpus + "\n");
        return GatewayConfig.parse("gw.yaml", text, directory);
    }

    /** The first {@code workers} CPUs this process may run on, or none when it may not run on that many. */
    private static List<Integer> pinnableCpus(final int workers) throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("Cpus_allowed_list:"))
            {
                final BitSet allowed = CpuAffinity.parseCpuList(line.substring(line.indexOf(':') + 1).trim());
                final List<Integer> cpus = new ArrayList<>();
                for (int cpu = allowed.nextSetBit(0); cpu >= 0 && cpus.size() < workers; cpu = allowed.nextSetBit(cpu + 1))
                {
                    cpus.add(cpu);
                }
                return cpus.size() == workers ? cpus : List.of();
            }
        }
        return List.of();
    }

    private static void awaitReceived(
        final Gateway gateway, final Subscription subscription, final DataBatches received, final long target)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        SourceCounters.Snapshot source = gateway.sourceSnapshot();
        while (source.received() < target || source.inFlight() != 0)
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for " + target + " packets: " + gateway.workerSnapshots());
            }
            if (subscription.poll(received, 100) == 0)
            {
                Thread.sleep(1);
            }
            source = gateway.sourceSnapshot();
        }
    }
}
