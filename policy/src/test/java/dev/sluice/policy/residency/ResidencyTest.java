package dev.sluice.policy.residency;

import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.action.AnonymizationMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidencyTest
{
    private static final ResidencyDecision CRYPTOPAN = ResidencyDecision.transform(AnonymizationMethod.CRYPTOPAN);

    private static Policy parse(final String residency)
    {
        final String text = String.join("\n",
            "sluice-policy: 1",
            "name: residency",
            "match: first",
            "default: keep",
            "regions: [eu-west, eu-central, us-east, ap-south]",
            "classes:",
            "  pii.user: []",
            "  net.vlan: [vlan.id]",
            residency);
        final PolicyParseResult result = PolicyParser.parse("r.yaml", text);
        assertFalse(result.hasErrors(), result::toString);
        return result.policy().orElseThrow();
    }

    @Test
    void exampleDecisions()
    {
        final Residency residency = parse(String.join("\n",
            "residency:",
            "  - class: pii.ip",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after:",
            "      cryptopan: [us-east]")).residency();

        assertSame(ResidencyDecision.RAW, residency.decide("pii.ip", "eu-west", "eu-west"));
        assertSame(CRYPTOPAN, residency.decide("pii.ip", "eu-west", "us-east"));
        assertEquals(ResidencyDecision.Kind.TRANSFORM, CRYPTOPAN.kind());
        assertEquals(AnonymizationMethod.CRYPTOPAN, CRYPTOPAN.method());
        assertEquals("transform(cryptopan)", CRYPTOPAN.toString());

        // Fail closed: unlisted destination, uncovered origin, unknown class, unknown region.
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "eu-west", "ap-south"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "eu-west", "eu-central"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "us-east", "us-east"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.user", "eu-west", "eu-west"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("no.such.class", "eu-west", "eu-west"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "mars", "eu-west"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "eu-west", "mars"));
        assertSame(ResidencyDecision.BLOCK, residency.decide(null, null, null));
    }

    @Test
    void explicitOriginsTakePrecedenceOverAny()
    {
        final Residency residency = parse(String.join("\n",
            "residency:",
            "  - class: pii.ip",
            "    origin: any",
            "    raw: [us-east]",
            "  - class: pii.ip",
            "    origin: [eu-west, eu-central]",
            "    raw: [eu-west, eu-central]",
            "    after:",
            "      cryptopan: [us-east, ap-south]",
            "  - class: net.vlan",
            "    origin: any",
            "    raw: [eu-west, eu-central, us-east, ap-south]",
            "  - class: pii.user",
            "    origin: ap-south")).residency();

        assertSame(ResidencyDecision.RAW, residency.decide("pii.ip", "eu-central", "eu-west"));
        assertSame(CRYPTOPAN, residency.decide("pii.ip", "eu-central", "us-east"));
        assertSame(CRYPTOPAN, residency.decide("pii.ip", "eu-west", "ap-south"));
        assertSame(ResidencyDecision.RAW, residency.decide("pii.ip", "us-east", "us-east"));
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "ap-south", "eu-west"));
        assertSame(ResidencyDecision.RAW, residency.decide("net.vlan", "ap-south", "eu-west"));
        // 'any' covers declared regions only.
        assertSame(ResidencyDecision.BLOCK, residency.decide("net.vlan", "mars", "eu-west"));
        // An entry with neither raw nor after blocks everything, explicitly.
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.user", "ap-south", "ap-south"));

        final ResidencyRule rule = residency.ruleFor("pii.ip", "eu-west");
        assertEquals(Set.of("eu-west", "eu-central"), rule.origins());
        assertEquals(Map.of(AnonymizationMethod.CRYPTOPAN, Set.of("us-east", "ap-south")), rule.after());
        assertEquals(13, rule.position().line());
        assertNull(residency.ruleFor("pii.ip", "mars"));
    }

    @Test
    void rawWinsOverAfterWithAWarning()
    {
        final PolicyParseResult result = PolicyParser.parse("r.yaml", String.join("\n",
            "sluice-policy: 1",
            "name: raw-wins",
            "match: first",
            "default: keep",
            "regions: [eu, us]",
            "residency:",
            "  - class: pii.ip",
            "    origin: eu",
            "    raw: [eu, us]",
            "    after:",
            "      cryptopan: [us]"));
        assertFalse(result.hasErrors());
        assertEquals("r.yaml:11:19: warning: region 'us' is listed under both 'raw' and 'after'; raw wins",
            result.diagnostics().getFirst().toString());
        assertSame(ResidencyDecision.RAW, result.policy().orElseThrow().residency().decide("pii.ip", "eu", "us"));
    }

    @Test
    void noResidencySectionBlocksEverything()
    {
        final Residency residency = parse("rules: []").residency();
        assertTrue(residency.rules().isEmpty());
        assertSame(ResidencyDecision.BLOCK, residency.decide("pii.ip", "eu-west", "eu-west"));
        assertSame(ResidencyDecision.BLOCK, Residency.NONE.decide("pii.ip", "eu-west", "eu-west"));
    }

    @Test
    void dataClassesCombineDefaultsAndTheDocument()
    {
        final Policy policy = parse("rules: []");
        assertEquals(List.of("pii.ip", "pii.user", "pii.vehicle", "loc.precise", "pii.email", "pii.mac", "pii.imsi", "pii.imei",
            "pii.phone", "pii.card", "net.vlan"), List.copyOf(policy.dataClasses()));
        assertEquals(
            List.of("ip.src", "ip.dst", "inner.ip.src", "inner.ip.dst", "cef.src", "cef.dst", "leef.src", "leef.dst", "flow.src", "flow.dst"),
            policy.fieldsOf("pii.ip").stream().map(f -> f.name()).toList());
        assertEquals(List.of("vlan.id"), policy.fieldsOf("net.vlan").stream().map(f -> f.name()).toList());
        assertEquals(
            List.of("cef.suser", "cef.duser", "leef.usrName", "vehicle.driver_id"),
            policy.fieldsOf("pii.user").stream().map(f -> f.name()).toList());
        assertEquals(List.of(), policy.fieldsOf("unknown"));
        assertEquals(Set.of("net.vlan"), policy.dataClassTable().classesOf(policy.catalogue().byName("vlan.id")));
    }
}
