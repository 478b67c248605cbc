package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classify stage over decoded bursts: first match wins, the default decides the rest,
 * {@code sample 1/N} keeps the first of every N matches of its own rule (across bursts, reset
 * by a new policy), items the decoder dropped are left as they are, and each item carries its
 * rule's anonymize bits.
 */
class ClassifyStageTest
{
    private static final int DROP_NTP = 0;
    private static final int WEB = 1;
    private static final int SAMPLE_DNS = 2;
    private static final int SAMPLE_ICMP = 3;
    private static final int ANONYMIZE_SRC = 4;
    private static final int ANONYMIZE_BOTH = 5;

    private static final String RULES = """
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
          - name: web
            when: tcp.port in {80, 443}
            then: keep
          - name: sample-dns
            when: udp.port == 53
            then: sample 1/4
          - name: sample-icmp
            when: ip.proto in {1, 58}
            then: sample 1/4
          - name: anonymize-src
            when: tcp.dstport == 8080
            then: [keep, anonymize ip.src with cryptopan]
          - name: anonymize-both
            when: tcp.dstport == 8443
            then: [sample 1/2, anonymize ip.addr with cryptopan]
        """;

    private static final Policy KEEP_BY_DEFAULT = TestPolicies.parse("""
        sluice-policy: 1
        name: classify-keep
        match: first
        default: keep
        """ + RULES);

    private static final Policy DROP_BY_DEFAULT = TestPolicies.parse("""
        sluice-policy: 1
        name: classify-drop
        match: first
        default: drop
        """ + RULES);

    private final ClassifyStage stage = new ClassifyStage();

