package dev.sluice.policy;

import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import dev.sluice.policy.field.DynamicName;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldResolver;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PathStep;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.policy.PolicyErrorsTest.HEADER;
import static dev.sluice.policy.PolicyErrorsTest.withRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Event fields in policies (issue 6): the fixed ones of the standard catalogue, and dynamic
 * ones under {@code json}, {@code syslog.sd}, {@code cef}, {@code leef} and {@code can}, typed
 * by use, with their errors at exact positions and their evaluation against event items.
 */
class EventFieldsPolicyTest
{
    /** A policy whose rules (named r0, r1, ...) have these conditions and actions, lines 6 on: rule i's 'when' is on line 7 + 3i, column 11. */
    private static String rules(final String... whenThen)
    {
        final StringBuilder out = new StringBuilder(HEADER).append("rules:\n");
        for (int i = 0; i < whenThen.length; i += 2)
        {
            out.append("  - name: r").append(i / 2).append('\n')
                .append("    when: ").append(whenThen[i]).append('\n')
                .append("    then: ").append(whenThen[i + 1]).append('\n');
        }
        return out.toString();
    }

    private static PolicyParseResult parse(final String text)
    {
        return PolicyParser.parse("t.yaml", text);
    }

    private static Policy parseOk(final String text)
    {
        final PolicyParseResult result = parse(text);
        assertTrue(result.policy().isPresent(), result::toString);
        return result.policy().orElseThrow();
    }

    private static Diagnostic onlyError(final PolicyParseResult result)
    {
        final List<Diagnostic> errors = result.diagnostics().stream().filter(d -> Severity.ERROR == d.severity()).toList();
        assertEquals(1, errors.size(), result::toString);
        return errors.getFirst();
    }

    @Test
    void everyFixedEventFieldParsesWithItsType()
    {
        final FieldCatalogue standard = FieldCatalogue.standard();
        for (int id = EventFields.FIRST_ID; id < EventFields.END_ID; id++)
        {
            final Field field = standard.byId(id);
            final String literal = switch (field.type())
            {
                case INTEGER -> Long.toString(Math.min(field.maxValue(), 999_999_999_999_999_999L));
                case ADDRESS -> "10.0.0.0/8";
                case STRING -> field.textValues().isEmpty() ? "\"x\"" : "\"" + field.textValues().getLast() + "\"";
            };
            final Policy policy = parseOk(withRule(field.name() + " == " + literal, "keep"));
            assertSame(standard, policy.catalogue(), field.name());
            assertEquals(field.name() + " == " + literal, policy.rules().getFirst().condition().toString());
            assertFalse(field.isDynamic());
            assertTrue(field.description().length() > 10, field.name());
        }
        assertEquals(EventFields.END_ID, standard.size());
        assertEquals("item.kind", standard.byId(EventFields.ITEM_KIND).name());
        assertEquals("can.dlc", standard.byId(EventFields.END_ID - 1).name());
    }

    @Test
    void fixedFieldsCheckRangesAndValues()
    {
        final Diagnostic severity = onlyError(parse(withRule("syslog.severity == 8", "drop")));
        assertEquals("t.yaml:7:30: error: 8 is out of range for 'syslog.severity' (0..7)", severity.toString().lines().findFirst().orElseThrow());

        final Diagnostic named = onlyError(parse(withRule("syslog.severity <= warning", "drop")));
        assertEquals("7:30", named.line() + ":" + named.column());
        assertTrue(named.hint().contains("4 warning"), named::toString);

        final Diagnostic kind = onlyError(parse(withRule("item.kind == \"sylog\"", "drop")));
        assertEquals("'item.kind' is never \"sylog\"", kind.message());
        assertEquals("did you mean 'syslog'?", kind.hint());

        final Diagnostic port = onlyError(parse(withRule("cef.spt == \"80\"", "drop")));
        assertTrue(port.message().contains("is an integer field"), port::toString);
    }

