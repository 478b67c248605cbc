package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.policy.Policies.example;
import static dev.sluice.policy.Policies.parseOk;
import static dev.sluice.policy.Policies.resource;
import static dev.sluice.policy.PolicyErrorsTest.HEADER;
import static dev.sluice.policy.PolicyErrorsTest.lines;
import static dev.sluice.policy.field.TestItem.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyParserTest
{
    private static final FieldSet IP_SRC = FieldSet.of(PacketFields.IP_SRC);
    private static final FieldSet IP_DST = FieldSet.of(PacketFields.IP_DST);
    private static final FieldSet ADDRESSES = FieldSet.of(PacketFields.IP_SRC, PacketFields.IP_DST);
    private static final FieldSet ALL_ADDRESSES = FieldSet.of(
        PacketFields.IP_SRC, PacketFields.IP_DST, PacketFields.INNER_IP_SRC, PacketFields.INNER_IP_DST);

    @Test
    void exampleParsesWithoutDiagnostics()
    {
        final PolicyParseResult result = PolicyParser.parse("eu-edge-demo.yaml", resource("eu-edge-demo.yaml"));
        assertEquals(List.of(), result.diagnostics());
        assertFalse(result.hasErrors());

        final Policy policy = result.policy().orElseThrow();
        assertEquals("eu-edge-demo", policy.name());
        assertEquals("eu-edge-demo.yaml", policy.sourceName());
        assertEquals(1, policy.formatVersion());
        assertEquals(MatchMode.FIRST, policy.matchMode());
        assertSame(RuleActions.KEEP, policy.defaultActions());
        assertEquals(List.of("eu-west", "us-east"), policy.regions());
        assertEquals(List.of("drop-ntp", "sample-dns", "web", "lab-vlan"), policy.rules().stream().map(Rule::name).toList());
        assertEquals("udp.port == 123", policy.rules().getFirst().when());
        assertEquals(9, policy.rules().getFirst().position().line());
        assertEquals(5, policy.rules().getFirst().position().column());

        assertSame(RuleActions.DROP, policy.actionsFor(0));
        assertEquals(ActionKind.SAMPLE, policy.actionsFor(1).kind());
        assertEquals(10, policy.actionsFor(1).sampleDenominator());
        assertEquals(FieldSet.EMPTY, policy.actionsFor(1).anonymizeFields());
        final RuleActions web = policy.actionsFor(2);
        assertEquals(ActionKind.KEEP, web.kind());
        assertEquals(ADDRESSES, web.anonymizeFields());
        assertEquals(ADDRESSES, web.anonymizeFields(AnonymizationMethod.CRYPTOPAN));
        assertEquals(AnonymizationMethod.CRYPTOPAN, web.anonymizationMethod());
        assertSame(RuleActions.KEEP, policy.actionsFor(3));
        assertSame(RuleActions.KEEP, policy.actionsFor(Policy.NO_MATCH));

        assertEquals(ALL_ADDRESSES.fields(FieldCatalogue.standard()), policy.fieldsOf("pii.ip"));
        assertTrue(policy.dataClasses().contains("pii.ip"));
    }

    @Test
    void firstMatchPicksTheFirstRuleThatHolds()
    {
        final Policy policy = example();
        final TestItem ntp = item().with("ip.version", 4).with("ip.src", "10.0.0.1").with("ip.dst", "10.0.0.2")
            .with("ip.proto", 17).with("udp.srcport", 123).with("udp.dstport", 123);
        assertEquals(0, policy.firstMatch(ntp));

        final TestItem dns = item().with("ip.src", "10.0.0.1").with("ip.dst", "10.0.0.2")
            .with("ip.proto", 17).with("udp.srcport", 53).with("udp.dstport", 40000).with("vlan.id", 150);
        assertEquals(1, policy.firstMatch(dns));

        final TestItem web = item().with("ip.src", "2001:db9::1").with("ip.dst", "2001:db8::2")
            .with("ip.proto", 6).with("tcp.srcport", 50000).with("tcp.dstport", 8080).with("tcp.flags", 2);
        assertEquals(2, policy.firstMatch(web));

        final TestItem documentationSource = item().with("ip.src", "192.0.2.1").with("ip.dst", "10.0.0.2")
            .with("ip.proto", 6).with("tcp.srcport", 50000).with("tcp.dstport", 443).with("vlan.id", 120);
        assertEquals(3, policy.firstMatch(documentationSource));

        final TestItem icmp = item().with("ip.src", "10.0.0.1").with("ip.dst", "10.0.0.2").with("ip.proto", 1)
            .with("icmp.type", 8).with("icmp.code", 0);
        assertEquals(Policy.NO_MATCH, policy.firstMatch(icmp));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item()));
    }

    @Test
    void actionVariations()
    {
        final Policy policy = parseOk(HEADER + lines(
            "classes:",
            "  pii.edge: [ip.addr]",
            "rules:",
            "  - name: anonymize-alone",
            "    when: vlan.id == 1",
            "    then: anonymize ip.src with cryptopan",
            "  - name: by-class",
            "    when: vlan.id == 2",
            "    then: anonymize pii.ip with cryptopan",
            "  - name: by-alias-and-sample",
            "    when: vlan.id == 3",
            "    then: [sample 1/1000, 'anonymize ip.addr with cryptopan']",
            "  - name: anonymize-split",
            "    when: vlan.id == 4",
            "    then:",
            "      - anonymize ip.dst with cryptopan",
            "      - anonymize ip.src with cryptopan",
            "      - keep",
            "  - name: sample-1-in-1",
            "    when: vlan.id == 5",
            "    then: sample 1 / 1",
            "  - name: document-class",
            "    when: vlan.id == 6",
            "    then: anonymize pii.edge with cryptopan"));

        assertEquals(ActionKind.KEEP, policy.actionsFor(0).kind());
        assertEquals(IP_SRC, policy.actionsFor(0).anonymizeFields());
        assertEquals(ALL_ADDRESSES, policy.actionsFor(1).anonymizeFields());
        assertEquals(ActionKind.SAMPLE, policy.actionsFor(2).kind());
        assertEquals(1000, policy.actionsFor(2).sampleDenominator());
        assertEquals(ADDRESSES, policy.actionsFor(2).anonymizeFields());
        assertEquals(ADDRESSES, policy.actionsFor(3).anonymizeFields());
        assertEquals(ActionKind.SAMPLE, policy.actionsFor(4).kind());
        assertEquals(1, policy.actionsFor(4).sampleDenominator());
        assertEquals(ADDRESSES, policy.actionsFor(5).anonymizeFields());
        assertEquals(
            List.of("sample 1/1000", "anonymize ip.src, ip.dst with cryptopan"),
            policy.actionsFor(2).describe(FieldCatalogue.standard()));
    }

    @Test
    void optionalSectionsAndYamlStyles()
    {
        final Policy noRules = parseOk("sluice-policy: 1\nname: minimal\nmatch: first\ndefault: drop\n");
        assertEquals(0, noRules.ruleCount());
        assertSame(RuleActions.DROP, noRules.defaultActions());
        assertEquals(Policy.NO_MATCH, noRules.firstMatch(item()));

        final Policy flow = parseOk(
            "{sluice-policy: 1, name: flow, match: first, default: keep, rules: [{name: a, when: 'tcp.port == 22', then: drop}]}");
        assertEquals(1, flow.ruleCount());

        final Policy crlf = parseOk("\uFEFFsluice-policy: 1\r\nname: crlf\r\nmatch: first\r\ndefault: keep\r\nrules: []\r\n");
        assertEquals("crlf", crlf.name());

        final Policy anchors = parseOk(HEADER + lines(
            "rules:",
            "  - name: a",
            "    when: tcp.port == 22",
            "    then: &common [keep, anonymize pii.ip with cryptopan]",
            "  - name: b",
            "    when: tcp.port == 23",
            "    then: *common"));
        assertEquals(anchors.actionsFor(0).anonymizeFields(), anchors.actionsFor(1).anonymizeFields());

        final Policy literal = parseOk(HEADER + lines(
            "rules:",
            "  - name: long-condition",
            "    when: |",
            "      tcp.dstport in {80, 443}",
            "      and not ip.src in {10.0.0.0/8,",
            "                         172.16.0.0/12}",
            "    then: keep"));
        assertEquals(
            "tcp.dstport in {80, 443} and not ip.src in {10.0.0.0/8, 172.16.0.0/12}",
            literal.rules().getFirst().condition().toString());
    }

    @Test
    void unreachableAndNeverMatchingRulesAreWarnings()
    {
        final PolicyParseResult result = PolicyParser.parse("w.yaml", HEADER + lines(
            "rules:",
            "  - name: never",
            "    when: false",
            "    then: keep",
            "  - name: everything",
            "    when: not false or tcp.port == 1",
            "    then: drop",
            "  - name: late",
            "    when: ip.src == 10.1.2.3/8",
            "    then: keep"));
        assertFalse(result.hasErrors(), result::toString);
        assertEquals(List.of(
            "w.yaml:6:5: warning: rule 'never' never matches: its condition is always false",
            "w.yaml:12:5: warning: rule 'late' is unreachable: rule 'everything' at 9:5 matches every item",
            "w.yaml:13:21: warning: '10.1.2.3/8' has bits set after its prefix length; it matches 10.0.0.0/8"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());
        assertTrue(result.diagnostics().stream().allMatch(d -> Severity.WARNING == d.severity()));
        assertEquals(1, result.policy().orElseThrow().firstMatch(item()));
    }

    @Test
    void describePrintsAPolicyThatParsesToTheSameDescription()
    {
        final Policy nullNames = parseOk(lines(
            "sluice-policy: 1",
            "name: 'null'",
            "match: first",
            "default: keep",
            "regions: ['null', eu]",
            "classes:",
            "  'null': [ip.src]",
            "rules:",
            "  - {name: 'Null', when: 'true', then: keep}",
            "residency:",
            "  - {class: 'null', origin: 'null', raw: ['null']}"));
        for (final Policy policy : List.of(example(), parseOk(resource("all-features.yaml")), nullNames))
        {
            final String described = policy.describe();
            final Policy again = parseOk(described);
            assertEquals(described, again.describe());
            assertEquals(policy.ruleCount(), again.ruleCount());
            for (int i = 0; i < policy.ruleCount(); i++)
            {
                assertEquals(policy.rules().get(i).condition().toString(), again.rules().get(i).condition().toString());
                assertEquals(policy.actionsFor(i).describe(policy.catalogue()), again.actionsFor(i).describe(again.catalogue()));
            }
        }
    }

    @Test
    void diagnosticsNeverLackAPositionAndAPolicyOnlyComesWithoutErrors()
    {
        final PolicyParseResult result = PolicyParser.parse("x.yaml", "");
        assertTrue(result.hasErrors());
        assertTrue(result.policy().isEmpty());
        final Diagnostic diagnostic = result.diagnostics().getFirst();
        assertEquals("x.yaml:1:1: error: empty policy document\n  hint: a policy starts with 'sluice-policy: 1'", diagnostic.toString());
        assertNull(PolicyParser.parse("x.yaml", "a: [").policy().orElse(null));
    }
}