    @Test
    void firstMatchingRuleDecides()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "10.0.0.2", 53, 123),    // NTP and DNS: drop-ntp is first
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x002),   // web
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 80, 8080, 0x010),     // web before anonymize-src
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50001, 8080, 0x010),  // anonymize-src
            Packets.ipv4Icmp(NO_VLAN, "10.0.0.1", "10.0.0.2", 8, 0));     // sample-icmp
        stage.apply(burst, CompiledRules.of(KEEP_BY_DEFAULT));

        assertAll(
            () -> assertItem(burst, 0, Verdict.FILTERED, DROP_NTP, 0),
            () -> assertItem(burst, 1, Verdict.PASS, WEB, 0),
            () -> assertItem(burst, 2, Verdict.PASS, WEB, 0),
            () -> assertItem(burst, 3, Verdict.PASS, ANONYMIZE_SRC, AnonymizedFields.SRC_ADDRESS),
            () -> assertItem(burst, 4, Verdict.PASS, SAMPLE_ICMP, 0));
    }

    @Test
    void defaultKeepPassesUnmatchedItems()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 22, 0x002),
            Packets.arpRequest());
        stage.apply(burst, CompiledRules.of(KEEP_BY_DEFAULT));
        assertItem(burst, 0, Verdict.PASS, PacketBurst.ABSENT, 0);
        assertItem(burst, 1, Verdict.PASS, PacketBurst.ABSENT, 0);
    }

    @Test
    void defaultDropFiltersUnmatchedItemsOnly()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 22, 0x002),
            Packets.arpRequest(),
            Packets.ipv6Tcp("2001:db8::1", "2001:db8::2", 50000, 80, 0x002));
        stage.apply(burst, CompiledRules.of(DROP_BY_DEFAULT));
        assertItem(burst, 0, Verdict.FILTERED, PacketBurst.ABSENT, 0);
        assertItem(burst, 1, Verdict.FILTERED, PacketBurst.ABSENT, 0);
        assertItem(burst, 2, Verdict.PASS, WEB, 0);
    }

    @Test
    void sampleKeepsExactlyTheFirstOfEveryFourMatchesPerRuleAcrossBursts()
    {
        final CompiledRules rules = CompiledRules.of(KEEP_BY_DEFAULT);
        final List<Byte> dnsVerdicts = new ArrayList<>();
        final List<Byte> icmpVerdicts = new ArrayList<>();
        final PacketBurst burst = new PacketBurst(7, 1);
        for (int round = 0; round < 12; round++)
        {
            // Interleave two sampled rules, an unsampled rule and a decode drop in uneven bursts.
            final List<byte[]> packets = new ArrayList<>();
            packets.add(Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.8.8", 40000 + round, 53));
            packets.add(Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x002));
            packets.add(Packets.ipv6Icmp("fe80::1", "ff02::1", 128, 0));
            packets.add(Packets.truncatedIpv4());
            if (round % 3 == 0)
            {
                packets.add(Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.4.4", 53, 40000 + round));
                packets.add(Packets.ipv4Icmp(NO_VLAN, "10.0.0.1", "10.0.0.2", 0, 0));
            }
            Bursts.decoded(burst, packets);
            stage.apply(burst, rules);
            for (int i = 0; i < burst.count(); i++)
            {
                if (burst.matchedRule[i] == SAMPLE_DNS)
                {
                    dnsVerdicts.add(burst.verdict[i]);
                }
                else if (burst.matchedRule[i] == SAMPLE_ICMP)
                {
                    icmpVerdicts.add(burst.verdict[i]);
                }
                else if (burst.matchedRule[i] == WEB)
                {
                    assertEquals(Verdict.PASS, burst.verdict[i], "an unsampled rule keeps everything");
                }
            }
        }

        assertEquals(16, dnsVerdicts.size());
        assertEquals(16, icmpVerdicts.size());
        assertEquals(everyFourth(16), dnsVerdicts, "DNS: the first of every 4 of its own matches");
        assertEquals(everyFourth(16), icmpVerdicts, "ICMP: counted apart from DNS");
    }

    /**
     * {@code sample 1/N by <keys>}: a key's items are kept or left out together, whatever their
     * order or burst, and one key in about N is kept (the hash is seedless: the same on every worker).
     */
    @Test
    void sampleByKeyKeepsEveryItemOfOneKeyInN()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: by-key
            match: first
            default: keep
            rules:
              - name: some-clients
                when: tcp.dstport == 443
                then: sample 1/4 by ip.src
            """);
        final CompiledRules rules = CompiledRules.of(policy);
        final List<byte[]> packets = new ArrayList<>();
        for (int host = 0; host < 200; host++)
        {
            packets.add(Packets.ipv4Tcp("10.0." + (host / 100) + "." + (host % 100), "192.0.2.1", 40000, 443, 0x002));
        }
        final PacketBurst first = Bursts.decoded(1, packets.toArray(new byte[0][]));
        new ClassifyStage().apply(first, rules);
        final PacketBurst again = Bursts.decoded(1, packets.reversed().toArray(new byte[0][]));
        new ClassifyStage().apply(again, rules);

        int kept = 0;
        for (int i = 0; i < 200; i++)
        {
            assertEquals(first.verdict[i], again.verdict[199 - i], "host " + i + ": the same decision in any order, on any worker");
            kept += Verdict.PASS == first.verdict[i] ? 1 : 0;
        }
        assertTrue(kept > 25 && kept < 75, kept + " of 200 hosts kept, about one in 4");
        assertEquals("[sample 1/4 by ip.src]", policy.actionsFor(0).toString());
    }

    @Test
    void sampleWithAnonymizeMarksBothAddressesOnKeptAndSampledOutItems()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 8443, 0x002),
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50001, 8443, 0x002),
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50002, 8443, 0x002));
        stage.apply(burst, CompiledRules.of(KEEP_BY_DEFAULT));
        assertItem(burst, 0, Verdict.PASS, ANONYMIZE_BOTH, AnonymizedFields.ADDRESSES);
        assertItem(burst, 1, Verdict.SAMPLED_OUT, ANONYMIZE_BOTH, AnonymizedFields.ADDRESSES);
        assertItem(burst, 2, Verdict.PASS, ANONYMIZE_BOTH, AnonymizedFields.ADDRESSES);
    }

    @Test
    void itemsDroppedByDecodeAreLeftAloneAndNotCountedBySampling()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.truncatedIpv4(),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.8.8", 40000, 53),
            Packets.truncatedIpv4(),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.8.8", 40001, 53));
        assertEquals(Verdict.DROPPED, burst.verdict[0], "the decoder drops a truncated header");
        final short reason = burst.dropReason[0];

        stage.apply(burst, CompiledRules.of(DROP_BY_DEFAULT));

        assertAll(
            () -> assertItem(burst, 0, Verdict.DROPPED, PacketBurst.ABSENT, 0),
            () -> assertEquals(reason, burst.dropReason[0]),
            () -> assertEquals(DropReason.TRUNCATED_IPV4.ordinal(), reason),
            () -> assertItem(burst, 1, Verdict.PASS, SAMPLE_DNS, 0),
            () -> assertItem(burst, 2, Verdict.DROPPED, PacketBurst.ABSENT, 0),
            () -> assertItem(burst, 3, Verdict.SAMPLED_OUT, SAMPLE_DNS, 0));
    }

    @Test
    void itemsAlreadyDecidedAreNotDecidedAgain()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x002),
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x002));
        burst.verdict[0] = Verdict.FILTERED;
        stage.apply(burst, CompiledRules.of(KEEP_BY_DEFAULT));
        assertItem(burst, 0, Verdict.FILTERED, PacketBurst.ABSENT, 0);
        assertItem(burst, 1, Verdict.PASS, WEB, 0);
    }

    @Test
    void aNewPolicyResetsSampleCounters()
    {
        final CompiledRules first = CompiledRules.of(KEEP_BY_DEFAULT);
        final PacketBurst burst = new PacketBurst(4, 1);
        final List<byte[]> twoDns = List.of(
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.8.8", 40000, 53),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "8.8.8.8", 40001, 53));

        stage.apply(Bursts.decoded(burst, twoDns), first);
        assertEquals(List.of(Verdict.PASS, Verdict.SAMPLED_OUT), verdicts(burst));

        stage.apply(Bursts.decoded(burst, twoDns), first);
        assertEquals(List.of(Verdict.SAMPLED_OUT, Verdict.SAMPLED_OUT), verdicts(burst), "same policy: matches 3 and 4");

        // The same document as a new version: counting starts again.
        final CompiledRules second = CompiledRules.of(KEEP_BY_DEFAULT);
        stage.apply(Bursts.decoded(burst, twoDns), second);
        assertEquals(List.of(Verdict.PASS, Verdict.SAMPLED_OUT), verdicts(burst), "new policy: matches 1 and 2");

        // A policy with a different number of rules gets counters of its own size.
        final CompiledRules fewer = CompiledRules.of(TestPolicies.parse("""
            sluice-policy: 1
            name: one-rule
            match: first
            default: drop
            rules:
              - name: sample-everything
                when: true
                then: sample 1/3
            """));
        stage.apply(Bursts.decoded(burst, twoDns), fewer);
        assertEquals(List.of(Verdict.PASS, Verdict.SAMPLED_OUT), verdicts(burst));
        assertEquals(0, burst.matchedRule[0]);
        stage.apply(Bursts.decoded(burst, twoDns), fewer);
        assertEquals(List.of(Verdict.SAMPLED_OUT, Verdict.PASS), verdicts(burst));
    }

    @Test
    void policyWithoutRulesAppliesTheDefaultToEveryItem()
    {
        final Policy dropAll = TestPolicies.parse("""
            sluice-policy: 1
            name: drop-all
            match: first
            default: drop
            rules: []
            """);
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x002),
            Packets.arpRequest());
        stage.apply(burst, CompiledRules.of(dropAll));
        assertItem(burst, 0, Verdict.FILTERED, PacketBurst.ABSENT, 0);
        assertItem(burst, 1, Verdict.FILTERED, PacketBurst.ABSENT, 0);
    }

    private static List<Byte> everyFourth(final int count)
    {
        final List<Byte> verdicts = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            verdicts.add(i % 4 == 0 ? Verdict.PASS : Verdict.SAMPLED_OUT);
        }
        return verdicts;
    }

    private static List<Byte> verdicts(final PacketBurst burst)
    {
        final List<Byte> verdicts = new ArrayList<>();
        for (int i = 0; i < burst.count(); i++)
        {
            verdicts.add(burst.verdict[i]);
        }
        return verdicts;
    }

    @Test
    void rateLimitsPassEachKeysBurstThenRefillFromCaptureTimeAndStartAfreshWithANewPolicy()
    {
        final String text = """
            sluice-policy: 1
            name: limits
            match: first
            default: keep
            rules:
              - name: per-client
                when: tcp.dstport == 22
                then: [rate-limit 1/s by ip.src burst 2, anonymize ip.src with cryptopan]
            """;
        final Policy limits = TestPolicies.parse(text);
        final CompiledRules rules = CompiledRules.of(limits);
        final List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            packets.add(Packets.ipv4Tcp("10.0.0.1", "10.0.0.9", 50000 + i, 22, 0x002));
            packets.add(Packets.ipv4Tcp("10.0.0.2", "10.0.0.9", 50000 + i, 22, 0x002));
        }
        packets.add(Packets.ipv4Tcp("10.0.0.1", "10.0.0.9", 50000, 80, 0x002));
        final PacketBurst burst = Bursts.decoded(new PacketBurst(16, 1), packets);
        stage.apply(burst, rules);
        final byte src = AnonymizedFields.SRC_ADDRESS;
        assertAll(
            () -> assertItem(burst, 0, Verdict.PASS, 0, src),
            () -> assertItem(burst, 1, Verdict.PASS, 0, src),
            () -> assertItem(burst, 2, Verdict.PASS, 0, src),
            () -> assertItem(burst, 3, Verdict.PASS, 0, src),
            () -> assertItem(burst, 4, Verdict.RATE_LIMITED, 0, src),
            () -> assertItem(burst, 5, Verdict.RATE_LIMITED, 0, src),
            () -> assertItem(burst, 6, Verdict.PASS, Policy.NO_MATCH, 0));

        // A second later (by capture time) each client has one token again.
        Bursts.decoded(burst, packets.subList(0, 4), Bursts.BASE_TIMESTAMP_NS + 1_000_000_000L);
        stage.apply(burst, rules);
        assertAll(
            () -> assertEquals(Verdict.PASS, burst.verdict[0]),
            () -> assertEquals(Verdict.PASS, burst.verdict[1]),
            () -> assertEquals(Verdict.RATE_LIMITED, burst.verdict[2]),
            () -> assertEquals(Verdict.RATE_LIMITED, burst.verdict[3]));

        // The same rules in a new version: fresh buckets, so each client's burst passes again.
        Bursts.decoded(burst, packets.subList(0, 4), Bursts.BASE_TIMESTAMP_NS + 1_000_000_000L);
        stage.apply(burst, CompiledRules.of(TestPolicies.parse(text)));
        for (int i = 0; i < 4; i++)
        {
            assertEquals(Verdict.PASS, burst.verdict[i], "item " + i + " under the new version");
        }
        assertEquals(0, stage.rateLimitEvictions());
    }

    @Test
    void aPacketACountRuleMatchesIsDroppedCountRuleOnPacketNotForwardedNorLost()
    {
        final Policy counts = TestPolicies.parse("""
            sluice-policy: 1
            name: counts
            match: first
            default: keep
            rules:
              - name: ssh-per-client
                when: tcp.dstport == 22
                then: count by ip.src every 1m
            """);
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.9", 50000, 22, 0x002),
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.9", 50000, 80, 0x002));
        stage.apply(burst, CompiledRules.of(counts));
        assertEquals(Verdict.DROPPED, burst.verdict[0]);
        assertEquals(DropReason.COUNT_RULE_ON_PACKET.ordinal(), burst.dropReason[0]);
        assertEquals("count_rule_on_packet", DropReason.COUNT_RULE_ON_PACKET.label());
        assertEquals(Verdict.PASS, burst.verdict[1]);
    }

    private static void assertItem(
        final PacketBurst burst, final int index, final byte verdict, final int rule, final int anonymizeBits)
    {
        assertEquals(verdict, burst.verdict[index], "verdict of item " + index);
        assertEquals(rule, burst.matchedRule[index], "rule of item " + index);
        assertEquals(anonymizeBits, burst.anonymizeFields[index], "anonymize bits of item " + index);
    }
}
