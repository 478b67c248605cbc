package dev.sluice.policy.condition;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import static dev.sluice.policy.field.TestItem.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionEvaluationTest
{
    static Condition parse(final String text)
    {
        final Diagnostics diagnostics = new Diagnostics("test");
        final Condition condition = ConditionParser.parse(
            text, FieldCatalogue.standard(), offset -> new SourcePosition(1, offset + 1), diagnostics);
        assertFalse(diagnostics.hasErrors(), () -> text + " -> " + diagnostics.sorted());
        assertNotNull(condition);
        return condition;
    }

    private static void holds(final String text, final TestItem item)
    {
        assertTrue(parse(text).test(item), text);
    }

    private static void fails(final String text, final TestItem item)
    {
        assertFalse(parse(text).test(item), text);
    }

    private static TestItem tcp(final String src, final int srcPort, final String dst, final int dstPort)
    {
        return item()
            .with("ip.version", src.contains(":") ? 6 : 4)
            .with("ip.src", src).with("ip.dst", dst)
            .with("ip.proto", 6).with("ip.ttl", 64)
            .with("tcp.srcport", srcPort).with("tcp.dstport", dstPort).with("tcp.flags", 0x12);
    }

    private static TestItem udp(final String src, final int srcPort, final String dst, final int dstPort)
    {
        return item()
            .with("ip.version", src.contains(":") ? 6 : 4)
            .with("ip.src", src).with("ip.dst", dst)
            .with("ip.proto", 17)
            .with("udp.srcport", srcPort).with("udp.dstport", dstPort);
    }

    @Test
    void integerComparisons()
    {
        final TestItem web = tcp("10.0.0.1", 40000, "192.0.2.7", 443);
        holds("tcp.dstport == 443", web);
        holds("tcp.dstport eq 443", web);
        fails("tcp.dstport != 443", web);
        holds("tcp.dstport != 80", web);
        holds("tcp.dstport < 444", web);
        fails("tcp.dstport < 443", web);
        holds("tcp.dstport <= 443", web);
        holds("tcp.dstport > 442", web);
        fails("tcp.dstport > 443", web);
        holds("tcp.dstport >= 443", web);
        holds("tcp.dstport ge 443 && tcp.dstport le 443", web);
        holds("tcp.dstport == 0x1bb", web);
        holds("tcp.dstport == 0X1BB", web);
        holds("ip.proto == 6", web);
    }

    @Test
    void comparisonOnAbsentFieldIsFalseEvenForNotEqual()
    {
        final TestItem dns = udp("10.0.0.1", 5353, "10.0.0.2", 53);
        fails("tcp.dstport == 80", dns);
        fails("tcp.dstport != 80", dns);
        fails("tcp.dstport < 65535", dns);
        fails("tcp.dstport in {0..65535}", dns);
        holds("not tcp.dstport == 80", dns);
        holds("!(tcp.dstport == 80)", dns);
        fails("vlan.id >= 0", dns);
        fails("ip.src != 10.0.0.9", item());
    }

    @Test
    void bareIntegerFieldMeansPresentAndNonZero()
    {
        final TestItem synAck = tcp("10.0.0.1", 1, "10.0.0.2", 2).with("tcp.flags", 0x12);
        holds("tcp.flags.syn", synAck);
        holds("tcp.flags.ack", synAck);
        fails("tcp.flags.fin", synAck);
        fails("tcp.flags.rst", synAck);
        holds("tcp.flags.syn and not tcp.flags.fin", synAck);
        holds("tcp.flags.syn == 1 and tcp.flags.fin == 0", synAck);
        holds("tcp.flags == 0x12", synAck);
        holds("tcp.flags.rst == 0", synAck);

        final TestItem rst = item().with("tcp.flags", 0x04);
        holds("tcp.flags.rst", rst);
        fails("tcp.flags.syn", rst);

        final TestItem notTcp = udp("10.0.0.1", 1, "10.0.0.2", 2);
        fails("tcp.flags.syn", notTcp);
        fails("tcp.flags.syn == 0", notTcp);
        holds("not tcp.flags.syn", notTcp);
        fails("vlan.id", notTcp);
        holds("vlan.id", item().with("vlan.id", 7));
        fails("vlan.id", item().with("vlan.id", 0));
    }

    @Test
    void aliasesMatchEitherDirection()
    {
        final TestItem query = udp("10.0.0.1", 33000, "10.0.0.53", 53);
        final TestItem answer = udp("10.0.0.53", 53, "10.0.0.1", 33000);
        final TestItem other = udp("10.0.0.1", 1000, "10.0.0.2", 2000);
        holds("udp.port == 53", query);
        holds("udp.port == 53", answer);
        fails("udp.port == 53", other);
        holds("udp.port in {53, 5353}", answer);
        holds("udp.port > 30000", query);
        holds("udp.port < 100", query);

        // alias != v is not (alias == v): false when either side equals v.
        fails("udp.port != 53", query);
        holds("udp.port != 53", other);
        // ... and true when neither field exists, unlike a base field's !=.
        holds("tcp.port != 80", query);
        fails("tcp.dstport != 80", query);

        holds("ip.addr == 10.0.0.53", query);
        holds("ip.addr == 10.0.0.53", answer);
        fails("ip.addr == 10.0.0.54", answer);
        fails("ip.addr != 10.0.0.53", answer);
        holds("ip.addr != 10.0.0.99", answer);
        holds("ip.addr in 10.0.0.0/24", answer);
        holds("ip.addr in {192.0.2.0/24, 10.0.0.53}", answer);
        holds("tcp.port == 443", tcp("10.0.0.1", 443, "10.0.0.2", 50000));
    }

    @Test
    void sets()
    {
        final String web = "tcp.dstport in {80, 443, 8000..8080}";
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 80));
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 443));
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 8000));
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 8042));
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 8080));
        fails(web, tcp("10.0.0.1", 1, "10.0.0.2", 7999));
        fails(web, tcp("10.0.0.1", 1, "10.0.0.2", 8081));
        fails(web, tcp("10.0.0.1", 1, "10.0.0.2", 81));
        holds("tcp.dstport in {80 443}", tcp("10.0.0.1", 1, "10.0.0.2", 443));
        holds("tcp.dstport in 8000..8080", tcp("10.0.0.1", 1, "10.0.0.2", 8001));
        holds("tcp.dstport in {0x50}", tcp("10.0.0.1", 1, "10.0.0.2", 80));

        // Many ranges: the bitset and binary-search paths.
        final StringBuilder many = new StringBuilder("tcp.dstport in {");
        final StringBuilder big = new StringBuilder("frame.len in {");
        for (int i = 0; i < 40; i++)
        {
            many.append(i * 100).append("..").append(i * 100 + 9).append(", ");
            big.append(i * 100_000_000L).append("..").append(i * 100_000_000L + 9).append(", ");
        }
        many.append("65535}");
        big.append("4294967295}");
        for (final int port : new int[]{ 0, 9, 100, 109, 3905, 65535 })
        {
            holds(many.toString(), tcp("10.0.0.1", 1, "10.0.0.2", port));
        }
        for (final int port : new int[]{ 10, 99, 110, 3910, 4000, 65534 })
        {
            fails(many.toString(), tcp("10.0.0.1", 1, "10.0.0.2", port));
        }
        holds(big.toString(), item().with("frame.len", 3_900_000_005L));
        holds(big.toString(), item().with("frame.len", 4294967295L));
        fails(big.toString(), item().with("frame.len", 3_900_000_010L));
        fails(big.toString(), item().with("frame.len", 10));
    }

    @Test
    void ipv4Prefixes()
    {
        final TestItem a = tcp("192.0.2.77", 1, "198.51.100.1", 2);
        holds("ip.src == 192.0.2.77", a);
        holds("ip.src == 192.0.2.77/32", a);
        fails("ip.src == 192.0.2.78/32", a);
        holds("ip.src == 192.0.2.0/24", a);
        holds("ip.src in 192.0.2.0/24", a);
        fails("ip.src != 192.0.2.0/24", a);
        holds("ip.src != 192.0.3.0/24", a);
        holds("ip.src == 0.0.0.0/0", a);
        holds("ip.src == 128.0.0.0/1", a);
        fails("ip.src == 0.0.0.0/1", a);
        holds("ip.src in {10.0.0.0/8, 192.0.2.64/26}", a);
        fails("ip.src in {10.0.0.0/8, 192.0.2.0/26}", a);
        holds("ip.dst == 198.51.100.1", a);

        final TestItem edges = item().with("ip.src", "255.255.255.255").with("ip.dst", "0.0.0.0");
        holds("ip.src == 255.255.255.255", edges);
        holds("ip.src in {255.255.255.0/24}", edges);
        holds("ip.dst == 0.0.0.0", edges);
        holds("ip.dst == 0.0.0.0/32", edges);
        fails("ip.dst == 0.0.0.1", edges);
        holds("ip.src in {0.0.0.0/0}", edges);
    }

    @Test
    void ipv6PrefixesAndFamilies()
    {
        final TestItem a = tcp("2001:db8:0:1::42", 1, "fe80::1", 2);
        holds("ip.src == 2001:db8:0:1::42", a);
        holds("ip.src == 2001:db8:0:1:0:0:0:42/128", a);
        fails("ip.src == 2001:db8:0:1::43/128", a);
        holds("ip.src == 2001:db8::/32", a);
        holds("ip.src == 2001:db8:0:1::/64", a);
        fails("ip.src == 2001:db8:0:2::/64", a);
        holds("ip.src == 2001:db8:0:1::40/126", a);
        fails("ip.src == 2001:db8:0:1::40/127", a);
        holds("ip.src == ::/0", a);
        holds("ip.dst == fe80::/10", a);
        holds("ip.src in {10.0.0.0/8, 2001:db8::/32}", a);
        fails("ip.src in {10.0.0.0/8, 2001:db9::/32}", a);

        // An IPv4 prefix never matches an IPv6 address, even /0, and vice versa.
        fails("ip.src == 0.0.0.0/0", a);
        holds("ip.src != 0.0.0.0/0", a);
        fails("ip.src == ::/0", tcp("10.0.0.1", 1, "10.0.0.2", 2));
        fails("ip.src == ::ffff:10.0.0.1", tcp("10.0.0.1", 1, "10.0.0.2", 2));
        holds("ip.src == ::ffff:10.0.0.1", item().with("ip.src", "::ffff:a00:1"));

        final TestItem top = item().with("ip.src", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").with("ip.dst", "::");
        holds("ip.src == ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", top);
        holds("ip.src in {ffff::/16}", top);
        holds("ip.src in {::/0}", top);
        holds("ip.dst == ::", top);
        holds("ip.dst in {::/128, 1::/16}", top);
        fails("ip.dst in {::1, 1::/16}", top);
    }

    @Test
    void mixedFamilySetsWithManyMembers()
    {
        final StringBuilder set = new StringBuilder("ip.src in {");
        for (int i = 0; i < 30; i++)
        {
            set.append("10.").append(i * 2).append(".0.0/16, ");
            set.append("2001:db8:").append(Integer.toHexString(i * 2)).append("::/48, ");
        }
        set.append("192.0.2.1}");
        final String text = set.toString();
        holds(text, item().with("ip.src", "10.4.200.1"));
        fails(text, item().with("ip.src", "10.5.0.1"));
        holds(text, item().with("ip.src", "192.0.2.1"));
        fails(text, item().with("ip.src", "192.0.2.2"));
        holds(text, item().with("ip.src", "2001:db8:3a:ffff::1"));
        fails(text, item().with("ip.src", "2001:db8:3b::1"));
        fails(text, item().with("ip.src", "2001:db8:3c::"));
        fails(text, item().with("ip.dst", "10.4.200.1"));
    }

    @Test
    void booleanStructureAndPrecedence()
    {
        final TestItem dns = udp("10.0.0.1", 33000, "10.0.0.53", 53);
        // not > and > or
        holds("udp.dstport == 53 or tcp.dstport == 80 and ip.proto == 6", dns);
        fails("(udp.dstport == 53 or tcp.dstport == 80) and ip.proto == 6", dns);
        holds("not udp.dstport == 54 and udp.dstport == 53", dns);
        fails("not (udp.dstport == 53 and ip.proto == 17)", dns);
        holds("not not udp.dstport == 53", dns);
        holds("udp.dstport == 53 || false", dns);
        fails("udp.dstport == 53 && false", dns);
        holds("true", dns);
        fails("false", dns);
        holds("!false", dns);

        final TestItem lab = item().with("vlan.id", 150).with("ip.proto", 17);
        final String labRule = "vlan.id >= 100 and vlan.id < 200 and (ip.proto == 6 or ip.proto == 17)";
        holds(labRule, lab);
        fails(labRule, item().with("vlan.id", 200).with("ip.proto", 17));
        fails(labRule, item().with("vlan.id", 150).with("ip.proto", 1));
        fails(labRule, item().with("ip.proto", 6));
    }

    @Test
    void exampleWebRule()
    {
        final String web = "tcp.dstport in {80, 443, 8000..8080} and not ip.src in {192.0.2.0/24, 2001:db8::/32}";
        holds(web, tcp("10.0.0.1", 1, "10.0.0.2", 443));
        fails(web, tcp("192.0.2.9", 1, "10.0.0.2", 443));
        fails(web, tcp("2001:db8::9", 1, "2001:db8::2", 443));
        holds(web, tcp("2001:db9::9", 1, "2001:db8::2", 8080));
        fails(web, udp("10.0.0.1", 1, "10.0.0.2", 443));
    }

    @Test
    void constantsFold()
    {
        assertSame(ConstantCondition.TRUE, parse("true"));
        assertSame(ConstantCondition.TRUE, parse("tcp.port == 1 or true"));
        assertSame(ConstantCondition.TRUE, parse("not false"));
        assertSame(ConstantCondition.FALSE, parse("tcp.port == 1 and false"));
        assertSame(ConstantCondition.FALSE, parse("not (true or vlan.id == 3)"));
        assertEquals("vlan.id == 3", parse("true and vlan.id == 3").toString());
    }

    @Test
    void printsBackInPolicySyntax()
    {
        assertEquals(
            "udp.srcport == 53 or udp.dstport == 53",
            parse("udp.port == 53").toString());
        assertEquals(
            "not (ip.src == 10.0.0.1 or ip.dst == 10.0.0.1)",
            parse("ip.addr != 10.0.0.1").toString());
        assertEquals(
            "tcp.dstport in {80, 443, 8000..8080} and not ip.src in {192.0.2.0/24, 2001:db8::/32}",
            parse("tcp.dstport in {8000..8080, 443, 80, 8001} && !ip.src in {2001:db8::/32, 192.0.2.0/24}").toString());
        assertEquals(
            "(vlan.id == 1 or vlan.id == 2) and tcp.flags.syn",
            parse("(vlan.id == 1 || vlan.id == 2) && tcp.flags.syn").toString());
        assertEquals("ip.src == 10.0.0.0/8", parse("ip.src in {10.0.0.0/8}").toString());
        assertEquals("ip.dst == 2001:db8::1", parse("ip.dst == 2001:0db8:0:0:0:0:0:1").toString());
    }
}
