package dev.sluice.policy;

import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import dev.sluice.policy.keys.KeyEpoch;
import dev.sluice.policy.keys.KeyEpochs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.policy.PolicyErrorsTest.HEADER;
import static dev.sluice.policy.PolicyErrorsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The {@code keys:} section: what a valid one becomes, and an error at an exact position with
 * a hint for each kind of mistake.
 */
class KeysReaderTest
{
    /** Lines 1-5, then 'keys:' at line 6. */
    private static final String REGIONS = HEADER + "regions: [eu-west, us-east]\n";

    private static String withEpochs(final String... epochLines)
    {
        return REGIONS + "keys:\n  overlap: 24h\n  epochs:\n" + lines(epochLines);
    }

    @Test
    void readsEpochsPerRegionAndTheOverlap()
    {
        final Policy policy = Policies.parseOk(withEpochs(
            "    - {region: eu-west, id: \"2026-11\", from: \"2026-11-01T00:00:00Z\"}",
            "    - {region: eu-west, id: \"2026-12\", from: \"2026-12-01T01:00:00+01:00\"}",
            "    - {region: us-east, id: \"2026-11\", from: 2026-11-01T00:00:00Z}"));

        final KeyEpochs keys = policy.keys();
        assertTrue(keys.declared());
        assertEquals(24L * 3600 * 1_000_000_000L, keys.overlapNs());
        assertEquals(3, keys.epochs().size());
        final List<KeyEpoch> euWest = keys.forRegion("eu-west");
        assertEquals(List.of("2026-11", "2026-12"), euWest.stream().map(KeyEpoch::id).toList());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), euWest.get(1).from());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L, euWest.get(1).fromEpochNs());
        assertEquals("eu-west/2026-12", euWest.get(1).label());
        assertEquals("10:7", euWest.get(1).position().toString().replaceAll("^.*?(\\d+:\\d+)$", "$1"));
        assertEquals(1, keys.forRegion("us-east").size());
        assertTrue(keys.forRegion("ap-south").isEmpty());
    }

    @Test
    void aPolicyWithoutKeysHasNone()
    {
        assertSame(KeyEpochs.NONE, Policies.parseOk(REGIONS).keys());
        assertFalse(KeyEpochs.NONE.declared());
    }

    @Test
    void overlapIsOptionalAndMayBeZero()
    {
        final String epoch = "    - {region: eu-west, id: a, from: \"2026-11-01T00:00:00Z\"}\n";
        assertEquals(0, Policies.parseOk(REGIONS + "keys:\n  epochs:\n" + epoch).keys().overlapNs());
        assertEquals(0, Policies.parseOk(REGIONS + "keys:\n  overlap: 0\n  epochs:\n" + epoch).keys().overlapNs());
        assertEquals(2L * 86_400 * 1_000_000_000L,
            Policies.parseOk(REGIONS + "keys:\n  overlap: 2d\n  epochs:\n" + epoch).keys().overlapNs());
    }

    static Stream<Arguments> invalidSections()
    {
        final String ok = "    - {region: eu-west, id: a, from: \"2026-11-01T00:00:00Z\"}";
        return Stream.of(
            arguments("keys without regions", HEADER + "keys:\n  epochs: []\n", "5:1", "'keys' needs a 'regions' list", null),
            arguments("an epoch without regions", HEADER + "keys:\n  epochs:\n" + ok + "\n", "5:1", "'keys' needs a 'regions' list", null),
            arguments("keys is a list", REGIONS + "keys: []\n", "6:7", "'keys' must be a mapping", null),
            arguments("misspelt key", REGIONS + "keys:\n  overlapp: 1h\n  epochs:\n" + ok + "\n", "7:3", "unknown key 'overlapp' in 'keys'", "did you mean 'overlap'?"),
            arguments("no epochs", REGIONS + "keys:\n  overlap: 1h\n", "7:3", "missing required key 'epochs' in 'keys'", null),
            arguments("empty epochs", REGIONS + "keys:\n  epochs: []\n", "7:11", "'epochs' lists no epoch", null),
            arguments("negative overlap", REGIONS + "keys:\n  overlap: -1h\n  epochs:\n" + ok + "\n", "7:12", "'overlap' must not be negative", null),
            arguments("overlap without unit", REGIONS + "keys:\n  overlap: 24\n  epochs:\n" + ok + "\n", "7:12", "'overlap' needs a unit: 24 what?", "write e.g. 24h; units: s, m, h, d"),
            arguments("overlap unit upper case", REGIONS + "keys:\n  overlap: 24H\n  epochs:\n" + ok + "\n", "7:14", "unknown unit 'H' in 'overlap'", "units are lower case: write 24h"),
            arguments("overlap in millis", REGIONS + "keys:\n  overlap: 500ms\n  epochs:\n" + ok + "\n", "7:15", "unknown unit 'ms' in 'overlap'", "an overlap is counted in seconds or more; write e.g. 1s"),
            arguments("overlap too long", REGIONS + "keys:\n  overlap: 400d\n  epochs:\n" + ok + "\n", "7:12", "'overlap' must be at most 366d", null),
            arguments("overlap as words", REGIONS + "keys:\n  overlap: a day\n  epochs:\n" + ok + "\n", "7:12", "'overlap' must be a duration, found 'a day'", null),
            arguments("undeclared region", withEpochs("    - {region: eu-wst, id: a, from: \"2026-11-01T00:00:00Z\"}"), "9:16", "region 'eu-wst' is not declared in 'regions'", "did you mean 'eu-west'?"),
            arguments("missing from", withEpochs("    - {region: eu-west, id: a}"), "9:7", "missing required key 'from' in a key epoch", null),
            arguments("unknown epoch key", withEpochs("    - {region: eu-west, id: a, from: \"2026-11-01T00:00:00Z\", key: abc}"), "9:62", "unknown key 'key' in a key epoch", null),
            arguments("id with a slash", withEpochs("    - {region: eu-west, id: ../us-east/a, from: \"2026-11-01T00:00:00Z\"}"), "9:29", "invalid key epoch id '../us-east/a'", null),
            arguments("id with a leading dot", withEpochs("    - {region: eu-west, id: .hidden, from: \"2026-11-01T00:00:00Z\"}"), "9:29", "invalid key epoch id '.hidden'", null),
            arguments("duplicate id", withEpochs(ok, "    - {region: eu-west, id: a, from: \"2026-12-01T00:00:00Z\"}"), "10:29", "key epoch 'a' of region 'eu-west' is declared twice (first at 9:29)", null),
            arguments("date only", withEpochs("    - {region: eu-west, id: a, from: 2026-11-01}"), "9:38", "'from' must be a time with a zone", "add the time and zone: \"2026-11-01T00:00:00Z\""),
            arguments("no zone", withEpochs("    - {region: eu-west, id: a, from: \"2026-11-01T00:00:00\"}"), "9:38", "'from' must be a time with a zone", "add the zone, e.g. \"2026-11-01T00:00:00Z\" for UTC"),
            arguments("not a time", withEpochs("    - {region: eu-west, id: a, from: soon}"), "9:38", "'from' must be a time with a zone, found 'soon'", null),
            arguments("same start", withEpochs(ok, "    - {region: eu-west, id: b, from: \"2026-11-01T01:00:00+01:00\"}"), "10:38",
                "key epoch 'b' of region 'eu-west' starts at 2026-11-01T00:00:00Z, not after epoch 'a'", "list a region's epochs in the order they start, each strictly later than the one before"),
            arguments("earlier start", withEpochs(ok, "    - {region: eu-west, id: b, from: \"2026-10-01T00:00:00Z\"}"), "10:38", "not after epoch 'a'", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSections")
    void reportsErrorAtExactPosition(
        final String title, final String document, final String position, final String fragment, final String hint)
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", document);
        assertTrue(result.hasErrors(), title);
        assertTrue(result.policy().isEmpty());
        final List<Diagnostic> matching = result.diagnostics().stream()
            .filter(d -> Severity.ERROR == d.severity())
            .filter(d -> (d.line() + ":" + d.column()).equals(position) && d.message().contains(fragment))
            .toList();
        assertEquals(1, matching.size(), () -> title + ": expected " + position + ": " + fragment + " in\n" + result);
        if (null != hint)
        {
            assertEquals(hint, matching.getFirst().hint(), title);
        }
    }

    @Test
    void epochsOfDifferentRegionsAreIndependent()
    {
        final Policy policy = Policies.parseOk(withEpochs(
            "    - {region: eu-west, id: \"2026-12\", from: \"2026-12-01T00:00:00Z\"}",
            "    - {region: us-east, id: \"2026-12\", from: \"2026-11-01T00:00:00Z\"}"));
        assertEquals(2, policy.keys().epochs().size());
    }
}
