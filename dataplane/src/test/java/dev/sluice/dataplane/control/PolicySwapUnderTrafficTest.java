package dev.sluice.dataplane.control;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.pipeline.EventWorker;
import dev.sluice.dataplane.pipeline.GatewayWorker;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.EventBatches;
import dev.sluice.dataplane.testing.GatedPacketSource;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckDecoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushEncoder;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 5's swap test: a fake control plane pushes 1,000 policy versions through the real push
 * path (Aeron IPC → {@link GatewayConductor} → {@link PolicyInstaller} → {@link PolicyHolder}) while
 * packets flow through a {@link GatewayWorker} and events through an {@link EventWorker}, conductor
 * and workers each on their own thread. Odd versions drop DNS and sample ICMP 1/2, even versions
 * drop NTP, so what a batch holds says whether the version it names really decided it.
 * <p>
 * Traffic comes in groups that can only be decided together: 8 packets the source hands out in
 * the same burst ({@link GatedPacketSource}), 5 events in one NDJSON ring record (read in one
 * cycle). The first of each group is kept by every version, so its batch names the version of
 * the whole group; every other item of the group must then be in a batch naming that version
 * or be missing for a reason that version gives (filtered, sampled out, dropped as malformed).
 * Anything else is an item lost, counted twice, or decided half under one version and half
 * under another. The per-version outcomes summed must equal the workers' counters, and
 * {@code received = forwarded + filtered + sampled_out + dropped} with nothing in flight.
 * <p>
 * The control plane paces itself by a seeded random choice per version (push on at once; wait
 * until the workers have started on the traffic granted since the last ack; wait until they
 * have taken all of it), so swaps land both between and in the middle of bursts and the
 * workers still see hundreds of versions. The seed is printed and in every failure message;
 * {@code -Dsluice.swap.seed=N} replays one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicySwapUnderTrafficTest
{
    private static final int VERSIONS = 1_000;
    private static final int PACKET_GROUP = 8;
    private static final int PACKET_GROUPS_PER_VERSION = 2;
    private static final int EVENT_GROUP = 5;
    private static final int EVENT_GROUPS_PER_VERSION = 2;
    private static final int PACKETS = VERSIONS * PACKET_GROUPS_PER_VERSION * PACKET_GROUP;
    private static final int EVENTS = VERSIONS * EVENT_GROUPS_PER_VERSION * EVENT_GROUP;
    private static final int BURST_CAPACITY = 32;
    private static final long FIRST_TIMESTAMP_NS = 1_700_000_000_000_000_000L;
    private static final long SEED = Long.getLong("sluice.swap.seed", 0x5EED_0005L);
    private static final String GATEWAY = "gw-paris-1";
    private static final String REGION = "eu-west";
    private static final byte[] PEER = {(byte)192, 0, 2, 7};
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    /** What an item is, by its position in its group; decides its outcome under each version. */
    private enum Kind
    {
        KEEP, DNS, NTP, SAMPLED, MALFORMED
    }

    private static final Kind[] PACKET_KINDS =
        {Kind.KEEP, Kind.DNS, Kind.NTP, Kind.SAMPLED, Kind.KEEP, Kind.SAMPLED, Kind.MALFORMED, Kind.DNS};
    private static final Kind[] EVENT_KINDS = {Kind.KEEP, Kind.DNS, Kind.NTP, Kind.SAMPLED, Kind.MALFORMED};

    private enum Outcome
    {
        FORWARDED, FILTERED, SAMPLED_OUT, DROPPED
    }

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final DataBatches packetsReceived = new DataBatches();
    private final EventBatches eventsReceived = new EventBatches();
    private final ExpandableArrayBuffer pushBuffer = new ExpandableArrayBuffer(4096);
    private final IngestRecord ingestHeader = new IngestRecord();
    private final AtomicLong lastAckedVersion = new AtomicLong();
    private TestMediaDriver media;
    private Subscription packetSubscription;
    private Subscription eventSubscription;
    private Subscription ackSubscription;
    private Publication pushPublication;
    private FragmentHandler ackHandler;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(runners);
        CloseHelper.closeAll(resources.reversed());
        CloseHelper.close(media);
    }

    @Test
    void everyItemIsDecidedByExactlyOneOfAThousandVersionsAndNoneIsLost() throws IOException
    {
        System.out.println("policy swap under traffic: seed " + SEED);
        media = new TestMediaDriver();
        final PolicyHolder holder = new PolicyHolder();

        // The gateway: conductor, packet worker, event worker.
        final GatedPacketSource source = track(new GatedPacketSource(CaptureFileSource.open(writeCapture()), PACKET_GROUP));
        final SourceCounters sourceCounters = track(new SourceCounters(media.aeron::addCounter, source.name(), "rx-0"));
        final FlowCounters flowCounters = track(new FlowCounters(media.aeron, "rx-0"));
        packetSubscription = track(media.aeron.addSubscription("aeron:ipc", 7101));
        eventSubscription = track(media.aeron.addSubscription("aeron:ipc", 7102));
        // A small term, so the packet destination pushes back now and then and bursts are held across swaps.
        final DestinationStream packetStream = destination(0, "aeron:ipc?term-length=64k", 7101, "packets", "rx-0");
        final DestinationStream eventStream = destination(0, "aeron:ipc", 7102, "events", "events-0");
        final BatchEgress egress = new BatchEgress(
            List.of(packetStream), GATEWAY, "paris-1", REGION, 0, TimeUnit.SECONDS.toNanos(5), new SystemEpochNanoClock());
        final PacketBurst burst = new PacketBurst(BURST_CAPACITY, 1);
        final DestinationCounters[] packetDestinations = {packetStream.counters()};
        final CryptoPan cryptoPan = new CryptoPan(new byte[CryptoPan.KEY_LENGTH_BYTES]);
        final GatewayWorker packetWorker = new GatewayWorker(
            "rx-0", source, burst, new PacketDecoder(), new ClassifyStage(),
            new ReduceStage(flowCounters, packetDestinations, cryptoPan, burst.capacity()),
            new AnonymizeStage(cryptoPan), new ResidencyStage(packetDestinations, burst.capacity()),
            egress, holder, sourceCounters, new SystemNanoClock());

        final EventRing ring = track(new EventRing(EventRing.CAPACITY_BYTES_DEFAULT));
        final EventCounters eventCounters = track(new EventCounters(media.aeron::addCounter, "events-0"));
        final EventDestinationCounters eventDestination =
            track(new EventDestinationCounters(media.aeron::addCounter, REGION, "events-0"));
        final EventSender sender = new EventSender(
            List.of(eventStream), List.of(eventDestination), GATEWAY, "paris-1", REGION, 1, TimeUnit.SECONDS.toNanos(5),
            new SystemEpochNanoClock(), EventWorker.maxEventBytes(ring.maxMessageLength()));
        final EventWorker eventWorker = new EventWorker(
            "events-0", ring, holder, null, cryptoPan, sender, eventCounters, new RejectSamples(), new SystemNanoClock());

        pushPublication = track(media.aeron.addPublication("aeron:ipc", 7103));
        final Subscription pushSubscription = track(media.aeron.addSubscription("aeron:ipc", 7103));
        final Publication controlPublication = track(media.aeron.addPublication("aeron:ipc", 7104));
        ackSubscription = track(media.aeron.addSubscription("aeron:ipc", 7104));
        TestMediaDriver.until(() -> pushPublication.positionLimit() > 0 && controlPublication.positionLimit() > 0,
            () -> {}, "control links connected");
        final GatewayConductor conductor = new GatewayConductor(
            GATEWAY, "paris-1", REGION, pushSubscription, controlPublication, holder,
            new PolicyInstaller(REGION, List.of(REGION), true), new SystemEpochClock(), 1_000);
        ackHandler = new FragmentAssembler(new AckHandler(lastAckedVersion));

        for (final var agent : List.of(conductor, packetWorker, eventWorker))
        {
            final AgentRunner runner = new AgentRunner(
                new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)),
                Throwable::printStackTrace, null, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }

        // The control plane: push, await the ack, let traffic in, pace.
        final SplittableRandom random = new SplittableRandom(SEED);
        final long startNs = System.nanoTime();
        int eventGroupsPublished = 0;
        final int[] pacing = new int[3];
        for (long version = 1; version <= VERSIONS; version++)
        {
            push(version);
            final long acked = version;
            awaitWhilePolling(() -> lastAckedVersion.get() >= acked, "ack of version " + version);
            assertEquals(version, holder.appliedVersion(), seeded("the applied version is the one acknowledged"));

            final long takenBefore = source.packetsTaken();
            source.grant((long)PACKET_GROUPS_PER_VERSION * PACKET_GROUP);
            for (int g = 0; g < EVENT_GROUPS_PER_VERSION; g++)
            {
                publishEventGroup(ring, eventGroupsPublished++);
            }
            final int pace = random.nextInt(3);
            pacing[pace]++;
            switch (pace)
            {
                case 1 -> awaitWhilePolling(() -> source.packetsTaken() > takenBefore, "traffic started");
                case 2 -> awaitWhilePolling(
                    () -> source.packetsTaken() == source.packetsGranted() && ring.usedBytes() == 0, "traffic taken");
                default ->
                {
                }
            }
        }
        final long pushedNs = System.nanoTime() - startNs;
        source.finish();

        // Everything decided, sent and received.
        awaitWhilePolling(packetWorker::isDrained, "packet worker drained");
        awaitWhilePolling(() -> ring.usedBytes() == 0 && eventCounters.snapshot().received() == EVENTS &&
            eventCounters.snapshot().unaccounted() == 0 && eventDestination.snapshot().inFlight() == 0, "events decided and sent");
        final SourceCounters.Snapshot packetTotals = sourceCounters.snapshot();
        final EventCounters.Snapshot eventTotals = eventCounters.snapshot();
        awaitWhilePolling(() -> packetsReceived.records() >= packetTotals.forwarded() &&
            eventsReceived.events().size() >= eventTotals.forwarded(), "every forwarded item received");
        CloseHelper.closeAll(runners);
        runners.clear();
        packetsReceived.drain(packetSubscription);
        eventsReceived.drain(eventSubscription);

        // Packets: each group under the version its kept packet names.
        final Map<Long, Long> packetVersion = new HashMap<>();
        long lastVersion = 0;
        long expectedSequence = 1;
        final TreeSet<Long> packetVersionsSeen = new TreeSet<>();
        for (final DataBatches.Batch batch : packetsReceived.batches())
        {
            assertEquals(expectedSequence++, batch.streamSequence(), seeded("the packet stream has no gap"));
            assertTrue(batch.policyVersion() >= lastVersion,
                seeded("packet batch " + batch.streamSequence() + " names version " + batch.policyVersion() + " after " + lastVersion));
            lastVersion = batch.policyVersion();
            packetVersionsSeen.add(batch.policyVersion());
            for (final DataBatches.Packet packet : batch.packets())
            {
                final Long before = packetVersion.put(packet.timestampNs() - FIRST_TIMESTAMP_NS, batch.policyVersion());
                assertEquals(null, before, seeded("packet " + (packet.timestampNs() - FIRST_TIMESTAMP_NS) + " sent twice"));
            }
        }
        final VersionTally packets = new VersionTally("packet");
        for (int group = 0; group < PACKETS / PACKET_GROUP; group++)
        {
            packets.group(group, PACKET_GROUP, PACKET_KINDS, item -> packetVersion.get((long)item));
        }

        // Events: each NDJSON record under the version its kept event names.
        final Map<Long, Long> eventVersion = new HashMap<>();
        lastVersion = 0;
        final TreeSet<Long> eventVersionsSeen = new TreeSet<>();
        for (final EventBatches.Event event : eventsReceived.events())
        {
            assertTrue(event.policyVersion() >= lastVersion,
                seeded("event " + event.body() + " names version " + event.policyVersion() + " after " + lastVersion));
            lastVersion = event.policyVersion();
            eventVersionsSeen.add(event.policyVersion());
            final Matcher seq = SEQ.matcher(event.body());
            assertTrue(seq.find(), event.body());
            final Long before = eventVersion.put(Long.parseLong(seq.group(1)), event.policyVersion());
            assertEquals(null, before, seeded("event " + event.body() + " sent twice"));
        }
        final VersionTally events = new VersionTally("event");
        for (int group = 0; group < EVENTS / EVENT_GROUP; group++)
        {
            events.group(group, EVENT_GROUP, EVENT_KINDS, item -> eventVersion.get((long)item));
        }

        // The per-version outcomes add up to the workers' counters, and the counters balance.
        assertEquals(PACKETS, packetTotals.received(), seeded(packetTotals.toString()));
        assertEquals(packets.total(Outcome.FORWARDED), packetTotals.forwarded(), seeded(packetTotals.toString()));
        assertEquals(packets.total(Outcome.FILTERED), packetTotals.filtered(), seeded(packetTotals.toString()));
        assertEquals(packets.total(Outcome.SAMPLED_OUT), packetTotals.sampledOut(), seeded(packetTotals.toString()));
        assertEquals(Map.of(DropReason.TRUNCATED_IPV4, packets.total(Outcome.DROPPED)), packetTotals.droppedByReason(),
            seeded(packetTotals.toString()));
        assertEquals(PACKETS, packets.total(), seeded("every packet has one outcome under one version"));
        assertEquals(0, packetTotals.aggregated());
        assertEquals(0, packetTotals.inFlight(), seeded(packetTotals.toString()));
        final DestinationCounters.Snapshot packetDestination = packetStream.counters().snapshot();
        assertEquals(packetTotals.forwarded(), packetDestination.raw(), seeded(packetDestination.toString()));
        assertEquals(packetTotals.forwarded(), packetDestination.sentRecords(), seeded(packetDestination.toString()));
        assertEquals(packetTotals.forwarded(), packetsReceived.records(), seeded("packet records received"));

        assertEquals(EVENTS, eventTotals.received(), seeded(eventTotals.toString()));
        assertEquals(events.total(Outcome.FORWARDED), eventTotals.forwarded(), seeded(eventTotals.toString()));
        assertEquals(events.total(Outcome.FILTERED), eventTotals.filtered(), seeded(eventTotals.toString()));
        assertEquals(events.total(Outcome.SAMPLED_OUT), eventTotals.sampledOut(), seeded(eventTotals.toString()));
        assertEquals(events.total(Outcome.DROPPED), eventTotals.dropped(), seeded(eventTotals.toString()));
        assertEquals(EVENTS, events.total(), seeded("every event has one outcome under one version"));
        assertEquals(0, eventTotals.unaccounted(), seeded(eventTotals.toString()));
        final EventDestinationCounters.Snapshot eventSent = eventDestination.snapshot();
        assertEquals(eventTotals.forwarded(), eventSent.raw(), seeded(eventSent.toString()));
        assertEquals(eventTotals.forwarded(), eventSent.sent(), seeded(eventSent.toString()));
        assertEquals(eventTotals.forwarded(), eventsReceived.events().size(), seeded("events received"));

        // Swaps landed everywhere: the workers decided traffic under most versions.
        final TreeSet<Long> versionsSeen = new TreeSet<>(packetVersionsSeen);
        versionsSeen.addAll(eventVersionsSeen);
        System.out.printf(
            "policy swap under traffic: %d versions pushed in %d ms (pacing none/started/taken %d/%d/%d); " +
            "packet batches named %d versions, event batches %d, together %d; %d packet and %d event batches; " +
            "packet destination back pressure %d; packets %s; events %s%n",
            VERSIONS, TimeUnit.NANOSECONDS.toMillis(pushedNs), pacing[0], pacing[1], pacing[2],
            packetVersionsSeen.size(), eventVersionsSeen.size(), versionsSeen.size(), packetsReceived.batches().size(),
            eventsReceived.batches(), packetDestination.backPressureRetries(), packets, events);
        assertTrue(packetVersionsSeen.size() >= VERSIONS / 4, seeded("packet versions seen: " + packetVersionsSeen.size()));
        assertTrue(eventVersionsSeen.size() >= VERSIONS / 4, seeded("event versions seen: " + eventVersionsSeen.size()));
        assertEquals(VERSIONS, (long)versionsSeen.last(), seeded("the last version decided the last traffic"));
    }

    /** Per version and outcome, the items one worker decided; checks each group as it is added. */
    private static final class VersionTally
    {
        private final String what;
        private final Map<Long, long[]> byVersion = new HashMap<>();

        VersionTally(final String what)
        {
            this.what = what;
        }

        void group(final int group, final int length, final Kind[] kinds, final java.util.function.IntFunction<Long> versionOf)
        {
            final int first = group * length;
            final Long version = versionOf.apply(first);
            if (null == version)
            {
                fail(seeded(what + " " + first + ", kept by every version, was lost"));
            }
            final long[] outcomes = byVersion.computeIfAbsent(version, v -> new long[Outcome.values().length]);
            for (int position = 0; position < length; position++)
            {
                final int item = first + position;
                final Long itemVersion = versionOf.apply(item);
                final Outcome outcome;
                if (null != itemVersion)
                {
                    assertEquals(version, itemVersion, seeded(what + " " + item + " left under version " + itemVersion +
                        ", the rest of its group under " + version + ": a group was split across versions"));
                    assertTrue(mayForward(kinds[position], version),
                        seeded(what + " " + item + " (" + kinds[position] + ") forwarded under version " + version));
                    outcome = Outcome.FORWARDED;
                }
                else
                {
                    outcome = missingBecause(kinds[position], version);
                    if (null == outcome)
                    {
                        fail(seeded(what + " " + item + " (" + kinds[position] + ") is missing, but version " + version +
                            " forwards it: lost"));
                    }
                }
                outcomes[outcome.ordinal()]++;
            }
        }

        long total(final Outcome outcome)
        {
            long total = 0;
            for (final long[] outcomes : byVersion.values())
            {
                total += outcomes[outcome.ordinal()];
            }
            return total;
        }

        long total()
        {
            long total = 0;
            for (final Outcome outcome : Outcome.values())
            {
                total += total(outcome);
            }
            return total;
        }

        @Override
        public String toString()
        {
            return "forwarded=" + total(Outcome.FORWARDED) + " filtered=" + total(Outcome.FILTERED) +
                " sampled_out=" + total(Outcome.SAMPLED_OUT) + " dropped=" + total(Outcome.DROPPED) +
                " under " + byVersion.size() + " versions";
        }
    }

    private static boolean isOdd(final long version)
    {
        return (version & 1) == 1;
    }

    private static boolean mayForward(final Kind kind, final long version)
    {
        return switch (kind)
        {
            case KEEP, SAMPLED -> true;
            case DNS -> !isOdd(version);
            case NTP -> isOdd(version);
            case MALFORMED -> false;
        };
    }

    /** Why a version does not forward an item of this kind, or null when it forwards every one. */
    private static Outcome missingBecause(final Kind kind, final long version)
    {
        return switch (kind)
        {
            case KEEP -> null;
            case DNS -> isOdd(version) ? Outcome.FILTERED : null;
            case NTP -> isOdd(version) ? null : Outcome.FILTERED;
            case SAMPLED -> isOdd(version) ? Outcome.SAMPLED_OUT : null;
            case MALFORMED -> Outcome.DROPPED;
        };
    }

    /** Odd versions drop DNS and sample ICMP and probe logs 1/2; even versions drop NTP. */
    private static String policy(final long version)
    {
        final String rules = isOdd(version) ? """
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
            """ : """
              - name: drop-ntp
                when: udp.port == 123
                then: drop
              - name: drop-ntp-logs
                when: json.app == "ntpd"
                then: drop
            """;
        return "sluice-policy: 1\nname: swap-" + version + "\nmatch: first\ndefault: keep\nregions: [eu-west]\nrules:\n" + rules + """
            residency:
              - class: pii.ip
                origin: eu-west
                raw: [eu-west]
            """;
    }

    private Path writeCapture() throws IOException
    {
        final Path capture = directory.resolve("swap.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int item = 0; item < PACKETS; item++)
            {
                writer.write(FIRST_TIMESTAMP_NS + item, packet(item));
            }
        }
        return capture;
    }

    private static byte[] packet(final int item)
    {
        final int group = item / PACKET_GROUP;
        final String client = "10." + ((group >> 16) & 0xFF) + "." + ((group >> 8) & 0xFF) + "." + (group & 0xFF);
        return switch (item % PACKET_GROUP)
        {
            case 0 -> Packets.ipv4Tcp(client, "93.184.216.34", 40000, 443, 0x010);
            case 1, 7 -> Packets.ipv4Udp(NO_VLAN, client, "8.8.8.8", 50000, 53);
            case 2 -> Packets.ipv4Udp(NO_VLAN, client, "192.0.2.123", 123, 123);
            case 3, 5 -> Packets.ipv4Icmp(NO_VLAN, client, "192.0.2.1", 8, 0);
            case 4 -> Packets.ipv4Tcp(client, "192.0.2.80", 40000, 80, 0x018);
            default -> Packets.truncatedIpv4();
        };
    }

    /** One NDJSON batch of the group's events; the last line is cut short, so it is dropped as malformed. */
    private void publishEventGroup(final EventRing ring, final int group)
    {
        final int first = group * EVENT_GROUP;
        final byte[] body = ("{\"seq\":" + first + ",\"app\":\"keeper\"}\n" +
            "{\"seq\":" + (first + 1) + ",\"app\":\"dnsd\"}\n" +
            "{\"seq\":" + (first + 2) + ",\"app\":\"ntpd\"}\n" +
            "{\"seq\":" + (first + 3) + ",\"app\":\"probe\"}\n" +
            "{\"seq\":" + (first + 4) + ",\"app\":\n").getBytes(StandardCharsets.UTF_8);
        final int[] at = {-1};
        awaitWhilePolling(() -> (at[0] = ring.claim(EventRing.NDJSON_BATCH_TYPE_ID, body.length)) >= 0, "room in the ring");
        final MemorySegment segment = ring.segment();
        ingestHeader.wrap(segment, at[0]).receiveTimeNs(FIRST_TIMESTAMP_NS + first).peer(PEER, 443, 0, 0);
        MemorySegment.copy(body, 0, segment, ValueLayout.JAVA_BYTE, at[0] + IngestRecord.HEADER_LENGTH, body.length);
        ring.commit(at[0]);
    }

    private void push(final long version)
    {
        final PolicyPushEncoder encoder = new PolicyPushEncoder()
            .wrapAndApplyHeader(pushBuffer, 0, new MessageHeaderEncoder())
            .policyVersion(version)
            .issuedTimestampMs(System.currentTimeMillis())
            .targetGatewayId(GATEWAY)
            .sourceName("swap-" + version + ".yaml")
            .document(policy(version));
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        awaitWhilePolling(() -> pushPublication.offer(pushBuffer, 0, length) > 0, "push of version " + version + " offered");
    }

    /** Waits for {@code done}, reading what the gateway sends meanwhile (acks, packet and event batches). */
    private void awaitWhilePolling(final BooleanSupplier done, final String what)
    {
        TestMediaDriver.until(done, () ->
        {
            ackSubscription.poll(ackHandler, 10);
            packetSubscription.poll(packetsReceived, 10);
            eventsReceived.poll(eventSubscription);
        }, seeded(what));
    }

    private DestinationStream destination(
        final int index, final String channel, final int streamId, final String sequenceName, final String workerName)
    {
        final DestinationStream stream = track(new DestinationStream(
            index,
            REGION,
            media.aeron.addExclusivePublication(channel, streamId),
            StreamSequence.open(directory.resolve(sequenceName + ".seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
            new DestinationCounters(media.aeron::addCounter, REGION, workerName)));
        TestMediaDriver.until(() -> stream.publication().positionLimit() > 0, () -> {}, "destination connected");
        return stream;
    }

    private static String seeded(final String message)
    {
        return message + " (seed " + SEED + ", replay with -Dsluice.swap.seed=" + SEED + ")";
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    /** Records the newest version the gateway acknowledged as applied; any other status fails the test. */
    private static final class AckHandler implements FragmentHandler
    {
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final PolicyAckDecoder ack = new PolicyAckDecoder();
        private final AtomicLong lastAcked;

        AckHandler(final AtomicLong lastAcked)
        {
            this.lastAcked = lastAcked;
        }

        @Override
        public void onFragment(final org.agrona.DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header frame)
        {
            header.wrap(buffer, offset);
            if (header.templateId() != PolicyAckDecoder.TEMPLATE_ID)
            {
                return;
            }
            ack.wrapAndApplyHeader(buffer, offset, header);
            final long version = ack.policyVersion();
            final PolicyAckStatus status = ack.status();
            final String message = ack.message();
            if (PolicyAckStatus.APPLIED != status)
            {
                fail(seeded("version " + version + " " + status + ": " + message));
            }
            lastAcked.set(version);
        }
    }
}
