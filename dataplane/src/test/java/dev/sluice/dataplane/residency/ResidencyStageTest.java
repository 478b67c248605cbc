package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The residency stage after classify and anonymize, as a worker runs them: per destination,
 * each forwarded item is RAW, TRANSFORMED (with the bits that leave transformed) or BLOCKED;
 * items that were not forwarded are not bound anywhere; every destination's counters add up to
 * the items forwarded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResidencyStageTest
{
    private static final List<String> DESTINATIONS = List.of("eu-west", "us-east", "ap-south");
    private static final byte[] KEY = new byte[CryptoPan.KEY_LENGTH_BYTES];

    private static final Policy KEEP_ALL_NO_RESIDENCY = TestPolicies.parse("""
        sluice-policy: 1
        name: no-residency
        match: first
        default: keep
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
        """);

    private static final Policy ANONYMIZE_SOURCE_ONLY = TestPolicies.parse("""
        sluice-policy: 1
        name: source-only
        match: first
        default: keep
        regions: [eu-west, us-east, ap-south]
        rules:
          - name: hide-clients
            when: tcp.dstport == 443
            then: [keep, anonymize ip.src with cryptopan]
          - name: drop-ntp
            when: udp.port == 123
            then: drop
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west, ap-south]
            after:
              cryptopan: [us-east]
        """);

    private static TestMediaDriver media;

    private final List<DestinationCounters> counters = new ArrayList<>();
    private ClassDecisionCounters classDecisions;

    static
    {
        for (int i = 0; i < KEY.length; i++)
        {
            KEY[i] = (byte)(31 * i + 7);
        }
    }

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
    void closeCounters()
    {
        CloseHelper.closeAll(counters);
        CloseHelper.close(classDecisions);
    }

    /** IPv4 TCP, IPv6 TCP, ARP, IPv4 UDP (DNS), NTP (filtered), a decode drop, IPv6 ICMP. */
    private static List<byte[]> mixedPackets()
    {
        return List.of(
            Packets.ipv4Tcp("192.168.1.10", "93.184.216.34", 50000, 443, 0x002),
            Packets.ipv6Tcp("2001:db8::1", "2001:db8::2", 50000, 80, 0x002),
            Packets.arpRequest(),
            Packets.ipv4Udp(100, "10.0.0.5", "8.8.8.8", 54321, 53),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.5", "10.0.0.1", 123, 123),
            Packets.truncatedIpv4(),
            Packets.ipv6Icmp("fe80::1", "ff02::1", 128, 0));
    }

    @Test
    void rawToTheHomeRegionTransformedAfterCryptoPanBlockedWhereNoRuleSpeaks()
    {
        final Policy policy = TestPolicies.parse(TestPolicies.resource("edge-demo-policy.yaml").replace(
            "  - name: drop-arp-and-other-non-ip\n    when: not ip.version in {4, 6}\n    then: drop\n", ""));
        final PacketBurst burst = run(policy, "eu-west", mixedPackets());

        // Items 0, 1, 3 and 6 carry addresses; 2 is ARP; 4 is filtered; 5 was dropped by decode.
        assertAll(
            () -> assertDeliveries(burst, 0, Delivery.RAW, Delivery.RAW, Delivery.RAW, Delivery.RAW,
                Delivery.NONE, Delivery.NONE, Delivery.RAW),
            () -> assertDeliveries(burst, 1, Delivery.TRANSFORMED, Delivery.TRANSFORMED, Delivery.RAW,
                Delivery.TRANSFORMED, Delivery.NONE, Delivery.NONE, Delivery.TRANSFORMED),
            () -> assertDeliveries(burst, 2, Delivery.BLOCKED, Delivery.BLOCKED, Delivery.RAW, Delivery.BLOCKED,
                Delivery.NONE, Delivery.NONE, Delivery.BLOCKED),
            () -> assertTransformed(burst, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> assertTransformed(burst, 1, AnonymizedFields.ADDRESSES, AnonymizedFields.ADDRESSES, 0,
                AnonymizedFields.ADDRESSES, 0, 0, AnonymizedFields.ADDRESSES),
            () -> assertTransformed(burst, 2, 0, 0, 0, 0, 0, 0, 0),
            () -> assertCounts(0, 5, 0, 0),
            () -> assertCounts(1, 1, 4, 0),
            () -> assertCounts(2, 1, 0, 4),
            // The four with addresses, once more under their class; ARP holds none.
            () -> assertClassCounts("pii.ip", 0, 4, 0, 0),
            () -> assertClassCounts("pii.ip", 1, 0, 4, 0),
            () -> assertClassCounts("pii.ip", 2, 0, 0, 4),
            () -> assertClassCounts("pii.user", 1, 0, 0, 0));
    }

    @Test
    void withoutResidencyRulesEveryItemWithAnAddressIsBlockedAndNonIpGoesRaw()
    {
        final PacketBurst burst = run(KEEP_ALL_NO_RESIDENCY, "eu-west", mixedPackets());
        for (int d = 0; d < DESTINATIONS.size(); d++)
        {
            assertDeliveries(burst, d, Delivery.BLOCKED, Delivery.BLOCKED, Delivery.RAW, Delivery.BLOCKED,
                Delivery.NONE, Delivery.NONE, Delivery.BLOCKED);
            assertCounts(d, 1, 0, 4);
        }
    }

    @Test
    void ruleAnonymizingTheSourceOnlyTransformsItForEveryDestination()
    {
        final PacketBurst burst = run(ANONYMIZE_SOURCE_ONLY, "eu-west", mixedPackets());
        final byte src = AnonymizedFields.SRC_ADDRESS;
        final byte both = AnonymizedFields.ADDRESSES;
        assertAll(
            // eu-west and ap-south may have raw addresses, but the rule hides the client of item 0 everywhere.
            () -> assertDeliveries(burst, 0, Delivery.TRANSFORMED, Delivery.RAW, Delivery.RAW, Delivery.RAW,
                Delivery.NONE, Delivery.NONE, Delivery.RAW),
            () -> assertTransformed(burst, 0, src, 0, 0, 0, 0, 0, 0),
            () -> assertDeliveries(burst, 2, Delivery.TRANSFORMED, Delivery.RAW, Delivery.RAW, Delivery.RAW,
                Delivery.NONE, Delivery.NONE, Delivery.RAW),
            () -> assertTransformed(burst, 2, src, 0, 0, 0, 0, 0, 0),
            // us-east needs both addresses transformed, whatever the rule asked.
            () -> assertDeliveries(burst, 1, Delivery.TRANSFORMED, Delivery.TRANSFORMED, Delivery.RAW,
                Delivery.TRANSFORMED, Delivery.NONE, Delivery.NONE, Delivery.TRANSFORMED),
            () -> assertTransformed(burst, 1, both, both, 0, both, 0, 0, both),
            () -> assertEquals(src, burst.anonymizeFields[0]),
            () -> assertEquals(both, burst.anonymizedReady[0], "computed once for every destination that needs it"),
            () -> assertCounts(0, 4, 1, 0),
            () -> assertCounts(1, 1, 4, 0),
            () -> assertCounts(2, 4, 1, 0));
    }

    /**
     * {@code route} leaves the other destinations out ({@link Delivery#NOT_ROUTED}, counted apart
     * from residency); {@code tag} makes the class's residency apply: a class with no fields, or
     * whose fields the packet lacks, is blocked where it may go only transformed.
     */
    @Test
    void routeLeavesOtherDestinationsOutAndTagAppliesTheClassResidency()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: route-and-tag
            match: first
            default: keep
            regions: [eu-west, us-east, ap-south]
            classes:
              pii.secret: []
            rules:
              - name: web-to-home-only
                when: tcp.dstport == 443
                then: route eu-west
              - name: lookups-are-secret
                when: udp.dstport == 53
                then: tag pii.secret
              - name: ipv6-web
                when: ip.version == 6 and tcp.port == 80
                then: ["tag pii.ip", "route eu-west, us-east"]
              - name: non-ip-as-addresses
                when: not ip.version in {4, 6}
                then: tag pii.ip
              - name: drop-ntp
                when: udp.port == 123
                then: drop
            residency:
              - class: pii.ip
                origin: eu-west
                raw: [eu-west, ap-south]
                after:
                  cryptopan: [us-east]
              - class: pii.secret
                origin: eu-west
                raw: [eu-west]
                after:
                  hmac: [us-east]
            """);
        final PacketBurst burst = run(policy, "eu-west", mixedPackets());

        // 0 web routed home; 1 IPv6 web tagged pii.ip, routed home and us-east; 2 ARP tagged pii.ip (no address to
        // transform: blocked where pii.ip goes only transformed); 3 DNS tagged pii.secret (no fields: blocked where it
        // is not raw); 4 filtered; 5 not decoded; 6 IPv6 ICMP by the default.
        assertAll(
            () -> assertDeliveries(burst, 0, Delivery.RAW, Delivery.RAW, Delivery.RAW, Delivery.RAW,
                Delivery.NONE, Delivery.NONE, Delivery.RAW),
            () -> assertDeliveries(burst, 1, Delivery.NOT_ROUTED, Delivery.TRANSFORMED, Delivery.BLOCKED, Delivery.BLOCKED,
                Delivery.NONE, Delivery.NONE, Delivery.TRANSFORMED),
            () -> assertDeliveries(burst, 2, Delivery.NOT_ROUTED, Delivery.NOT_ROUTED, Delivery.RAW, Delivery.BLOCKED,
                Delivery.NONE, Delivery.NONE, Delivery.RAW),
            () -> assertCounts(0, 5, 0, 0),
            () -> assertCounts(1, 0, 2, 2),
            () -> assertCounts(2, 2, 0, 1),
            () -> assertEquals(List.of(0L, 1L, 2L), counters.stream().map(c -> c.snapshot().notRouted()).toList(), "not routed"),
            () -> assertEquals(List.of(5L, 5L, 5L), counters.stream().map(c -> c.snapshot().decided()).toList(),
                "raw + transformed + blocked + not_routed = forwarded"),
            // Tagged classes are counted like held ones; a destination not routed to decides nothing.
            () -> assertClassCounts("pii.ip", 0, 5, 0, 0),
            () -> assertClassCounts("pii.ip", 1, 0, 2, 2),
            () -> assertClassCounts("pii.ip", 2, 2, 0, 1),
            () -> assertClassCounts("pii.secret", 0, 1, 0, 0),
            () -> assertClassCounts("pii.secret", 1, 0, 0, 1),
            () -> assertClassCounts("pii.secret", 2, 0, 0, 1));
    }

    @Test
    void countersBalanceForEveryDestinationOverManyBursts()
    {
        final Policy policy = TestPolicies.edgeDemo();
        final SplittableRandom random = new SplittableRandom(11);
        final PacketBurst burst = new PacketBurst(64, DESTINATIONS.size());
        final ClassifyStage classify = new ClassifyStage();
        final AnonymizeStage anonymize = new AnonymizeStage(new CryptoPan(KEY));
        final ResidencyStage residency = new ResidencyStage(newCounters(), burst.capacity());
        final ResidencyPlan plan = ResidencyPlan.build(policy, "eu-west", DESTINATIONS);
        final CompiledRules rules = CompiledRules.of(policy);

        long forwarded = 0;
        for (int round = 0; round < 50; round++)
        {
            final List<byte[]> packets = new ArrayList<>();
            final int count = 1 + random.nextInt(burst.capacity());
            for (int i = 0; i < count; i++)
            {
                packets.add(randomPacket(random));
            }
            Bursts.decoded(burst, packets);
            classify.apply(burst, rules);
            anonymize.apply(burst, plan.anyDestinationTransforms());
            residency.apply(burst, plan);
            for (int i = 0; i < burst.count(); i++)
            {
                forwarded += burst.verdict[i] == Verdict.PASS ? 1 : 0;
            }
        }

        for (int d = 0; d < DESTINATIONS.size(); d++)
        {
            final DestinationCounters.Snapshot snapshot = counters.get(d).snapshot();
            assertEquals(forwarded, snapshot.raw() + snapshot.transformed() + snapshot.blocked(),
                "raw + transformed + blocked == forwarded for " + snapshot.region());
        }
        assertEquals(0, counters.get(0).snapshot().transformed() + counters.get(0).snapshot().blocked());
        assertEquals(0, counters.get(1).snapshot().raw() + counters.get(1).snapshot().blocked(), "the demo keeps no non-IP");
        assertEquals(forwarded, counters.get(2).snapshot().blocked());
    }

    private static byte[] randomPacket(final SplittableRandom random)
    {
        final String a = "10.0." + random.nextInt(4) + "." + random.nextInt(256);
        final String b = "198.51.100." + random.nextInt(256);
        return switch (random.nextInt(7))
        {
            case 0 -> Packets.ipv4Tcp(a, b, 1024 + random.nextInt(60000), random.nextBoolean() ? 443 : 22, 0x002);
            case 1 -> Packets.ipv4Udp(random.nextBoolean() ? NO_VLAN : 100, a, b, 53, 40000);
            case 2 -> Packets.ipv4Udp(NO_VLAN, a, b, 123, 123);
            case 3 -> Packets.ipv6Tcp("2001:db8::" + Integer.toHexString(random.nextInt(65536)), "2001:db8::1", 40000, 80, 0x010);
            case 4 -> Packets.ipv4Icmp(NO_VLAN, a, b, 8, 0);
            case 5 -> Packets.arpRequest();
            default -> Packets.truncatedIpv4();
        };
    }

    private DestinationCounters[] newCounters()
    {
        for (final String region : DESTINATIONS)
        {
            counters.add(new DestinationCounters(media.aeron, region));
        }
        return counters.toArray(new DestinationCounters[0]);
    }

    private PacketBurst run(final Policy policy, final String origin, final List<byte[]> packets)
    {
        final PacketBurst burst = Bursts.decoded(new PacketBurst(packets.size(), DESTINATIONS.size()), packets);
        final ResidencyPlan plan = ResidencyPlan.build(policy, origin, DESTINATIONS);
        new ClassifyStage().apply(burst, CompiledRules.of(policy));
        new AnonymizeStage(new CryptoPan(KEY)).apply(burst, plan.anyDestinationTransforms());
        classDecisions = new ClassDecisionCounters(media.aeron::addCounter, DESTINATIONS);
        new ResidencyStage(newCounters(), burst.capacity()).apply(burst, plan, ClassCounting.build(policy, classDecisions));
        return burst;
    }

    private static void assertDeliveries(final PacketBurst burst, final int destination, final byte... expected)
    {
        assertEquals(expected.length, burst.count());
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], burst.delivery[destination][i],
                "delivery of item " + i + " to " + DESTINATIONS.get(destination));
        }
    }

    private static void assertTransformed(final PacketBurst burst, final int destination, final int... expected)
    {
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], burst.transformedFields[destination][i],
                "transformed bits of item " + i + " to " + DESTINATIONS.get(destination));
        }
    }

    private void assertClassCounts(
        final String dataClass, final int destination, final long raw, final long transformed, final long blocked)
    {
        final ClassDecisionCounters.Snapshot snapshot = classDecisions.snapshot().stream()
            .filter((s) -> s.dataClass().equals(dataClass)).findFirst().orElseThrow();
        assertEquals(new ClassDecisionCounters.Decisions(DESTINATIONS.get(destination), raw, transformed, blocked),
            snapshot.destinations().get(destination), dataClass);
    }

    private void assertCounts(final int destination, final long raw, final long transformed, final long blocked)
    {
        final DestinationCounters.Snapshot snapshot = counters.get(destination).snapshot();
        assertEquals(raw, snapshot.raw(), "raw to " + snapshot.region());
        assertEquals(transformed, snapshot.transformed(), "transformed to " + snapshot.region());
        assertEquals(blocked, snapshot.blocked(), "blocked to " + snapshot.region());
    }
}
