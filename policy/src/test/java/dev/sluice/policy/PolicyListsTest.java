package dev.sluice.policy;

import com.sun.management.ThreadMXBean;
import dev.sluice.policy.condition.AddressInSet;
import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.Addresses;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.OrCondition;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sluice.policy.PolicyErrorsTest.HEADER;
import static dev.sluice.policy.PolicyErrorsTest.lines;
import static dev.sluice.policy.Policies.parseOk;
import static dev.sluice.policy.field.TestItem.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Named lists: declared under {@code lists:}, referenced as {@code $name}, checked against the
 * fields they are used with, printed back as references, and large (100,000 prefixes).
 */
class PolicyListsTest
{
    private static final String LISTS = lines(
        "lists:",
        "  internal-nets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fd00::/8]",
        "  admin-ports: [22, 3389, 8000-8100]",
        "  noisy-programs:",
        "    - \"cron\"",
        "    - 'systemd'",
        "  resolvers: [\"DNS.Example\", \"b.example\"]");

    private static String withLists(final String lists, final String... rules)
    {
        final StringBuilder out = new StringBuilder(HEADER).append(lists).append("rules:\n");
        for (int i = 0; i < rules.length; i++)
        {
            out.append("  - name: r").append(i).append("\n    when: ").append(rules[i]).append("\n    then: drop\n");
        }
        return out.toString();
    }

    @Test
    void listsAreReferencedMatchedAndPrintedBack()
    {
        final Policy policy = parseOk(withLists(
            LISTS,
            "ip.src in $internal-nets and tcp.dstport in $admin-ports",
            "tcp.dstport in {$admin-ports, 443, 80}",
            "syslog.appname in $noisy-programs",
            "dns.qry.name in $resolvers",
            "ip.addr in {$internal-nets}"));
        assertEquals(4, policy.lists().size());
        assertEquals(
            List.of("ip.src in $internal-nets and tcp.dstport in $admin-ports", "tcp.dstport in {$admin-ports, 80, 443}",
                "syslog.appname in $noisy-programs", "dns.qry.name in $resolvers",
                "ip.src in $internal-nets or ip.dst in $internal-nets"),
            policy.rules().stream().map(rule -> rule.condition().toString()).toList());

        assertEquals(0, policy.firstMatch(item().with("ip.src", "10.1.2.3").with("tcp.dstport", 8050)));
        assertEquals(1, policy.firstMatch(item().with("ip.src", "8.8.8.8").with("tcp.dstport", 22)));
        assertEquals(1, policy.firstMatch(item().with("tcp.dstport", 443)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("tcp.dstport", 444)));
        assertEquals(2, policy.firstMatch(item().with("syslog.appname", "systemd")));
        assertEquals(3, policy.firstMatch(item().with("dns.qry.name", "dns.EXAMPLE")));
        assertEquals(4, policy.firstMatch(item().with("ip.dst", "fd12::1")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("ip.dst", "fe80::1")));

        // Every rule that names a list alone shares the list's one set.
        final Condition both = policy.rules().get(4).condition();
        final OrCondition or = (OrCondition)both;
        assertSame(((AddressInSet)or.operands().get(0)).set(), ((AddressInSet)or.operands().get(1)).set());

        final String described = policy.describe();
        assertTrue(described.contains(lines(
            "lists:",
            "  internal-nets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fd00::/8]",
            "  admin-ports: [22, 3389, 8000..8100]",
            "  noisy-programs: [\"cron\", \"systemd\"]",
            "  resolvers: [\"DNS.Example\", \"b.example\"]")), described);
        assertEquals(described, parseOk(described).describe());
    }

