package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.policy.PolicyErrorsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code route <regions>} and {@code tag <classes>}: what they parse into, how they print back,
 * and every error and warning at its line and column.
 */
class RouteAndTagPolicyTest
{
    /** Regions and a class with no fields; the only rule's 'then' value starts at 11:11. */
    private static String policy(final String then)
    {
        return lines(
            "sluice-policy: 1",
            "name: t",
            "match: first",
            "default: keep",
            "regions: [eu-west, eu-central, us-east]",
            "classes:",
            "  pii.health: []",
            "rules:",
            "  - name: r",
            "    when: syslog.msg contains \"patient\"",
            "    then: " + then,
            "residency:",
            "  - class: pii.health",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "  - class: pii.user",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after:",
            "      hmac: [eu-central]");
    }

    @Test
    void routeAndTagParseAndPrintBack()
    {
        final Policy policy = Policies.parseOk(policy("[\"tag pii.health, pii.user\", \"route eu-west, eu-central\"]"));
        final RuleActions actions = policy.actionsFor(0);
        assertEquals(ActionKind.KEEP, actions.kind(), "tag and route alone keep");
        assertEquals(List.of("pii.health", "pii.user"), actions.tags());
        assertEquals(List.of("eu-west", "eu-central"), actions.routes());
        assertEquals("[keep, tag pii.health, pii.user, route eu-west, eu-central]", actions.toString());

        final Policy again = Policies.parseOk(policy.describe());
        assertEquals(actions.toString(), again.actionsFor(0).toString(), "printed back, it parses to the same actions");
    }

    @Test
    void routeAndTagGoWithSamplingAnonymizationAndPayloads()
    {
        final RuleActions actions = Policies.parseOk(
            policy("[sample 1/10, anonymize syslog.hostname with hmac, route us-east, tag pii.user]")).actionsFor(0);
        assertEquals(ActionKind.SAMPLE, actions.kind());
        assertEquals(List.of("us-east"), actions.routes());
        assertEquals(List.of("pii.user"), actions.tags());
    }

    static Stream<Arguments> invalidActions()
    {
        return Stream.of(
            arguments("undeclared region", "route eu-wset", "11:17", "region 'eu-wset' is not declared in 'regions'", "did you mean 'eu-west'?"),
            arguments("unknown class", "tag pii.helth", "11:15", "unknown data class 'pii.helth'", "did you mean 'pii.health'?"),
            arguments("route without region", "route", "11:11", "expected a region after 'route'", null),
            arguments("trailing comma", "tag pii.user,", "11:23", "expected a data class after ','", null),
            arguments("missing comma", "route eu-west us-east", "11:25", "expected ',' between regions, found 'us-east'", null),
            arguments("route twice", "[route eu-west, route us-east]", "11:27", "a rule can have only one 'route'", "list every region in one, separated by commas"),
            arguments("route with drop", "[drop, route eu-west]", "11:18", "'drop' cannot be combined with other actions", null),
            arguments("tag with aggregate", "[aggregate flows, tag pii.user]", "11:29", "'tag' cannot be combined with 'aggregate flows'", null),
            arguments("aggregate after route", "[route eu-west, aggregate flows]", "11:27", "'route' cannot be combined with 'aggregate flows'", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidActions")
    void reportsEveryMistakeAtItsPlace(
        final String title, final String then, final String position, final String message, final String hint)
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", policy(then));
        final List<Diagnostic> errors = result.diagnostics().stream().filter(d -> Severity.ERROR == d.severity()).toList();
        assertEquals(1, errors.size(), result::toString);
        final Diagnostic error = errors.getFirst();
        assertEquals(position, error.line() + ":" + error.column(), result::toString);
        assertTrue(error.message().contains(message), result::toString);
        if (null != hint)
        {
            assertEquals(hint, error.hint(), result::toString);
        }
    }

    @Test
    void routeNeedsDeclaredRegions()
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", PolicyErrorsTest.withRule("true", "route eu-west"));
        assertEquals("p.yaml:8:11: error: 'route' needs a 'regions' list that declares every region it names",
            result.diagnostics().getFirst().toString().lines().findFirst().orElseThrow(), result::toString);
    }

    @Test
    void warnsWhereATagBlocksMoreThanItsAuthorMayThink()
    {
        final String document = lines(
            "sluice-policy: 1",
            "name: t",
            "match: first",
            "default: keep",
            "regions: [eu-west, us-east]",
            "classes:",
            "  pii.health: []",
            "  pii.secret: []",
            "rules:",
            "  - name: health",
            "    when: syslog.msg contains \"patient\"",
            "    then: tag pii.health",
            "  - name: secret",
            "    when: syslog.msg contains \"password\"",
            "    then: tag pii.secret",
            "residency:",
            "  - class: pii.health",
            "    origin: eu-west",
            "    raw: [eu-west]",
            "    after:",
            "      hmac: [us-east]");
        final PolicyParseResult result = PolicyParser.parse("w.yaml", document);
        assertTrue(result.policy().isPresent(), result::toString);
        assertEquals(List.of(
                "w.yaml:10:5: warning: data class pii.health has no fields to transform: items tagged by rule 'health' are " +
                    "blocked where residency allows pii.health only transformed",
                "w.yaml:13:5: warning: rule 'secret' tags its items pii.secret, which no residency rule names: they are " +
                    "blocked at every destination"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());
    }
}
