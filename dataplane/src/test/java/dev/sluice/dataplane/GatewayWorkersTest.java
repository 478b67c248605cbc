package dev.sluice.dataplane;

import dev.sluice.dataplane.counters.CounterTypes;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.pipeline.CpuAffinity;
import dev.sluice.dataplane.pipeline.GatewayWorker;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway over several capture files, one worker each: workers driven by hand (no threads)
 * and on their own pinned threads. Each worker reads only its file, sends a stream of its own
 * per destination (batches carry its index, sequences start at 1 per worker, each with its own
 * sequence file), counts under its own labels, and the gateway's snapshots are the sums.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayWorkersTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7100);
    private static final long FIRST_TIMESTAMP_NS = 1_700_000_000_000_000_000L;
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
        CloseHelper.close(media);
    }

    @Test
    void eachWorkerReadsItsOwnFileAndSendsItsOwnStream() throws IOException
    {
        final int[] packetsPerFile = {700, 450, 901};
        final GatewayContext context = context(packetsPerFile);
        final int streamId = context.destinations().getFirst().streamId();
        final DataBatches received = new DataBatches();
        try (Subscription subscription = media.aeron.addSubscription("aeron:ipc", streamId);
            Gateway gateway = Gateway.assemble(context))
        {
            assertEquals(3, gateway.workerCount());
            for (int i = 0; i < 3; i++)
            {
                assertEquals("rx-" + i, gateway.worker(i).roleName());
                assertEquals(GatewayWorker.NO_CPU, gateway.worker(i).cpu());
            }
            TestMediaDriver.until(gateway::isDrained, () ->
            {
                // Interleaved, as threads would be: worker 2 twice as often.
                gateway.worker(0).doWork();
                gateway.worker(1).doWork();
                gateway.worker(2).doWork();
                gateway.worker(2).doWork();
                subscription.poll(received, 100);
            }, "every worker drained");
            received.drain(subscription);

            final List<Gateway.WorkerSnapshot> workers = gateway.workerSnapshots();
            long packets = 0;
            for (int i = 0; i < 3; i++)
            {
                final SourceCounters.Snapshot source = workers.get(i).source();
                assertEquals(packetsPerFile[i], source.received(), "rx-" + i);
                assertEquals(packetsPerFile[i] / 10, source.filtered(), "rx-" + i + " drops its NTP packets");
                assertEquals(source.received(), source.forwarded() + source.filtered());
                packets += packetsPerFile[i];
                assertEquals(source.forwarded(), workers.get(i).destinations().getFirst().sentRecords());
            }
            final SourceCounters.Snapshot sum = gateway.sourceSnapshot();
            assertEquals(packets, sum.received());
            assertEquals(sum.received(), sum.forwarded() + sum.filtered());
            assertEquals(context.packetSources().describe(), sum.sourceName());
            final DestinationCounters.Snapshot destination = gateway.destinationSnapshots().getFirst();
            assertEquals(sum.forwarded(), destination.sentRecords());
            assertEquals(sum.forwarded(), received.records(), "every forwarded packet left exactly once");

            // One stream per worker: sequences 1..n per worker index, each batch's packets from its worker's file.
            final Map<Integer, List<Long>> sequences = new HashMap<>();
            for (final DataBatches.Batch batch : received.batches())
            {
                sequences.computeIfAbsent(batch.workerIndex(), (w) -> new ArrayList<>()).add(batch.streamSequence());
                for (final DataBatches.Packet packet : batch.packets())
                {
                    assertEquals(batch.workerIndex(), packet.srcPort() - 20_000 >> 12, "a packet of another worker's file");
                }
            }
            assertEquals(3, sequences.size());
            for (int i = 0; i < 3; i++)
            {
                final List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= workers.get(i).destinations().getFirst().sentBatches(); s++)
                {
                    expected.add(s);
                }
                assertEquals(expected, sequences.get(i), "rx-" + i);
                assertEquals(expected.size(), workers.get(i).destinations().getFirst().lastSequence());
            }

            final List<String> labels = labels();
            assertTrue(labels.containsAll(List.of(
                "sluice source pcap:site-1.pcap rx-1 received",
                "sluice destination eu-west rx-2 sent_records",
                "sluice flows rx-0 flows_created")), "per-worker counter labels: " + labels);
        }
        final Path state = directory.resolve("state");
        assertTrue(Files.exists(state.resolve("stream-gw-w-eu-west.seq")), "worker 0 keeps the single-worker file name");
        assertTrue(Files.exists(state.resolve("stream-gw-w-eu-west-rx-1.seq")));
        assertTrue(Files.exists(state.resolve("stream-gw-w-eu-west-rx-2.seq")));
    }

    @Test
    void pinnedWorkerThreadsRunToTheEnd() throws IOException, InterruptedException
    {
        final BitSet allowed = CpuAffinity.parseCpuList(allowedCpus());
        final List<Integer> cpus = new ArrayList<>();
        for (int cpu = allowed.nextSetBit(0); cpu >= 0 && cpus.size() < 2; cpu = allowed.nextSetBit(cpu + 1))
        {
            cpus.add(cpu);
        }
        final int[] packetsPerFile = cpus.size() == 2 ? new int[]{300, 500} : new int[]{300};
        final GatewayContext context = context(packetsPerFile).workerCpus(cpus);
        try (Subscription subscription = media.aeron.addSubscription("aeron:ipc", context.destinations().getFirst().streamId());
            Gateway gateway = Gateway.assemble(context).start())
        {
            for (int i = 0; i < cpus.size(); i++)
            {
                assertEquals(cpus.get(i), gateway.worker(i).cpu());
            }
            final DataBatches received = new DataBatches();
            TestMediaDriver.until(gateway::isDrained, () -> subscription.poll(received, 100), "workers drained");
            received.drain(subscription);
            assertEquals(0, gateway.cpuPinFailures(), "pinned to CPUs this process may use: " + cpus);
            assertEquals(0, gateway.errorCount());
            assertEquals(gateway.sourceSnapshot().forwarded(), received.records());
        }
    }

    @Test
    void aGatewayThatFailsToAssembleGivesBackEveryWorkersCounters() throws IOException
    {
        final GatewayContext context = context(new int[]{10, 10});
        Files.writeString(context.bootstrapPolicyFile(), "sluice-policy: 1\nname: broken\nrules: [\n");
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> Gateway.assemble(context));
        assertTrue(error.getMessage().startsWith("the bootstrap policy is invalid"), error.getMessage());
        TestMediaDriver.until(() -> labels().stream().noneMatch((label) -> label.contains(" rx-")), () -> {},
            "per-worker counters freed");
    }

    @Test
    void refusesACpuListThatDoesNotMatchTheWorkers() throws IOException
    {
        final GatewayContext context = context(new int[]{10, 10}).workerCpus(List.of(0));
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Gateway.assemble(context));
        assertEquals("workers.cpus lists 1 CPUs but source " + context.packetSources().describe() +
            " runs 2 workers: list one CPU per worker, or none", error.getMessage());
    }

    @Test
    void refusesACpuThisMachineDoesNotHave() throws IOException
    {
        final GatewayContext context = context(new int[]{10}).workerCpus(List.of(4000));
        final IllegalStateException error = assertThrows(IllegalStateException.class, context::conclude);
        assertTrue(error.getMessage().contains("workers.cpus: CPU 4000 does not exist on this machine; online CPUs are " +
            CpuAffinity.describe(CpuAffinity.onlineCpus())), error.getMessage());
    }

    @Test
    void pinningReportsWhatWentWrongInsteadOfThrowing() throws InterruptedException
    {
        final String[] results = new String[2];
        final int cpu = CpuAffinity.parseCpuList(allowedCpus()).nextSetBit(0);
        final Thread thread = new Thread(() ->
        {
            results[0] = CpuAffinity.pinCurrentThread(cpu);
            results[1] = CpuAffinity.pinCurrentThread(1023);
        });
        thread.start();
        thread.join();
        assertEquals(null, results[0], "CPU " + cpu + " is allowed");
        assertTrue(results[1].startsWith("sched_setaffinity to CPU 1023 failed with errno 22 (EINVAL)"), results[1]);
        assertTrue(CpuAffinity.pinCurrentThread(5000).contains("outside"));
    }

    @Test
    void parsesAndPrintsLinuxCpuLists()
    {
        final BitSet cpus = CpuAffinity.parseCpuList("0-3,6,8-9\n");
        assertEquals("0-3,6,8-9", CpuAffinity.describe(cpus));
        assertEquals(7, cpus.cardinality());
        assertEquals("none", CpuAffinity.describe(new BitSet()));
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.parseCpuList("0-x"));
        assertFalse(CpuAffinity.onlineCpus().isEmpty());
    }

    /** The CPUs this process may run on, in Linux's list format, from /proc/self/status. */
    private static String allowedCpus()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        throw new IllegalStateException("no Cpus_allowed_list in /proc/self/status");
    }

    /**
     * One capture per entry; file i holds UDP packets from source ports 20000 + 4096 i upwards (so
     * a packet names its file), every tenth of them NTP (which the policy drops).
     */
    private GatewayContext context(final int[] packetsPerFile) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        for (int file = 0; file < packetsPerFile.length; file++)
        {
            final Path capture = directory.resolve("site-" + file + ".pcap");
            try (CaptureFileWriter writer = CaptureFileWriter.create(
                capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
            {
                for (int i = 0; i < packetsPerFile[file]; i++)
                {
                    final int srcPort = 20_000 + (file << 12) + i % 4096;
                    final int dstPort = i % 10 == 9 ? 123 : 5000;
                    writer.write(FIRST_TIMESTAMP_NS + i * 1_000L,
                        Packets.ipv4Udp(NO_VLAN, "10.0." + file + "." + (1 + i % 250), "192.0.2.9", srcPort, dstPort));
                }
            }
            files.add(capture);
        }
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        return new GatewayContext()
            .aeron(media.aeron)
            .gatewayId("gw-w")
            .site("lab-1")
            .region("eu-west")
            .controlInboundChannel("aeron:ipc?alias=unused-control")
            .policyPushChannel("aeron:ipc?alias=unused-push")
            .captureFiles(files)
            .stateDirectory(directory.resolve("state"))
            .bootstrapPolicyFile(policy)
            .addDestination("eu-west", "aeron:ipc", STREAM_IDS.getAndIncrement());
    }

    private static List<String> labels()
    {
        final CountersReader counters = media.aeron.countersReader();
        final List<String> labels = new ArrayList<>();
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == CounterTypes.SOURCE_COUNTER_TYPE_ID || typeId == CounterTypes.DESTINATION_COUNTER_TYPE_ID ||
                typeId == CounterTypes.FLOW_COUNTER_TYPE_ID)
            {
                labels.add(label);
            }
        });
        return labels;
    }
}
