package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sluice.policy.PolicyErrorsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code match: all}: the first matching rule that names a forwarding action decides forwarding;
 * every matching rule's anonymization, payload cut, tags and routes add up.
 */
class MatchAllPolicyTest
{
    private static final String POLICY = lines(
        "sluice-policy: 1",
        "name: all",
        "match: all",
        "default: drop",
        "regions: [eu-west, us-east]",
        "rules:",
        "  - name: hide-clients",                 // modifiers only: no say on forwarding
        "    when: tcp.dstport == 443",
        "    then: anonymize ip.src with cryptopan",
        "  - name: short-payloads",
        "    when: tcp.port in {80, 443}",
        "    then: truncate payload 64",
        "  - name: web",
        "    when: tcp.dstport in {80, 443}",
        "    then: [sample 1/2, route eu-west]",
        "  - name: everything-else",
        "    when: true",
        "    then: keep",
        "  - name: dns-shorter",                  // after a catch-all: still applies under match: all
        "    when: udp.port == 53",
        "    then: [strip payload, route us-east]",
        "residency:",
        "  - class: pii.ip",
        "    origin: eu-west",
        "    raw: [eu-west, us-east]");

    @Test
    void theFirstRuleThatForwardsDecidesAndEveryMatchingRuleAddsItsModifiers()
    {
        final Policy policy = Policies.parseOk(POLICY);
        assertEquals(MatchMode.ALL, policy.matchMode());
        assertEquals(4, policy.modifierRuleCount(), "hide-clients, short-payloads, web, dns-shorter");

        final TestItem https = TestItem.item().with("ip.src", "10.0.0.1").with("tcp.srcport", 50000).with("tcp.dstport", 443);
        assertEquals(2, policy.firstMatch(https), "'web' is the first rule that names a forwarding action");
        final long modifiers = policy.modifierMatches(https);
        final RuleActions actions = policy.combinedActions(policy.firstMatch(https), modifiers);
        assertEquals("[sample 1/2, truncate payload 64, anonymize ip.src with cryptopan, route eu-west]", actions.toString());

        final TestItem dns = TestItem.item().with("udp.srcport", 53).with("udp.dstport", 5353);
        assertEquals(3, policy.firstMatch(dns), "the catch-all keeps it");
        assertEquals("[keep, strip payload, route us-east]", policy.combinedActions(3, policy.modifierMatches(dns)).toString());

        final TestItem other = TestItem.item().with("udp.srcport", 123).with("udp.dstport", 123);
        assertEquals(0, policy.modifierMatches(other));
        assertEquals(ActionKind.KEEP, policy.combinedActions(policy.firstMatch(other), 0).kind());
    }

    @Test
    void aRuleOfModifiersOnlyPrintsWithoutKeepAndStaysSo()
    {
        final Policy policy = Policies.parseOk(POLICY);
        final RuleActions hide = policy.actionsFor(0);
        assertFalse(hide.statesVerdict());
        assertEquals("[anonymize ip.src with cryptopan]", hide.toString());
        final Policy again = Policies.parseOk(policy.describe());
        assertEquals(MatchMode.ALL, again.matchMode());
        assertFalse(again.actionsFor(0).statesVerdict());
        assertTrue(again.actionsFor(3).statesVerdict());
        assertEquals(policy.modifierRuleCount(), again.modifierRuleCount());
    }

    @Test
    void unreachableIsAboutForwardingOnly()
    {
        final PolicyParseResult result = PolicyParser.parse("a.yaml", POLICY.replace("  - name: dns-shorter", lines(
            "  - name: never-decides",
            "    when: ip.version == 4",
            "    then: keep",
            "  - name: dns-shorter").stripTrailing()));
        assertTrue(result.policy().isPresent(), result::toString);
        assertEquals(List.of("a.yaml:19:5: warning: rule 'never-decides' is unreachable: rule 'everything-else' at 16:5 matches every item"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList(),
            "dns-shorter, after the catch-all too, is not unreachable: its modifiers still apply");
    }

    @Test
    void atMost64RulesMayHaveModifiers()
    {
        final List<String> document = new ArrayList<>(List.of(
            "sluice-policy: 1", "name: many", "match: all", "default: keep", "rules:"));
        for (int i = 0; i < 65; i++)
        {
            document.add("  - name: r" + i);
            document.add("    when: tcp.dstport == " + (1000 + i));
            document.add("    then: strip payload");
        }
        final PolicyParseResult result = PolicyParser.parse("m.yaml", String.join("\n", document) + "\n");
        assertEquals("m.yaml:198:5: error: under 'match: all' at most 64 rules may anonymize, cut payloads, tag or route; " +
            "rule 'r64' is one more", result.diagnostics().getFirst().toString().lines().findFirst().orElseThrow(), result::toString);
        // The same document under match: first is fine.
        assertTrue(PolicyParser.parse("m.yaml", String.join("\n", document).replace("match: all", "match: first") + "\n")
            .policy().isPresent());
    }
}
