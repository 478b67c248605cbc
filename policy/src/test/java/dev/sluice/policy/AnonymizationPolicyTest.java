package dev.sluice.policy;

import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.AnonymizationSettings;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.residency.ResidencyDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.policy.Policies.parseOk;
import static dev.sluice.policy.PolicyErrorsTest.HEADER;
import static dev.sluice.policy.PolicyErrorsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anonymization methods as the policy language names them, and the {@code anonymization:}
 * section with their parameters.
 */
class AnonymizationPolicyTest
{
    @Test
    void sectionSetsEveryParameterAndPrintsBack()
    {
        final Policy policy = parseOk(HEADER + lines(
            "anonymization:",
            "  truncate-ipv4: 16",
            "  truncate-ipv6: 32",
            "  keep-email-domain: false",
            "  geohash-precision: 7",
            "  geohash-min-precision: 4",
            "  k-anonymity: 3",
            "  k-window: 10m",
            "  speed-step: 10",
            "  heading-step: 90",
            "  time-bucket: 5m",
            "rules: []"));
        final AnonymizationSettings expected = new AnonymizationSettings(16, 32, false, 7, 4, 3, 600_000_000_000L, 10, 90, 300_000_000_000L);
        assertEquals(expected, policy.anonymizationSettings());
        assertEquals(expected, parseOk(policy.describe()).anonymizationSettings(), policy::describe);
        assertEquals(policy.describe(), parseOk(policy.describe()).describe());
        assertEquals(AnonymizationSettings.DEFAULTS, parseOk(HEADER + "rules: []\n").anonymizationSettings());
        assertEquals(AnonymizationSettings.DEFAULTS, parseOk(HEADER + "anonymization: {}\nrules: []\n").anonymizationSettings());
    }

    @Test
    void badParametersAreReportedWhereTheyAre()
    {
        final PolicyParseResult result = PolicyParser.parse("a.yaml", HEADER + lines(
            "anonymization:",
            "  truncate-ipv4: 33",
            "  k-anonymity: 0",
            "  geohash-precision: 5",
            "  geohash-min-precision: 6",
            "  k-window: 5 parsecs",
            "  keep-domain: true",
            "rules: []"));
        final List<String> errors = result.diagnostics().stream().map(Diagnostic::toString).toList();
        assertEquals(5, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("a.yaml:"), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains(":6:") && e.contains("truncate-ipv4")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains(":7:") && e.contains("k-anonymity")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains(":9:") && e.contains("finer than")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains(":10:") && e.contains("unknown unit")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains(":11:") && e.contains("keep-domain")), errors::toString);
    }

    @Test
    void pseudonymMethodsApplyToEventTextFieldsAndClasses()
    {
        final Policy policy = parseOk(HEADER + lines(
            "regions: [eu-west, us-east]",
            "rules:",
            "  - name: users",
            "    when: item.kind == \"cef\"",
            "    then: anonymize cef.suser with hmac",
            "  - name: vehicles",
            "    when: item.kind == \"json\"",
            "    then:",
            "      - anonymize vehicle.vin with vin",
            "      - anonymize vehicle.lat, vehicle.lon with geohash",
            "residency:",
            "  - class: pii.user",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after: {user: [us-east]}",
            "  - class: pii.ip",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after: {truncate: [us-east]}"));
        assertEquals(ResidencyDecision.transform(AnonymizationMethod.USER),
            policy.residency().decide(EventFields.PII_USER, "eu-west", "us-east"));
        assertEquals(ResidencyDecision.transform(AnonymizationMethod.TRUNCATE),
            policy.residency().decide("pii.ip", "eu-west", "us-east"));
        assertTrue(policy.describe().contains("anonymize cef.suser with hmac"), policy::describe);
        assertTrue(policy.describe().contains("with geohash"), policy::describe);
    }

    @Test
    void methodsRefuseFieldsTheyCannotTransform()
    {
        final PolicyParseResult onAddress = PolicyParser.parse("m.yaml", PolicyErrorsTest.withRule("true", "anonymize ip.src with hmac"));
        assertTrue(onAddress.hasErrors());
        assertTrue(onAddress.diagnostics().get(0).message().contains("hmac anonymizes an event's text fields"),
            onAddress.diagnostics()::toString);

        final PolicyParseResult geohash = PolicyParser.parse("m.yaml", PolicyErrorsTest.withRule("true", "anonymize cef.suser with geohash"));
        assertTrue(geohash.diagnostics().get(0).message().contains("positions (vehicle.lat and vehicle.lon)"),
            geohash.diagnostics()::toString);

        final PolicyParseResult classOfAddresses = PolicyParser.parse("m.yaml", HEADER + lines(
            "regions: [eu-west, us-east]",
            "rules: []",
            "residency:",
            "  - class: pii.ip",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after: {email: [us-east]}"));
        assertTrue(classOfAddresses.hasErrors());
        assertTrue(classOfAddresses.diagnostics().get(0).message().contains("email cannot transform data class 'pii.ip'"),
            classOfAddresses.diagnostics()::toString);
    }
}
