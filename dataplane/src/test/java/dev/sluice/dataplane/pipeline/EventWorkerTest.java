package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.EpochMethods;
import dev.sluice.dataplane.anonymize.keys.SiteKey;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.EventBatches;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.protocol.EventKind;
import io.aeron.Subscription;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event path from the ingest ring to Aeron: parse, rules, anonymization, residency per
 * destination and egress, over two IPC destinations, with every item accounted for:
 * {@code received = forwarded + filtered + sampled_out + dropped}, and per destination
 * {@code forwarded = raw + transformed + blocked} and {@code raw + transformed = sent}.
 */
class EventWorkerTest
{
    private static final byte[] PEER = {(byte)192, 0, 2, 7};
    private static final long RECEIVED_NS = 1_600_000_000_000_000_000L;
    private static final List<String> REGIONS = List.of("eu-west", "us-east");

    private static final String RULES = """
        sluice-policy: 1
        name: events
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: drop-debug
            when: syslog.severity == 7 and item.kind == "syslog"
            then: drop
          - name: drop-low-cef
            when: cef.severity < 4
            then: drop
          - name: drop-leef-anomaly
            when: leef.cat == "anomaly"
            then: drop
          - name: sample-json
            when: json.class == "TPV"
            then: sample 1/2
          - name: anonymize-auth
            when: syslog.appname == "sshd"
            then: anonymize syslog.msg with cryptopan
          - name: drop-flows-to-dns
            when: flow.dstport == 53
            then: drop
        """;

    private static final String RAW_HOME_CRYPTOPAN_ABROAD = RULES + """
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """;

    /** Every kind of transform abroad: addresses, user tokens, a format-preserving VIN, generalized positions. */
    private static final String RAW_HOME_EVERY_METHOD_ABROAD = RULES.replace("rules:",
        "classes: {loc.motion: [vehicle.speed, vehicle.heading], loc.time: [vehicle.time]}\nanonymization: {k-anonymity: 1}\nrules:") + """
        residency:
          - {class: loc.motion, origin: eu-west, raw: [eu-west], after: {round: [us-east]}}
          - {class: loc.time, origin: eu-west, raw: [eu-west], after: {bucket: [us-east]}}
          - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
          - {class: pii.user, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
          - {class: pii.vehicle, origin: eu-west, raw: [eu-west], after: {vin: [us-east]}}
          - {class: loc.precise, origin: eu-west, raw: [eu-west], after: {geohash: [us-east]}}
        """;

