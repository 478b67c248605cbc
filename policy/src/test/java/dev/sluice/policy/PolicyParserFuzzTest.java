package dev.sluice.policy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.policy.compile.RuleCompiler;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConditionParser;
import dev.sluice.policy.condition.NamedList;
import dev.sluice.policy.condition.NamedLists;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.TestItem;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the policy parser: it must never throw, every diagnostic has a real position, a policy
 * comes exactly when there are no errors, and a parsed policy prints back to a document that
 * parses to the same thing. Seeds live in PolicyParserFuzzTestInputs/&lt;method&gt;/.
 * <p>
 * In a normal test run only the seeds are replayed; fuzz with
 * {@code JAZZER_FUZZ=1 mvn -pl policy test -Dtest=PolicyParserFuzzTest}.
 */
class PolicyParserFuzzTest
{
    /** A few packets for the compiled and interpreted matchers of every parsed policy to agree on. */
    private static final TestItem[] SAMPLE_ITEMS = {
        new TestItem(),
        new TestItem().with("ip.version", 4).with("ip.src", "10.1.2.3").with("ip.dst", "192.0.2.1").with("ip.proto", 6)
            .with("tcp.srcport", 40000).with("tcp.dstport", 443).with("tcp.flags", 0x12).with("vlan.id", 100, 4095)
            .with("tls.sni", "API.Example.net"),
        new TestItem().with("ip.version", 6).with("ip.src", "2001:db8::1").with("ip.dst", "fe80::1").with("ip.proto", 17)
            .with("udp.srcport", 53).with("udp.dstport", 123).with("dns.qry.name", "example.com").with("mpls.label", 3, 16),
        new TestItem().with("item.kind", "syslog").with("syslog.severity", 3).with("syslog.appname", "sshd")
            .with("syslog.hostname", "Host-1"),
    };

    private static final String TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-";