    @Test
    void didYouMeanCoversTheEventFields()
    {
        assertEquals("did you mean 'syslog.severity'?", onlyError(parse(withRule("syslog.sevrity < 4", "drop"))).hint());
        assertEquals("did you mean 'flow.bytes'?", onlyError(parse(withRule("flow.byte > 1000", "drop"))).hint());
        assertEquals("did you mean 'vehicle.speed'?", onlyError(parse(withRule("vehicle.sped > 130", "drop"))).hint());
        final Diagnostic unknown = onlyError(parse(withRule("vehicel.vin == \"x\"", "drop")));
        assertEquals("unknown field 'vehicel.vin'", unknown.message());
        assertEquals("7:11", unknown.line() + ":" + unknown.column());
    }

    @Test
    void aMisspeltFixedCefFieldIsAnExtensionKeyWithAWarning()
    {
        final PolicyParseResult result = parse(withRule("cef.sevrity == \"7\"", "drop"));
        assertFalse(result.hasErrors(), result::toString);
        final Diagnostic warning = result.diagnostics().getFirst();
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals("'cef.sevrity' is read as the CEF extension 'sevrity'", warning.message());
        assertEquals("did you mean 'cef.severity'?", warning.hint());

        final PolicyParseResult caseOnly = parse(withRule("leef.usrname == \"x\"", "drop"));
        assertEquals("did you mean 'leef.usrName'?", caseOnly.diagnostics().getFirst().hint());
        // CEF's dictionary has many short keys one edit from the fixed ones: no warning for those.
        assertTrue(parse(withRule("cef.cs1 == \"x\" and cef.fname == \"a\" and cef.cn1 == 3", "drop")).diagnostics().isEmpty());
    }

    @Test
    void dynamicFieldsAreMadeByUseAfterTheStandardOnes()
    {
        final Policy policy = parseOk(rules(
            "json.vehicle.speed > 130", "drop",
            "json.fixes[0].lat == \"48.1\"", "keep",
            "json.http[\"user-agent\"] == \"curl\"", "drop",
            "syslog.sd.origin.ip in 10.0.0.0/8", "keep",
            "syslog.sd.exampleSDID@32473.iut == \"3\"", "keep",
            "cef.cs1 == \"x\" or leef.identSrc == 192.0.2.1", "keep",
            "can.EngineData.EngineSpeed in {3000..9000}", "drop",
            "json[\"vehicle\"].speed < 20", "keep"));

        final FieldCatalogue catalogue = policy.catalogue();
        assertEquals(EventFields.END_ID + 8, catalogue.size());
        final String[][] expected = {
            { "json.vehicle.speed", "integer" }, { "json.fixes[0].lat", "text" }, { "json.http[\"user-agent\"]", "text" },
            { "syslog.sd.origin.ip", "address" }, { "syslog.sd.exampleSDID@32473.iut", "text" }, { "cef.cs1", "text" },
            { "leef.identSrc", "address" }, { "can.EngineData.EngineSpeed", "integer" } };
        for (int i = 0; i < expected.length; i++)
        {
            final Field field = catalogue.byId(EventFields.END_ID + i);
            assertEquals(expected[i][0], field.name());
            assertEquals(expected[i][1], field.type().label(), field.name());
            assertTrue(field.isDynamic());
            assertSame(field, catalogue.byName(field.name()));
        }

        final Field lat = catalogue.byName("json.fixes[0].lat");
        assertSame(DynamicPrefix.JSON, lat.dynamicPrefix());
        assertEquals(List.of(PathStep.key("fixes"), PathStep.index(0), PathStep.key("lat")), lat.dynamicPath());
        assertEquals(List.of(PathStep.key("http"), PathStep.key("user-agent")), catalogue.byName("json.http[\"user-agent\"]").dynamicPath());
        final Field sd = catalogue.byName("syslog.sd.exampleSDID@32473.iut");
        assertSame(DynamicPrefix.SYSLOG_SD, sd.dynamicPrefix());
        assertEquals(List.of(PathStep.key("exampleSDID@32473"), PathStep.key("iut")), sd.dynamicPath());
        final Field signal = catalogue.byName("can.EngineData.EngineSpeed");
        assertEquals(List.of(PathStep.key("EngineData"), PathStep.key("EngineSpeed")), signal.dynamicPath());
        assertEquals(Long.MAX_VALUE, signal.maxValue());

        // json["vehicle"].speed is json.vehicle.speed: one field, printed canonically.
        assertEquals("json.vehicle.speed < 20", policy.rules().get(7).condition().toString());
        assertEquals("json.http[\"user-agent\"] == \"curl\"", policy.rules().get(2).condition().toString());
    }

