package dev.sluice.policy.compile;

import com.sun.management.ThreadMXBean;
import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-rule index on a block list shaped like the benchmark's (ports, aliases, prefixes,
 * sets, flag bits, a VLAN, text tests): it applies, it leaves no rule a candidate for every item
 * (aliases included), and the generated code allocates nothing per item, at 100 rules (candidate
 * words kept in locals while fields are read) and at 1,000 (words formed one at a time).
 */
class CrossRuleIndexTest
{
    private static final long SEED = Long.getLong("sluice.test.seed", 0x1D5EEDL);
    private static final int ITEMS = 100_000;
    private static final int DISTINCT_ITEMS = 64;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void blockListIsIndexedAndAllocatesNothing()
    {
        for (final int rules : new int[]{ 100, 1000 })
        {
            final Policy policy = blockList(rules);
            final Condition[] conditions = policy.rules().stream().map(r -> r.condition()).toArray(Condition[]::new);
            final CrossRuleIndex index = CrossRuleIndex.plan(conditions);
            assertNotNull(index, rules + " rules: not indexed");
            for (int r = 0; r < rules; r++)
            {
                final int rule = r;
                assertTrue(0 != (index.clearable()[r >>> 6] & (1L << r)), () -> "rule " + rule + " is a candidate for every item: " +
                    conditions[rule]);
            }
            assertTrue(policy.isCompiled(), policy.compileNote());

            final TestItem[] items = items(new SplittableRandom(SEED));
            int matched = 0;
            for (final TestItem item : items)
            {
                final int expected = policy.firstMatchInterpreted(item);
                assertEquals(expected, policy.firstMatch(item), () -> "seed " + SEED + ", " + rules + " rules");
                matched += expected >= 0 ? 1 : 0;
            }
            assertTrue(matched > 0 && matched < items.length, "seed " + SEED + ": " + matched + " of " + items.length + " match");

            final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
            long checksum = 0;
            for (int i = 0; i < 5; i++)
            {
                checksum += run(policy, items);
            }
            // One-off allocations while the JIT settles are not per item: a few rounds; one per item would be megabytes.
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 5 && 0 != allocated; round++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                checksum += run(policy, items);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0L, allocated, rules + " rules: bytes allocated over " + ITEMS + " items");
            assertTrue(checksum != 0);
        }
    }

    private static long run(final Policy policy, final TestItem[] items)
    {
        long checksum = 0;
        for (int i = 0; i < ITEMS; i++)
        {
            checksum += policy.firstMatch(items[i & (DISTINCT_ITEMS - 1)]) + 2;
        }
        return checksum;
    }

    /** Web, DNS, VLAN-tagged and IPv6 items, some of which meet the rules (ports and addresses from the rules' own ranges). */
    private static TestItem[] items(final SplittableRandom random)
    {
        final TestItem[] items = new TestItem[DISTINCT_ITEMS];
        for (int i = 0; i < items.length; i++)
        {
            final TestItem item = TestItem.item();
            final int k = random.nextInt(1000);
            switch (i % 4)
            {
                case 0 -> item.with("ip.proto", 6).with("ip.src", "172." + (16 + k % 16) + "." + (k % 256) + ".9")
                    .with("ip.dst", "198.51.100.7").with("tcp.srcport", 40_000 + k).with("tcp.dstport", random.nextBoolean() ? 443 : 1000 + k)
                    .with("tcp.flags", random.nextBoolean() ? 0x002 : 0x012);
                case 1 -> item.with("ip.proto", 17).with("ip.src", "192.0.2." + (k % 256)).with("ip.dst", "198.18." + (k % 256) + ".1")
                    .with("udp.srcport", 7000 + k).with("udp.dstport", 53).with("dns.qry.name", "ads" + k + ".tracker.example");
                case 2 -> item.with("ip.proto", 6).with("ip.src", "2001:db8::1").with("ip.dst", "2001:db8:ff" + (k % 100) + "::1")
                    .with("tcp.srcport", 5000 + k).with("tcp.dstport", 80).with("tcp.flags", 0x010)
                    .with("tls.sni", "www.blocked" + k + ".example");
                default -> item.with("ip.proto", 132).with("ip.src", "10.0.0.1").with("ip.dst", "10.0.0.2").with("sctp.dstport", k)
                    .with("vlan.id", 200 + k % 3000, 7);
            }
            items[i] = item;
        }
        return items;
    }

    /** The benchmark's block list ({@code PolicyMatchBenchmark.policyText}, mix {@code all}). */
    private static Policy blockList(final int count)
    {
        final StringBuilder out = new StringBuilder("sluice-policy: 1\nname: block\nmatch: first\ndefault: keep\nrules:\n");
        for (int k = 0; k < count - 1; k++)
        {
            final String condition = switch (k % 10)
            {
                case 0 -> "tcp.dstport == " + (1000 + k) + " and ip.src in 172." + (16 + k % 16) + "." + (k % 256) + ".0/24";
                case 1 -> "udp.dstport in {" + (2000 + k) + ", " + (3000 + k) + "}";
                case 2 -> "ip.dst in {198.18." + (k % 256) + ".0/24, 2001:db8:ff" + (k % 100) + "::/48}";
                case 3 -> "tcp.port == " + (5000 + k);
                case 4 -> "ip.proto == 132 and sctp.dstport == " + k;
                case 5 -> "tls.sni endswith \".blocked" + k + ".example\"";
                case 6 -> "tcp.flags.syn and not tcp.flags.ack and tcp.dstport == " + (6000 + k);
                case 7 -> "vlan.id == " + (200 + k % 3000);
                case 8 -> "dns.qry.name == \"ads" + k + ".tracker.example\"";
                default -> "ip.src == 192.0.2." + (k % 256) + " and udp.srcport == " + (7000 + k);
            };
            out.append("  - name: r").append(k).append("\n    when: '").append(condition).append("'\n    then: drop\n");
        }
        out.append("  - name: syn-443\n    when: 'tcp.dstport == 443 and tcp.flags.syn and not tcp.flags.ack'\n    then: drop\n");
        final PolicyParseResult result = PolicyParser.parse("block.yaml", out.toString());
        return result.policy().orElseThrow(() -> new AssertionError(result.toString()));
    }
}