    /** The named lists the {@link #conditions} target may reference: one of each type, and host names. */
    private static final NamedLists LISTS = new NamedLists(List.of(
        list("nets", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1", "0.0.0.0/1", "::/0"),
        list("ports", "22", "80..90", "65535"),
        list("hosts", "\"a.example\"", "\"B.Example\""),
        list("apps", "\"sshd\"", "\"cron\"")), Set.of());

    /** @param elements unquoted values, or texts in double quotes. */
    private static NamedList list(final String name, final String... elements)
    {
        final Diagnostics diagnostics = new Diagnostics("lists");
        final NamedList.Builder builder = new NamedList.Builder(name, new SourcePosition(1, 1), diagnostics);
        for (final String element : elements)
        {
            final boolean quoted = element.startsWith("\"");
            builder.add(quoted ? element.substring(1, element.length() - 1) : element, quoted, offset -> new SourcePosition(1, 1));
        }
        return builder.build();
    }

    @FuzzTest(maxDuration = "3m")
    void arbitraryText(final FuzzedDataProvider data)
    {
        check(data.consumeRemainingAsString());
    }

    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({
        "sluice-policy: 1", "name: ", "match: first", "default: ", "regions: [", "classes:", "rules:",
        "  - name: ", "    when: ", "    then: ", "residency:", "  - class: ", "    origin: ", "raw: ", "after:",
        "cryptopan", "anonymize ", " with ", "sample 1/", "keep", "drop", "pii.ip", "any", "eu-west",
        "ip.src", "ip.addr", "tcp.port", "udp.dstport", "vlan.id", "tcp.flags.syn", " in {", "..", "::", "/24",
        " and ", " or ", "not ", "==", "!=", "<=", "0x", "&a ", "*a", "'", "|", ">-",
        "mpls.label", "inner.ip.src", "inner.ip.addr", "dns.qry.name", "tls.sni", "tunnel.type", "\"vxlan\"", "\"a.example\"",
        "\\\"", "truncate payload ", "strip payload", "aggregate flows", "flows:", "  idle-timeout: ", "  active-timeout: ",
        "  max-flows: ", "  bidirectional: ", "500ms", "15s", "2m", "1h", "\\u2028", "\\x85", "\\uD800", "\\U0001F600",
        "syslog.severity", "item.kind", "\"syslog\"", "cef.src", "flow.bytes", "vehicle.vin", "pii.user", "loc.precise",
        "json.", "json.a.b", "[0]", "[\"", "\"]", "syslog.sd.", "syslog.sd.origin.ip", "@32473", "cef.cs1", "leef.", "can.A.B",
        "lists:", "  nets: [", "  ports: [", "  - ", " in $nets", " in $ports", "$", "{$nets, ", "8000-8100", "fd00::/8", "\"cron\"",
        "rate-limit ", "100/s", "20/m", " by ", "syslog.hostname", ", tcp.dstport", " burst ", "1000000000",
        "count ", " every ", "1m", "24h", "86400s", "0s"})
    void mutatedDocuments(final byte[] data)
    {
        check(new String(data, StandardCharsets.UTF_8));
    }

    /**
     * A condition, then (after a NUL byte) values for the fields it is evaluated against: it
     * must parse without throwing, print back to itself, and evaluate without reading absent
     * fields.
     */
    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({
        "ip.src", "ip.dst", "ip.addr", "tcp.port", "tcp.dstport", "udp.port", "vlan.id", "tcp.flags.syn", "frame.len",
        "ip.version", "icmp.type", " in {", "}", "..", "::", "::ffff:", "/0", "/32", "/128", "10.0.0.0/8", "2001:db8::/32",
        " and ", " or ", "not ", "&&", "||", "!", "==", "!=", "<", "<=", ">", ">=", " eq ", " ge ", "0x", "(", ")",
        "true", "false", ", ", "65535", "4095", "4294967295", "mpls.label", "inner.ip.addr", "inner.tcp.port", "gtp.teid",
        "dns.qry.name", "tls.sni", "tunnel.type", "\"", "\\\"", "\\\\", "\"vxlan\"", "\"Example.COM\"", "\"\"", "ip.flags.df",
        "syslog.severity", "syslog.hostname", "item.kind", "\"syslog\"", "cef.src", "cef.severity", "flow.src", "flow.bytes",
        "json.", "json.a", "[0]", "[\"", "\"]", "syslog.sd.", "syslog.sd.origin.ip", "@", "cef.cs1", "leef.x", "can.M.S",
        " contains ", " startswith ", " endswith ", "lower(", "len(", "syslog.msg",
        " matches ", " matches \"", "\"^", "$\"", "\\d", "\\w+", "\\s", "\\.", "\\x41", "[a-z0-9_]", "[^", "]", "(?:", "(?=",
        "|", "*", "+", "?", "*?", "{2}", "{1,3}", "{2,}", "{1001}", ".*", "(a|a)*",
        "$nets", "$ports", "$hosts", "$apps", "$", "{$nets, ", "{$ports, 443}", "$nope"})
    void conditions(final byte[] data)
    {
        int split = 0;
        while (split < data.length && 0 != data[split])
        {
            split++;
        }
        final String text = new String(data, 0, split, StandardCharsets.UTF_8);

        final Diagnostics diagnostics = new Diagnostics("fuzz");
        final Condition condition = ConditionParser.parse(
            text, FieldCatalogue.standard(), LISTS, offset -> positionOf(offset, text), diagnostics);
        for (final Diagnostic diagnostic : diagnostics.sorted())
        {
            assertTrue(diagnostic.line() >= 1 && diagnostic.column() >= 1, diagnostic::toString);
        }
        if (null == condition)
        {
            assertTrue(diagnostics.hasErrors());
            return;
        }

        final String printed = condition.toString();
        final Diagnostics again = new Diagnostics("fuzz-again");
        final Condition reparsed = ConditionParser.parse(
            printed, FieldCatalogue.standard(), LISTS, offset -> positionOf(offset, printed), again);
        assertFalse(again.hasErrors(), () -> printed + " -> " + again.sorted());
        assertEquals(printed, reparsed.toString());

        final TestItem item = itemFrom(data, split + 1);
        assertEquals(condition.test(item), reparsed.test(item), printed);
        assertEquals(condition.test(item) ? 0 : -1, RuleCompiler.compile(new Condition[]{ condition }).firstMatch(item), printed);
    }

    private static SourcePosition positionOf(final int offset, final String text)
    {
        return new SourcePosition(1, Math.max(1, Math.min(offset, text.length()) + 1));
    }

    private static TestItem itemFrom(final byte[] data, final int start)
    {
        final TestItem item = new TestItem();
        int next = start;
        for (final Field field : FieldCatalogue.standard().fields())
        {
            if (FieldKind.BASE != field.kind())
            {
                continue;
            }
            final int id = field.id();
            final int flags = next < data.length ? data[next++] : 0;
            if (0 == (flags & 1))
            {
                continue;
            }
            switch (field.type())
            {
                case ADDRESS ->
                {
                    long high = 0;
                    long low = 0;
                    final boolean v6 = 0 != (flags & 2);
                    for (int i = 0; i < 8; i++)
                    {
                        low = (low << 8) | (next < data.length ? data[next++] & 0xFF : 0);
                    }
                    for (int i = 0; v6 && i < 8; i++)
                    {
                        high = (high << 8) | (next < data.length ? data[next++] & 0xFF : 0);
                    }
                    item.setAddress(id, v6 ? 6 : 4, high, v6 ? low : low & 0xFFFF_FFFFL);
                }
                case STRING ->
                {
                    // Up to 31 characters, mostly letters and dots, upper and lower case, so that
                    // literals from the dictionary and case folding both get exercised.
                    final int length = next < data.length ? (data[next++] & 0x1F) : 0;
                    final StringBuilder text = new StringBuilder(length);
                    for (int i = 0; i < length && next < data.length; i++)
                    {
                        final int b = data[next++] & 0xFF;
                        text.append(b < 0x80 ? (char)b : TEXT_ALPHABET.charAt(b % TEXT_ALPHABET.length()));
                    }
                    item.setText(id, text);
                }
                case INTEGER ->
                {
                    // Any values in the field's range, with the boundaries likely; 1-4 of them when repeated.
                    final int count = field.isRepeated() ? 1 + ((flags >>> 3) & 3) : 1;
                    final long[] values = new long[count];
                    for (int k = 0; k < count; k++)
                    {
                        long value = 0;
                        for (int i = 0; i < 8; i++)
                        {
                            value = (value << 8) | (next < data.length ? data[next++] & 0xFF : 0);
                        }
                        final long max = field.maxValue();
                        values[k] = 0 != (flags & 2) ? (0 != (flags & 4) ? max : 0) : Long.remainderUnsigned(value, max + 1);
                    }
                    item.setIntegers(id, values);
                }
            }
        }
        return item;
    }

    static void check(final String text)
    {
        final PolicyParseResult result = PolicyParser.parse("fuzz.yaml", text);
        for (final Diagnostic diagnostic : result.diagnostics())
        {
            assertTrue(diagnostic.line() >= 1 && diagnostic.column() >= 1, diagnostic::toString);
        }
        assertEquals(result.hasErrors(), result.policy().isEmpty());

        result.policy().ifPresent(policy ->
        {
            final String described = policy.describe();
            final PolicyParseResult again = PolicyParser.parse("described.yaml", described);
            assertFalse(again.hasErrors(), () -> described + "\n" + again);
            assertEquals(described, again.policy().orElseThrow().describe());
            assertEquals(Policy.NO_MATCH == policy.firstMatch(new TestItem()) ? 0 : 1,
                Policy.NO_MATCH == again.policy().orElseThrow().firstMatch(new TestItem()) ? 0 : 1);
            assertTrue(policy.isCompiled(), policy.compileNote());
            for (final TestItem item : SAMPLE_ITEMS)
            {
                assertEquals(policy.firstMatchInterpreted(item), policy.firstMatch(item), described);
            }
        });
    }
}
