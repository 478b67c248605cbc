package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.PacketFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A policy's residency rules resolved for one origin and a list of destinations: which fields
 * block an item at each destination and which address bits must be transformed there; fail
 * closed wherever no rule speaks.
 */
class ResidencyPlanTest
{
    private static final long INNER_ADDRESS_FIELDS = (1L << PacketFields.INNER_IP_SRC) | (1L << PacketFields.INNER_IP_DST);
    /** pii.ip by default: the outer and the inner addresses. */
    private static final long ADDRESS_FIELDS = (1L << PacketFields.IP_SRC) | (1L << PacketFields.IP_DST) | INNER_ADDRESS_FIELDS;

    @Test
    void rawTransformedAndUnlistedDestinations()
    {
        final ResidencyPlan plan = ResidencyPlan.build(
            TestPolicies.edgeDemo(), "eu-west", List.of("eu-west", "us-east", "ap-south"));
        assertAll(
            () -> assertEquals(List.of("eu-west", "us-east", "ap-south"), plan.destinations()),
            () -> assertEquals(ADDRESS_FIELDS, plan.classifiedFields(), "pii.ip is on the outer and inner addresses by default"),
            () -> assertEquals(0, plan.blockedFields(0)),
            () -> assertEquals(0, plan.transformFields(0), "raw to eu-west"),
            () -> assertEquals(0, plan.blockedFields(1)),
            () -> assertEquals(AnonymizedFields.ALL_ADDRESSES, plan.transformFields(1), "cryptopan to us-east, outer and inner"),
            () -> assertEquals(ADDRESS_FIELDS, plan.blockedFields(2), "no rule names ap-south: blocked"),
            () -> assertEquals(0, plan.transformFields(2)),
            () -> assertEquals(AnonymizedFields.ALL_ADDRESSES, plan.anyDestinationTransforms()),
            () -> assertEquals(List.of(), plan.notes()));
    }

    @Test
    void originWithoutRuleBlocksEverywhere()
    {
        final ResidencyPlan plan = ResidencyPlan.build(TestPolicies.edgeDemo(), "us-east", List.of("eu-west", "us-east"));
        assertEquals(ADDRESS_FIELDS, plan.blockedFields(0));
        assertEquals(ADDRESS_FIELDS, plan.blockedFields(1));
        assertEquals(0, plan.anyDestinationTransforms());
    }

    @Test
    void policyWithoutResidencyBlocksEveryClassEverywhere()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: no-residency
            match: first
            default: keep
            """);
        final ResidencyPlan plan = ResidencyPlan.build(policy, "eu-west", List.of("eu-west", "us-east"));
        assertEquals(ADDRESS_FIELDS, plan.classifiedFields());
        assertEquals(ADDRESS_FIELDS, plan.blockedFields(0));
        assertEquals(ADDRESS_FIELDS, plan.blockedFields(1));
        assertEquals(0, plan.anyDestinationTransforms());
    }

    @Test
    void anyOriginRuleAndExplicitOriginPrecedence()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: origins
            match: first
            default: keep
            regions: [eu-west, us-east, ap-south]
            residency:
              - class: pii.ip
                origin: any
                raw: [ap-south]
                after:
                  cryptopan: [eu-west]
              - class: pii.ip
                origin: us-east
                raw: [us-east, eu-west]
            """);
        final List<String> destinations = List.of("eu-west", "us-east", "ap-south");

        final ResidencyPlan fromApSouth = ResidencyPlan.build(policy, "ap-south", destinations);
        assertEquals(AnonymizedFields.ALL_ADDRESSES, fromApSouth.transformFields(0));
        assertEquals(ADDRESS_FIELDS, fromApSouth.blockedFields(1));
        assertEquals(0, fromApSouth.blockedFields(2));
        assertEquals(0, fromApSouth.transformFields(2));

        final ResidencyPlan fromUsEast = ResidencyPlan.build(policy, "us-east", destinations);
        assertEquals(0, fromUsEast.blockedFields(0) | fromUsEast.transformFields(0), "explicit origin beats any");
        assertEquals(0, fromUsEast.blockedFields(1) | fromUsEast.transformFields(1));
        assertEquals(ADDRESS_FIELDS, fromUsEast.blockedFields(2));

        final ResidencyPlan fromUndeclared = ResidencyPlan.build(policy, "sa-east", destinations);
        for (int d = 0; d < destinations.size(); d++)
        {
            assertEquals(ADDRESS_FIELDS, fromUndeclared.blockedFields(d), "an origin the policy does not declare");
        }
    }

    @Test
    void classesOnOtherFieldsAreClassifiedAndBlockedOnTheirOwn()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: vlan-class
            match: first
            default: keep
            regions: [eu-west, us-east]
            classes:
              net.vlan: vlan.id
            residency:
              - class: pii.ip
                origin: any
                raw: [eu-west, us-east]
              - class: net.vlan
                origin: any
                raw: [eu-west]
            """);
        final ResidencyPlan plan = ResidencyPlan.build(policy, "eu-west", List.of("eu-west", "us-east"));
        assertEquals(ADDRESS_FIELDS | (1L << PacketFields.VLAN_ID), plan.classifiedFields());
        assertEquals(0, plan.blockedFields(0));
        assertEquals(1L << PacketFields.VLAN_ID, plan.blockedFields(1));
        assertEquals(0, plan.anyDestinationTransforms());
    }

    @Test
    void eventFieldsInClassesLeavePacketMasksAlone()
    {
        // pii.user, pii.vehicle and loc.precise hold only event fields (ids 55 and up): blocked
        // everywhere by default, they must not wrap onto packet bits; pii.ip's event fields
        // (cef.src, flow.dst, ...) and a dynamic field must not turn cryptopan into "blocked instead".
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: event-classes
            match: first
            default: keep
            regions: [eu-west, us-east]
            classes:
              pii.ip: [json.client]
              pii.user: [json.user.name, syslog.sd.auth.user]
            rules:
              - name: typed
                when: json.client == 192.0.2.1
                then: keep
            residency:
              - class: pii.ip
                origin: any
                raw: [eu-west]
                after:
                  cryptopan: [us-east]
              - class: pii.user
                origin: any
                raw: []
            """);
        final ResidencyPlan plan = ResidencyPlan.build(policy, "eu-west", List.of("eu-west", "us-east"));
        assertEquals(ADDRESS_FIELDS, plan.classifiedFields());
        assertEquals(0, plan.blockedFields(0));
        assertEquals(0, plan.blockedFields(1));
        assertEquals(AnonymizedFields.ADDRESSES | AnonymizedFields.INNER_ADDRESSES, plan.transformFields(1));
        assertEquals(List.of(), plan.notes());
    }

    @Test
    void destinationsAreCopied()
    {
        final List<String> destinations = new ArrayList<>(List.of("eu-west"));
        final ResidencyPlan plan = ResidencyPlan.build(TestPolicies.edgeDemo(), "eu-west", destinations);
        destinations.add("us-east");
        assertEquals(List.of("eu-west"), plan.destinations());
        assertThrows(UnsupportedOperationException.class, () -> plan.destinations().add("x"));
    }
}
