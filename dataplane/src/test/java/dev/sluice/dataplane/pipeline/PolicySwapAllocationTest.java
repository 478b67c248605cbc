package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switching policy versions costs the workers no allocation: a packet worker given a different
 * snapshot before every burst, and an event worker given one before every cycle, allocate nothing
 * once warm. The snapshots are built beforehand (off the data path, as the conductor does); the
 * versions differ in their rules, their rule counts, their sample rates and rate limits, and name the same
 * dynamic event fields (a version that names new ones builds its field readers once, at the switch).
 * Driven by {@code doWork()} on the test thread, so the thread's allocation counter sees exactly
 * the worker's duty cycle.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicySwapAllocationTest
{
    private static final String REGION = "eu-west";
    private static final int PACKETS = 4_096;
    private static final long FIRST_TIMESTAMP_NS = 1_700_000_000_000_000_000L;
    private static final byte[] PEER = {(byte)192, 0, 2, 7};

    private static final String ODD = """
        sluice-policy: 1
        name: odd
        match: first
        default: keep
        regions: [eu-west]
        rules:
          - name: drop-dns
            when: udp.port == 53
            then: drop
          - name: drop-dns-logs
            when: json.app == "dnsd"
            then: drop
          - name: sample-icmp
            when: ip.proto == 1
            then: sample 1/2
          - name: sample-probe-logs
            when: json.app == "probe"
            then: sample 1/2
          - name: limit-keeper-logs
            when: json.app == "keeper"
            then: rate-limit 1/s by json.app, syslog.hostname
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;

    private static final String EVEN = """
        sluice-policy: 1
        name: even
        match: first
        default: keep
        regions: [eu-west]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
          - name: drop-ntp-logs
            when: json.app == "ntpd"
            then: drop
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;

    private static final FragmentHandler DISCARD = (buffer, offset, length, header) -> {};

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final IngestRecord ingestHeader = new IngestRecord();
    private TestMediaDriver media;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(resources.reversed());
        CloseHelper.close(media);
    }

    @Test
    void packetWorkerSwitchingVersionEveryBurstAllocatesNothing() throws IOException
    {
        media = new TestMediaDriver();
        final PolicySnapshot[] versions = snapshots(track(new ClassDecisionCounters(media.aeron::addCounter, List.of(REGION))));
        final PolicyHolder holder = new PolicyHolder();
        final CaptureFileSource source = track(CaptureFileSource.open(writeCapture()));
        final SourceCounters sourceCounters = track(new SourceCounters(media.aeron::addCounter, source.name(), "rx-0"));
        final FlowCounters flowCounters = track(new FlowCounters(media.aeron, "rx-0"));
        final Subscription subscription = track(media.aeron.addSubscription("aeron:ipc", 7201));
        final DestinationStream stream = destination(7201, "packets");
        final BatchEgress egress = new BatchEgress(
            List.of(stream), "gw-paris-1", "paris-1", REGION, 0, TimeUnit.SECONDS.toNanos(5), new OffsetEpochNanoClock());
        final PacketBurst burst = new PacketBurst(64, 1);
        final DestinationCounters[] destinations = {stream.counters()};
        final CryptoPan cryptoPan = new CryptoPan(new byte[CryptoPan.KEY_LENGTH_BYTES]);
        final GatewayWorker worker = new GatewayWorker(
            "rx-0", source, burst, new PacketDecoder(), new ClassifyStage(),
            new ReduceStage(flowCounters, destinations, cryptoPan, burst.capacity()),
            new AnonymizeStage(cryptoPan), new ResidencyStage(destinations, burst.capacity()),
            egress, holder, sourceCounters, new SystemNanoClock());

        final long[] swaps = {0};
        // One pass: a new version, then exactly one burst decided by it and sent.
        final Runnable pass = () ->
        {
            holder.apply(versions[(int)(swaps[0]++ & 1)]);
            final long burstsBefore = worker.burstsProcessed();
            while (worker.burstsProcessed() == burstsBefore)
            {
                if (source.isExhausted())
                {
                    source.rewind();
                }
                worker.doWork();
                subscription.poll(DISCARD, 100);
            }
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 10_000, 1_000, 8);
        final SourceCounters.Snapshot counters = sourceCounters.snapshot();
        System.out.println("packet worker: " + bytes + " bytes in the cleanest window of 1,000 swaps (a burst each); " + swaps[0] +
            " swaps, " + counters);
        assertTrue(counters.filtered() > 0 && counters.sampledOut() > 0 && counters.forwarded() > 0, counters.toString());
        assertEquals(0, bytes, "bytes allocated by a packet worker switching versions before every burst");
    }

    @Test
    void eventWorkerSwitchingVersionEveryCycleAllocatesNothing()
    {
        media = new TestMediaDriver();
        final PolicySnapshot[] versions = snapshots(track(new ClassDecisionCounters(media.aeron::addCounter, List.of(REGION))));
        final PolicyHolder holder = new PolicyHolder();
        final EventRing ring = track(new EventRing(EventRing.CAPACITY_BYTES_DEFAULT));
        final EventCounters counters = track(new EventCounters(media.aeron::addCounter, "events-0"));
        final EventDestinationCounters destination = track(new EventDestinationCounters(media.aeron::addCounter, REGION, "events-0"));
        final Subscription subscription = track(media.aeron.addSubscription("aeron:ipc", 7202));
        final DestinationStream stream = destination(7202, "events");
        final EventSender sender = new EventSender(
            List.of(stream), List.of(destination), "gw-paris-1", "paris-1", REGION, 1, TimeUnit.SECONDS.toNanos(5),
            new OffsetEpochNanoClock(), EventWorker.maxEventBytes(ring.maxMessageLength()));
        final EventWorker worker = new EventWorker(
            "events-0", ring, holder, null, null, sender, counters, new RejectSamples(), new SystemNanoClock());
        final byte[][] messages = {
            "{\"seq\":1,\"app\":\"keeper\"}".getBytes(StandardCharsets.UTF_8),
            "{\"seq\":2,\"app\":\"dnsd\"}".getBytes(StandardCharsets.UTF_8),
            "{\"seq\":3,\"app\":\"ntpd\"}".getBytes(StandardCharsets.UTF_8),
            "{\"seq\":4,\"app\":\"probe\"}".getBytes(StandardCharsets.UTF_8),
            "{\"seq\":5,\"app\":\"probe\"}".getBytes(StandardCharsets.UTF_8),
            "<14>Oct 11 22:14:15 host app: info line".getBytes(StandardCharsets.UTF_8)};
        final EventFormat[] formats =
            {EventFormat.JSON, EventFormat.JSON, EventFormat.JSON, EventFormat.JSON, EventFormat.JSON, EventFormat.SYSLOG};

        final long[] swaps = {0};
        final Runnable pass = () ->
        {
            holder.apply(versions[(int)(swaps[0]++ & 1)]);
            for (int i = 0; i < messages.length; i++)
            {
                publish(ring, formats[i], messages[i]);
            }
            do
            {
                worker.doWork();
                subscription.poll(DISCARD, 100);
            }
            while (!worker.isIdle() || ring.usedBytes() > 0);
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 20_000, 2_000, 8);
        final EventCounters.Snapshot totals = counters.snapshot();
        System.out.println("event worker: " + bytes + " bytes in the cleanest window of 2,000 swaps; " + swaps[0] +
            " swaps, " + totals);
        assertTrue(totals.filtered() > 0 && totals.sampledOut() > 0 && totals.forwarded() > 0, totals.toString());
        assertEquals(0, totals.unaccounted(), totals.toString());
        assertEquals(0, bytes, "bytes allocated by an event worker switching versions before every cycle");
    }

    /** Two versions built as the conductor builds them, before the workers run. */
    /** Two versions, each counting residency decisions per data class as a gateway does. */
    private static PolicySnapshot[] snapshots(final ClassDecisionCounters classDecisions)
    {
        final PolicyInstaller installer = new PolicyInstaller(REGION, List.of(REGION), true).countClassesIn(classDecisions);
        final PolicySnapshot odd = installer.build(1, TestPolicies.parse(ODD)).snapshot();
        final PolicySnapshot even = installer.build(2, TestPolicies.parse(EVEN)).snapshot();
        return new PolicySnapshot[]{odd, even};
    }

    private void publish(final EventRing ring, final EventFormat format, final byte[] message)
    {
        final int at = ring.claim(format.typeId(), message.length);
        assertTrue(at >= 0, "the worker keeps the ring empty");
        final MemorySegment segment = ring.segment();
        ingestHeader.wrap(segment, at).receiveTimeNs(FIRST_TIMESTAMP_NS).peer(PEER, 514, 0, 0);
        MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
        ring.commit(at);
    }

    private Path writeCapture() throws IOException
    {
        final Path capture = directory.resolve("swap.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int item = 0; item < PACKETS; item++)
            {
                final String client = "10.1." + ((item >> 8) & 0xFF) + "." + (item & 0xFF);
                writer.write(FIRST_TIMESTAMP_NS + item, switch (item % 4)
                {
                    case 0 -> Packets.ipv4Tcp(client, "93.184.216.34", 40000, 443, 0x010);
                    case 1 -> Packets.ipv4Udp(NO_VLAN, client, "8.8.8.8", 50000, 53);
                    case 2 -> Packets.ipv4Udp(NO_VLAN, client, "192.0.2.123", 123, 123);
                    default -> Packets.ipv4Icmp(NO_VLAN, client, "192.0.2.1", 8, 0);
                });
            }
        }
        return capture;
    }

    private DestinationStream destination(final int streamId, final String sequenceName)
    {
        final DestinationStream stream = track(new DestinationStream(
            0,
            REGION,
            media.aeron.addExclusivePublication("aeron:ipc", streamId),
            StreamSequence.open(directory.resolve(sequenceName + ".seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
            new DestinationCounters(media.aeron::addCounter, REGION, sequenceName)));
        TestMediaDriver.until(() -> stream.publication().positionLimit() > 0, () -> {}, "destination connected");
        return stream;
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }
}
