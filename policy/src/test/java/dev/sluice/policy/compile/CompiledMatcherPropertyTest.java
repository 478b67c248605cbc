package dev.sluice.policy.compile;

import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConstantCondition;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated code must agree with the interpreter: random policies, written as policy text
 * and parsed by the real parser (so aliases, derived bit fields, repeated fields, folding and
 * canonical forms are what production sees), over random items. Values come from small pools
 * shared by literals and items, so that rules match often enough to matter. Deterministic: the
 * seed is fixed (override with {@code -Dsluice.test.seed=N}) and printed in every failure.
 */
class CompiledMatcherPropertyTest
{
    private static final long SEED = Long.getLong("sluice.test.seed", 0x5EED_C0DEL);
    private static final int POLICIES = 400;
    private static final int ITEMS_PER_POLICY = 60;

    private static final FieldCatalogue CATALOGUE = FieldCatalogue.standard();
    private static final long[] INTEGER_POOL = { 0, 1, 2, 3, 4, 6, 17, 18, 53, 80, 443, 1000, 4095, 8080, 65535 };
    /** Expressions for {@code matches}: lower case only, so they also go under {@code lower()}. */
    private static final String[] REGEXES = {
        "a", "^ex", "com$", "[0-9]+", "(ab|cd)", ".*", "x?y", "e.a", "^[a-z]+\\.[a-z]+$", "(?:ad|tr)s?[0-9]*" };

    private static final String[] TEXT_POOL = {
        "", "a", "A", "ab", "example.com", "Example.COM", "www.example.com", "tracker.example", "sshd", "gtp", "x.y" };
    private static final String[] HOSTS = {
        "10.0.0.1", "10.1.2.3", "10.255.0.9", "192.168.1.10", "192.0.2.77", "2001:db8::1", "2001:db8:1::5", "fe80::1", "::1" };
    private static final String[] PREFIXES = {
        "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.1.0/24", "0.0.0.0/0", "2001:db8::/32", "2001:db8:1::/48",
        "fe80::/10", "::/0", "10.0.0.1", "2001:db8::1", "::1" };

    private static final int[] REJECTS_SHOWN = new int[1];

    private final List<Field> integerFields = new ArrayList<>();
    private final List<Field> addressFields = new ArrayList<>();
    private final List<Field> textFields = new ArrayList<>();