    @Test
    void aBareDynamicFieldTestsPresenceAndTakesItsTypeFromOtherUses()
    {
        // The bare use comes first; the comparison two rules later types the field.
        final Policy policy = parseOk(rules(
            "json.debug", "drop",
            "syslog.sd.meta.sequenceId", "keep",
            "json.debug == 0", "keep"));
        final Field debug = policy.catalogue().byName("json.debug");
        assertEquals(FieldType.INTEGER, debug.type());
        assertEquals(EventFields.END_ID, debug.id());
        // Only tested for presence: text, the type that reads any value.
        assertEquals(FieldType.STRING, policy.catalogue().byName("syslog.sd.meta.sequenceId").type());

        final TestItem withZero = TestItem.item(policy.catalogue()).with("json.debug", 0);
        assertEquals(0, policy.firstMatch(withZero), "present, even though 0");
        final TestItem sequence = TestItem.item(policy.catalogue()).with("syslog.sd.meta.sequenceId", "7");
        assertEquals(1, policy.firstMatch(sequence));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(TestItem.item(policy.catalogue())));
        assertEquals("json.debug", policy.rules().getFirst().condition().toString());
    }

    @Test
    void anonymizeWithCryptopanMakesAnAddress()
    {
        final Policy policy = parseOk(rules(
            "json.user.id == \"u1\"", "'anonymize json.client.ip, syslog.sd.origin.ip with cryptopan'",
            "json.client.ip == 192.0.2.1", "drop"));
        final Field client = policy.catalogue().byName("json.client.ip");
        assertEquals(FieldType.ADDRESS, client.type());
        assertEquals(FieldType.ADDRESS, policy.catalogue().byName("syslog.sd.origin.ip").type());
        assertEquals(
            FieldSet.of(client.id(), policy.catalogue().byName("syslog.sd.origin.ip").id()),
            policy.actionsFor(0).anonymizeFields(AnonymizationMethod.CRYPTOPAN));
        assertEquals(List.of("anonymize json.client.ip, syslog.sd.origin.ip with cryptopan"), policy.actionsFor(0).describe(policy.catalogue()));
    }

    @Test
    void aNameWithTwoTypesIsAnErrorAtTheSecondUse()
    {
        final Diagnostic error = onlyError(parse(rules(
            "json.level == 3", "drop",
            "json.level == \"warn\"", "drop")));
        assertEquals("10:11", error.line() + ":" + error.column());
        assertEquals(
            "'json.level' is compared with a text here, but compared with an integer at 7:11; a field has one type in a policy",
            error.message());
        assertEquals("its first use made it an integer field: use it as one everywhere", error.hint());

        final Diagnostic anonymized = onlyError(parse(rules(
            "json.client == \"a\"", "keep",
            "true", "anonymize json.client with cryptopan")));
        assertEquals("11:21", anonymized.line() + ":" + anonymized.column());
        assertTrue(anonymized.message().startsWith("'json.client' is anonymized with cryptopan here, but compared with a text at 7:11"),
            anonymized::toString);

        // A set with an integer and text: the field is an integer, the text is the error.
        final Diagnostic mixed = onlyError(parse(withRule("cef.cn1 in {1, \"a\"}", "drop")));
        assertEquals("'cef.cn1' is an integer field but \"a\" is text", mixed.message());
    }

    static Stream<Arguments> malformedNames()
    {
        return Stream.of(
            arguments("syslog.sd.origin == \"a\"", "7:11", "'syslog.sd.origin' has 1 key after 'syslog.sd', but a structured-data parameter is named by 2"),
            arguments("syslog.sd.a.b.c == \"a\"", "7:11", "'syslog.sd.a.b.c' has 3 keys after 'syslog.sd', but a structured-data parameter is named by 2"),
            arguments("cef.a.b == 1", "7:11", "'cef.a.b' has 2 keys after 'cef', but a CEF extension is named by 1"),
            arguments("can.EngineData == 1", "7:11", "'can.EngineData' has 1 key after 'can', but a CAN signal is named by 2"),
            arguments("cef.act[0] == \"a\"", "7:18", "only JSON paths have array indexes"),
            arguments("json.a[70000] == 1", "7:18", "array index 70000 is not a number in 0..65535"),
            arguments("json.a[01] == 1", "7:18", "array index 01 is not a number in 0..65535"),
            arguments("json.a..b == 1", "7:17", "'.' cannot start a key in 'json.a..b'"),
            arguments("json.a. == 1", "7:17", "'json.a.' ends with '.'"),
            arguments("json.a/b == 1", "7:17", "'/' cannot appear in the name 'json.a/b' outside brackets"),
            arguments("json.a[\"\"] == 1", "7:17", "a key cannot be empty"),
            arguments("json.a[x] == 1", "7:17", "malformed '[' in the field name 'json.a'"),
            arguments("json.a[\"b] == 1", "7:17", "malformed '[' in the field name 'json.a'"),
            arguments("json." + "a".repeat(300) + " == 1", "7:11", "field name of 305 characters is longer than 255"));
    }

    @ParameterizedTest
    @MethodSource("malformedNames")
    void malformedDynamicNamesAreErrorsAtTheirPosition(final String when, final String position, final String message)
    {
        final Diagnostic error = onlyError(parse(withRule("'" + when.replace("'", "''") + "'", "drop")));
        // The condition is single-quoted in YAML, so its text starts one column later.
        final String[] expected = position.split(":");
        assertEquals(Integer.parseInt(expected[0]) + ":" + (Integer.parseInt(expected[1]) + 1), error.line() + ":" + error.column(),
            error::toString);
        assertEquals(message, error.message());
    }

    @Test
    void dynamicNamesInActionsAndClassesAreCheckedToo()
    {
        final Diagnostic action = onlyError(parse(withRule("true", "anonymize json.a[x] with cryptopan")));
        assertEquals("8:27", action.line() + ":" + action.column());
        final Diagnostic member = onlyError(parse(HEADER + "classes:\n  pii.user: [syslog.sd.x]\n"));
        assertEquals("6:14", member.line() + ":" + member.column());
        assertTrue(member.message().contains("named by 2"), member::toString);
        final Diagnostic className = onlyError(parse(HEADER + "classes:\n  json.user: [ip.src]\n"));
        assertEquals("data class 'json.user' has the name of a field", className.message());
    }

    @Test
    void classesCanHoldDynamicFields()
    {
        final Policy policy = parseOk(HEADER + "classes:\n  pii.user: [json.user.name, syslog.sd.auth.user]\n" +
            "rules:\n  - name: r\n    when: json.user.name == \"alice\"\n    then: keep\n");
        final List<String> names = policy.fieldsOf("pii.user").stream().map(Field::name).toList();
        assertEquals(List.of("cef.suser", "cef.duser", "leef.usrName", "vehicle.driver_id", "json.user.name", "syslog.sd.auth.user"), names);
        assertEquals(FieldType.STRING, policy.catalogue().byName("json.user.name").type());

        final Diagnostic notAnAddress = onlyError(parse(HEADER + "classes:\n  pii.user: [json.user.name]\n" +
            "rules:\n  - name: r\n    when: json.user.name == \"alice\"\n    then: anonymize pii.user with cryptopan\n"));
        assertTrue(notAnAddress.message().startsWith("data class 'pii.user' includes 'cef.suser'"), notAnAddress::toString);
    }

    @Test
    void aPolicyNamesABoundedNumberOfDynamicFields()
    {
        final ArrayList<String> tests = new ArrayList<>();
        for (int i = 0; i <= FieldResolver.MAX_DYNAMIC_FIELDS; i++)
        {
            tests.add("json.k" + i + " == 1");
        }
        final Diagnostic error = onlyError(parse(withRule("'" + String.join(" or ", tests) + "'", "drop")));
        assertEquals("a policy can name at most 1024 fields under json, syslog.sd, cef, leef and can", error.message());
        assertEquals(7, error.line());
    }

    @Test
    void textOperatorsOnEventFields()
    {
        // The security team's rules: keep authentication failures whatever the case of the host
        // name, drop health checks, catch overlong user names; dynamic fields become text when lowered.
        final Policy policy = parseOk(rules(
            "syslog.msg contains \"Failed password\" and lower(syslog.hostname) startswith \"gw\"", "keep",
            "json.path endswith \"/healthz\"", "drop",
            "len(json.user) > 32", "keep",
            "lower(json.level) == \"debug\"", "drop"));
        final TestItem item = TestItem.item(policy.catalogue());

        assertEquals(0, policy.firstMatch(item.clear()
            .with("syslog.msg", "sshd[42]: Failed password for root from 192.0.2.1").with("syslog.hostname", "GW-7")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item.clear()
            .with("syslog.msg", "sshd[42]: failed password for root").with("syslog.hostname", "gw-7")));
        assertEquals(1, policy.firstMatch(item.clear().with("json.path", "/api/v1/healthz")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item.clear().with("json.path", "/healthz/deep")));
        assertEquals(2, policy.firstMatch(item.clear().with("json.user", "u".repeat(33))));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item.clear().with("json.user", "u".repeat(32))));
        assertEquals(3, policy.firstMatch(item.clear().with("json.level", "DEBUG")));
    }

    @Test
    void aDynamicFieldUsedAsTextAndAsANumberIsReportedOnce()
    {
        final Diagnostic error = onlyError(parse(rules(
            "len(json.level) > 3", "keep",
            "json.level == 7", "drop")));
        assertEquals(10, error.line(), error::toString);
    }

    @Test
    void eventRulesMatchEventsAndNeverPackets()
    {
        final Policy policy = parseOk(rules(
            "item.kind == \"syslog\" and syslog.severity <= 3", "keep",
            "syslog.hostname == \"GW1.example\"", "keep",
            "cef.src in 10.0.0.0/8 and cef.severity >= 7", "keep",
            "json.vehicle.speed > 130 or vehicle.speed > 130", "keep",
            "flow.bytes > 1000000 and flow.dst in 2001:db8::/32", "keep",
            "can.EngineData.EngineSpeed >= 6000 and can.id == 0x0CF00400", "keep",
            "json.tags[1] == \"prod\"", "keep"));
        final FieldCatalogue catalogue = policy.catalogue();
        final TestItem item = TestItem.item(catalogue);

        assertEquals(0, policy.firstMatch(item.clear().with("item.kind", "syslog").with("syslog.severity", 2)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item.clear().with("item.kind", "syslog").with("syslog.severity", 4)));
        assertEquals(1, policy.firstMatch(item.clear().with("syslog.hostname", "gw1.EXAMPLE")));
        assertEquals(2, policy.firstMatch(item.clear().with("cef.src", "10.1.2.3").with("cef.severity", 9)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item.clear().with("cef.src", "192.0.2.1").with("cef.severity", 9)));
        assertEquals(3, policy.firstMatch(item.clear().with("json.vehicle.speed", 131)));
        assertEquals(3, policy.firstMatch(item.clear().with("vehicle.speed", 140)));
        assertEquals(4, policy.firstMatch(item.clear().with("flow.bytes", 2_000_000).with("flow.dst", "2001:db8::1")));
        assertEquals(5, policy.firstMatch(item.clear().with("can.EngineData.EngineSpeed", 6500).with("can.id", 0x0CF00400)));
        assertEquals(6, policy.firstMatch(item.clear().with("json.tags[1]", "prod")));

        // A packet: none of the event fields, so no rule matches, and no value is read.
        final TestItem packet = TestItem.item().with("item.kind", "packet").with("ip.src", "10.1.2.3").with("tcp.dstport", 443);
        assertEquals(Policy.NO_MATCH, policy.firstMatch(packet));
    }

    @Test
    void dynamicFieldsPrintBackToTheSamePolicy()
    {
        final Policy policy = parseOk(HEADER + "classes:\n  pii.user: ['json.user[\"e-mail\"]']\n" + "rules:\n" +
            "  - name: a\n    when: json.debug and not json.user[\"e-mail\"] == \"a@b\" and json.a[3].b in {1..5, 9}\n" +
            "    then: ['anonymize syslog.sd.origin.ip, json.src with cryptopan']\n" +
            "  - name: b\n    when: can.Gear.Position == \"Drive\" or leef.identSrc == 10.0.0.0/8\n    then: drop\n");
        final String described = policy.describe();
        assertTrue(described.contains("pii.user: [cef.suser, cef.duser, leef.usrName, vehicle.driver_id, \"json.user[\\\"e-mail\\\"]\"]"),
            described);
        final Policy again = parseOk(described);
        assertEquals(described, again.describe());
        assertEquals(policy.catalogue().names(), again.catalogue().names());
    }

    @Test
    void theFuzzSeedWithEventFieldsIsAValidPolicy()
    {
        final PolicyParseResult result = PolicyParser.parse(
            "events.yaml", Policies.resource("PolicyParserFuzzTestInputs/mutatedDocuments/events.yaml"));
        assertTrue(result.diagnostics().isEmpty(), result::toString);
        final Policy policy = result.policy().orElseThrow();
        assertEquals(FieldType.ADDRESS, policy.catalogue().byName("syslog.sd.origin.ip").type());
        assertEquals(FieldType.INTEGER, policy.catalogue().byName("json.fixes[0].speed").type());
        assertEquals(FieldType.STRING, policy.catalogue().byName("json.fixes[0].lat").type());
        assertTrue(policy.fieldsOf("loc.precise").contains(policy.catalogue().byName("json.fixes[0].lon")));
    }

    @Test
    void dynamicNameSyntax() throws DynamicName.Invalid
    {
        assertNull(DynamicName.parse("ip.src"));
        assertNull(DynamicName.parse("json"));
        assertNull(DynamicName.parse("syslog.sdx.a.b"));
        final DynamicName quoted = DynamicName.parse("json[\"a.b\"][2][\"x\\\"y\"].c_1");
        assertEquals("json[\"a.b\"][2][\"x\\\"y\"].c_1", quoted.name());
        assertEquals(List.of(PathStep.key("a.b"), PathStep.index(2), PathStep.key("x\"y"), PathStep.key("c_1")), quoted.path());
        assertEquals("json.a.b", DynamicName.parse("json[\"a\"][\"b\"]").name());
        assertEquals("syslog.sd.origin[\"x.y\"]", DynamicName.parse("syslog.sd.origin[\"x.y\"]").name());
        assertEquals(List.of(PathStep.key("a"), PathStep.key("0")), DynamicName.parse("json.a.0").path());
        final DynamicName built = DynamicName.of(DynamicPrefix.JSON, List.of(PathStep.key("http"), PathStep.key("user-agent"), PathStep.index(1)));
        assertEquals("json.http[\"user-agent\"][1]", built.name());
        assertEquals(built, DynamicName.parse(built.name()));
    }
}