    private static final IngestRecord HEADER = new IngestRecord();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<EventDestinationCounters> destinationCounters = new ArrayList<>();
    private final PolicyHolder holder = new PolicyHolder();
    private TestMediaDriver media;
    private EventRing ring;
    private EventCounters counters;
    private RejectSamples rejects;
    private CryptoPan cryptoPan;
    private byte[] siteKey;
    private ClassDecisionCounters classDecisions;
    /** The worker's epoch clock for closing quiet count windows: still unless a test moves it. */
    private long windowClockNs;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(resources.reversed());
        CloseHelper.closeAll(ring, media);
    }

    private EventWorker worker(final Path directory, final String policy)
    {
        media = new TestMediaDriver();
        ring = new EventRing(EventRing.CAPACITY_BYTES_DEFAULT);
        counters = new EventCounters(media.aeron::addCounter, "events-0");
        resources.add(counters);
        rejects = new RejectSamples();
        final List<DestinationStream> streams = new ArrayList<>();
        for (int d = 0; d < REGIONS.size(); d++)
        {
            final Subscription subscription = media.aeron.addSubscription("aeron:ipc", 1001 + d);
            subscriptions.add(subscription);
            resources.add(subscription);
            final DestinationStream stream = new DestinationStream(
                d,
                REGIONS.get(d),
                media.aeron.addExclusivePublication("aeron:ipc", 1001 + d),
                StreamSequence.open(directory.resolve(REGIONS.get(d) + ".seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
                new DestinationCounters(media.aeron::addCounter, REGIONS.get(d), "events-0"));
            streams.add(stream);
            resources.add(stream);
            final EventDestinationCounters eventCounters =
                new EventDestinationCounters(media.aeron::addCounter, REGIONS.get(d), "events-0");
            destinationCounters.add(eventCounters);
            resources.add(eventCounters);
            TestMediaDriver.until(stream.publication()::isConnected, () -> {}, "publication connected");
        }
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(i * 7 + 3);
        }
        cryptoPan = new CryptoPan(key);
        classDecisions = new ClassDecisionCounters(media.aeron::addCounter, REGIONS);
        resources.add(classDecisions);
        apply(1, policy);
        final EventSender sender = new EventSender(
            streams, destinationCounters, "gw-paris-1", "paris-1", "eu-west", 0x8000, TimeUnit.SECONDS.toNanos(5),
            new OffsetEpochNanoClock(), EventWorker.maxEventBytes(ring.maxMessageLength()));
        siteKey = key;
        return new EventWorker("events-0", ring, holder, null, sender, counters, rejects, new SystemNanoClock(),
            WorkerKeys.fixedMethods(EpochMethods.of(new SiteKey("eu-west", "test", key), CryptoPan.DEFAULT_CACHE_SLOTS)),
            () -> windowClockNs);
    }

    /** The pseudonym the analysts' tool computes for a value under the test key. */
    private String pseudonym(final PseudonymMethod method, final String value)
    {
        final IdentifierPseudonym pseudonym = method.create(new KeyDerivation(siteKey), false);
        final byte[] in = value.getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[256];
        final int length = pseudonym.pseudonymize(in, 0, in.length, out, 0, out.length);
        assertTrue(length > 0, value);
        return new String(out, 0, length, StandardCharsets.US_ASCII);
    }

    private void apply(final long version, final String policy)
    {
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", REGIONS, true).countClassesIn(classDecisions).build(version, TestPolicies.parse(policy));
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        holder.apply(result.snapshot());
    }

    private static boolean tryPublish(final EventRing ring, final EventFormat format, final byte[] message)
    {
        final int at = ring.claim(format.typeId(), message.length);
        if (at < 0)
        {
            return false;
        }
        HEADER.wrap(ring.segment(), at).receiveTimeNs(RECEIVED_NS).peer(PEER, 2055, 0, 0);
        MemorySegment.copy(message, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
        ring.commit(at);
        return true;
    }

    private static void publish(final EventRing ring, final EventFormat format, final byte[] message)
    {
        final int at = ring.claim(format.typeId(), message.length);
        if (at < 0)
        {
            throw new AssertionError("the ring is full: the worker does not keep up or is stuck");
        }
        final MemorySegment segment = ring.segment();
        HEADER.wrap(segment, at).receiveTimeNs(RECEIVED_NS).peer(PEER, 2055, 0, 0);
        MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
        ring.commit(at);
    }

    private static void publish(final EventRing ring, final EventFormat format, final String message)
    {
        publish(ring, format, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void drain(final EventWorker worker)
    {
        for (int idle = 0; idle < 3; )
        {
            idle = worker.doWork() == 0 ? idle + 1 : 0;
        }
    }

    private String ipv4Image(final String dotted)
    {
        final String[] octets = dotted.split("\\.");
        int address = 0;
        for (final String octet : octets)
        {
            address = (address << 8) | Integer.parseInt(octet);
        }
        final int image = cryptoPan.anonymizeIpv4(address);
        return (image >>> 24) + "." + ((image >>> 16) & 0xFF) + "." + ((image >>> 8) & 0xFF) + "." + (image & 0xFF);
    }

    private List<ClassDecisionCounters.Decisions> classDecisions(final String dataClass)
    {
        return classDecisions.snapshot().stream().filter((c) -> c.dataClass().equals(dataClass)).findFirst()
            .orElseThrow(() -> new AssertionError("no counters for " + dataClass)).destinations();
    }

    private void assertBalanced()
    {
        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(totals.received(),
            totals.forwarded() + totals.aggregated() + totals.filtered() + totals.sampledOut() + totals.dropped(), totals.toString());
        for (final EventDestinationCounters destination : destinationCounters)
        {
            final EventDestinationCounters.Snapshot s = destination.snapshot();
            assertEquals(totals.forwarded() + totals.countRecords(), s.decided(), "raw + transformed + blocked + not_routed: " + s);
            assertEquals(0, s.inFlight(), s.toString());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void rateLimitedEventsAreSampledOutPerKeyRefillOverReceiveTimeAndTheBalanceHolds(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, """
            sluice-policy: 1
            name: limits
            match: first
            default: keep
            regions: [eu-west, us-east]
            rules:
              - name: failures-per-host
                when: syslog.appname == "sshd"
                then: rate-limit 2/s by syslog.hostname
              - name: probes
                when: json.app == "probe"
                then: rate-limit 1/m
            residency:
              - {class: pii.ip, origin: eu-west, raw: [eu-west, us-east]}
            """);
        for (int i = 0; i < 5; i++)
        {
            for (final String host : List.of("alpha", "beta"))
            {
                publishAt(EventFormat.SYSLOG, "<38>1 2024-01-01T00:00:00Z " + host + " sshd 42 - - Failed password " + i, RECEIVED_NS);
            }
            publishAt(EventFormat.JSON, "{\"app\":\"probe\",\"user\":\"u" + i + "\"}", RECEIVED_NS);
            publishAt(EventFormat.JSON, "{\"app\":\"other\"}", RECEIVED_NS);
        }
        drain(worker);
        EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(20, totals.received());
        assertEquals(2 + 2 + 1 + 5, totals.forwarded(), totals.toString());
        assertEquals(3 + 3 + 4, totals.sampledOut(), totals.toString());
        assertEquals(totals.sampledOut(), counters.rateLimited());
        assertBalanced();

        // A second later alpha's bucket has two tokens again: the receive time refills it, not the worker's clock.
        for (int i = 0; i < 3; i++)
        {
            publishAt(EventFormat.SYSLOG, "<38>1 2024-01-01T00:00:01Z alpha sshd 42 - - Failed password again", RECEIVED_NS + 1_000_000_000L);
        }
        drain(worker);
        totals = counters.snapshot();
        assertEquals(12, totals.forwarded(), totals.toString());
        assertEquals(11, counters.rateLimited());
        assertEquals(0, counters.rateLimitEvictions());
        assertBalanced();
    }

    private void publishAt(final EventFormat format, final String message, final long receiveTimeNs)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final int at = ring.claim(format.typeId(), bytes.length);
        assertTrue(at >= 0, "the ring has room");
        HEADER.wrap(ring.segment(), at).receiveTimeNs(receiveTimeNs).peer(PEER, 2055, 0, 0);
        MemorySegment.copy(bytes, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, bytes.length);
        ring.commit(at);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyItemIsCountedOnceAndAnonymizedWhereResidencySays(@TempDir final Path directory) throws IOException
    {
        final EventWorker worker = worker(directory, RAW_HOME_CRYPTOPAN_ABROAD);
        final String info = "<14>Oct 11 22:14:15 host app: info line";
        final String cef = "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1 dst=192.0.2.10";
        final String ssh = "<38>1 2024-01-01T00:00:00Z host sshd 42 - - Accepted password for root from 198.51.100.7 port 22";
        publish(ring, EventFormat.SYSLOG, "<15>Oct 11 22:14:15 host app: debug line");                       // filtered
        publish(ring, EventFormat.SYSLOG, info);                                                            // forwarded
        publish(ring, EventFormat.SYSLOG, "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|3|src=10.0.0.1");     // filtered
        publish(ring, EventFormat.SYSLOG, cef);                                                             // forwarded
        publish(ring, EventFormat.SYSLOG, "<111>1 2019-01-18T11:07:53.520+00:00 h LEEF:1.0|V|P|1|E|cat=anomaly"); // filtered
        publish(ring, EventFormat.SYSLOG, "<999>1 x");                                                      // dropped
        publish(ring, EventFormat.JSON, "{\"class\":\"TPV\"}");                                             // forwarded
        publish(ring, EventFormat.JSON, "{\"class\":\"TPV\"}");                                             // sampled out
        publish(ring, EventFormat.JSON, "{\"class\":");                                                     // dropped
        publish(ring, EventFormat.CANDUMP, "(1.000000) can0 123#DEADBEEF");                                 // forwarded
        publish(ring, EventFormat.SYSLOG, ssh);                                                             // forwarded, anonymized
        drain(worker);

        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(11, totals.received());
        assertEquals(5, totals.forwarded());
        assertEquals(3, totals.filtered());
        assertEquals(1, totals.sampledOut());
        assertEquals(2, totals.dropped());
        assertEquals(1L, totals.droppedByReason().get("json:unexpected_end"));
        assertEquals(1L, totals.droppedByReason().get("syslog:invalid_pri"));
        assertEquals(2, rejects.samples().size());
        assertTrue(rejects.samples().get(1).text().startsWith("{\"class\":"), rejects.samples().toString());

        final EventBatches home = new EventBatches().drain(subscriptions.get(0));
        final EventBatches abroad = new EventBatches().drain(subscriptions.get(1));
        final String sshAnonymized = ssh.replace("198.51.100.7", ipv4Image("198.51.100.7"));
        final String cefAnonymized = cef.replace("10.0.0.1", ipv4Image("10.0.0.1")).replace("192.0.2.10", ipv4Image("192.0.2.10"));
        assertEquals(List.of(info, cef, "{\"class\":\"TPV\"}", "(1.000000) can0 123#DEADBEEF", sshAnonymized), home.bodies(),
            "raw at home, except what a rule anonymized for everyone");
        assertEquals(List.of(info, cefAnonymized, "{\"class\":\"TPV\"}", "(1.000000) can0 123#DEADBEEF", sshAnonymized),
            abroad.bodies(), "abroad, every address written in an event is a Crypto-PAn image");
        final EventBatches.Event first = home.events().getFirst();
        assertEquals(EventKind.SYSLOG.code(), first.kind());
        assertEquals(RECEIVED_NS, first.timestampNs());
        assertEquals(1, first.policyVersion());
        assertEquals(0x8000, first.workerIndex());
        assertEquals(EventKind.CEF.code(), home.events().get(1).kind());
        assertEquals(EventKind.JSON.code(), home.events().get(2).kind());
        assertEquals(EventKind.CAN.code(), home.events().get(3).kind());
        assertBalanced();
        assertEquals(0, destinationCounters.get(0).snapshot().blocked());

        publish(ring, EventFormat.NETFLOW, Files.readAllBytes(
            SharedData.root().resolve("netflow/logstash-codec-netflow/netflow5.dat")));
        drain(worker);
        final int before = home.events().size();
        final List<EventBatches.Event> flows = home.drain(subscriptions.get(0)).events().subList(before, home.events().size());
        assertFalse(flows.isEmpty());
        for (final EventBatches.Event flow : flows)
        {
            assertEquals(EventKind.FLOW.code(), flow.kind());
            assertTrue(flow.body().startsWith("{\"netflow.version\":5,") && flow.body().contains("\"flow.src\":"), flow.body());
        }
        assertTrue(flows.getFirst().body().contains("\"flow.src\":\"10.0.2.2\""), flows.getFirst().body());
        final List<EventBatches.Event> flowsAbroad = abroad.drain(subscriptions.get(1)).events();
        final String firstAbroad = flowsAbroad.get(flowsAbroad.size() - flows.size()).body();
        assertTrue(firstAbroad.contains("\"flow.src\":\"" + ipv4Image("10.0.2.2") + "\""), firstAbroad);
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void identifiersArePseudonymizedAndPositionsGeneralizedWhereResidencySays(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, """
            sluice-policy: 1
            name: identifiers
            match: first
            default: keep
            regions: [eu-west, us-east]
            classes:
              loc.motion: [vehicle.speed, vehicle.heading]
              loc.time: [vehicle.time]
            anonymization: {geohash-precision: 5, k-anonymity: 1, time-bucket: 15m}
            rules: []
            residency:
              - {class: loc.motion, origin: eu-west, raw: [eu-west], after: {round: [us-east]}}
              - {class: loc.time, origin: eu-west, raw: [eu-west], after: {bucket: [us-east]}}
              - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
              - {class: pii.user, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
              - {class: pii.vehicle, origin: eu-west, raw: [eu-west], after: {vin: [us-east]}}
              - {class: loc.precise, origin: eu-west, raw: [eu-west], after: {geohash: [us-east]}}
            """);
        final String cef = "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1 suser=alice msg=login failed for alice";
        final String vehicle = "{\"vin\":\"1HGCM82633A004352\",\"lat\":42.605,\"lon\":-5.603,\"speed\":52.7,\"heading\":359,\"time\":\"2026-11-27T10:44:59.120+01:00\"}";
        final String escaped = "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|suser=carol\\=x";
        final String badVin = "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|suser=bob";
        publish(ring, EventFormat.SYSLOG, cef);
        publish(ring, EventFormat.JSON, vehicle);
        publish(ring, EventFormat.SYSLOG, escaped);
        publish(ring, EventFormat.SYSLOG, badVin);
        drain(worker);

        final EventBatches home = new EventBatches().drain(subscriptions.get(0));
        final EventBatches abroad = new EventBatches().drain(subscriptions.get(1));
        assertEquals(List.of(cef, vehicle, escaped, badVin), home.bodies(), "raw at home");
        final String alice = pseudonym(PseudonymMethod.USER, "alice");
        assertEquals(List.of(
            cef.replace("alice", alice).replace("10.0.0.1", ipv4Image("10.0.0.1")),
            // ezs42: 42.583..42.627 N, 5.581..5.625 W; its centre to the cell's two decimals.
            vehicle.replace("1HGCM82633A004352", pseudonym(PseudonymMethod.VIN, "1HGCM82633A004352"))
                .replace("42.605", "42.60").replace("-5.603", "-5.60").replace("52.7", "55").replace("359", "0")
                .replace("2026-11-27T10:44:59.120+01:00", "2026-11-27T09:30:00Z"),
            badVin.replace("bob", pseudonym(PseudonymMethod.USER, "bob"))),
            abroad.bodies(), "abroad: every identifier pseudonymized wherever the text holds it, positions generalized; " +
                "the user name written with a CEF escape (carol\\=x is carol=x) cannot be found in the text, so that event is blocked");
        assertFalse(abroad.bodies().getFirst().contains("alice"));
        // Per class: the three user names raw at home, two as tokens abroad, the escaped one blocked there.
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", 3, 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, 2, 1)), classDecisions(
            "pii.user"));
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", 1, 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, 1, 0)), classDecisions("pii.vehicle"));
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", 1, 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, 1, 0)), classDecisions("pii.ip"));

        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(4, totals.forwarded());
        assertEquals(3, totals.anonymized());
        assertEquals(Map.of("user:value_not_found_in_text", 1L), totals.untransformedByReason());
        assertEquals(1, destinationCounters.get(1).snapshot().blocked());
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anEventWithABlockedClassNeverReachesThatDestination(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, RULES + """
            residency:
              - class: pii.ip
                origin: eu-west
                raw: [eu-west]
            """);
        publish(ring, EventFormat.SYSLOG, "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1");
        publish(ring, EventFormat.SYSLOG, "<14>Oct 11 22:14:15 host app: login from 203.0.113.9 failed");
        publish(ring, EventFormat.SYSLOG, "<14>Oct 11 22:14:15 host app: nothing to see");
        drain(worker);

        assertEquals(3, new EventBatches().drain(subscriptions.get(0)).events().size());
        assertEquals(List.of("<14>Oct 11 22:14:15 host app: nothing to see"),
            new EventBatches().drain(subscriptions.get(1)).bodies(),
            "a class field (cef.src) or an address in free text blocks the event where pii.ip may not go");
        assertEquals(2, destinationCounters.get(1).snapshot().blocked());
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void routedEventsReachOnlyTheirRegionsAndTaggedOnesFollowTheirClassResidency(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, RULES.replace("rules:", """
            classes: {pii.health: []}
            rules:
              - name: patients-stay-home
                when: syslog.msg contains "patient"
                then: tag pii.health
              - name: audit-to-us
                when: syslog.appname == "audit"
                then: route us-east
              - name: log-ins-hold-users
                when: syslog.appname == "login"
                then: tag pii.user""") + """
            residency:
              - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
              - {class: pii.health, origin: eu-west, raw: [eu-west]}
              - {class: pii.user, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
            """);
        final String patient = "<14>Oct 11 22:14:15 host app: patient 42 admitted";
        final String audit = "<14>Oct 11 22:14:15 host audit: configuration changed";
        final String login = "<14>Oct 11 22:14:15 host login: session opened";
        final String plain = "<14>Oct 11 22:14:15 host app: nothing to see";
        publish(ring, EventFormat.SYSLOG, patient);
        publish(ring, EventFormat.SYSLOG, audit);
        publish(ring, EventFormat.SYSLOG, login);
        publish(ring, EventFormat.SYSLOG, plain);
        drain(worker);

        assertEquals(List.of(patient, login, plain), new EventBatches().drain(subscriptions.get(0)).bodies(),
            "at home: all but the audit event, which its rule routes to us-east only");
        assertEquals(List.of(audit, plain), new EventBatches().drain(subscriptions.get(1)).bodies(),
            "abroad: pii.health may not go; pii.user only as a token, and a tagged event holding no user field has " +
                "nothing to tokenize, so it is blocked");
        final EventDestinationCounters.Snapshot home = destinationCounters.get(0).snapshot();
        final EventDestinationCounters.Snapshot abroad = destinationCounters.get(1).snapshot();
        assertEquals(List.of(3L, 0L, 0L, 1L), List.of(home.raw(), home.transformed(), home.blocked(), home.notRouted()));
        assertEquals(List.of(2L, 0L, 2L, 0L), List.of(abroad.raw(), abroad.transformed(), abroad.blocked(), abroad.notRouted()));
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", 1, 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, 0, 1)), classDecisions("pii.health"));
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", 1, 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, 0, 1)), classDecisions("pii.user"));
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void underMatchAllTheFirstForwardingRuleDecidesAndEveryMatchingRuleAddsItsModifiers(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, """
            sluice-policy: 1
            name: all-events
            match: all
            default: keep
            regions: [eu-west, us-east]
            rules:
              - name: hide-hosts-of-failures
                when: syslog.msg contains "Failed"
                then: anonymize syslog.hostname with hmac
              - name: half-the-failures
                when: syslog.msg contains "Failed"
                then: sample 1/2
              - name: no-debug
                when: syslog.severity == 7
                then: drop
              - name: audit-to-us
                when: syslog.appname == "audit"
                then: route us-east
            """);
        final String failed = "<14>Oct 11 22:14:15 host1 sshd: Failed password for root";
        final String debugAudit = "<15>Oct 11 22:14:15 host1 audit: debug detail";
        final String audit = "<14>Oct 11 22:14:15 host1 audit: configuration changed";
        publish(ring, EventFormat.SYSLOG, failed);
        publish(ring, EventFormat.SYSLOG, failed);
        publish(ring, EventFormat.SYSLOG, debugAudit);
        publish(ring, EventFormat.SYSLOG, audit);
        drain(worker);

        final String hidden = failed.replace("host1", pseudonym(PseudonymMethod.HMAC, "host1"));
        assertEquals(List.of(hidden), new EventBatches().drain(subscriptions.get(0)).bodies(),
            "at home: one failure in two, its host hidden by the other matching rule; the audit event is routed away");
        assertEquals(List.of(hidden, audit), new EventBatches().drain(subscriptions.get(1)).bodies(),
            "abroad: the same failure, and the audit event; the debug one is dropped though its audit rule routes it");
        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(List.of(4L, 2L, 1L, 1L), List.of(totals.received(), totals.forwarded(), totals.filtered(), totals.sampledOut()));
        assertEquals(1, destinationCounters.get(0).snapshot().notRouted());
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNewPolicyAppliesBetweenBatches(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, RAW_HOME_CRYPTOPAN_ABROAD);
        publish(ring, EventFormat.SYSLOG, "<14>Oct 11 22:14:15 host app: before");
        drain(worker);
        apply(2, RAW_HOME_CRYPTOPAN_ABROAD.replace("default: keep", "default: drop"));
        publish(ring, EventFormat.SYSLOG, "<14>Oct 11 22:14:15 host app: after");
        publish(ring, EventFormat.SYSLOG, "<38>1 2024-01-01T00:00:00Z host sshd 42 - - kept by a rule");
        drain(worker);

        final List<EventBatches.Event> events = new EventBatches().drain(subscriptions.get(0)).events();
        assertEquals(2, events.size(), events.toString());
        assertEquals(1, events.get(0).policyVersion());
        assertEquals(2, events.get(1).policyVersion());
        assertTrue(events.get(1).body().endsWith("kept by a rule"));
        assertEquals(1, counters.snapshot().filtered());
        assertBalanced();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBatchLargerThanTheStagingAreaIsSentInParts(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, RAW_HOME_CRYPTOPAN_ABROAD);
        final StringBuilder lines = new StringBuilder();
        final int count = 3 * EventWorker.BATCH_CAPACITY_DEFAULT + 17;
        for (int i = 0; i < count; i++)
        {
            lines.append("{\"n\":").append(i).append(",\"ip\":\"10.1.").append(i % 256).append(".1\"}\n");
        }
        final byte[] batch = lines.toString().getBytes(StandardCharsets.UTF_8);
        final int at = ring.claim(EventRing.NDJSON_BATCH_TYPE_ID, batch.length);
        HEADER.wrap(ring.segment(), at).receiveTimeNs(RECEIVED_NS).peer(PEER, 8088, 0, IngestRecord.FLAG_BATCH);
        MemorySegment.copy(batch, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, batch.length);
        ring.commit(at);

        // The worker sends mid-read while it stages; subscribers drain on this thread between cycles.
        final EventBatches home = new EventBatches();
        final EventBatches abroad = new EventBatches();
        TestMediaDriver.until(() -> home.events().size() == count && abroad.events().size() == count, () ->
        {
            worker.doWork();
            home.poll(subscriptions.get(0));
            abroad.poll(subscriptions.get(1));
        }, count + " events at both destinations");
        assertEquals("{\"n\":0,\"ip\":\"10.1.0.1\"}", home.events().getFirst().body());
        assertEquals("{\"n\":0,\"ip\":\"" + ipv4Image("10.1.0.1") + "\"}", abroad.events().getFirst().body());
        assertEquals(count, counters.snapshot().anonymized());
        assertBalanced();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void steadyStateAllocatesNothing(@TempDir final Path directory) throws IOException
    {
        // Routed and tagged too: the accepted log-in goes home only, tagged with a class it holds no field of.
        final EventWorker worker = worker(directory, RAW_HOME_EVERY_METHOD_ABROAD.replace("rules:\n",
            "rules:\n  - name: log-ins-home\n    when: syslog.msg contains \"Accepted\"\n    then: [\"tag pii.user\", \"route eu-west\"]\n"));
        final EventFormat[] formats = {EventFormat.SYSLOG, EventFormat.SYSLOG, EventFormat.SYSLOG, EventFormat.SYSLOG,
            EventFormat.SYSLOG, EventFormat.JSON, EventFormat.JSON, EventFormat.CANDUMP, EventFormat.NETFLOW,
            EventFormat.SYSLOG, EventFormat.JSON};
        final byte[][] messages = {
            "<15>Oct 11 22:14:15 host app: debug line".getBytes(StandardCharsets.UTF_8),
            "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1 cs1=x".getBytes(StandardCharsets.UTF_8),
            "<111>1 2019-01-18T11:07:53.520+00:00 h LEEF:1.0|V|P|1|E|cat=anomaly".getBytes(StandardCharsets.UTF_8),
            "<999>1 x".getBytes(StandardCharsets.UTF_8),
            "<38>1 2024-01-01T00:00:00Z host sshd 42 - - Accepted password for root from 198.51.100.7 port 22"
                .getBytes(StandardCharsets.UTF_8),
            "{\"class\":\"TPV\",\"speed\":3.5,\"src\":\"192.0.2.1\"}".getBytes(StandardCharsets.UTF_8),
            "{\"class\":".getBytes(StandardCharsets.UTF_8),
            "(1.000000) can0 123#DEADBEEF".getBytes(StandardCharsets.UTF_8),
            Files.readAllBytes(SharedData.root().resolve("netflow/logstash-codec-netflow/netflow5.dat")),
            "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1 suser=alice msg=login failed for alice"
                .getBytes(StandardCharsets.UTF_8),
            ("{\"vin\":\"1HGCM82633A004352\",\"driver_id\":\"d-17\",\"lat\":48.85661,\"lon\":2.35222," +
                "\"speed\":52.7,\"heading\":181,\"time\":\"2026-11-27T10:44:59Z\"}")
                .getBytes(StandardCharsets.UTF_8)};
        final Subscription home = subscriptions.get(0);
        final Subscription abroad = subscriptions.get(1);
        final Runnable pass = () ->
        {
            for (int i = 0; i < messages.length; i++)
            {
                // A media driver thread held up on a busy machine slows the subscribers: wait for room, as ingest would.
                while (!tryPublish(ring, formats[i], messages[i]))
                {
                    worker.doWork();
                    home.poll((buffer, offset, length, header) -> {}, 100);
                    abroad.poll((buffer, offset, length, header) -> {}, 100);
                    Thread.onSpinWait();
                }
            }
            worker.doWork();
            worker.doWork();
            home.poll((buffer, offset, length, header) -> {}, 100);
            abroad.poll((buffer, offset, length, header) -> {}, 100);
        };
        // Each window is 1,500 passes, 15,000 items: an allocation per item would show in every one.
        final long bytes = AllocationProbe.fewestBytes(pass, 20_000, 1_500, 8);
        assertEquals(0, bytes, "bytes allocated by the event worker over " + counters.snapshot().received() + " items");
        TestMediaDriver.until(() -> worker.isIdle() && ring.usedBytes() == 0, () ->
        {
            worker.doWork();
            home.poll((buffer, offset, length, header) -> {}, 100);
            abroad.poll((buffer, offset, length, header) -> {}, 100);
        }, "the worker sent everything");
        assertBalanced();
    }

    /** Failed log-ins counted per host and minute, CEF events per source address; the rest of sshd kept, all else dropped. */
    private static final String COUNTS = """
        sluice-policy: 1
        name: counts
        match: first
        default: drop
        regions: [eu-west, us-east]
        classes:
          pii.host: [syslog.hostname]
        rules:
          - name: failed-logins
            when: syslog.appname == "sshd" and syslog.msg contains "Failed password"
            then: count by syslog.hostname every 1m
          - name: cef-per-source
            when: cef.severity >= 0
            then: count by cef.src every 1m
          - name: accepted
            when: syslog.appname == "sshd" and syslog.msg startswith "Accepted"
            then: keep
        residency:
          - {class: pii.host, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
          - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
        """;

    private static final DateTimeFormatter LOGHUB_TIME = new DateTimeFormatterBuilder()
        .appendPattern("MMM d HH:mm:ss").parseDefaulting(ChronoField.YEAR, 2026).toFormatter(Locale.ENGLISH);

    /** The loghub line's own time (its year taken as 2026) as its receive time: the log replayed as it was written. */
    private static long loghubTimeNs(final String line)
    {
        final LocalDateTime time = LocalDateTime.parse(line.substring(0, 15).replaceAll(" +", " "), LOGHUB_TIME);
        return time.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
    }

    private void publishDraining(final EventWorker worker, final EventFormat format, final String message, final long receiveTimeNs)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        while (true)
        {
            final int at = ring.claim(format.typeId(), bytes.length);
            if (at >= 0)
            {
                HEADER.wrap(ring.segment(), at).receiveTimeNs(receiveTimeNs).peer(PEER, 2055, 0, 0);
                MemorySegment.copy(bytes, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, bytes.length);
                ring.commit(at);
                return;
            }
            worker.doWork();
        }
    }

    /** A count record's body, read back: count, window start, early or not, the key values as written. */
    private record CountRecord(long count, String windowStart, boolean early, String keys, long version)
    {
        static CountRecord of(final EventBatches.Event event)
        {
            final String body = event.body();
            final Matcher m = Pattern.compile(
                "\\{\"count\":(\\d+),\"rule\":\"[^\"]+\",\"window_start\":\"([^\"]+)\",\"window_end\":\"[^\"]+\"" +
                    "(,\"early\":true)?,\"keys\":(\\{.*})}").matcher(body);
            assertTrue(m.matches(), body);
            return new CountRecord(Long.parseLong(m.group(1)), m.group(2), null != m.group(3), m.group(4), event.policyVersion());
        }
    }

    private static List<CountRecord> countRecords(final EventBatches batches)
    {
        return batches.events().stream().filter(e -> EventKind.COUNT.code() == e.kind()).map(CountRecord::of).toList();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void failedLogInsOfARealLogBecomeOneCountRecordPerHostAndMinuteUnderResidency(@TempDir final Path directory)
        throws IOException
    {
        final EventWorker worker = worker(directory, COUNTS);
        final List<String> lines = Files.readAllLines(SharedData.root().resolve("syslog/loghub/OpenSSH_2k.log"));
        final Map<String, Long> expected = new TreeMap<>();
        final long first = loghubTimeNs(lines.getFirst());
        for (final String source : List.of("10.0.0.1", "10.0.0.2", "10.0.0.1"))
        {
            publishDraining(worker, EventFormat.SYSLOG, "<111>Dec 10 06:55:46 h CEF:0|V|P|1|sig|name|8|src=" + source, first);
        }
        long last = 0;
        for (final String line : lines)
        {
            last = loghubTimeNs(line);
            publishDraining(worker, EventFormat.SYSLOG, line, last);
            if (line.contains("Failed password"))
            {
                expected.merge(Instant.ofEpochSecond(last / 1_000_000_000L / 60 * 60).toString(), 1L, Long::sum);
            }
        }
        drain(worker);
        final EventCounters.Snapshot before = counters.snapshot();
        assertTrue(before.countRecords() > 0, "the windows the log's later lines closed were emitted: " + before);

        // The log has ended: the worker's clock closes the last minute once it is past its end and the grace.
        windowClockNs = last / 60_000_000_000L * 60_000_000_000L + 60_000_000_000L + EventWorker.WINDOW_GRACE_NS - 1;
        drain(worker);
        assertEquals(before.countRecords(), counters.snapshot().countRecords(), "not yet: within the grace");
        windowClockNs++;
        drain(worker);

        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(2_003, totals.received());
        assertEquals(expected.values().stream().mapToLong(Long::longValue).sum() + 3, totals.aggregated(), totals.toString());
        assertEquals(expected.size() + 2, totals.countRecords(), totals.toString());
        assertEquals(0, counters.countEvictions());
        assertBalanced();

        final EventBatches home = new EventBatches().drain(subscriptions.get(0));
        final EventBatches abroad = new EventBatches().drain(subscriptions.get(1));
        final List<CountRecord> homeRecords = countRecords(home);
        final Map<String, Long> perMinute = new TreeMap<>();
        long sum = 0;
        for (final CountRecord record : homeRecords)
        {
            assertFalse(record.early(), record.toString());
            sum += record.count();
            if (record.keys().contains("syslog.hostname"))
            {
                assertEquals("{\"syslog.hostname\":\"LabSZ\"}", record.keys());
                perMinute.merge(record.windowStart(), record.count(), Long::sum);
            }
        }
        assertEquals(expected, perMinute, "one record per minute with failed log-ins, each with that minute's count");
        assertEquals(totals.aggregated(), sum, "the records' counts add up to the events aggregated");
        assertTrue(homeRecords.contains(new CountRecord(2, "2026-12-10T06:55:00Z", false, "{\"cef.src\":\"10.0.0.1\"}", 1)),
            homeRecords.toString());
        assertTrue(homeRecords.contains(new CountRecord(1, "2026-12-10T06:55:00Z", false, "{\"cef.src\":\"10.0.0.2\"}", 1)));

        // Abroad the keys are what residency lets go there: the host as its keyed token, addresses as Crypto-PAn images.
        final List<CountRecord> abroadRecords = countRecords(abroad);
        assertEquals(homeRecords.size(), abroadRecords.size());
        final String token = pseudonym(PseudonymMethod.USER, "LabSZ");
        for (final CountRecord record : abroadRecords)
        {
            assertFalse(record.keys().contains("LabSZ") || record.keys().contains("10.0.0."), record.toString());
        }
        assertTrue(abroadRecords.stream().anyMatch(r -> r.keys().equals("{\"syslog.hostname\":\"" + token + "\"}")));
        assertTrue(abroadRecords.contains(
            new CountRecord(2, "2026-12-10T06:55:00Z", false, "{\"cef.src\":\"" + ipv4Image("10.0.0.1") + "\"}", 1)),
            abroadRecords.toString());
        assertEquals(homeRecords.size(), destinationCounters.get(1).snapshot().transformed() -
            home.events().stream().filter(e -> EventKind.COUNT.code() != e.kind()).count(), "every record transformed abroad");
        assertEquals(List.of(new ClassDecisionCounters.Decisions("eu-west", totals.forwarded() + expected.size(), 0, 0),
            new ClassDecisionCounters.Decisions("us-east", 0, totals.forwarded() + expected.size(), 0)), classDecisions("pii.host"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void openWindowsLeaveEarlyUnderTheirVersionAtAPolicySwitchAndAtClose(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, COUNTS);
        final String failed = "Dec 10 07:27:55 LabSZ sshd[24483]: Failed password for root from 112.95.230.3 port 45378 ssh2";
        for (int i = 0; i < 3; i++)
        {
            publishAt(EventFormat.SYSLOG, failed, RECEIVED_NS + i);
        }
        drain(worker);
        assertEquals(0, counters.snapshot().countRecords());

        apply(2, COUNTS.replace("every 1m", "every 5m"));
        drain(worker);
        assertEquals(1, counters.snapshot().countRecords(), "flushed before the switch");
        publishAt(EventFormat.SYSLOG, failed, RECEIVED_NS + 10);
        drain(worker);
        worker.onClose();

        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(4, totals.aggregated());
        assertEquals(2, totals.countRecords());
        assertBalanced();
        final List<CountRecord> records = countRecords(new EventBatches().drain(subscriptions.get(0)));
        assertEquals(List.of(
            new CountRecord(3, "2020-09-13T12:26:00Z", true, "{\"syslog.hostname\":\"LabSZ\"}", 1),
            new CountRecord(1, "2020-09-13T12:25:00Z", true, "{\"syslog.hostname\":\"LabSZ\"}", 2)), records,
            "each open window left early, under the version that counted it");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRoutedCountRuleSendsItsRecordsToItsRegionsOnly(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, """
            sluice-policy: 1
            name: routed-counts
            match: first
            default: drop
            regions: [eu-west, us-east]
            rules:
              - name: probes
                when: json.app == "probe"
                then: [count every 1m, route eu-west]
            """);
        for (int i = 0; i < 5; i++)
        {
            publishAt(EventFormat.JSON, "{\"app\":\"probe\",\"n\":" + i + "}", RECEIVED_NS + i);
        }
        drain(worker);
        worker.onClose();

        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(5, totals.aggregated());
        assertEquals(1, totals.countRecords());
        assertBalanced();
        assertEquals(List.of(new CountRecord(5, "2020-09-13T12:26:00Z", true, "{}", 1)),
            countRecords(new EventBatches().drain(subscriptions.get(0))));
        assertTrue(countRecords(new EventBatches().drain(subscriptions.get(1))).isEmpty());
        assertEquals(1, destinationCounters.get(1).snapshot().notRouted());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void countingEventsAndEmittingTheirRecordsAllocatesNothing(@TempDir final Path directory)
    {
        final EventWorker worker = worker(directory, COUNTS);
        final byte[][] messages = {
            "Dec 10 07:27:55 LabSZ sshd[24483]: Failed password for root from 112.95.230.3 port 45378 ssh2".getBytes(StandardCharsets.UTF_8),
            "<38>1 2024-01-01T00:00:00Z web-2 sshd 42 - - Failed password for root from 198.51.100.7 port 22".getBytes(StandardCharsets.UTF_8),
            "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1".getBytes(StandardCharsets.UTF_8),
            "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.2".getBytes(StandardCharsets.UTF_8),
            "Dec 10 07:28:01 LabSZ sshd[24485]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2"
                .getBytes(StandardCharsets.UTF_8)};
        final Subscription home = subscriptions.get(0);
        final Subscription abroad = subscriptions.get(1);
        final long[] now = {RECEIVED_NS};
        final Runnable pass = () ->
        {
            // 7 s a pass: a minute's window closes every eight or nine passes, and its three records leave.
            now[0] += 7_000_000_000L;
            for (final byte[] message : messages)
            {
                int at;
                while ((at = ring.claim(EventFormat.SYSLOG.typeId(), message.length)) < 0)
                {
                    worker.doWork();
                    home.poll((buffer, offset, length, header) -> {}, 100);
                    abroad.poll((buffer, offset, length, header) -> {}, 100);
                    Thread.onSpinWait();
                }
                HEADER.wrap(ring.segment(), at).receiveTimeNs(now[0]).peer(PEER, 2055, 0, 0);
                MemorySegment.copy(message, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
                ring.commit(at);
            }
            worker.doWork();
            worker.doWork();
            home.poll((buffer, offset, length, header) -> {}, 100);
            abroad.poll((buffer, offset, length, header) -> {}, 100);
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 20_000, 1_500, 8);
        final EventCounters.Snapshot totals = counters.snapshot();
        assertTrue(totals.countRecords() > 1_000, totals.toString());
        assertEquals(0, bytes, "bytes allocated by the event worker over " + totals.aggregated() + " counted events and " +
            totals.countRecords() + " count records");
        TestMediaDriver.until(() -> worker.isIdle() && ring.usedBytes() == 0, () ->
        {
            worker.doWork();
            home.poll((buffer, offset, length, header) -> {}, 100);
            abroad.poll((buffer, offset, length, header) -> {}, 100);
        }, "the worker sent everything");
        assertBalanced();
    }
}
