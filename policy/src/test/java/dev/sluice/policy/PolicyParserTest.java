package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.CountAction;
import dev.sluice.policy.action.FlowSettings;
import dev.sluice.policy.action.PayloadAction;
import dev.sluice.policy.action.RateLimit;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyParserTest
{
    private static final FieldSet IP_SRC = FieldSet.of(PacketFields.IP_SRC);
    private static final FieldSet IP_DST = FieldSet.of(PacketFields.IP_DST);
    private static final FieldSet ADDRESSES = FieldSet.of(PacketFields.IP_SRC, PacketFields.IP_DST);
    /** pii.ip: the packet addresses, and the event fields that carry addresses of people. */
    private static final FieldSet ALL_ADDRESSES = FieldSet.of(
        PacketFields.IP_SRC, PacketFields.IP_DST, PacketFields.INNER_IP_SRC, PacketFields.INNER_IP_DST,
        EventFields.CEF_SRC, EventFields.CEF_DST, EventFields.LEEF_SRC, EventFields.LEEF_DST, EventFields.FLOW_SRC, EventFields.FLOW_DST);

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
    void payloadActionsAndFlowAggregation()
    {
        final Policy policy = parseOk(HEADER + lines(
            "rules:",
            "  - name: cut",
            "    when: tcp.port == 443",
            "    then: truncate payload 128",
            "  - name: cut-and-sample",
            "    when: tcp.port == 80",
            "    then: [sample 1/4, truncate payload 65535, anonymize inner.ip.addr with cryptopan]",
            "  - name: headers-only",
            "    when: udp.port == 53",
            "    then: [strip payload, keep]",
            "  - name: zero-is-strip",
            "    when: udp.port == 5353",
            "    then: truncate payload 000",
            "  - name: mobile",
            "    when: udp.port == 2152",
            "    then: aggregate flows",
            "  - name: mobile-anonymized",
            "    when: gtp.teid in {1..100}",
            "    then: [anonymize pii.ip with cryptopan, aggregate flows]"));

        final RuleActions cut = policy.actionsFor(0);
        assertEquals(ActionKind.KEEP, cut.kind());
        assertEquals(PayloadAction.TRUNCATE, cut.payloadAction());
        assertEquals(128, cut.payloadBytes());
        assertEquals(FieldSet.EMPTY, cut.anonymizeFields());
        assertEquals(List.of("truncate payload 128"), cut.describe(FieldCatalogue.standard()), "keep is implied, not written");

        final RuleActions sampled = policy.actionsFor(1);
        assertEquals(ActionKind.SAMPLE, sampled.kind());
        assertEquals(4, sampled.sampleDenominator());
        assertEquals(PayloadAction.TRUNCATE, sampled.payloadAction());
        assertEquals(65535, sampled.payloadBytes());
        assertEquals(FieldSet.of(PacketFields.INNER_IP_SRC, PacketFields.INNER_IP_DST), sampled.anonymizeFields());
        assertEquals(
            List.of("sample 1/4", "truncate payload 65535", "anonymize inner.ip.src, inner.ip.dst with cryptopan"),
            sampled.describe(FieldCatalogue.standard()));

        assertEquals(PayloadAction.STRIP, policy.actionsFor(2).payloadAction());
        assertEquals(0, policy.actionsFor(2).payloadBytes());
        assertEquals(List.of("keep", "strip payload"), policy.actionsFor(2).describe(FieldCatalogue.standard()));
        assertEquals(PayloadAction.STRIP, policy.actionsFor(3).payloadAction(), "truncate payload 0 is strip payload");

        final RuleActions mobile = policy.actionsFor(4);
        assertEquals(ActionKind.AGGREGATE, mobile.kind());
        assertEquals(PayloadAction.NONE, mobile.payloadAction());
        assertEquals(1, mobile.sampleDenominator());
        assertEquals(List.of("aggregate flows"), mobile.describe(FieldCatalogue.standard()));

        final RuleActions anonymized = policy.actionsFor(5);
        assertEquals(ActionKind.AGGREGATE, anonymized.kind());
        assertEquals(ALL_ADDRESSES, anonymized.anonymizeFields(AnonymizationMethod.CRYPTOPAN));
        assertEquals(
            List.of("aggregate flows", "anonymize ip.src, ip.dst, inner.ip.src, inner.ip.dst, cef.src, cef.dst, leef.src, leef.dst, flow.src, flow.dst with cryptopan"),
            anonymized.describe(FieldCatalogue.standard()));
        assertEquals(FlowSettings.DEFAULTS, policy.flowSettings());
        assertTrue(policy.describe().contains(
            "flows:\n  idle-timeout: 15s\n  active-timeout: 1m\n  max-flows: 65536\n  bidirectional: true\n"),
            policy::describe);
    }

    @Test
    void ruleActionsRejectCombinationsTheLanguageForbids()
    {
        final Map<AnonymizationMethod, FieldSet> none = Map.of();
        final Map<AnonymizationMethod, FieldSet> src = Map.of(AnonymizationMethod.CRYPTOPAN, IP_SRC);
        assertSame(RuleActions.KEEP, RuleActions.of(ActionKind.KEEP, 1, none, PayloadAction.NONE, 0));
        assertSame(RuleActions.DROP, RuleActions.of(ActionKind.DROP, 1, none, PayloadAction.NONE, 0));
        assertEquals(PayloadAction.STRIP, RuleActions.of(ActionKind.KEEP, 1, none, PayloadAction.TRUNCATE, 0).payloadAction());
        assertEquals(IP_SRC, RuleActions.of(ActionKind.AGGREGATE, 1, src, PayloadAction.NONE, 0).anonymizeFields());
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.DROP, 1, src, PayloadAction.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.DROP, 1, none, PayloadAction.STRIP, 0));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.AGGREGATE, 1, none, PayloadAction.TRUNCATE, 5));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.AGGREGATE, 2, none, PayloadAction.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.KEEP, 1, none, PayloadAction.TRUNCATE, 65536));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.KEEP, 1, none, PayloadAction.STRIP, 3));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.KEEP, 1, none, PayloadAction.NONE, 3));
    }

    @Test
    void flowsSection()
    {
        final PolicyParseResult result = PolicyParser.parse("f.yaml", HEADER + lines(
            "flows:",
            "  idle-timeout: 500ms",
            "  active-timeout: 2m",
            "  max-flows: 1024",
            "  bidirectional: false",
            "rules:",
            "  - name: flows",
            "    when: true",
            "    then: aggregate flows"));
        assertEquals(List.of(), result.diagnostics());
        final Policy policy = result.policy().orElseThrow();
        assertEquals(new FlowSettings(500_000_000L, 120_000_000_000L, 1024, false), policy.flowSettings());
        assertTrue(policy.describe().contains(
            "flows:\n  idle-timeout: 500ms\n  active-timeout: 2m\n  max-flows: 1024\n  bidirectional: false\n"),
            policy::describe);

        final Policy partial = parseOk(HEADER + lines("flows:", "  active-timeout: 1h", "rules:", "  - {name: f, when: true, then: aggregate flows}"));
        assertEquals(
            new FlowSettings(FlowSettings.DEFAULT_IDLE_TIMEOUT_NS, 3_600_000_000_000L, 65_536, true), partial.flowSettings());
        assertEquals(FlowSettings.DEFAULTS, parseOk(HEADER + "flows: {}\nrules: [{name: f, when: true, then: aggregate flows}]\n").flowSettings());
        assertEquals(FlowSettings.DEFAULTS, example().flowSettings());
        assertFalse(example().describe().contains("flows:"), "no aggregation and default settings: no section");

        for (final String[] duration : new String[][]{
            { "1ms", "1ms" }, { "1000ms", "1s" }, { "90s", "90s" }, { "120s", "2m" }, { "60m", "1h" }, { "24h", "24h" }, { "0090s", "90s" } })
        {
            final Policy withDuration = parseOk(HEADER + "flows:\n  idle-timeout: " + duration[0] +
                "\n  active-timeout: 24h\nrules: [{name: f, when: true, then: aggregate flows}]\n");
            assertTrue(withDuration.describe().contains("idle-timeout: " + duration[1] + "\n"), duration[0]);
        }
    }

    @Test
    void flowsWarnings()
    {
        final PolicyParseResult unused = PolicyParser.parse("u.yaml", HEADER + lines("flows:", "  idle-timeout: 5s"));
        assertFalse(unused.hasErrors());
        assertEquals(
            List.of("u.yaml:5:1: warning: the 'flows' settings are unused: no rule says 'aggregate flows'"),
            unused.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());

        final PolicyParseResult inverted = PolicyParser.parse("i.yaml", HEADER + lines(
            "flows:",
            "  idle-timeout: 2m",
            "  active-timeout: 30s",
            "rules:",
            "  - {name: f, when: true, then: aggregate flows}"));
        assertFalse(inverted.hasErrors());
        assertEquals(
            "i.yaml:7:19: warning: the active timeout (30s) is shorter than the idle timeout (2m), so no flow is ever closed as idle\n" +
                "  hint: make 'active-timeout' at least as long as 'idle-timeout'",
            inverted.diagnostics().getFirst().toString());

        // A rule with errors might have aggregated: no 'unused' warning next to its error.
        final PolicyParseResult broken = PolicyParser.parse("b.yaml", HEADER + lines(
            "flows:",
            "  idle-timeout: 5s",
            "rules:",
            "  - {name: f, when: true, then: aggregate flowz}"));
        assertTrue(broken.hasErrors());
        assertTrue(broken.diagnostics().stream().noneMatch(d -> d.message().contains("unused")), broken::toString);
    }

    @Test
    void textAndRepeatedConditionsInPolicies()
    {
        final Policy policy = parseOk(HEADER + lines(
            "rules:",
            "  - name: blocked-names",
            "    when: dns.qry.name in {\"tracker.example\", \"ads.example\"} or tls.sni == \"ads.example\"",
            "    then: drop",
            "  - name: customer-vlan",
            "    when: vlan.id == 300 and mpls.label != 3",
            "    then: keep",
            "  - name: vxlan-tenants",
            "    when: 'tunnel.type == \"vxlan\" and vxlan.vni in {5000..5999} and inner.ip.addr in 10.0.0.0/8'",
            "    then: [keep, 'anonymize inner.ip.addr with cryptopan']"));
        assertEquals(0, policy.firstMatch(item().with("dns.qry.name", "ADS.example")));
        assertEquals(0, policy.firstMatch(item().with("tls.sni", "ads.EXAMPLE")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("tls.sni", "ads.example.org")));
        assertEquals(1, policy.firstMatch(item().with("vlan.id", 100, 300)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("vlan.id", 100, 300).with("mpls.label", 16, 3)));
        assertEquals(2, policy.firstMatch(item().with("tunnel.type", "vxlan").with("vxlan.vni", 5001).with("inner.ip.dst", "10.9.9.9")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("tunnel.type", "vxlan").with("vxlan.vni", 5001).with("ip.dst", "10.9.9.9")));
        assertEquals(
            "not mpls.label == 3",
            policy.rules().get(1).condition().toString().substring("vlan.id == 300 and ".length()));
    }

    @Test
    void moreFieldsThanFitInALong()
    {
        // A catalogue of 300 fields whose address fields have ids above 64: classes, aliases,
        // anonymization and evaluation must all work, which a 64-bit mask could not do.
        final ArrayList<Field> fields = new ArrayList<>();
        for (int id = 0; id < 200; id++)
        {
            fields.add(Field.base(id, "f.n" + id, FieldType.INTEGER, 0, 65535, "integer " + id, null));
        }
        final Field src = Field.base(200, "big.src", FieldType.ADDRESS, 0, 0, "source", "pii.big");
        final Field dst = Field.base(201, "big.dst", FieldType.ADDRESS, 0, 0, "destination", "pii.big");
        fields.add(src);
        fields.add(dst);
        for (int id = 202; id < 299; id++)
        {
            fields.add(Field.base(id, "f.n" + id, FieldType.INTEGER, 0, 65535, "integer " + id, null));
        }
        fields.add(Field.alias(299, "big.addr", src, dst, "either"));
        final FieldCatalogue catalogue = new FieldCatalogue(fields);

        final PolicyParseResult result = PolicyParser.parse("big.yaml", HEADER + lines(
            "rules:",
            "  - name: far",
            "    when: f.n250 == 7 and big.addr == 10.0.0.0/8",
            "    then: [keep, anonymize pii.big with cryptopan]",
            "  - name: farther",
            "    when: f.n298 in {1..3}",
            "    then: anonymize big.dst with cryptopan"), catalogue);
        assertEquals(List.of(), result.diagnostics());
        final Policy policy = result.policy().orElseThrow();
        assertEquals(FieldSet.of(200, 201), policy.actionsFor(0).anonymizeFields());
        assertEquals(FieldSet.of(201), policy.actionsFor(1).anonymizeFields());
        assertEquals(List.of(src, dst), policy.fieldsOf("pii.big"));

        final long[] values = new long[300];
        final FieldReader reader = new FieldReader()
        {
            public boolean isPresent(final int fieldId)
            {
                return 0 != values[fieldId];
            }

            public int occurrences(final int fieldId)
            {
                return isPresent(fieldId) ? 1 : 0;
            }

            public long integer(final int fieldId, final int occurrence)
            {
                return values[fieldId];
            }

            public CharSequence text(final int fieldId)
            {
                throw new AssertionError("no text fields in this catalogue");
            }

            public int addressVersion(final int fieldId)
            {
                return 4;
            }

            public long addressHigh(final int fieldId)
            {
                return 0;
            }

            public long addressLow(final int fieldId)
            {
                return values[fieldId];
            }
        };
        values[250] = 7;
        values[201] = 0x0A01_0203L;
        assertEquals(0, policy.firstMatch(reader));
        values[250] = 8;
        values[298] = 2;
        assertEquals(1, policy.firstMatch(reader));
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
    void aRuleCoveredByAnEarlierOneIsReportedUnreachable()
    {
        final PolicyParseResult result = PolicyParser.parse("c.yaml", String.join("\n",
            "sluice-policy: 1",
            "name: c",
            "match: first",
            "default: keep",
            "rules:",
            "  - name: web",
            "    when: tcp.port in {80, 443}",
            "    then: sample 1/10",
            "  - name: web-again",
            "    when: tcp.port in {443, 80}",
            "    then: drop",
            "  - name: internal-web",
            "    when: ip.src in 10.0.0.0/8 and tcp.port in {80 443}",
            "    then: keep",
            "  - name: dns",
            "    when: udp.port == 53 and ip.src in 10.0.0.0/8",
            "    then: drop"));
        assertFalse(result.hasErrors(), result::toString);
        assertEquals(List.of(
            "c.yaml:9:5: warning: rule 'web-again' is unreachable: rule 'web' at 6:5 matches every item it matches, and comes first",
            "c.yaml:12:5: warning: rule 'internal-web' is unreachable: rule 'web' at 6:5 matches every item it matches, and comes first"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());
        assertEquals("move it above rule 'web', or remove it", result.diagnostics().getFirst().hint());
    }

    @Test
    void rateLimitsParseWithKeysAPeriodABurstAndOtherActions()
    {
        final Policy policy = parseOk(HEADER + lines(
            "rules:",
            "  - name: one-bucket",
            "    when: icmp.type == 8",
            "    then: rate-limit 100/s",
            "  - name: per-source",
            "    when: tcp.port == 22",
            "    then: ['rate-limit 20/m by ip.src, tcp.dstport burst 5', truncate payload 64, anonymize ip.src with cryptopan]",
            "  - name: per-host",
            "    when: syslog.severity >= 4",
            "    then:",
            "      - anonymize ip.src with cryptopan",
            "      - rate-limit 050/s by syslog.hostname, tcp.flags.syn, json.user, syslog.hostname",
            "  - name: typed-elsewhere",
            "    when: json.port == 5",
            "    then: rate-limit 1000000000/s by json.port burst 1"));

        final RuleActions oneBucket = policy.actionsFor(0);
        assertEquals(ActionKind.RATE_LIMIT, oneBucket.kind());
        assertEquals(new RateLimit(100, RateLimit.Period.SECOND, 100, List.of()), oneBucket.rateLimit());
        assertEquals(10_000_000L, oneBucket.rateLimit().intervalNs());
        assertEquals(1_000_000_000L, oneBucket.rateLimit().toleranceNs());
        assertEquals(List.of("rate-limit 100/s"), oneBucket.describe(FieldCatalogue.standard()));

        final RuleActions perSource = policy.actionsFor(1);
        assertEquals(RateLimit.Period.MINUTE, perSource.rateLimit().period());
        assertEquals(3_000_000_000L, perSource.rateLimit().intervalNs());
        assertEquals(5, perSource.rateLimit().burst());
        assertEquals(PayloadAction.TRUNCATE, perSource.payloadAction());
        assertEquals(IP_SRC, perSource.anonymizeFields());
        assertEquals(
            List.of("rate-limit 20/m by ip.src, tcp.dstport burst 5", "truncate payload 64", "anonymize ip.src with cryptopan"),
            perSource.describe(FieldCatalogue.standard()));

        final RateLimit perHost = policy.actionsFor(2).rateLimit();
        assertEquals(50, perHost.burst(), "the burst is N unless written");
        assertEquals(List.of("syslog.hostname", "tcp.flags.syn", "json.user"), perHost.keys().stream().map(Field::name).toList());
        assertEquals(FieldKind.DERIVED, perHost.keys().get(1).kind(), "a derived field is a key");
        assertEquals(FieldType.STRING, perHost.keys().get(2).type(), "a dynamic key nothing else types is text");
        assertTrue(policy.actionsFor(2).describe(policy.catalogue()).contains("rate-limit 50/s by syslog.hostname, tcp.flags.syn, json.user"));

        final RateLimit typed = policy.actionsFor(3).rateLimit();
        assertEquals(FieldType.INTEGER, typed.keys().getFirst().type(), "a key takes the type its comparison gives it");
        assertEquals(1, typed.intervalNs());

        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.KEEP, 1, Map.of(), PayloadAction.NONE, 0, typed));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.RATE_LIMIT, 1, Map.of(), PayloadAction.NONE, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, RateLimit.Period.SECOND, 1, List.of()));
        assertEquals(Long.MAX_VALUE / 4, new RateLimit(1, RateLimit.Period.MINUTE, RateLimit.MAX_COUNT, List.of()).toleranceNs(),
            "a tolerance that would overflow a receive time is capped");
    }

    @Test
    void countsParseWithKeysAWindowAndAnonymizationAndWarnWhenPacketsCanReachThem()
    {
        final PolicyParseResult result = PolicyParser.parse("c.yaml", HEADER + lines(
            "rules:",
            "  - name: failures-per-host",
            "    when: syslog.appname == \"sshd\"",
            "    then: count by syslog.hostname every 1m",
            "  - name: total",
            "    when: json.app == \"probe\"",
            "    then: count every 30 s",
            "  - name: per-user",
            "    when: cef.severity >= 4",
            "    then: ['count by json.user, syslog.hostname, json.user every 002h', anonymize json.user with user]",
            "  - name: any-item",
            "    when: item.kind != \"syslog\"",
            "    then: count by ip.src every 24h"));
        final Policy policy = result.policy().orElseThrow(() -> new AssertionError(result.toString()));

        final RuleActions perHost = policy.actionsFor(0);
        assertEquals(ActionKind.COUNT, perHost.kind());
        assertEquals(List.of("syslog.hostname"), perHost.count().keys().stream().map(Field::name).toList());
        assertEquals(60_000_000_000L, perHost.count().windowNs());
        assertEquals(List.of("count by syslog.hostname every 1m"), perHost.describe(FieldCatalogue.standard()));

        final CountAction total = policy.actionsFor(1).count();
        assertEquals(new CountAction(List.of(), 30, CountAction.Unit.SECOND), total);
        assertEquals("count every 30s", total.describe());

        final RuleActions perUser = policy.actionsFor(2);
        assertEquals(7_200L, perUser.count().windowSeconds());
        assertEquals(List.of("json.user", "syslog.hostname"), perUser.count().keys().stream().map(Field::name).toList());
        assertEquals(AnonymizationMethod.USER, perUser.anonymizationMethod());
        assertTrue(perUser.describe(policy.catalogue()).contains("count by json.user, syslog.hostname every 2h"),
            perUser.describe(policy.catalogue()).toString());

        // Only the rule whose condition a packet can meet is warned about (the repeated key too).
        assertEquals(
            List.of(
                "c.yaml:14:50: warning: 'json.user' is listed twice",
                "c.yaml:17:11: warning: 'count' counts events; a packet rule 'any-item' matches is dropped, counted dropped{count_rule_on_packet}"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());

        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.KEEP, 1, Map.of(), PayloadAction.NONE, 0, null, total));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.COUNT, 1, Map.of(), PayloadAction.NONE, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> RuleActions.of(ActionKind.COUNT, 1, Map.of(), PayloadAction.STRIP, 0, null, total));
        assertThrows(IllegalArgumentException.class, () -> new CountAction(List.of(), 25, CountAction.Unit.HOUR));
        assertThrows(IllegalArgumentException.class, () -> new CountAction(List.of(), 0, CountAction.Unit.SECOND));
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
        final Policy textAndFlows = parseOk(lines(
            "sluice-policy: 1",
            "name: text-and-flows",
            "match: first",
            "default: drop",
            "flows: {idle-timeout: 1500ms, bidirectional: false}",
            "rules:",
            "  - name: quotes",
            "    when: 'tls.sni in {\"A\\\"B\", \"c\\\\d\", \"\"} or dns.qry.name != \"Example.COM\"'",
            "    then: [truncate payload 0, sample 1/3]",
            "  - name: stacks",
            "    when: vlan.id != 1 and not mpls.label in {1..3}",
            "    then: [anonymize inner.ip.addr with cryptopan, aggregate flows]"));
        assertEquals(
            "tls.sni in {\"\", \"a\\\"b\", \"c\\\\d\"} or dns.qry.name != \"example.com\"",
            textAndFlows.rules().getFirst().condition().toString());
        // Text values may hold characters YAML does not allow raw or reads as line breaks.
        final Policy unusualText = parseOk(HEADER + lines(
            "rules:",
            "  - name: unusual",
            "    when: \"tls.sni in {\\\"a\\u2028b\\\", \\\"c\\x85d\\u0080\\\", \\\"\\u00e9\\U0001F600\\\", \\\"\\uFEFF\\uD800\\\"}\"",
            "    then: keep"));
        assertEquals(
            "tls.sni in {\"a\u2028b\", \"c\u0085d\u0080\", \"\u00e9\uD83D\uDE00\", \"\uFEFF\uD800\"}",
            unusualText.rules().getFirst().condition().toString());
        final Policy rateLimits = parseOk(HEADER + lines(
            "rules:",
            "  - {name: one, when: icmp.type == 8, then: rate-limit 7/s}",
            "  - {name: keyed, when: tcp.port == 22, then: [strip payload, 'rate-limit 3/m by ip.src, json.a.b, tcp.flags.syn burst 9']}",
            "  - {name: host, when: true, then: 'rate-limit 50/s by syslog.hostname, cef.cs1 burst 50'}"));
        for (final Policy policy : List.of(
            example(), parseOk(resource("all-features.yaml")), nullNames, textAndFlows, unusualText, rateLimits))
        {
            final String described = policy.describe();
            final Policy again = parseOk(described);
            assertEquals(described, again.describe());
            assertEquals(policy.ruleCount(), again.ruleCount());
            for (int i = 0; i < policy.ruleCount(); i++)
            {
                assertEquals(policy.rules().get(i).condition().toString(), again.rules().get(i).condition().toString());
                assertEquals(policy.actionsFor(i).describe(policy.catalogue()), again.actionsFor(i).describe(again.catalogue()));
                assertEquals(policy.actionsFor(i).payloadAction(), again.actionsFor(i).payloadAction());
                assertEquals(policy.actionsFor(i).payloadBytes(), again.actionsFor(i).payloadBytes());
                assertEquals(policy.actionsFor(i).anonymizeFields(), again.actionsFor(i).anonymizeFields());
                assertEquals(policy.actionsFor(i).kind(), again.actionsFor(i).kind());
                assertEquals(String.valueOf(policy.actionsFor(i).rateLimit()), String.valueOf(again.actionsFor(i).rateLimit()));
            }
            assertEquals(policy.flowSettings(), again.flowSettings());
            assertEquals(policy.dataClassTable().asMap(), again.dataClassTable().asMap());
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
