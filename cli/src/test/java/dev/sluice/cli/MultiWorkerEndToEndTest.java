package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.regional.NdjsonFields;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCoreMain;
import dev.sluice.regional.RegionalCountersSnapshot;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Several capture files, one per worker, each worker on its own thread → two regional cores (raw
 * to eu-west, Crypto-PAn to us-east) under a policy that filters, samples, aggregates and keeps:
 * every packet is counted exactly once, by the worker that read it and in the sum
 * ({@code received = forwarded + filtered + sampled_out + aggregated + dropped{reason}}); what the
 * workers sent, summed, is what each core received; and each core sees one stream per worker, in
 * order from sequence 1, with no gap and no duplicate, in its counters and in its NDJSON.
 */
class MultiWorkerEndToEndTest
{
    private static final String HOME = "eu-west";
    private static final String FOREIGN = "us-east";
    private static final String GATEWAY_ID = "gw-multi-1";
    private static final int PACKETS_PER_WORKER = 3_000;
    private static final Pattern STREAM_KEY = Pattern.compile(
        "\"" + NdjsonFields.WORKER + "\":(\\d+),\"" + NdjsonFields.SEQUENCE + "\":(\\d+),");
    private static final String POLICY = """
        sluice-policy: 1
        name: multi-worker
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
          - name: drop-non-ip
            when: not ip.version in {4, 6}
            then: drop
          - name: sample-dns
            when: udp.port == 53
            then: sample 1/10
          - name: web
            when: tcp.port in {80, 443}
            then: aggregate flows
        flows:
          idle-timeout: 15s
          active-timeout: 1m
          bidirectional: true
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 3})
    @Timeout(180)
    void everyPacketIsCountedOnceAndEachWorkerSendsOneInOrderStream(final int workers) throws Exception
    {
        final List<Path> captures = new ArrayList<>();
        final List<DemoTraffic.Summary> traffic = new ArrayList<>();
        for (int i = 0; i < workers; i++)
        {
            final Path capture = directory.resolve("site-" + i + ".pcap");
            // A seed per file: each worker's packets differ from every other's.
            traffic.add(DemoTraffic.write(capture, PACKETS_PER_WORKER + 100 * i, 1_000 + i));
            captures.add(capture);
        }
        final Path policyFile = directory.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        final Path keyFile = directory.resolve("cryptopan.key");
        CryptoPan.writeKeyFile(keyFile, CryptoPan.generateKey(new SecureRandom()));
        final Path output = directory.resolve("regional");

        final SourceCounters.Snapshot source;
        final FlowCounters.Snapshot flows;
        final List<DestinationCounters.Snapshot> destinations;
        final List<Gateway.WorkerSnapshot> perWorker;
        final List<RegionalCountersSnapshot> cores = new ArrayList<>();
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            RegionalCoreMain home = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(aeron).regionName(HOME).channel("aeron:ipc").streamId(3201).outputDir(output));
            RegionalCoreMain foreign = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(aeron).regionName(FOREIGN).channel("aeron:ipc").streamId(3202).outputDir(output)))
        {
            final GatewayContext context = new GatewayContext()
                .aeron(aeron)
                .gatewayId(GATEWAY_ID)
                .site("lab-1")
                .region(HOME)
                .controlInboundChannel("aeron:ipc?alias=unused-control")
                .policyPushChannel("aeron:ipc?alias=unused-push")
                .captureFiles(captures)
                .stateDirectory(directory.resolve("gateway"))
                .anonymizationKeyFile(keyFile)
                .bootstrapPolicyFile(policyFile)
                .addDestination(HOME, "aeron:ipc", 3201)
                .addDestination(FOREIGN, "aeron:ipc", 3202);
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                assertEquals(workers, gateway.workerCount());
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                while (!gateway.isDrained() || !delivered(gateway, home, foreign))
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("traffic did not drain: " + gateway.workerSnapshots() + " " + home.counters().snapshot() +
                            " " + foreign.counters().snapshot());
                    }
                    Thread.sleep(10);
                }
                source = gateway.sourceSnapshot();
                flows = gateway.flowSnapshot();
                destinations = gateway.destinationSnapshots();
                perWorker = gateway.workerSnapshots();
                cores.add(home.counters().snapshot());
                cores.add(foreign.counters().snapshot());
            }
        }

        assertEquals(workers, perWorker.size());
        long packets = 0;
        for (int i = 0; i < workers; i++)
        {
            final Gateway.WorkerSnapshot worker = perWorker.get(i);
            final DemoTraffic.Summary expected = traffic.get(i);
            packets += expected.packets();
            assertEquals("rx-" + i, worker.roleName());
            assertEquals(expected.packets(), worker.source().received(), "worker " + i + " reads its own file once");
            assertBalances(worker.source());
            for (final Map.Entry<DropReason, Integer> drop : expected.expectedDrops().entrySet())
            {
                assertEquals((long)drop.getValue(), worker.source().droppedByReason().getOrDefault(drop.getKey(), 0L),
                    "worker " + i + " " + drop.getKey());
            }
            assertEquals(expected.count(DemoTraffic.Kind.NTP) + expected.count(DemoTraffic.Kind.ARP),
                worker.source().filtered(), "worker " + i);
            assertTrue(worker.source().aggregated() > 0 && worker.source().sampledOut() > 0, worker.source().toString());
            assertTrue(worker.flows().balances(), worker.flows().toString());
            assertEquals(0, worker.flows().tableOpen(), "a drained worker flushed its flows");
            assertEquals(worker.source().aggregated(), worker.flows().packetsEmitted());
            for (final DestinationCounters.Snapshot destination : worker.destinations())
            {
                assertEquals(destination.sentBatches(), destination.lastSequence(),
                    "worker " + i + " numbers its batches to " + destination.region() + " from 1");
                assertEquals(0, destination.inFlight());
                assertEquals(0, destination.flowRecordsInFlight());
            }
        }

        assertEquals(packets, source.received(), "the sum counts every packet once");
        assertBalances(source);
        assertEquals(source.aggregated(), flows.packetsEmitted());
        assertTrue(flows.balances(), flows.toString());
        assertEquals(sum(perWorker, (w) -> w.source().bytesIn()), source.bytesIn());
        assertEquals(sum(perWorker, (w) -> w.flows().emitted()), flows.emitted());

        for (int d = 0; d < 2; d++)
        {
            final DestinationCounters.Snapshot destination = destinations.get(d);
            final RegionalCountersSnapshot core = cores.get(d);
            final int index = d;
            assertEquals(sum(perWorker, (w) -> w.destinations().get(index).recordsSent()), destination.recordsSent());
            assertEquals(sum(perWorker, (w) -> w.destinations().get(index).sentBatches()), destination.sentBatches());
            assertEquals(source.forwarded(), destination.raw() + destination.transformed() + destination.blocked(),
                destination.region() + ": every forwarded item decided once");
            assertEquals(destination.recordsSent(), core.records(), destination.region() + ": what was sent arrived");
            assertEquals(destination.sentRecords(), core.packetRecords());
            assertEquals(destination.flowRecordsSent(), core.flowRecords());
            assertEquals(0, core.duplicates());
            assertEquals(0, core.gaps());
            assertEquals(0, core.rejectedFrames());
            assertEquals(workers, core.streams().size(), destination.region() + ": one stream per worker " + core.streams());
            for (int i = 0; i < workers; i++)
            {
                final RegionalCountersSnapshot.Stream stream =
                    core.stream(GATEWAY_ID, destination.region(), i).orElseThrow();
                final DestinationCounters.Snapshot sent = perWorker.get(i).destinations().get(d);
                assertEquals(sent.sentBatches(), stream.batches(), "stream of rx-" + i + " to " + destination.region());
                assertEquals(sent.recordsSent(), stream.records());
                assertEquals(sent.lastSequence(), stream.lastSequence());
                assertEquals(0, stream.gaps());
                assertEquals(0, stream.duplicates());
            }
            assertStreamsInOrder(output.resolve(destination.region() + ".ndjson"), perWorker, d);
        }
    }

    /** Every line of each worker's batches, in file order: sequences 1, 2, ... per worker, none skipped. */
    private static void assertStreamsInOrder(
        final Path ndjson, final List<Gateway.WorkerSnapshot> perWorker, final int destination) throws Exception
    {
        final Map<Integer, Long> lastSequence = new HashMap<>();
        final Map<Integer, Long> lines = new HashMap<>();
        for (final String line : Files.readAllLines(ndjson, StandardCharsets.UTF_8))
        {
            final Matcher key = STREAM_KEY.matcher(line);
            assertTrue(key.find(), line);
            final int worker = Integer.parseInt(key.group(1));
            final long sequence = Long.parseLong(key.group(2));
            final long last = lastSequence.getOrDefault(worker, 0L);
            assertTrue(sequence == last || sequence == last + 1,
                "worker " + worker + " sequence " + sequence + " after " + last + " in " + ndjson.getFileName());
            lastSequence.put(worker, sequence);
            lines.merge(worker, 1L, Long::sum);
        }
        for (int i = 0; i < perWorker.size(); i++)
        {
            final DestinationCounters.Snapshot sent = perWorker.get(i).destinations().get(destination);
            assertEquals(sent.lastSequence(), lastSequence.getOrDefault(i, 0L), "rx-" + i + " in " + ndjson.getFileName());
            assertEquals(sent.recordsSent(), lines.getOrDefault(i, 0L), "rx-" + i + " lines in " + ndjson.getFileName());
        }
    }

    private static void assertBalances(final SourceCounters.Snapshot source)
    {
        assertEquals(0, source.inFlight(), source.toString());
        assertEquals(source.received(),
            source.forwarded() + source.filtered() + source.sampledOut() + source.aggregated() + source.dropped(),
            source.toString());
    }

    private static long sum(
        final List<Gateway.WorkerSnapshot> workers, final java.util.function.ToLongFunction<Gateway.WorkerSnapshot> value)
    {
        return workers.stream().mapToLong(value).sum();
    }

    private static boolean delivered(final Gateway gateway, final RegionalCoreMain home, final RegionalCoreMain foreign)
    {
        final List<DestinationCounters.Snapshot> destinations = gateway.destinationSnapshots();
        return destinations.get(0).inFlight() == 0 && destinations.get(0).flowRecordsInFlight() == 0 &&
            destinations.get(1).inFlight() == 0 && destinations.get(1).flowRecordsInFlight() == 0 &&
            home.counters().snapshot().records() >= destinations.get(0).recordsSent() &&
            foreign.counters().snapshot().records() >= destinations.get(1).recordsSent();
    }
}
