package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.EventFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The residency of event fields, per destination: classes that may go raw everywhere are not
 * looked at, a class allowed only after Crypto-PAn transforms its address fields and blocks
 * the others (fail closed, with a note), addresses in free text take {@code pii.ip}'s decision.
 */
class EventResidencyPlanTest
{
    private static final List<String> DESTINATIONS = List.of("eu-west", "us-east");

    private static Policy policy(final String residency)
    {
        return TestPolicies.parse("""
            sluice-policy: 1
            name: events
            match: first
            default: keep
            regions: [eu-west, us-east]
            rules:
              - name: all
                when: true
                then: keep
            residency:
            """ + residency);
    }

    private static List<Integer> fields(final EventResidencyPlan plan)
    {
        final List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < plan.classifiedFieldCount(); k++)
        {
            ids.add(plan.classifiedField(k));
        }
        return ids;
    }

    @Test
    void classesRawEverywhereAreNotLookedAt()
    {
        final EventResidencyPlan plan = EventResidencyPlan.build(policy("""
              - {class: pii.ip, origin: eu-west, raw: [eu-west, us-east]}
              - {class: pii.user, origin: eu-west, raw: [eu-west, us-east]}
              - {class: pii.vehicle, origin: eu-west, raw: [eu-west, us-east]}
              - {class: loc.precise, origin: eu-west, raw: [eu-west, us-east]}
            """), "eu-west", DESTINATIONS);
        assertEquals(List.of(), fields(plan));
        assertFalse(plan.anyNonRaw());
        assertFalse(plan.anyTransform());
        assertEquals(EventResidencyPlan.RAW, plan.textAddresses(1));
    }

    @Test
    void addressesAreTransformedAbroadAndOtherFieldsBlocked()
    {
        final EventResidencyPlan plan = EventResidencyPlan.build(policy("""
              - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
              - {class: pii.user, origin: eu-west, raw: [eu-west, us-east]}
              - {class: pii.vehicle, origin: eu-west, raw: [eu-west, us-east]}
              - {class: loc.precise, origin: eu-west, raw: [eu-west]}
            """), "eu-west", DESTINATIONS);
        final List<Integer> ids = fields(plan);
        assertTrue(ids.contains(EventFields.CEF_SRC) && ids.contains(EventFields.FLOW_SRC), ids.toString());
        assertFalse(ids.contains(EventFields.CEF_SUSER), "pii.user goes raw everywhere");
        final int src = ids.indexOf(EventFields.CEF_SRC);
        assertEquals(EventResidencyPlan.RAW, plan.decision(src, 0));
        assertEquals(EventResidencyPlan.TRANSFORM, plan.decision(src, 1));
        final int latitude = ids.indexOf(EventFields.VEHICLE_LAT);
        assertEquals(EventResidencyPlan.BLOCK, plan.decision(latitude, 1), "no rule lets loc.precise abroad");
        assertEquals(EventResidencyPlan.TRANSFORM, plan.textAddresses(1));
        assertEquals(EventResidencyPlan.RAW, plan.textAddresses(0));
        assertTrue(plan.transforms(1));
        assertFalse(plan.transforms(0));
    }

    @Test
    void valueMethodsTransformTheirFieldsAndConflictsFailClosed()
    {
        final EventResidencyPlan plan = EventResidencyPlan.build(policy("""
              - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {truncate: [us-east]}}
              - {class: pii.user, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
              - {class: pii.vehicle, origin: eu-west, after: {vin: [eu-west], hmac: [us-east]}}
              - {class: loc.precise, origin: eu-west, raw: [eu-west], after: {geohash: [us-east]}}
            """), "eu-west", DESTINATIONS);
        final List<Integer> ids = fields(plan);
        assertEquals(AnonymizationMethod.TRUNCATE, plan.addressMethod());
        assertEquals(EventResidencyPlan.TRANSFORM, plan.textAddresses(1));

        final int user = ids.indexOf(EventFields.CEF_SUSER);
        assertEquals(AnonymizationMethod.USER, plan.method(user));
        assertEquals(EventResidencyPlan.RAW, plan.decision(user, 0));
        assertEquals(EventResidencyPlan.TRANSFORM, plan.decision(user, 1));

        final int vin = ids.indexOf(EventFields.VEHICLE_VIN);
        assertEquals(AnonymizationMethod.HMAC, plan.method(vin), "the first method in the order of AnonymizationMethod");
        assertEquals(EventResidencyPlan.BLOCK, plan.decision(vin, 0), "one transformed form: vin cannot also be had");
        assertEquals(EventResidencyPlan.TRANSFORM, plan.decision(vin, 1));
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("vehicle.vin to eu-west") && n.contains("not vin")),
            plan.notes()::toString);

        final int latitude = ids.indexOf(EventFields.VEHICLE_LAT);
        assertEquals(AnonymizationMethod.GEOHASH, plan.method(latitude));
        assertEquals(EventResidencyPlan.TRANSFORM, plan.decision(latitude, 1));
        assertTrue(plan.transforms(1));
    }
}
