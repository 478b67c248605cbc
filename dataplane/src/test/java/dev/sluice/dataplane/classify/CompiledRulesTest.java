package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.PacketFields;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A policy's actions as the per-rule arrays the classify stage indexes, with the default in
 * the last slot, and the mapping of anonymized policy fields to wire bits.
 */
class CompiledRulesTest
{
    @Test
    void actionsPerRuleAndDefaultInTheLastSlot()
    {
        final CompiledRules rules = CompiledRules.of(TestPolicies.parse("""
            sluice-policy: 1
            name: compiled
            match: first
            default: drop
            rules:
              - name: a
                when: udp.port == 123
                then: drop
              - name: b
                when: udp.port == 53
                then: sample 1/10
              - name: c
                when: tcp.port == 443
                then: [keep, anonymize ip.dst with cryptopan]
              - name: d
                when: true
                then: keep
            """));

        assertEquals(4, rules.ruleCount());
        assertEquals(CompiledRules.DROP, rules.action(0));
        assertEquals(CompiledRules.SAMPLE, rules.action(1));
        assertEquals(10, rules.sampleDenominator(1));
        assertEquals(CompiledRules.KEEP, rules.action(2));
        assertEquals(AnonymizedFields.DST_ADDRESS, rules.anonymizeFields(2));
        assertEquals(CompiledRules.KEEP, rules.action(3));
        assertEquals(0, rules.anonymizeFields(3));
        assertEquals(1, rules.sampleDenominator(3), "keep never divides");
        assertEquals(CompiledRules.DROP, rules.action(4), "the default");
        assertTrue(rules.anonymizes());
    }

    @Test
    void policyWithoutAnonymizeRulesDoesNotAnonymize()
    {
        final CompiledRules rules = CompiledRules.of(TestPolicies.edgeDemo());
        assertFalse(rules.anonymizes());
        assertEquals(5, rules.ruleCount());
        assertEquals(CompiledRules.KEEP, rules.action(rules.ruleCount()));
        assertSame(rules.policy(), rules.policy());
    }

    @Test
    void addressBitsOfFieldSets()
    {
        assertEquals(0, CompiledRules.addressBits(FieldSet.EMPTY));
        assertEquals(AnonymizedFields.SRC_ADDRESS, CompiledRules.addressBits(FieldSet.of(PacketFields.IP_SRC)));
        assertEquals(AnonymizedFields.DST_ADDRESS, CompiledRules.addressBits(FieldSet.of(PacketFields.IP_DST)));
        assertEquals(AnonymizedFields.ADDRESSES, CompiledRules.addressBits(FieldSet.of(PacketFields.IP_SRC, PacketFields.IP_DST)));
        assertEquals(0, CompiledRules.addressBits(FieldSet.of(PacketFields.VLAN_ID)), "only addresses are transformed here");
        assertEquals(AnonymizedFields.INNER_SRC_ADDRESS, CompiledRules.addressBits(FieldSet.of(PacketFields.INNER_IP_SRC)));
        assertEquals(AnonymizedFields.SRC_ADDRESS, CompiledRules.addressBit(PacketFields.IP_SRC));
        assertEquals(AnonymizedFields.INNER_DST_ADDRESS, CompiledRules.addressBit(PacketFields.INNER_IP_DST));
    }

    @Test
    void payloadActionsAreCompiledPerRule()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: cuts
            match: first
            default: keep
            rules:
              - name: cut
                when: tcp.port == 443
                then: [keep, truncate payload 64]
              - name: whole
                when: udp.port == 53
                then: keep
              - name: headers
                when: true
                then: strip payload
            """);
        final CompiledRules rules = CompiledRules.of(policy);
        assertEquals(PayloadSlicer.ACTION_TRUNCATED, rules.payloadAction(0));
        assertEquals(64, rules.payloadBytes(0));
        assertEquals(PayloadSlicer.ACTION_NONE, rules.payloadAction(1));
        assertEquals(PayloadSlicer.ACTION_STRIPPED, rules.payloadAction(2));
        assertEquals(0, rules.payloadBytes(2));
        assertEquals(PayloadSlicer.ACTION_NONE, rules.payloadAction(3));
    }
}
