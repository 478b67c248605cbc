package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classify stage plans a frame for every item a payload-cutting rule passes, and only for
 * those (not for items sampled out, filtered, or decided by a rule without a payload action); an
 * item that cannot be cut is dropped with its slice reason, so the source balance counts it.
 */
class ClassifyPayloadActionTest
{
    private static final Policy POLICY = TestPolicies.parse("""
        sluice-policy: 1
        name: cuts
        match: first
        default: keep
        rules:
          - name: web
            when: tcp.port == 443
            then: [keep, truncate payload 64]
          - name: sampled
            when: udp.port == 5000
            then: [sample 1/2, strip payload]
          - name: fragments
            when: ip.src == 10.9.9.9
            then: strip payload
          - name: non-ip
            when: not ip.version in {4, 6}
            then: strip payload
          - name: dropped
            when: udp.port == 123
            then: drop
        """);

    @Test
    void framesArePlannedForPassedItemsOfCuttingRules()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 443, 0x018),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "10.0.0.2", 40000, 5000),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "10.0.0.2", 40001, 5000),
            Packets.ipv4LaterFragment("10.9.9.9", "10.0.0.2", Packets.UDP),
            Packets.arpRequest(),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.1", "10.0.0.2", 40002, 123),
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 50000, 80, 0x018));
        new ClassifyStage().apply(burst, CompiledRules.of(POLICY));

        assertEquals(Verdict.PASS, burst.verdict[0]);
        assertEquals(PayloadSlicer.ACTION_TRUNCATED, burst.payloadAction[0]);
        assertEquals(14 + 20 + 20, burst.frameLength[0]);

        assertEquals(Verdict.PASS, burst.verdict[1]);
        assertEquals(PayloadSlicer.ACTION_STRIPPED, burst.payloadAction[1]);
        assertEquals(14 + 20 + 8, burst.frameLength[1]);
        assertEquals(Verdict.SAMPLED_OUT, burst.verdict[2]);
        assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[2]);

        assertEquals(Verdict.DROPPED, burst.verdict[3]);
        assertEquals(DropReason.UNSLICEABLE_FRAGMENT.ordinal(), burst.dropReason[3]);
        assertEquals(Verdict.DROPPED, burst.verdict[4]);
        assertEquals(DropReason.UNSLICEABLE_NOT_IP.ordinal(), burst.dropReason[4]);

        assertEquals(Verdict.FILTERED, burst.verdict[5]);
        assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[5]);
        assertEquals(Verdict.PASS, burst.verdict[6]);
        assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[6]);
    }

    /** Under match: all the item's cut is the largest any matching rule asks: stripping, then the shortest truncation. */
    @Test
    void underMatchAllTheLargestCutOfTheMatchingRulesApplies()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: cuts
            match: all
            default: keep
            rules:
              - name: long
                when: udp.port in {5000, 5001}
                then: truncate payload 64
              - name: short
                when: udp.port == 5000
                then: [keep, truncate payload 16]
              - name: secret
                when: udp.port == 5002
                then: strip payload
              - name: secret-long
                when: udp.port == 5002
                then: truncate payload 128
            """);
        final PacketBurst burst = Bursts.decoded(1, udp(5000), udp(5001), udp(5002), udp(6000));
        new ClassifyStage().apply(burst, CompiledRules.of(policy));

        assertEquals(1, burst.matchedRule[0], "'short' is the first rule that names a forwarding action");
        assertEquals(PayloadSlicer.ACTION_TRUNCATED, burst.payloadAction[0]);
        assertEquals(14 + 20 + 8 + 16, burst.frameLength[0], "16 bytes, not 64: the larger cut");
        assertEquals(PayloadSlicer.ACTION_TRUNCATED, burst.payloadAction[1]);
        assertEquals(14 + 20 + 8 + 64, burst.frameLength[1], "'long' alone");
        assertEquals(PayloadSlicer.ACTION_STRIPPED, burst.payloadAction[2], "strip cuts more than truncate 128");
        assertEquals(14 + 20 + 8, burst.frameLength[2]);
        assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[3]);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(Verdict.PASS, burst.verdict[i]);
        }
    }

    private static byte[] udp(final int dstPort)
    {
        return Packets.ethernet(NO_VLAN, 0x0800, Packets.ipv4("10.0.0.1", "10.0.0.2", 17, 64, Packets.udp(40000, dstPort, 200)));
    }
}
