package dev.sluice.dataplane.control;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.FlowSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Building what the gateway runs from a valid policy, and refusing what this gateway cannot
 * run: any Crypto-PAn transform (by a rule or by residency to one of its destinations) without a key.
 */
class PolicyInstallerTest
{
    private static final Policy ANONYMIZING_RULE = TestPolicies.parse("""
        sluice-policy: 1
        name: anonymizing-rule
        match: first
        default: keep
        rules:
          - name: hide
            when: tcp.port == 443
            then: [keep, anonymize ip.src with cryptopan]
        """);

    @Test
    void buildsASnapshotWithTheTransformsSomeDestinationNeeds()
    {
        final PolicyInstaller installer = new PolicyInstaller("eu-west", List.of("eu-west", "us-east"), true);
        final Policy policy = TestPolicies.edgeDemo();
        final PolicyInstaller.Result result = installer.build(7, policy);

        assertTrue(result.errors().isEmpty(), result.errors().toString());
        final PolicySnapshot snapshot = result.snapshot();
        assertEquals(7, snapshot.version());
        assertEquals("eu-edge-demo", snapshot.name());
        assertSame(policy, snapshot.rules().policy());
        assertEquals(List.of("eu-west", "us-east"), snapshot.residency().destinations());
        assertEquals(AnonymizedFields.ALL_ADDRESSES, snapshot.precomputeTransforms());
    }

    @Test
    void acceptsAggregateFlowsWithThePolicysFlowSettings()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: flows-and-slices
            match: first
            default: keep
            rules:
              - name: mobile
                when: udp.port == 2152
                then: aggregate flows
            """);
        final PolicyInstaller.Result result = new PolicyInstaller("eu-west", List.of("eu-west"), true).build(4, policy);
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        assertTrue(result.snapshot().rules().aggregatesAny());
        assertTrue(result.snapshot().rules().aggregates(0));
        assertEquals(FlowSettings.DEFAULTS, result.snapshot().rules().flowSettings());
    }

    @Test
    void keylessGatewayRejectsAnAnonymizeRule()
    {
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("eu-west"), false).build(3, ANONYMIZING_RULE);
        assertNull(result.snapshot());
        assertEquals(List.of("the policy needs an anonymization key for cryptopan (an anonymize rule) but this gateway has no anonymization key; " +
            "set anonymization.key-file in the gateway configuration"), result.errors());
    }

    @Test
    void keylessGatewayAcceptsTruncationWhichNeedsNoKey()
    {
        final Policy truncating = TestPolicies.parse("""
            sluice-policy: 1
            name: truncating
            match: first
            default: keep
            regions: [eu-west, us-east]
            rules:
              - {name: all, when: true, then: anonymize ip.src with truncate}
            residency:
              - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {truncate: [us-east]}}
            """);
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("eu-west", "us-east"), false).build(3, truncating);
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        assertEquals(AnonymizationMethod.TRUNCATE, result.snapshot().eventResidency().addressMethod());
    }

    @Test
    void keylessGatewayRejectsResidencyThatTransformsForOneOfItsDestinations()
    {
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("eu-west", "us-east"), false).build(3, TestPolicies.edgeDemo());
        assertNull(result.snapshot());
        assertEquals(1, result.errors().size());
        assertTrue(result.errors().get(0).startsWith("the policy needs an anonymization key for cryptopan (residency to us-east) but this gateway " +
            "has no anonymization key"), result.errors().get(0));
    }

    @Test
    void keylessGatewayAcceptsWhatNeedsNoTransformHere()
    {
        // The demo policy transforms only for us-east; a gateway that sends only to eu-west needs no key.
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("eu-west"), false).build(3, TestPolicies.edgeDemo());
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        assertEquals(0, result.snapshot().precomputeTransforms());

        final PolicyInstaller.Result keyed =
            new PolicyInstaller("eu-west", List.of("eu-west"), true).build(4, ANONYMIZING_RULE);
        assertTrue(keyed.errors().isEmpty());
        assertEquals(0, keyed.snapshot().precomputeTransforms(), "the rule's bits travel per item, not per destination");
        assertTrue(keyed.snapshot().rules().anonymizes());
    }
}
