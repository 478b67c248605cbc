package dev.sluice.policy.condition;

import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.policy.condition.ConditionEvaluationTest.parse;
import static dev.sluice.policy.field.TestItem.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Truth tables for repeated fields (any occurrence; {@code !=} is {@code not ==}), text fields
 * (exact; host names ignoring ASCII case; bare = present and not empty) and aliases over the
 * inner fields. Each row is a condition and what it gives for each item of the table's columns.
 */
class RepeatedAndTextFieldsTest
{
    private static void table(final List<TestItem> items, final Object[][] rows)
    {
        for (final Object[] row : rows)
        {
            final String text = (String)row[0];
            final Condition condition = parse(text);
            final Condition reparsed = parse(condition.toString());
            for (int i = 0; i < items.size(); i++)
            {
                final boolean expected = (Boolean)row[i + 1];
                assertEquals(expected, condition.test(items.get(i)), text + " on item " + i);
                assertEquals(expected, reparsed.test(items.get(i)), condition + " (printed back) on item " + i);
            }
        }
    }

    @Test
    void repeatedFieldsMatchWhenAnyOccurrenceDoes()
    {
        // untagged, one tag, QinQ with the wanted tag outside, QinQ with it inside, VLAN 0 (priority tag), 0 inside 5.
        final List<TestItem> items = List.of(
            item(),
            item().with("vlan.id", 100),
            item().with("vlan.id", 100, 200),
            item().with("vlan.id", 200, 100),
            item().with("vlan.id", 0),
            item().with("vlan.id", 5, 0));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "vlan.id == 100",                      f, t, t, t, f, f },
            { "vlan.id eq 200",                      f, f, t, t, f, f },
            { "vlan.id != 100",                      t, f, f, f, t, t },
            { "vlan.id ne 200",                      t, t, f, f, t, t },
            { "not vlan.id == 100",                  t, f, f, f, t, t },
            { "vlan.id > 150",                       f, f, t, t, f, f },
            { "vlan.id < 150",                       f, t, t, t, t, t },
            { "vlan.id >= 0",                        f, t, t, t, t, t },
            { "vlan.id in {150..250}",               f, f, t, t, f, f },
            { "vlan.id in {0, 5}",                   f, f, f, f, t, t },
            { "vlan.id in 100",                      f, t, t, t, f, f },
            { "vlan.id",                             f, t, t, t, f, t },
            { "not vlan.id",                         t, f, f, f, t, f },
            // Each test looks at every occurrence on its own, as in Wireshark: a stack with
            // 100 and 200 satisfies both, although no single tag equals both.
            { "vlan.id == 100 and vlan.id == 200",   f, f, t, t, f, f },
            { "vlan.id == 100 and vlan.id != 200",   f, t, f, f, f, f },
            { "vlan.id > 150 and vlan.id < 150",     f, f, t, t, f, f },
        });
    }

    @Test
    void mplsLabelStacks()
    {
        final List<TestItem> items = List.of(
            item(),
            item().with("mpls.label", 16),
            item().with("mpls.label", 0, 1048575),
            item().with("mpls.label", 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 299));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "mpls.label",                          f, t, t, t },
            { "mpls.label == 1048575",               f, f, t, f },
            { "mpls.label == 0xFFFFF",               f, f, t, f },
            { "mpls.label in {16, 299}",             f, t, f, t },
            { "mpls.label != 3",                     t, t, t, f },
            { "mpls.label < 1",                      f, f, t, f },
        });
    }

    @Test
    void textComparesExactlyAndHostNamesIgnoreAsciiCase()
    {
        final List<TestItem> items = List.of(
            item(),
            item().with("dns.qry.name", "example.com"),
            item().with("dns.qry.name", "ExAmPlE.CoM"),
            item().with("dns.qry.name", ""),
            item().with("dns.qry.name", "www.example.com"),
            item().with("dns.qry.name", "exämple.com"));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "dns.qry.name == \"example.com\"",                  f, t, t, f, f, f },
            { "dns.qry.name == \"EXAMPLE.com\"",                  f, t, t, f, f, f },
            { "dns.qry.name != \"example.com\"",                  f, f, f, t, t, t },
            { "not dns.qry.name == \"example.com\"",              t, f, f, t, t, t },
            { "dns.qry.name in {\"a.example\", \"Example.COM\"}", f, t, t, f, f, f },
            { "dns.qry.name in \"www.example.com\"",              f, f, f, f, t, f },
            { "dns.qry.name == \"\"",                             f, f, f, t, f, f },
            { "dns.qry.name != \"\"",                             f, t, t, f, t, t },
            { "dns.qry.name",                                     f, t, t, f, t, t },
            { "not dns.qry.name",                                 t, f, f, t, f, f },
            // Only ASCII folds: 'Ä' and 'ä' stay different, as DNS defines it.
            { "dns.qry.name == \"exÄmple.com\"",                  f, f, f, f, f, f },
            { "dns.qry.name == \"exämple.com\"",                  f, f, f, f, f, t },
        });
    }

    @Test
    void keywordsAndOtherTextCompareExactly()
    {
        // The decoder writes tunnel types in lower case; a value in another case is not one of them.
        final List<TestItem> items = List.of(
            item(),
            item().with("tunnel.type", "vxlan"),
            item().with("tunnel.type", "VXLAN"),
            item().with("tunnel.type", "gtp"));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "tunnel.type == \"vxlan\"",             f, t, f, f },
            { "tunnel.type in {\"gtp\", \"vxlan\"}",  f, t, f, t },
            { "tunnel.type != \"gtp\"",               f, t, t, f },
            { "tunnel.type",                          f, t, t, t },
        });
    }

    @Test
    void textOperatorsLowerAndLen()
    {
        // Host names compare ignoring ASCII case, so their literals are folded; lower(...) ignores case on any field.
        final List<TestItem> names = List.of(
            item(),
            item().with("dns.qry.name", "example.com"),
            item().with("dns.qry.name", "ExAmPlE.CoM"),
            item().with("dns.qry.name", ""),
            item().with("dns.qry.name", "www.example.com"),
            item().with("dns.qry.name", "mail.example.org"));
        final boolean t = true;
        final boolean f = false;
        table(names, new Object[][]{
            { "dns.qry.name contains \"example\"",                     f, t, t, f, t, t },
            { "dns.qry.name contains \"EXAMPLE\"",                     f, t, t, f, t, t },
            { "dns.qry.name startswith \"www.\"",                      f, f, f, f, t, f },
            { "dns.qry.name endswith \".com\"",                        f, t, t, f, t, f },
            { "dns.qry.name endswith \"\"",                            f, t, t, t, t, t },
            { "not dns.qry.name contains \"example\"",                 t, f, f, t, f, f },
            { "dns.qry.name contains \"example\" and not dns.qry.name endswith \".org\"", f, t, t, f, t, f },
            { "len(dns.qry.name) == 11",                                f, t, t, f, f, f },
            { "len(dns.qry.name) > 11",                                 f, f, f, f, t, t },
            { "len(dns.qry.name) eq 0",                                 f, f, f, t, f, f },
            { "len(dns.qry.name) != 11",                                f, f, f, t, t, t },
            { "lower(dns.qry.name) == \"example.com\"",                f, t, t, f, f, f },
            { "lower(dns.qry.name) != \"example.com\"",                f, f, f, t, t, t },
        });

        // Keywords compare exactly, unless lowered.
        final List<TestItem> tunnels = List.of(
            item(),
            item().with("tunnel.type", "vxlan"),
            item().with("tunnel.type", "VXLAN"),
            item().with("tunnel.type", "gtp"));
        table(tunnels, new Object[][]{
            { "tunnel.type startswith \"vx\"",                         f, t, f, f },
            { "lower(tunnel.type) startswith \"vx\"",                  f, t, t, f },
            { "lower(tunnel.type) == \"vxlan\"",                       f, t, t, f },
            { "lower(tunnel.type) contains \"la\" or tunnel.type endswith \"tp\"", f, t, t, t },
        });
    }

    @Test
    void textOperatorsReportMisuseWhereItIs()
    {
        assertOnlyError("dns.qry.name contains example", 23,
            "expected text in double quotes after 'contains', found 'example'", "write \"example\"");
        assertOnlyError("ip.ttl contains \"1\"", 1,
            "'contains' applies to text fields; 'ip.ttl' is an integer field", "compare it with ==, <, > or 'in'");
        assertOnlyError("ip.src startswith \"10.\"", 1,
            "'startswith' applies to text fields; 'ip.src' is an address field", "compare it with == or 'in'");
        assertOnlyError("lower(dns.qry.name) == \"Example.com\"", 24,
            "lower(dns.qry.name) has no upper-case letters, so \"Example.com\" never matches", "write \"example.com\"");
        assertOnlyError("lower(dns.qry.name) > \"a\"", 21,
            "expected ==, !=, contains, startswith, endswith or matches after 'lower(dns.qry.name)', found '>'", null);
        assertOnlyError("len(dns.qry.name) > \"3\"", 21,
            "expected a length (an integer) after '>', found the text \"3\"", null);
        assertOnlyError("len(ip.ttl) >= 3", 5, "len(...) applies to text fields; 'ip.ttl' is an integer field",
            "compare it with ==, <, > or 'in'");
        assertOnlyError("lower(dns.qry.name", 19, "expected ')' after the field of 'lower(', found the end of the condition",
            "lower takes one field, e.g. 'lower(dns.qry.name)'");
        assertOnlyError("contains \"x\"", 1, "expected a field name before 'contains'", null);
        assertOnlyError("dns.qry.nam contains \"x\"", 1, "unknown field 'dns.qry.nam'", "did you mean 'dns.qry.name'?");
    }

    @Test
    void matchesOperator()
    {
        final List<TestItem> messages = List.of(
            item(),
            item().with("syslog.msg", "Failed password for invalid user admin from 203.0.113.9 port 2222 ssh2"),
            item().with("syslog.msg", "Accepted publickey for deploy from 10.1.2.3 port 50022 ssh2"),
            item().with("syslog.msg", ""),
            item().with("syslog.msg", "FAILED PASSWORD FOR root"),
            item().with("syslog.msg", "a \"quoted\" \\path"));
        final boolean t = true;
        final boolean f = false;
        table(messages, new Object[][]{
            { "syslog.msg matches \"Failed password for (invalid user )?\\w+\"",          f, t, f, f, f, f },
            { "syslog.msg matches \"(\\d{1,3}\\.){3}\\d{1,3}\"",                       f, t, t, f, f, f },
            { "syslog.msg matches \"^Accepted\"",                                       f, f, t, f, f, f },
            { "syslog.msg matches \"ssh2$\"",                                           f, t, t, f, f, f },
            { "syslog.msg matches \"\"",                                                f, t, t, t, t, t },
            { "syslog.msg matches \"^$\"",                                              f, f, f, t, f, f },
            { "not syslog.msg matches \"port [0-9]+\"",                                 t, f, f, t, t, t },
            { "lower(syslog.msg) matches \"failed password\"",                          f, t, f, f, t, f },
            { "lower(syslog.msg) matches \"^[^0-9]*$\"",                                f, f, f, t, t, t },
            { "syslog.msg matches \"\\\"quoted\\\" \\\\path\"",                           f, f, f, f, f, t },
            { "syslog.msg matches \"[\\\"]\" and syslog.msg matches \"a.*?h\"",            f, f, f, f, f, t },
        });

        // Host names compare ignoring ASCII case: the expression's letters too.
        final List<TestItem> names = List.of(
            item(),
            item().with("dns.qry.name", "WWW.Example.COM"),
            item().with("dns.qry.name", "mail.example.org"));
        table(names, new Object[][]{
            { "dns.qry.name matches \"^www\\.example\\.com$\"",                       f, t, f },
            { "dns.qry.name matches \"EXAMPLE\\.(COM|ORG)$\"",                         f, t, t },
            { "dns.qry.name matches \"^[^M]\"",                                          f, t, f },
        });

        // The literal prints back as written, backslashes and all.
        assertEquals("syslog.msg matches \"\\d+\\.log\\\"\"", parse("syslog.msg matches \"\\d+\\.log\\\"\"").toString());
        assertEquals("not lower(syslog.msg) matches \"^x\"", parse("not lower(syslog.msg) matches \"^x\"").toString());
    }

    @Test
    void matchesReportsErrorsAtTheirColumnInsideTheLiteral()
    {
        assertOnlyError("syslog.msg matches \"a(b\"", 22, "'(' is never closed", "add ')', or write \\( for a parenthesis");
        assertOnlyError("syslog.msg matches \"x{1001}\"", 23, "repetition count 1001 is above 1000",
            "use at most {1000}, or + or {m,} where any number will do");
        assertOnlyError("syslog.msg matches \"(a)\\1\"", 24, "backreferences are not supported",
            "matching never backtracks; nothing is captured");
        assertOnlyError("syslog.msg matches \"foo(?!bar)\"", 24, "lookaround is not supported",
            "matching runs in linear time without backtracking; combine conditions with 'and' / 'not' instead");
        assertOnlyError("lower(syslog.msg) matches \"^Root\"", 29, "lower(...) has no upper-case letters, so 'R' never matches",
            "write 'r'");
        assertOnlyError("syslog.msg matches \"abc", 20, "regular expression is never closed", "end it with '\"'");
        assertOnlyError("syslog.msg matches abc", 20, "expected text in double quotes after 'matches', found 'abc'", "write \"abc\"");
        assertOnlyError("ip.ttl matches \"1\"", 1, "'matches' applies to text fields; 'ip.ttl' is an integer field",
            "compare it with ==, <, > or 'in'");
        assertOnlyError("matches \"x\"", 1, "expected a field name before 'matches'", null);
        assertOnlyError("syslog.msg matches \"a\tb\"", 22, "control character U+0009 in a regular expression",
            "write \\t, \\n or \\xHH");
    }

    private static void assertOnlyError(final String text, final int column, final String message, final String hint)
    {
        final Diagnostics diagnostics = new Diagnostics("t");
        assertNull(ConditionParser.parse(text, FieldCatalogue.standard(), at -> new SourcePosition(1, at + 1), diagnostics),
            text);
        assertEquals(1, diagnostics.sorted().size(), () -> text + " -> " + diagnostics.sorted());
        final Diagnostic error = diagnostics.sorted().getFirst();
        assertEquals(message, error.message(), text);
        assertEquals(column, error.column(), text);
        assertEquals(hint, error.hint(), text);
    }

    @Test
    void escapesInTextValues()
    {
        final List<TestItem> items = List.of(
            item().with("tls.sni", "a\"b"),
            item().with("tls.sni", "a\\b"),
            item().with("tls.sni", "a b"));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "tls.sni == \"a\\\"b\"",                t, f, f },
            { "tls.sni == \"A\\\"B\"",                t, f, f },
            { "tls.sni == \"a\\\\b\"",                f, t, f },
            { "tls.sni in {\"a b\", \"a\\\\b\"}",     f, t, t },
        });
        assertEquals("tls.sni == \"a\\\"b\"", parse("tls.sni == \"A\\\"B\"").toString());
    }

    @Test
    void aliasesOverInnerFields()
    {
        final List<TestItem> items = List.of(
            item(),
            item().with("inner.ip.src", "10.1.2.3").with("inner.ip.dst", "192.0.2.1")
                .with("inner.tcp.srcport", 443).with("inner.tcp.dstport", 50000),
            item().with("inner.ip.src", "192.0.2.1").with("inner.ip.dst", "10.1.2.3")
                .with("inner.udp.srcport", 2152).with("inner.udp.dstport", 2152),
            item().with("ip.src", "10.1.2.3").with("ip.dst", "10.1.2.4").with("tcp.srcport", 443).with("tcp.dstport", 1));
        final boolean t = true;
        final boolean f = false;
        table(items, new Object[][]{
            { "inner.ip.addr == 10.0.0.0/8",           f, t, t, f },
            { "inner.ip.addr in {10.1.2.3, ::1}",      f, t, t, f },
            { "inner.ip.addr != 10.1.2.3",             t, f, f, t },
            { "inner.ip.addr != 192.0.2.2",            t, t, t, t },
            { "inner.tcp.port == 443",                 f, t, f, f },
            { "inner.tcp.port != 443",                 t, f, t, t },
            { "inner.udp.port in {2152}",              f, f, t, f },
            { "inner.udp.port > 2000",                 f, f, t, f },
            { "ip.addr == 10.0.0.0/8",                 f, f, f, t },
            { "tcp.port == 443 or inner.tcp.port == 443", f, t, f, t },
        });
    }

    @Test
    void printsBackCanonically()
    {
        assertEquals("not vlan.id == 100", parse("vlan.id != 100").toString());
        assertEquals("vlan.id in {100, 200..300}", parse("vlan.id in {300..200 100}".replace("300..200", "200..300")).toString());
        assertEquals("dns.qry.name == \"example.com\"", parse("dns.qry.name == \"Example.COM\"").toString());
        assertEquals("tunnel.type in {\"gre\", \"vxlan\"}", parse("tunnel.type in {\"vxlan\" \"gre\" \"vxlan\"}").toString());
        assertEquals("tunnel.type == \"gre\"", parse("tunnel.type in {\"gre\"}").toString());
        assertEquals(
            "not (inner.ip.src == 10.0.0.1 or inner.ip.dst == 10.0.0.1)",
            parse("inner.ip.addr != 10.0.0.1").toString());
        assertEquals("tls.sni and not dns.qry.name", parse("tls.sni && !dns.qry.name").toString());
    }

    @Test
    void expansionsCountTowardsTheNestingLimit()
    {
        // Found by fuzzing: 64 nots around an alias parsed, but printed as 'not ... (a or b)',
        // one level deeper than the parser accepts. Each printed form must parse again.
        assertPrintsBackWithin("!".repeat(63) + "udp.port");
        assertTooDeep("!".repeat(64) + "udp.port", 64, "'udp.port' expands to 1 more level (udp.srcport or udp.dstport)");
        assertPrintsBackWithin("not ".repeat(63) + "vlan.id != 1");
        assertTooDeep("not ".repeat(64) + "vlan.id != 1", 256, "'vlan.id' expands to 1 more level (not vlan.id == 1)");
        assertPrintsBackWithin("(".repeat(62) + "tcp.port != 80" + ")".repeat(62));
        assertTooDeep("(".repeat(63) + "tcp.port != 80" + ")".repeat(63), 63,
            "'tcp.port' expands to 2 more levels (not (tcp.srcport == 80 or tcp.dstport == 80))");
        assertPrintsBackWithin("!".repeat(63) + "inner.ip.addr in {10.0.0.0/8, ::1}");
    }

    private static void assertPrintsBackWithin(final String text)
    {
        final Condition condition = parse(text);
        assertEquals(condition.toString(), parse(condition.toString()).toString(), text);
    }

    private static void assertTooDeep(final String text, final int offset, final String hint)
    {
        final Diagnostics diagnostics = new Diagnostics("deep");
        assertNull(ConditionParser.parse(
            text, FieldCatalogue.standard(), at -> new SourcePosition(1, at + 1), diagnostics));
        final Diagnostic error = diagnostics.sorted().getFirst();
        assertEquals("deep:1:" + (offset + 1) + ": error: condition is nested more than 64 levels deep", error.toString().lines().findFirst().orElseThrow());
        assertEquals(hint, error.hint());
    }

    @Test
    void largeTextSets()
    {
        final StringBuilder set = new StringBuilder("dns.qry.name in {");
        for (int i = 0; i < 500; i++)
        {
            set.append("\"host").append(i).append(".example\" ");
        }
        final Condition condition = parse(set.append('}').toString());
        for (int i = 0; i < 500; i += 7)
        {
            assertEquals(true, condition.test(item().with("dns.qry.name", "HOST" + i + ".example")), "host" + i);
        }
        assertEquals(false, condition.test(item().with("dns.qry.name", "host500.example")));
        assertEquals(false, condition.test(item().with("dns.qry.name", "host1.example.")));
        assertEquals(false, condition.test(item().with("dns.qry.name", "")));
    }

    @Test
    void twoTextFieldsThroughOneFlyweight()
    {
        // TestItem returns one reused view: the second read re-points it, so a condition that
        // kept the first value instead of comparing it at once would fail here.
        final TestItem both = item().with("dns.qry.name", "a.example").with("tls.sni", "b.example");
        assertEquals(true, parse("dns.qry.name == \"a.example\" and tls.sni == \"b.example\"").test(both));
        assertEquals(false, parse("dns.qry.name == \"b.example\" or tls.sni == \"a.example\"").test(both));
        assertEquals(true, parse("tls.sni in {\"b.example\"} and dns.qry.name in {\"a.example\", \"c\"}").test(both));
    }
}
