package dev.sluice.policy;

import com.sun.management.ThreadMXBean;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConditionParser;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static dev.sluice.policy.Policies.parseOk;
import static dev.sluice.policy.Policies.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-item path ({@link Policy#firstMatch} in generated code, {@link Policy#actionsFor},
 * residency decisions) must not allocate once warmed up, including conditions on text fields (read through the
 * reader's flyweight, compared and hashed in place) and on repeated fields.
 */
class PolicyAllocationTest
{
    private static final int ITEMS = 100_000;
    private static final int DISTINCT_ITEMS = 64;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void firstMatchDoesNotAllocate()
    {
        assertNoAllocation(parseOk(resource("all-features.yaml")));
    }

    /** The same rules under match: all: the first forwarding rule, and every rule with modifiers tested apart. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void matchAllDoesNotAllocate()
    {
        final Policy policy = parseOk(resource("all-features.yaml").replace("match: first", "match: all"));
        assertTrue(policy.modifierRuleCount() > 0);
        assertNoAllocation(policy);
    }

    private static void assertNoAllocation(final Policy policy)
    {
        assertTrue(policy.isCompiled(), policy.compileNote());
        final TestItem[] items = items();
        final int[] matches = new int[policy.ruleCount() + 1];
        for (final TestItem item : items)
        {
            matches[policy.firstMatch(item) + 1]++;
            assertEquals(policy.firstMatchInterpreted(item), policy.firstMatch(item));
        }
        for (final String rule : new String[]{ "named-hosts", "stacks", "tunnels", "odd-names" })
        {
            final int index = policy.rules().stream().filter(r -> r.name().equals(rule)).findFirst().orElseThrow().index();
            final boolean modifies = 0 != Arrays.stream(items).mapToLong(policy::modifierMatches).reduce(0, (a, b) -> a | b);
            assertTrue(matches[index + 1] > 0 || (MatchMode.ALL == policy.matchMode() && modifies),
                () -> "no item reaches rule " + rule);
        }
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());

        long checksum = 0;
        for (int i = 0; i < 5; i++)
        {
            checksum += run(policy, items, ITEMS);
        }

        // One-off allocations while the JIT settles (class init, deoptimisation) are not per item:
        // retry a few rounds; an allocation per item would cost megabytes in every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && 0 != allocated; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            checksum += run(policy, items, ITEMS);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertEquals(0L, allocated, "bytes allocated over " + ITEMS + " items");
        assertTrue(checksum != 0);
    }

    /**
     * Regular expressions: through the DFA, through the NFA simulation (an expression whose DFA
     * passes the state cap), on lower(...) and on a host name; the NFA's per-thread scratch is
     * made on this thread's first test, before the measured rounds.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void regexConditionsDoNotAllocate()
    {
        final String[] texts = {
            "Failed password for invalid user admin from 203.0.113.9 port 2222 ssh2",
            "Accepted publickey for deploy from 10.1.2.3 port 50022 ssh2",
            "pam_unix(cron:session): session opened for user root by (uid=0)",
            "abababababababababababababababababbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        };
        final Condition[] conditions = {
            condition("syslog.msg matches \"Failed password for (invalid user )?\\w+ from (\\d{1,3}\\.){3}\\d{1,3}\""),
            condition("not lower(syslog.msg) matches \"session (opened|closed) for user [a-z_][a-z0-9_-]*\""),
            condition("syslog.msg matches \"(a|b)*a(a|b){16}\""),
            condition("syslog.hostname matches \"^gw[0-9]+$\" or dns.qry.name matches \"EXAMPLE\\.com$\""),
        };
        final TestItem[] items = new TestItem[texts.length * 2];
        for (int i = 0; i < texts.length; i++)
        {
            items[2 * i] = TestItem.item().with("syslog.msg", texts[i]).with("syslog.hostname", "gw" + i);
            items[2 * i + 1] = TestItem.item().with("syslog.msg", texts[i].toUpperCase()).with("dns.qry.name", "www.Example.COM");
        }
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long checksum = runRegexes(conditions, items, ITEMS);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && 0 != allocated; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            checksum += runRegexes(conditions, items, ITEMS);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0L, allocated, "bytes allocated over " + ITEMS + " regex tests");
        assertTrue(checksum != 0);
    }

    private static Condition condition(final String text)
    {
        final Diagnostics diagnostics = new Diagnostics("t");
        final Condition condition = ConditionParser.parse(text, FieldCatalogue.standard(), at -> new SourcePosition(1, at + 1), diagnostics);
        assertTrue(null != condition, () -> text + " -> " + diagnostics.sorted());
        return condition;
    }

    private static long runRegexes(final Condition[] conditions, final TestItem[] items, final int count)
    {
        long checksum = 0;
        for (int i = 0; i < count; i++)
        {
            checksum += conditions[i & 3].test(items[(i >>> 2) % items.length]) ? i : 1;
        }
        return checksum;
    }

    private static long run(final Policy policy, final TestItem[] items, final int count)
    {
        long checksum = 0;
        for (int i = 0; i < count; i++)
        {
            final TestItem item = items[i & (DISTINCT_ITEMS - 1)];
            final int rule = policy.firstMatch(item);
            final RuleActions actions = policy.actionsFor(rule);
            checksum += policy.modifierMatches(item);
            checksum += rule + actions.sampleDenominator() + actions.payloadBytes() + actions.payloadAction().ordinal() +
                (actions.anonymizeFields().contains(PacketFields.INNER_IP_SRC) ? 1 : 0) + actions.anonymizeFields().nextId(0);
            checksum += policy.residency().decide("pii.ip", (i & 1) == 0 ? "eu-west" : "us-east", "us-east").kind().ordinal();
        }
        return checksum;
    }

    private static TestItem[] items()
    {
        final TestItem[] items = new TestItem[DISTINCT_ITEMS];
        for (int i = 0; i < DISTINCT_ITEMS; i++)
        {
            final TestItem item = new TestItem();
            item.setInteger(PacketFields.FRAME_LEN, 60 + i * 23);
            item.setInteger(PacketFields.FRAME_CAP_LEN, 60 + i * 23);
            item.setInteger(PacketFields.ETH_TYPE, 0 == (i & 1) ? 0x0800 : 0x86dd);
            if (0 == i % 3)
            {
                item.setInteger(PacketFields.VLAN_ID, 90 + i * 3);
            }
            else if (1 == i % 3)
            {
                item.setIntegers(PacketFields.VLAN_ID, 100, 4000 + i);
                item.setIntegers(PacketFields.MPLS_LABEL, 3, 16 + i, 2000);
            }
            final boolean v6 = 0 != (i & 1);
            item.setInteger(PacketFields.IP_VERSION, v6 ? 6 : 4);
            if (v6)
            {
                item.setAddress(PacketFields.IP_SRC, 6, 0x2001_0db8_0000_0000L + (i & 4), i);
                item.setAddress(PacketFields.IP_DST, 6, 0xfe80_0000_0000_0000L, 1);
            }
            else
            {
                item.setAddress(PacketFields.IP_SRC, 4, 0, 0xC000_0200L + i);
                item.setAddress(PacketFields.IP_DST, 4, 0, 0x0A00_0000L + i * 7);
            }
            item.setInteger(PacketFields.IP_TTL, i & 3);
            switch (i % 4)
            {
                case 0 ->
                {
                    item.setInteger(PacketFields.IP_PROTO, 6);
                    item.setInteger(PacketFields.TCP_SRCPORT, 40000 + i);
                    item.setInteger(PacketFields.TCP_DSTPORT, new int[]{ 80, 443, 8042, 22, 9000, 3000 }[i % 6]);
                    item.setInteger(PacketFields.TCP_FLAGS, i & 0x1F);
                }
                case 1 ->
                {
                    item.setInteger(PacketFields.IP_PROTO, 17);
                    item.setInteger(PacketFields.UDP_SRCPORT, 0 == (i & 2) ? 53 : 123);
                    item.setInteger(PacketFields.UDP_DSTPORT, 30000 + i);
                    item.setText(PacketFields.DNS_QRY_NAME, new String[]{ "EXAMPLE.com", "tracker.example", "other.example" }[i % 3]);
                    item.setInteger(PacketFields.DNS_QRY_TYPE, 1);
                }
                case 2 ->
                {
                    item.setInteger(PacketFields.IP_PROTO, 1);
                    item.setInteger(PacketFields.ICMP_TYPE, i % 12);
                    item.setInteger(PacketFields.ICMP_CODE, i % 20);
                }
                default ->
                {
                    item.setInteger(PacketFields.IP_PROTO, 47);
                    item.setInteger(PacketFields.TUNNEL_DEPTH, 1);
                    item.setText(PacketFields.TUNNEL_TYPE, 0 == (i & 4) ? "gtp" : "gre");
                    item.setInteger(PacketFields.GTP_TEID, i);
                    item.setInteger(PacketFields.INNER_IP_VERSION, 4);
                    item.setAddress(PacketFields.INNER_IP_SRC, 4, 0, 0x0A01_0000L + i);
                    item.setAddress(PacketFields.INNER_IP_DST, 4, 0, 0xC633_6401L);
                    item.setInteger(PacketFields.INNER_IP_PROTO, 6);
                    item.setInteger(PacketFields.INNER_TCP_SRCPORT, 40000 + i);
                    item.setInteger(PacketFields.INNER_TCP_DSTPORT, 443);
                }
            }
            if (1 == i % 4 && 0 != (i & 8))
            {
                item.setText(PacketFields.TLS_SNI, 0 == (i & 16) ? "api.example.net" : "www.example.org");
                item.setInteger(PacketFields.IP_FLAGS, 2);
                item.setInteger(PacketFields.SCTP_SRCPORT, 2905);
                item.setInteger(PacketFields.SCTP_DSTPORT, 2905);
            }
            items[i] = item;
        }
        return items;
    }
}