    CompiledMatcherPropertyTest()
    {
        for (final Field field : CATALOGUE.fields())
        {
            if (field.isDynamic())
            {
                continue;
            }
            switch (field.type())
            {
                case INTEGER -> integerFields.add(field);
                case ADDRESS -> addressFields.add(field);
                case STRING -> textFields.add(field);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void compiledAgreesWithInterpreterOnRandomPolicies()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        int parsed = 0;
        int cases = 0;
        int matched = 0;
        for (int p = 0; p < POLICIES; p++)
        {
            final int ruleCount = 1 + random.nextInt(12);
            final Policy policy = parse(policyText(random, ruleCount), p);
            if (null == policy)
            {
                continue;
            }
            parsed++;
            assertTrue(policy.isCompiled(), policy.compileNote());
            final Condition[] conditions = policy.rules().stream().map(r -> r.condition()).toArray(Condition[]::new);
            // Every fourth policy also has each rule compiled alone, to check every rule and not only the first that matches.
            final RuleMatcher[] single = new RuleMatcher[0 == p % 4 ? conditions.length : 0];
            for (int r = 0; r < single.length; r++)
            {
                single[r] = RuleCompiler.compile(new Condition[]{ conditions[r] });
            }
            for (int i = 0; i < ITEMS_PER_POLICY; i++)
            {
                final TestItem item = randomItem(random);
                final int expected = policy.firstMatchInterpreted(item);
                final int actual = policy.firstMatch(item);
                final int policyIndex = p;
                assertEquals(expected, actual, () -> failure(policyIndex, policy, item));
                matched += Policy.NO_MATCH == expected ? 0 : 1;
                cases++;
                for (int r = 0; r < single.length; r++)
                {
                    final int rule = r;
                    assertEquals(conditions[r].test(item) ? 0 : -1, single[r].firstMatch(item),
                        () -> "rule " + rule + ": " + conditions[rule] + "\n" + failure(policyIndex, policy, item));
                    cases++;
                }
            }
        }
        assertTrue(parsed > POLICIES * 3 / 4, "only " + parsed + " of " + POLICIES + " random policies parsed (seed " + SEED + ")");
        assertTrue(matched > cases / 50, "too few items match a rule: " + matched + " of " + cases + " (seed " + SEED + ")");
        System.out.println("seed " + SEED + ": " + parsed + " policies, " + cases + " cases, " + matched + " first matches");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void thousandRulesCompileAndAgree()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        // Random rules the parser rejects (a literal it finds out of range) are left out one by one.
        final StringBuilder text = new StringBuilder("sluice-policy: 1\nname: random\nmatch: first\ndefault: keep\nrules:\n");
        int rules = 0;
        final HashSet<String> seen = new HashSet<>();
        while (rules < 1000)
        {
            final String rule = "  - name: r" + rules + "\n    when: '" + condition(random, 0).replace("'", "''") + "'\n    then: drop\n";
            final Policy one = parse("sluice-policy: 1\nname: one\nmatch: first\ndefault: keep\nrules:\n" + rule, rules);
            // Rules that fold to a constant or repeat an earlier one would make the rest unreachable (warnings).
            if (null != one && !(one.rules().getFirst().condition() instanceof ConstantCondition) &&
                seen.add(one.rules().getFirst().condition().toString()))
            {
                text.append(rule);
                rules++;
            }
        }
        final PolicyParseResult result = PolicyParser.parse("thousand.yaml", text.toString());
        assertTrue(result.policy().isPresent(), () -> "seed " + SEED + ": " + result);
        final Policy policy = result.policy().orElseThrow();
        assertEquals(1000, policy.ruleCount());
        assertTrue(policy.isCompiled(), policy.compileNote());
        for (int i = 0; i < 5_000; i++)
        {
            final TestItem item = randomItem(random);
            final Policy checked = policy;
            assertEquals(policy.firstMatchInterpreted(item), policy.firstMatch(item), () -> failure(-1, checked, item));
        }
    }

    /** Fields many rules share, as a block list has them: aliases, a repeated field, tunnelled inner fields, flag bits. */
    private static final String[] SHARED_INTEGERS = {
        "tcp.dstport", "tcp.srcport", "udp.dstport", "ip.proto", "tcp.flags", "tcp.flags.syn", "tcp.flags.ack", "vlan.id",
        "inner.tcp.dstport", "inner.ip.proto", "tcp.port", "icmp.type" };
    private static final String[] SHARED_ADDRESSES = { "ip.src", "ip.dst", "inner.ip.src", "ip.addr" };
    private static final String[] SHARED_TEXTS = { "dns.qry.name", "tls.sni" };
    private static final long[] SHARED_INTEGER_POOL = { 0, 1, 2, 6, 17, 18, 22, 53, 80, 132, 443, 1000, 1001, 4095, 8080, 65535 };
    private static final String[] SHARED_HOSTS = {
        "10.0.0.1", "10.1.2.3", "10.1.2.255", "10.1.3.0", "192.168.1.10", "0.0.0.0", "255.255.255.255", "2001:db8::1",
        "2001:db8:1::5", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", "fe80::1", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" };

    /**
     * Policies where the cross-rule index applies: many rules (4 to 150) over a dozen shared
     * fields, as conjunctions of tests with overlapping ranges and prefixes, mixed with what the
     * index must leave to the rules (negations, {@code or} terms, aliases, a repeated field, text
     * tests); items where each field is absent or present with values at the literals' edges.
     * Each policy is compiled with the index and without it, and both must agree with the interpreter.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void crossRuleIndexAgreesWithInterpreter()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 2);
        int parsed = 0;
        int indexed = 0;
        int cases = 0;
        int matched = 0;
        for (int p = 0; p < 200; p++)
        {
            final int ruleCount = 4 + random.nextInt(0 == p % 10 ? 150 : 40);
            final StringBuilder text = new StringBuilder("sluice-policy: 1\nname: shared\nmatch: first\ndefault: keep\nrules:\n");
            for (int r = 0; r < ruleCount; r++)
            {
                text.append("  - name: r").append(r).append("\n    when: '").append(sharedConjunction(random).replace("'", "''"))
                    .append("'\n    then: drop\n");
            }
            final Policy policy = parse(text.toString(), p);
            if (null == policy)
            {
                continue;
            }
            parsed++;
            final Condition[] conditions = policy.rules().stream().map(r -> r.condition()).toArray(Condition[]::new);
            final CrossRuleIndex plan = CrossRuleIndex.plan(conditions);
            indexed += null == plan ? 0 : 1;
            final RuleMatcher withIndex = RuleCompiler.compile(conditions);
            final RuleMatcher withoutIndex;
            System.setProperty(RuleCompiler.INDEX_PROP_NAME, "false");
            try
            {
                withoutIndex = RuleCompiler.compile(conditions);
            }
            finally
            {
                System.clearProperty(RuleCompiler.INDEX_PROP_NAME);
            }
            for (int i = 0; i < ITEMS_PER_POLICY * 2; i++)
            {
                final TestItem item = sharedItem(random);
                final int expected = policy.firstMatchInterpreted(item);
                final int policyIndex = p;
                assertEquals(expected, withIndex.firstMatch(item), () -> "with index: " + failure(policyIndex, policy, item));
                assertEquals(expected, withoutIndex.firstMatch(item), () -> "without index: " + failure(policyIndex, policy, item));
                matched += Policy.NO_MATCH == expected ? 0 : 1;
                cases++;
            }
        }
        assertTrue(parsed > 150, "only " + parsed + " of 200 policies parsed (seed " + SEED + ")");
        assertTrue(indexed > parsed * 9 / 10, "the index applies to only " + indexed + " of " + parsed + " policies (seed " + SEED + ")");
        assertTrue(matched > cases / 20 && matched < cases * 19 / 20,
            "matches should be neither rare nor certain: " + matched + " of " + cases + " (seed " + SEED + ")");
        System.out.println("seed " + SEED + ": " + parsed + " shared-field policies (" + indexed + " indexed), " + cases +
            " cases, " + matched + " first matches");
    }

    private static String sharedConjunction(final SplittableRandom random)
    {
        final int count = 2 + random.nextInt(3);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            out.append(i > 0 ? " and " : "");
            final int shape = random.nextInt(12);
            if (0 == shape)
            {
                out.append("not (").append(sharedAtom(random)).append(')');
            }
            else if (1 == shape)
            {
                out.append('(').append(sharedAtom(random)).append(" or ").append(sharedAtom(random)).append(')');
            }
            else
            {
                out.append(sharedAtom(random));
            }
        }
        return out.toString();
    }

    private static String sharedAtom(final SplittableRandom random)
    {
        final int kind = random.nextInt(10);
        if (kind < 6)
        {
            final Field field = CATALOGUE.byName(SHARED_INTEGERS[random.nextInt(SHARED_INTEGERS.length)]);
            final String name = field.name();
            final long a = sharedInteger(random, field);
            final long b = sharedInteger(random, field);
            return switch (random.nextInt(5))
            {
                case 0 -> name;
                case 1 -> name + " in {" + Math.min(a, b) + ".." + Math.max(a, b) + ", " + sharedInteger(random, field) + "}";
                case 2 -> name + " in {" + a + ", " + b + "}";
                default -> name + ' ' + new String[]{ "==", "==", "!=", "<", "<=", ">", ">=" }[random.nextInt(7)] + ' ' + a;
            };
        }
        if (kind < 9)
        {
            final String name = SHARED_ADDRESSES[random.nextInt(SHARED_ADDRESSES.length)];
            return switch (random.nextInt(4))
            {
                case 0 -> name + " == " + PREFIXES[random.nextInt(PREFIXES.length)];
                case 1 -> name + " != " + PREFIXES[random.nextInt(PREFIXES.length)];
                default ->
                {
                    final StringBuilder set = new StringBuilder(name).append(" in {");
                    final int count = 1 + random.nextInt(4);
                    for (int i = 0; i < count; i++)
                    {
                        set.append(i > 0 ? ", " : "").append(PREFIXES[random.nextInt(PREFIXES.length)]);
                    }
                    yield set.append('}').toString();
                }
            };
        }
        final String name = SHARED_TEXTS[random.nextInt(SHARED_TEXTS.length)];
        return random.nextBoolean() ? name : name + " endswith \"example.com\"";
    }

    private static long sharedInteger(final SplittableRandom random, final Field field)
    {
        final long value = SHARED_INTEGER_POOL[random.nextInt(SHARED_INTEGER_POOL.length)];
        return Math.max(field.minValue(), Math.min(field.maxValue(), value + (random.nextInt(4) == 0 ? random.nextInt(3) - 1 : 0)));
    }

    private static TestItem sharedItem(final SplittableRandom random)
    {
        final TestItem item = new TestItem(CATALOGUE);
        for (final String name : new String[]{
            "tcp.dstport", "tcp.srcport", "udp.dstport", "ip.proto", "tcp.flags", "vlan.id", "inner.tcp.dstport",
            "inner.ip.proto", "icmp.type", "ip.src", "ip.dst", "inner.ip.src", "dns.qry.name", "tls.sni" })
        {
            if (random.nextInt(10) < 4)
            {
                continue;
            }
            final Field field = CATALOGUE.byName(name);
            switch (field.type())
            {
                case INTEGER ->
                {
                    final int count = field.isRepeated() ? random.nextInt(3) : 1;
                    final long[] values = new long[count];
                    for (int i = 0; i < count; i++)
                    {
                        values[i] = sharedInteger(random, field);
                    }
                    item.setIntegers(field.id(), values);
                }
                case ADDRESS -> item.with(name, SHARED_HOSTS[random.nextInt(SHARED_HOSTS.length)]);
                case STRING -> item.setText(field.id(), random.nextBoolean() ? "www.example.com" : "tracker.example");
            }
        }
        return item;
    }

    private static Policy parse(final String text, final int index)
    {
        final PolicyParseResult result = PolicyParser.parse("random-" + index + ".yaml", text);
        if (result.hasErrors() && REJECTS_SHOWN[0]++ < 10)
        {
            System.out.println("rejected: " + result);
        }
        return result.policy().orElse(null);
    }

    private static String failure(final int policyIndex, final Policy policy, final TestItem item)
    {
        return "seed " + SEED + ", policy " + policyIndex + "\n" + policy.describe() + "\nitem " + describe(item);
    }

    private static String describe(final TestItem item)
    {
        final StringBuilder out = new StringBuilder();
        for (final Field field : CATALOGUE.fields())
        {
            if (FieldKind.BASE != field.kind() || field.isDynamic() || !item.isPresent(field.id()))
            {
                continue;
            }
            out.append(field.name()).append('=');
            switch (field.type())
            {
                case INTEGER ->
                {
                    for (int i = 0; i < item.occurrences(field.id()); i++)
                    {
                        out.append(i > 0 ? "," : "").append(item.integer(field.id(), i));
                    }
                }
                case ADDRESS -> out.append('v').append(item.addressVersion(field.id())).append(':')
                    .append(Long.toHexString(item.addressHigh(field.id()))).append(':')
                    .append(Long.toHexString(item.addressLow(field.id())));
                case STRING -> out.append('"').append(item.text(field.id())).append('"');
            }
            out.append(' ');
        }
        return out.toString();
    }

    private String policyText(final SplittableRandom random, final int ruleCount)
    {
        final StringBuilder out = new StringBuilder(128 + ruleCount * 96);
        out.append("sluice-policy: 1\nname: random\nmatch: first\ndefault: keep\nrules:\n");
        for (int r = 0; r < ruleCount; r++)
        {
            out.append("  - name: r").append(r).append('\n');
            out.append("    when: '").append(condition(random, 0).replace("'", "''")).append("'\n");
            out.append("    then: drop\n");
        }
        return out.toString();
    }

    private String condition(final SplittableRandom random, final int depth)
    {
        final int choice = random.nextInt(depth >= 3 ? 10 : 16);
        if (choice < 10)
        {
            return atom(random);
        }
        return switch (choice)
        {
            case 10, 11 -> junction(random, depth, " and ");
            case 12, 13 -> junction(random, depth, " or ");
            case 14 -> "not (" + condition(random, depth + 1) + ")";
            default -> random.nextBoolean() ? "true" : "false";
        };
    }

    private String junction(final SplittableRandom random, final int depth, final String word)
    {
        final int count = 2 + random.nextInt(3);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            out.append(i > 0 ? word : "").append('(').append(condition(random, depth + 1)).append(')');
        }
        return out.toString();
    }

    private String atom(final SplittableRandom random)
    {
        final int kind = random.nextInt(10);
        if (kind < 5)
        {
            return integerAtom(random, integerFields.get(random.nextInt(integerFields.size())));
        }
        if (kind < 7)
        {
            return addressAtom(random, addressFields.get(random.nextInt(addressFields.size())));
        }
        return textAtom(random, textFields.get(random.nextInt(textFields.size())));
    }

    private static String integerAtom(final SplittableRandom random, final Field field)
    {
        final String name = field.name();
        return switch (random.nextInt(6))
        {
            case 0 -> name;
            case 1 -> name + " in {" + integerLiteral(random, field) + ", " + integerLiteral(random, field) + "}";
            case 2 ->
            {
                final StringBuilder set = new StringBuilder(name).append(" in {");
                final int count = 1 + random.nextInt(12);
                for (int i = 0; i < count; i++)
                {
                    final long low = integerLiteral(random, field);
                    set.append(i > 0 ? ", " : "").append(low);
                    if (random.nextBoolean())
                    {
                        set.append("..").append(Math.min(field.maxValue(), low + random.nextInt(100)));
                    }
                }
                yield set.append('}').toString();
            }
            default -> name + ' ' + new String[]{ "==", "!=", "<", "<=", ">", ">=" }[random.nextInt(6)] + ' ' +
                integerLiteral(random, field);
        };
    }

    private static long integerLiteral(final SplittableRandom random, final Field field)
    {
        final long max = field.maxValue();
        final long value = random.nextInt(8) == 0 ? random.nextLong(Math.max(1, Math.min(max, 1L << 40))) :
            INTEGER_POOL[random.nextInt(INTEGER_POOL.length)];
        return Math.max(field.minValue(), Math.min(max, value));
    }

    private static String addressAtom(final SplittableRandom random, final Field field)
    {
        final String name = field.name();
        return switch (random.nextInt(4))
        {
            case 0 -> name + " == " + PREFIXES[random.nextInt(PREFIXES.length)];
            case 1 -> name + " != " + PREFIXES[random.nextInt(PREFIXES.length)];
            case 2 -> name + " in " + PREFIXES[random.nextInt(PREFIXES.length)];
            default ->
            {
                final StringBuilder set = new StringBuilder(name).append(" in {");
                final int count = 1 + random.nextInt(10);
                for (int i = 0; i < count; i++)
                {
                    set.append(i > 0 ? ", " : "").append(PREFIXES[random.nextInt(PREFIXES.length)]);
                }
                yield set.append('}').toString();
            }
        };
    }

    private static String textAtom(final SplittableRandom random, final Field field)
    {
        final String name = field.name();
        final boolean lowered = random.nextInt(4) == 0;
        final String operand = lowered ? "lower(" + name + ")" : name;
        return switch (random.nextInt(9))
        {
            case 0 -> name;
            case 5 -> operand + " matches \"" + REGEXES[random.nextInt(REGEXES.length)] + '"';
            case 1 -> operand + " == " + textLiteral(random, field, lowered);
            case 2 -> operand + " != " + textLiteral(random, field, lowered);
            case 3 -> name + " in {" + textLiteral(random, field, false) + ", " + textLiteral(random, field, false) + "}";
            case 4 -> "len(" + name + ") " + new String[]{ "==", "!=", "<", "<=", ">", ">=" }[random.nextInt(6)] + ' ' +
                random.nextInt(16);
            default -> operand + ' ' + new String[]{ "contains", "startswith", "endswith" }[random.nextInt(3)] + ' ' +
                textLiteral(random, field, lowered);
        };
    }

    /** The parser rejects literals that could never match (too long, not an enumerated value, upper case after lower()). */
    private static String textLiteral(final SplittableRandom random, final Field field, final boolean lowered)
    {
        final List<String> values = field.textValues();
        String text = values.isEmpty() ? TEXT_POOL[random.nextInt(TEXT_POOL.length)] : values.get(random.nextInt(values.size()));
        text = lowered ? text.toLowerCase(Locale.ROOT) : text;
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String textValue(final SplittableRandom random, final Field field)
    {
        final List<String> values = field.textValues();
        if (!values.isEmpty() && random.nextInt(4) != 0)
        {
            return values.get(random.nextInt(values.size()));
        }
        return TEXT_POOL[random.nextInt(TEXT_POOL.length)];
    }

    private static TestItem randomItem(final SplittableRandom random)
    {
        final TestItem item = new TestItem(CATALOGUE);
        final int presence = 1 + random.nextInt(4);
        for (final Field field : CATALOGUE.fields())
        {
            if (FieldKind.BASE != field.kind() || field.isDynamic() || random.nextInt(5) >= presence)
            {
                continue;
            }
            final int id = field.id();
            if (FieldType.INTEGER == field.type())
            {
                final int count = field.isRepeated() ? random.nextInt(4) : 1;
                final long[] values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = random.nextInt(6) == 0 ? random.nextLong(field.maxValue() == Long.MAX_VALUE ? Long.MAX_VALUE :
                        field.maxValue() + 1) : Math.min(field.maxValue(), INTEGER_POOL[random.nextInt(INTEGER_POOL.length)]);
                }
                item.setIntegers(id, values);
            }
            else if (FieldType.ADDRESS == field.type())
            {
                item.with(field.name(), HOSTS[random.nextInt(HOSTS.length)]);
            }
            else
            {
                item.setText(id, textValue(random, field));
            }
        }
        return item;
    }
}