    @Test
    void quotedIpv6AddressesThatYamlCannotReadPlainAreAddresses()
    {
        final Policy policy = parseOk(withLists(lines("lists:", "  v6: ['::1', \"2001:db8::\", fd00::/8, \"::/128\"]"), "ip.src in $v6"));
        assertEquals(0, policy.firstMatch(item().with("ip.src", "::1")));
        assertEquals(0, policy.firstMatch(item().with("ip.src", "2001:db8::")));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(item().with("ip.src", "2001:db8::1")));
        final String described = policy.describe();
        assertTrue(described.contains("  v6: [\"::\", \"::1\", \"2001:db8::\", fd00::/8]\n"), described);
        assertEquals(described, parseOk(described).describe());
    }

    @Test
    void aListInADynamicFieldTypesIt()
    {
        final Policy policy = parseOk(withLists(LISTS, "json.client in $internal-nets"));
        assertEquals(FieldType.ADDRESS, policy.catalogue().byName("json.client").type());
        assertEquals("json.client in $internal-nets", policy.rules().getFirst().condition().toString());
    }

    static Stream<Arguments> invalidLists()
    {
        final String lists = lines("lists:", "  nets: [10.0.0.0/8]", "  ports: [22, 70000]", "  hosts: [\"a.example.\"]");
        return Stream.of(
            arguments("unknown list", withLists(lists, "ip.src in $net"), "11:21", "unknown list '$net'", "did you mean '$nets'?"),
            arguments("no lists at all", withLists("", "ip.src in $nets"), "7:21", "unknown list '$nets'",
                "declare it under 'lists:' at the top of the policy, e.g. 'lists: {nets: [10.0.0.0/8]}'"),
            arguments("type mismatch", withLists(lists, "tcp.port in $nets"), "11:23",
                "'tcp.port' is an integer field but list $nets holds addresses (declared at line 6)", "lists of integers: $ports"),
            arguments("member out of range", withLists(lists, "tcp.port in $ports"), "11:23",
                "in list $ports (line 7, column 15): 70000 is out of range for 'tcp.port' (0..65535)", null),
            arguments("host name member", withLists(lists, "dns.qry.name in $hosts"), "11:27",
                "in list $hosts (line 8, column 12): 'dns.qry.name' is written without the trailing dot", "write \"a.example\""),
            arguments("list with ==", withLists(lists, "ip.src == $nets"), "11:21", "a list is matched with 'in', not '=='",
                "write 'ip.src in $nets'"),
            arguments("list with !=", withLists(lists, "ip.src != $nets"), "11:21", "a list is matched with 'in', not '!='",
                "write 'not ip.src in $nets'"),
            arguments("bad reference", withLists(lists, "ip.src in $1x"), "11:21", "invalid list name '$1x'", null),
            arguments("dollar alone", withLists(lists, "ip.src in $ or true"), "11:21", "expected a list name after '$'", null),
            arguments("mixed list", withLists(lines("lists:", "  m: [10.0.0.0/8, 22]"), "ip.src in $m"), "6:19",
                "list 'm' holds addresses (its first element is at line 6, column 7), but this is an integer", null),
            arguments("text among addresses", withLists(lines("lists:", "  m: [10.0.0.0/8, \"cron\"]"), "ip.src in $m"), "6:20",
                "list 'm' holds addresses", "a list holds one kind of value; write addresses and numbers without quotes"),
            arguments("empty list", withLists(lines("lists:", "  m: []"), "ip.src in $m"), "6:3", "list 'm' is empty", null),
            arguments("null list", withLists(lines("lists:", "  m:"), "ip.src in $m"), "6:3", "list 'm' is empty", null),
            arguments("bad list name", withLists(lines("lists:", "  9lives: [1]"), "true"), "6:3", "invalid list name '9lives'", null),
            arguments("duplicate list name", withLists(lines("lists:", "  m: [1]", "  m: [2]"), "tcp.port in $m"), "7:3",
                "duplicate key 'm' (first at 6:3)", null),
            arguments("unquoted text", withLists(lines("lists:", "  m: [cron]"), "true"), "6:7", "expected a value, found 'cron'",
                "text values are written in double quotes: \"cron\""),
            arguments("bad number", withLists(lines("lists:", "  m: [080]"), "true"), "6:7", "leading zero", null),
            arguments("reversed range", withLists(lines("lists:", "  m: [90-80]"), "true"), "6:7", "range 90..80 is empty", null),
            arguments("nested list", withLists(lines("lists:", "  m: [[1]]"), "true"), "6:7", "a list element must be a value", null),
            arguments("not a list", withLists(lines("lists:", "  m: 10.0.0.0/8"), "true"), "6:6", "list 'm' must be a list", null),
            arguments("lists not a mapping", withLists(lines("lists: [a]"), "true"), "5:8", "'lists' must be a mapping", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidLists")
    void reportsListErrorsAtExactPositions(
        final String title, final String document, final String position, final String fragment, final String hint)
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", document);
        assertTrue(result.hasErrors(), title);
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
    void aBrokenListIsReportedOnceNotAtEveryUse()
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml",
            withLists(lines("lists:", "  m: [10.0.0.0/8, 22]"), "ip.src in $m", "ip.dst in $m"));
        assertEquals(1, result.diagnostics().size(), result::toString);
    }

    @Test
    void warnsOfAnUnusedList()
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", withLists(LISTS, "ip.src in $internal-nets"));
        assertFalse(result.hasErrors(), result::toString);
        assertEquals(
            List.of("p.yaml:7:3: warning: list 'admin-ports' is never used",
                "p.yaml:8:3: warning: list 'noisy-programs' is never used",
                "p.yaml:11:3: warning: list 'resolvers' is never used"),
            result.diagnostics().stream().map(d -> d.toString().lines().findFirst().orElseThrow()).toList());
        assertEquals("reference it in a condition, e.g. 'tcp.dstport in $admin-ports', or remove it", result.diagnostics().getFirst().hint());
    }

    /**
     * 100,000 prefixes (nine in ten IPv4), one a line: parsed, validated and built (the time is
     * printed, not asserted: the machine is shared), matched like the reference, and printed back.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aListOfOneHundredThousandPrefixes()
    {
        final long seed = 100_000L;
        final SplittableRandom random = new SplittableRandom(seed);
        final AddressPrefix[] prefixes = new AddressPrefix[100_000];
        final StringBuilder document = new StringBuilder(HEADER).append("lists:\n  big:\n");
        for (int i = 0; i < prefixes.length; i++)
        {
            prefixes[i] = i % 10 == 9 ?
                new AddressPrefix(6, 0x2000_0000_0000_0000L | (random.nextLong() >>> 3), 0, 32 + random.nextInt(33)) :
                new AddressPrefix(4, 0, random.nextLong() & 0xFFFF_FFFFL, 16 + random.nextInt(17));
            document.append("    - ").append(prefixes[i]).append('\n');
        }
        document.append("rules:\n  - name: big\n    when: ip.src in $big\n    then: drop\n");
        final String text = document.toString();

        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long start = System.nanoTime();
        final long startCpu = threads.getCurrentThreadCpuTime();
        final PolicyParseResult result = PolicyParser.parse("big.yaml", text);
        System.out.println("100,000-prefix list (" + text.length() / 1024 + " KiB): parsed, validated and built in " +
            (System.nanoTime() - start) / 1_000_000 + " ms (" + (threads.getCurrentThreadCpuTime() - startCpu) / 1_000_000 +
            " ms of this thread's CPU), cold");
        assertFalse(result.hasErrors(), () -> result.diagnostics().stream().limit(5).toList().toString());
        final Policy policy = result.policy().orElseThrow();
        assertEquals("ip.src in $big", policy.rules().getFirst().condition().toString());

        final TestItem item = item();
        for (int i = 0; i < 2_000; i++)
        {
            final AddressPrefix target = prefixes[random.nextInt(prefixes.length)];
            final boolean inside = random.nextBoolean();
            final long high = inside ? target.high() | (random.nextLong() & ~target.maskHigh() & (4 == target.version() ? 0 : -1L)) :
                (4 == target.version() ? 0 : random.nextLong());
            final long low = inside ? target.low() | (random.nextLong() & ~target.maskLow() & (4 == target.version() ? 0xFFFF_FFFFL : -1L)) :
                random.nextLong() & (4 == target.version() ? 0xFFFF_FFFFL : -1L);
            boolean expected = false;
            for (final AddressPrefix prefix : prefixes)
            {
                expected |= prefix.contains(target.version(), high, low);
            }
            item.with("ip.src", Addresses.format(target.version(), high, low));
            final boolean actual = 0 == policy.firstMatch(item);
            assertEquals(expected, actual, () -> "seed " + seed + ": " + Addresses.format(target.version(), high, low));
        }

        final String described = policy.describe();
        assertEquals(described, parseOk(described).describe());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void matchingAListDoesNotAllocate()
    {
        final StringBuilder nets = new StringBuilder("lists:\n  nets:\n");
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 5_000; i++)
        {
            nets.append("    - ").append(new AddressPrefix(4, 0, random.nextLong() & 0xFFFF_FFFFL, 24)).append('\n');
        }
        nets.append("    - 2001:db8::/32\n    - fd00::/8\n");
        nets.append("  ports: [22, 3389, 8000-8100]\n  programs: [\"cron\", \"systemd\"]\n");
        final Policy policy = parseOk(withLists(nets.toString(),
            "ip.addr in $nets and tcp.dstport in $ports", "syslog.appname in $programs", "ip.src in {$nets, 192.0.2.0/24}"));
        final TestItem[] items = new TestItem[64];
        for (int i = 0; i < items.length; i++)
        {
            items[i] = item()
                .with("ip.src", 0 == (i & 1) ? Addresses.format(4, 0, random.nextLong() & 0xFFFF_FFFFL) : "2001:db8::" + i)
                .with("tcp.dstport", i % 3 == 0 ? 22 : 443)
                .with("syslog.appname", i % 5 == 0 ? "cron" : "sshd");
        }

        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long checksum = 0;
        for (int i = 0; i < 5; i++)
        {
            checksum += run(policy, items);
        }
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && 0 != allocated; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            checksum += run(policy, items);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0L, allocated, "bytes allocated over 100,000 items");
        assertTrue(checksum != 0);
    }

    private static long run(final Policy policy, final TestItem[] items)
    {
        long checksum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            checksum += policy.firstMatch(items[i & 63]) + 2;
        }
        return checksum;
    }
}
