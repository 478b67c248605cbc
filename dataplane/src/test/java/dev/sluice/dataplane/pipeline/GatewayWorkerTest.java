package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One worker driven by {@code doWork()} over a capture written for the test, with two
 * destinations on an embedded driver: nothing is read before a policy arrives, every item is
 * counted once with one outcome, a back-pressured destination holds the burst (and the source)
 * without losing, repeating or double counting, and each batch names the policy that made it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayWorkerTest
{
    private static final int CYCLES = 50;
    private static final int CYCLE_LENGTH = 20;
    private static final int PACKETS = CYCLES * CYCLE_LENGTH;
    private static final long FIRST_TIMESTAMP_NS = 1_700_000_000_000_000_000L;
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(9000);
    private static final byte[] KEY = new byte[CryptoPan.KEY_LENGTH_BYTES];

    private static TestMediaDriver media;

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final PolicyHolder holder = new PolicyHolder();
    private final DataBatches euWestReceived = new DataBatches();
    private final DataBatches usEastReceived = new DataBatches();
    private long bytesWritten;
    private CaptureFileSource source;
    private SourceCounters sourceCounters;
    private FlowCounters flowCounters;
    private BatchEgress egress;
    private Subscription euWest;
    private Subscription usEast;
    private GatewayWorker worker;

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

    @AfterEach
    void closeResources()
    {
        CloseHelper.closeAll(resources);
    }

    /** One cycle: 11 kept, 2 DNS (sample 1/10), 3 ICMP (sample 1/4), 3 filtered, 1 dropped by decode. */
    private static byte[] packet(final int cycle, final int position)
    {
        final String client = "10.1." + cycle + "." + (position + 1);
        return switch (position)
        {
            case 0, 1, 2, 3, 4, 5 -> Packets.ipv4Tcp(client, "93.184.216.34", 40000 + position, 443, 0x010);
            case 6 -> Packets.ipv4Tcp(client, "192.0.2.22", 40000, 22, 0x002);
            case 7, 8 -> Packets.ipv4Udp(NO_VLAN, client, "8.8.8.8", 50000 + cycle, 53);
            case 9, 19 -> Packets.ipv4Udp(NO_VLAN, client, "192.0.2.123", 123, 123);
            case 10 -> Packets.arpRequest();
            case 11 -> Packets.truncatedIpv4();
            case 12, 13 -> Packets.ipv4Icmp(NO_VLAN, client, "192.0.2.1", 8, 0);
            case 14 -> Packets.ipv6Icmp("2001:db8::" + (cycle + 1), "2001:db8::ffff", 128, 0);
            case 15 -> Packets.ipv6Tcp("2001:db8::" + (cycle + 1), "2001:db8::80", 40000, 80, 0x002);
            case 16 -> Packets.ipv4Udp(100, client, "192.0.2.50", 5000, 5000);
            case 17 -> Packets.ipv4LaterFragment(client, "192.0.2.60", 17);
            default -> Packets.ipv4Tcp(client, "192.0.2.80", 40000, 80, 0x018);
        };
    }

    private void build(final int burstCapacity, final String euWestChannel) throws IOException
    {
        final Path capture = directory.resolve("site.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int cycle = 0; cycle < CYCLES; cycle++)
            {
                for (int position = 0; position < CYCLE_LENGTH; position++)
                {
                    final byte[] frame = packet(cycle, position);
                    writer.write(FIRST_TIMESTAMP_NS + cycle * CYCLE_LENGTH + position, frame);
                    bytesWritten += frame.length;
                }
            }
        }
        source = track(CaptureFileSource.open(capture));
        sourceCounters = track(new SourceCounters(media.aeron, source.name()));
        flowCounters = track(new FlowCounters(media.aeron, "rx-0"));

        final int euStream = STREAM_IDS.incrementAndGet();
        final int usStream = STREAM_IDS.incrementAndGet();
        euWest = track(media.aeron.addSubscription("aeron:ipc", euStream));
        usEast = track(media.aeron.addSubscription("aeron:ipc", usStream));
        final DestinationStream eu = stream(0, "eu-west", euWestChannel, euStream);
        final DestinationStream us = stream(1, "us-east", "aeron:ipc", usStream);
        // Until the driver first sets the publisher limit, a claim is refused as back-pressured.
        TestMediaDriver.until(
            () -> eu.publication().positionLimit() > 0 && us.publication().positionLimit() > 0, () -> {}, "connected");
        egress = new BatchEgress(List.of(eu, us), "gw-paris-1", "paris-1", "eu-west", 1_000_000_000L, () -> 1L);

        final PacketBurst burst = new PacketBurst(burstCapacity, 2);
        worker = new GatewayWorker(
            "rx-0",
            source,
            burst,
            new PacketDecoder(),
            new ClassifyStage(),
            new ReduceStage(flowCounters, new DestinationCounters[]{eu.counters(), us.counters()}, new CryptoPan(KEY), burst.capacity()),
            new AnonymizeStage(new CryptoPan(KEY)),
            new ResidencyStage(new DestinationCounters[]{eu.counters(), us.counters()}, burst.capacity()),
            egress,
            holder,
            sourceCounters,
            clock);
    }

    private DestinationStream stream(final int index, final String region, final String channel, final int streamId)
    {
        return track(new DestinationStream(
            index,
            region,
            media.aeron.addExclusivePublication(channel, streamId),
            StreamSequence.open(directory.resolve(region + ".seq"), 16),
            new DestinationCounters(media.aeron, region)));
    }

    private void apply(final long version, final Policy policy)
    {
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("eu-west", "us-east"), true).build(version, policy);
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        holder.apply(result.snapshot());
    }

    @Test
    void readsNothingUntilAPolicyArrives() throws IOException
    {
        build(64, "aeron:ipc");
        for (int i = 0; i < 10; i++)
        {
            assertEquals(0, worker.doWork());
        }
        assertEquals(0, source.packetsRead());
        assertEquals(0, worker.burstsProcessed());
        assertEquals(0, sourceCounters.snapshot().received());

        apply(1, TestPolicies.edgeDemo());
        assertEquals(64, worker.doWork());
        assertEquals(64, source.packetsRead());
        assertEquals(1, worker.burstsProcessed());
    }

    @Test
    void countsEveryOutcomeOnceAndEveryDestinationBalances() throws IOException
    {
        build(64, "aeron:ipc");
        apply(1, TestPolicies.edgeDemo());
        runUntilDrained(() -> {});

        final SourceCounters.Snapshot counters = sourceCounters.snapshot();
        final long dnsKept = (2L * CYCLES + 9) / 10;
        final long icmpKept = (3L * CYCLES + 3) / 4;
        final long forwarded = 11L * CYCLES + dnsKept + icmpKept;
        assertEquals(PACKETS, counters.received());
        assertEquals(bytesWritten, counters.bytesIn());
        assertEquals(forwarded, counters.forwarded());
        assertEquals(3L * CYCLES, counters.filtered());
        assertEquals(5L * CYCLES - dnsKept - icmpKept, counters.sampledOut());
        assertEquals(Map.of(DropReason.TRUNCATED_IPV4, (long)CYCLES), counters.droppedByReason());
        assertEquals(0, counters.inFlight());
        assertEquals(counters.received(), counters.forwarded() + counters.filtered() + counters.sampledOut() + counters.dropped());

        final DestinationCounters.Snapshot eu = egress.stream(0).counters().snapshot();
        final DestinationCounters.Snapshot us = egress.stream(1).counters().snapshot();
        assertEquals(forwarded, eu.raw());
        assertEquals(forwarded, us.transformed(), "the demo policy sends only anonymized addresses to us-east");
        for (final DestinationCounters.Snapshot destination : List.of(eu, us))
        {
            assertEquals(counters.forwarded(), destination.raw() + destination.transformed() + destination.blocked());
            assertEquals(destination.raw() + destination.transformed(), destination.sentRecords());
            assertEquals(0, destination.droppedUnavailable());
            assertEquals(0, destination.inFlight());
        }
        euWestReceived.awaitRecords(euWest, forwarded);
        usEastReceived.awaitRecords(usEast, forwarded);
        assertContiguousAndUnique(euWestReceived, forwarded);
        assertContiguousAndUnique(usEastReceived, forwarded);
        assertEquals((PACKETS + 63) / 64, worker.burstsProcessed());
        assertTrue(worker.isDrained());
    }

    @Test
    void rateLimitedPacketsAreSampledOutAndCountedApartAndTheBalanceHolds() throws IOException
    {
        build(64, "aeron:ipc");
        // The capture's packets are a nanosecond apart: within the limits' first second, so only bursts pass.
        apply(1, TestPolicies.parse("""
            sluice-policy: 1
            name: limits
            match: first
            default: keep
            regions: [eu-west, us-east]
            rules:
              - name: https-per-server
                when: tcp.dstport == 443
                then: rate-limit 100/s by ip.dst burst 7
              - name: http-one-bucket
                when: tcp.dstport == 80
                then: rate-limit 1/m
            residency:
              - {class: pii.ip, origin: eu-west, raw: [eu-west, us-east]}
            """));
        runUntilDrained(() -> {});

        final SourceCounters.Snapshot counters = sourceCounters.snapshot();
        final long httpsLimited = 6L * CYCLES - 7;
        final long httpLimited = 2L * CYCLES - 1;
        assertEquals(PACKETS, counters.received());
        assertEquals(httpsLimited + httpLimited, counters.sampledOut());
        assertEquals(httpsLimited + httpLimited, sourceCounters.rateLimited(), "every sampled-out packet was over a limit");
        assertEquals(0, sourceCounters.rateLimitEvictions());
        assertEquals(Map.of(DropReason.TRUNCATED_IPV4, (long)CYCLES), counters.droppedByReason());
        assertEquals(PACKETS - CYCLES - httpsLimited - httpLimited, counters.forwarded());
        assertEquals(0, counters.inFlight());
        assertEquals(counters.received(), counters.forwarded() + counters.filtered() + counters.sampledOut() + counters.dropped());
        final DestinationCounters.Snapshot eu = egress.stream(0).counters().snapshot();
        assertEquals(counters.forwarded(), eu.raw() + eu.transformed() + eu.blocked());
        assertEquals(0, eu.inFlight());
    }

    @Test
    void backPressureHoldsTheBurstAndTheSourceUntilTheDestinationCatchesUp() throws IOException
    {
        build(256, "aeron:ipc?term-length=64k");
        apply(1, TestPolicies.edgeDemo());

        // The eu-west subscriber does not read: the worker must stop at a held burst.
        long packetsReadWhenHeld = -1;
        for (int i = 0; i < 10_000 && packetsReadWhenHeld < 0; i++)
        {
            worker.doWork();
            usEast.poll(usEastReceived, 100);
            final DestinationCounters.Snapshot eu = egress.stream(0).counters().snapshot();
            if (eu.inFlight() > 0 && worker.doWork() == 0)
            {
                packetsReadWhenHeld = source.packetsRead();
            }
        }
        assertTrue(packetsReadWhenHeld > 0, "the worker holds a burst under back pressure");
        final long receivedWhenHeld = sourceCounters.snapshot().received();
        for (int i = 0; i < 100; i++)
        {
            assertEquals(0, worker.doWork(), "no new work while holding");
        }
        assertEquals(packetsReadWhenHeld, source.packetsRead(), "the source is not read while a burst is held");
        assertEquals(receivedWhenHeld, sourceCounters.snapshot().received(), "a held burst is counted once");
        assertTrue(egress.stream(0).counters().snapshot().backPressureRetries() > 0);
        final long burstsWhenHeld = worker.burstsProcessed();

        runUntilDrained(() -> euWest.poll(euWestReceived, 100));
        assertTrue(worker.burstsProcessed() > burstsWhenHeld);

        final long forwarded = sourceCounters.snapshot().forwarded();
        assertEquals(PACKETS, sourceCounters.snapshot().received());
        euWestReceived.awaitRecords(euWest, forwarded);
        usEastReceived.awaitRecords(usEast, forwarded);
        assertContiguousAndUnique(euWestReceived, forwarded);
        assertContiguousAndUnique(usEastReceived, forwarded);
        assertEquals(0, egress.stream(0).counters().snapshot().inFlight());
    }

    @Test
    void eachBatchNamesThePolicyThatDecidedItsBurst() throws IOException
    {
        build(256, "aeron:ipc?term-length=64k");
        final Policy keepAll = TestPolicies.parse("""
            sluice-policy: 1
            name: keep-all
            match: first
            default: keep
            regions: [eu-west, us-east]
            residency:
              - class: pii.ip
                origin: eu-west
                raw: [eu-west, us-east]
            """);
        apply(1, keepAll);
        // Fill the small term until a burst is held, then swap the policy while it is held.
        while (egress.stream(0).counters().snapshot().inFlight() == 0)
        {
            worker.doWork();
            usEast.poll(usEastReceived, 100);
        }
        final long burstsBeforeSwap = worker.burstsProcessed();
        apply(2, TestPolicies.edgeDemo());
        runUntilDrained(() -> euWest.poll(euWestReceived, 100));
        euWestReceived.awaitRecords(euWest, sourceCounters.snapshot().forwarded());

        final Set<Long> versionsSeen = new HashSet<>();
        long lastVersion = 0;
        long recordsUnderVersion1 = 0;
        for (final DataBatches.Batch batch : euWestReceived.batches())
        {
            assertTrue(batch.policyVersion() >= lastVersion, "versions never go back");
            lastVersion = batch.policyVersion();
            versionsSeen.add(batch.policyVersion());
            recordsUnderVersion1 += batch.policyVersion() == 1 ? batch.recordCount() : 0;
        }
        assertEquals(Set.of(1L, 2L), versionsSeen);
        // Keep-all forwards every packet the decoder accepts: all but the truncated one of each cycle.
        final long decidedUnderVersion1 = 256L * (burstsBeforeSwap + 1);
        final long droppedUnderVersion1 = (decidedUnderVersion1 + CYCLE_LENGTH - 1 - 11) / CYCLE_LENGTH;
        assertEquals(decidedUnderVersion1 - droppedUnderVersion1, recordsUnderVersion1,
            "the held burst finishes under the version that decided it");
    }

    @Test
    void aggregatedTrafficLeavesAsFlowRecordsWhosePacketsAndBytesAddUp() throws IOException
    {
        build(64, "aeron:ipc");
        apply(1, TestPolicies.parse(TestPolicies.resource("edge-demo-policy.yaml")
            .replace("name: eu-edge-demo", "name: eu-edge-flows")
            .replace("    when: tcp.port in {80, 443}\n    then: keep", "    when: tcp.port in {80, 443}\n    then: aggregate flows")));
        runUntilDrained(() -> {});

        // Positions 0-5 (443), 15 (IPv6, 80) and 18 (80) of every cycle: a flow each, all different.
        long aggregatedBytes = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++)
        {
            for (final int position : new int[]{0, 1, 2, 3, 4, 5, 15, 18})
            {
                aggregatedBytes += packet(cycle, position).length;
            }
        }
        final long aggregated = 8L * CYCLES;
        final SourceCounters.Snapshot counters = sourceCounters.snapshot();
        assertEquals(PACKETS, counters.received());
        assertEquals(aggregated, counters.aggregated());
        assertEquals(0, counters.inFlight());
        assertEquals(counters.received(),
            counters.forwarded() + counters.aggregated() + counters.filtered() + counters.sampledOut() + counters.dropped());

        final FlowCounters.Snapshot flows = flowCounters.snapshot();
        assertEquals(aggregated, flows.created());
        assertEquals(aggregated, flows.emittedFlushed(), "every flow is open until the capture ends");
        assertEquals(aggregated, flows.packetsEmitted());
        assertEquals(aggregatedBytes, flows.bytesEmitted());
        assertEquals(0, flows.tableOpen());
        assertTrue(flows.balances());

        final DestinationCounters.Snapshot eu = egress.stream(0).counters().snapshot();
        final DestinationCounters.Snapshot us = egress.stream(1).counters().snapshot();
        assertEquals(aggregated, eu.flowRecordsRaw());
        assertEquals(aggregated, us.flowRecordsTransformed(), "us-east gets anonymized addresses in flows too");
        for (final DestinationCounters.Snapshot destination : List.of(eu, us))
        {
            assertEquals(flows.emitted(), destination.flowRecordsDecided());
            assertEquals(aggregated, destination.flowRecordsSent());
            assertEquals(0, destination.flowRecordsInFlight());
            assertEquals(counters.forwarded(), destination.sentRecords());
        }

        final long packetRecords = counters.forwarded();
        euWestReceived.awaitRecords(euWest, packetRecords);
        usEastReceived.awaitRecords(usEast, packetRecords);
        for (final DataBatches received : List.of(euWestReceived, usEastReceived))
        {
            TestMediaDriver.until(() -> received.flows().size() >= aggregated,
                () -> (received == euWestReceived ? euWest : usEast).poll(received, 100), "flow records");
            assertEquals(aggregated, received.flows().size());
            long packets = 0;
            long bytes = 0;
            for (final DataBatches.Flow flow : received.flows())
            {
                packets += flow.packets() + flow.reversePackets();
                bytes += flow.bytes() + flow.reverseBytes();
                assertEquals(received == usEastReceived, flow.srcAnonymized());
                assertEquals(received == usEastReceived, flow.dstAnonymized());
            }
            assertEquals(aggregated, packets);
            assertEquals(aggregatedBytes, bytes);
        }
        assertTrue(worker.isDrained());
    }

    @Test
    void closingTheWorkerFlushesOpenFlowsToEveryDestination() throws IOException
    {
        build(64, "aeron:ipc");
        apply(1, TestPolicies.parse(TestPolicies.resource("edge-demo-policy.yaml")
            .replace("    when: tcp.port in {80, 443}\n    then: keep", "    when: tcp.port in {80, 443}\n    then: aggregate flows")));
        for (int i = 0; i < 5; i++)
        {
            worker.doWork();
        }
        final FlowCounters.Snapshot before = flowCounters.snapshot();
        assertTrue(before.tableOpen() > 0, "flows are open mid-capture");
        assertEquals(0, before.emitted());

        worker.onClose();
        final FlowCounters.Snapshot after = flowCounters.snapshot();
        assertEquals(before.created(), after.emittedFlushed());
        assertEquals(0, after.tableOpen());
        assertEquals(sourceCounters.snapshot().aggregated(), after.packetsEmitted());
        for (final DestinationCounters.Snapshot destination :
            List.of(egress.stream(0).counters().snapshot(), egress.stream(1).counters().snapshot()))
        {
            assertEquals(after.emitted(), destination.flowRecordsSent(), destination.region());
        }
        TestMediaDriver.until(() -> euWestReceived.flows().size() >= after.emitted(),
            () -> euWest.poll(euWestReceived, 100), "flushed flow records");
        assertEquals(after.emitted(), euWestReceived.flows().size());
    }

    @Test
    void burstMustHaveRoomForEveryDestination() throws IOException
    {
        build(8, "aeron:ipc");
        assertThrows(IllegalArgumentException.class, () -> new GatewayWorker(
            "rx-1", source, new PacketBurst(8, 1), new PacketDecoder(), new ClassifyStage(),
            new ReduceStage(flowCounters, new DestinationCounters[0], null, 8), new AnonymizeStage(null),
            new ResidencyStage(new DestinationCounters[0], 8), egress, holder, sourceCounters, clock));
        assertEquals("rx-0", worker.roleName());
    }

    private void runUntilDrained(final Runnable alsoEachRound)
    {
        TestMediaDriver.until(worker::isDrained, () ->
        {
            clock.advance(1_000);
            worker.doWork();
            euWest.poll(euWestReceived, 100);
            usEast.poll(usEastReceived, 100);
            alsoEachRound.run();
        }, "worker drained");
    }

    private static void assertContiguousAndUnique(final DataBatches received, final long records)
    {
        final List<DataBatches.Batch> batches = received.batches();
        for (int b = 0; b < batches.size(); b++)
        {
            assertEquals(b + 1, batches.get(b).streamSequence(), "sequence of batch " + b);
        }
        final List<DataBatches.Packet> packets = received.packets();
        assertEquals(records, packets.size());
        long lastTimestamp = 0;
        for (final DataBatches.Packet packet : packets)
        {
            assertTrue(packet.timestampNs() > lastTimestamp, "each record once, in capture order");
            lastTimestamp = packet.timestampNs();
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }
}
