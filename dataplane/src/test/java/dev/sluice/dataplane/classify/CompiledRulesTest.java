package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.testing.TestPolicies;
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
    void addressBitsOfFieldMasks()
    {
        assertEquals(0, CompiledRules.addressBits(0));
        assertEquals(AnonymizedFields.SRC_ADDRESS, CompiledRules.addressBits(1L << PacketFields.IP_SRC));
        assertEquals(AnonymizedFields.DST_ADDRESS, CompiledRules.addressBits(1L << PacketFields.IP_DST));
        assertEquals(AnonymizedFields.ADDRESSES,
            CompiledRules.addressBits((1L << PacketFields.IP_SRC) | (1L << PacketFields.IP_DST)));
        assertEquals(AnonymizedFields.ADDRESSES, CompiledRules.addressBits(1L << PacketFields.IP_ADDR));
        assertEquals(0, CompiledRules.addressBits(1L << PacketFields.VLAN_ID), "only addresses are transformed here");
    }
}
