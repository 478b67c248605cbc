package dev.sluice.perf.classify;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.classify.BurstFieldReader;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.compile.RuleCompiler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link Policy#firstMatch} per packet, compiled (generated code in a hidden class) against
 * interpreted (the condition trees), for policies of 1, 10, 100 and 1,000 rules.
 * <p>
 * Items are the demo capture's packets ({@link DemoTraffic}: web TCP to 443 and 80, DNS, NTP,
 * ICMP, some VLAN-tagged and IPv6), decoded once in setup and read through the dataplane's own
 * {@link BurstFieldReader}, as the classify stage reads them. The rules are shaped like an edge
 * site's block list (the config/policies packs, scaled up): port and protocol tests, address
 * prefixes and sets, TCP flag bits, a VLAN, and one rule in five a text test (TLS server name,
 * DNS name). Almost no packet matches a rule until the last, which catches TCP SYNs to 443; the
 * rest fall to the default. That is the worst case for first match: every rule is tried.
 * <p>
 * {@code mode=interpreted} parses the policy with {@code sluice.policy.compile=false};
 * {@code mode=noindex} with {@code sluice.policy.index=false} (generated code without the cross-rule index).
 * Run: {@code perf/run-jmh.sh PolicyMatchBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PolicyMatchBenchmark
{
    static final int ITEMS = 2_048;
    private static final int BURST = 256;
    private static final int CAPTURE_PACKETS = 4_096;
    private static final long SEED = 7;

    @Param({"1", "10", "100", "1000"})
    public int rules;

    /**
     * {@code compiled}: generated code with the cross-rule index; {@code noindex}: generated code
     * without it ({@code sluice.policy.index=false}, the matcher before the index); {@code interpreted}.
     */
    @Param({"compiled", "noindex", "interpreted"})
    public String mode;

    /**
     * {@code burst}: the dataplane's {@link BurstFieldReader} over the decoded burst.
     * {@code array}: packets' fields copied once into {@link ArrayItem}s, whose reads the JIT
     * inlines: the cost of matching apart from the reader (256 of the packets, cycled).
     */
    @Param({"burst", "array"})
    public String reader;

    /**
     * {@code all}: one rule in five tests a text field (TLS server name, DNS name).
     * {@code headers}: those rules test header fields instead (ports, ICMP type): the block list
     * of a firewall, where no rule reads a text field.
     */
    @Param({"all", "headers"})
    public String mix;

    private Path directory;
    private CaptureFileSource source;
    private Policy policy;
    private final BurstFieldReader burstReader = new BurstFieldReader();
    /**
     * An {@link ArrayItem} spends about 8 KiB on arrays indexed by field id, so 2,048 of them
     * would measure cache misses: every eighth packet's copy, 256 of them (2 MiB), cycled.
     */
    private static final int ARRAY_ITEMS = 256;
    private final ArrayItem[] arrayItems = new ArrayItem[ARRAY_ITEMS];
    private final PacketBurst[] itemBurst = new PacketBurst[ITEMS];
    private final int[] itemIndex = new int[ITEMS];

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final boolean compiled = !"interpreted".equals(mode);
        System.setProperty(RuleCompiler.COMPILE_PROP_NAME, Boolean.toString(compiled));
        System.setProperty(RuleCompiler.INDEX_PROP_NAME, Boolean.toString(!"noindex".equals(mode)));
        final PolicyParseResult result = PolicyParser.parse("benchmark.yaml", policyText(rules, "headers".equals(mix)));
        policy = result.policy().orElseThrow(() -> new IllegalStateException(result.toString()));
        if (policy.isCompiled() != compiled)
        {
            throw new IllegalStateException("wanted " + mode + ", got: " + policy.compileNote());
        }

        directory = Files.createTempDirectory("sluice-policy-benchmark");
        final Path capture = directory.resolve("demo.pcap");
        DemoTraffic.write(capture, CAPTURE_PACKETS, SEED);
        source = CaptureFileSource.open(capture);
        final PacketDecoder decoder = new PacketDecoder();
        final List<PacketBurst> bursts = new ArrayList<>();
        int items = 0;
        while (items < ITEMS)
        {
            final PacketBurst burst = new PacketBurst(BURST, 1);
            if (0 == source.poll(burst))
            {
                throw new IllegalStateException("capture too short: " + items + " items");
            }
            decoder.decode(burst);
            bursts.add(burst);
            for (int i = 0; i < burst.count() && items < ITEMS; i++)
            {
                if (Verdict.PENDING == burst.verdict[i])
                {
                    itemBurst[items] = burst;
                    itemIndex[items] = i;
                    items++;
                }
            }
        }

        final int[] matches = new int[policy.ruleCount() + 1];
        for (int i = 0; i < ITEMS; i++)
        {
            final int rule = policy.firstMatch(burstReader.select(itemBurst[i], itemIndex[i]));
            if (0 == i % (ITEMS / ARRAY_ITEMS))
            {
                final ArrayItem copy = new ArrayItem(policy.catalogue(), burstReader.select(itemBurst[i], itemIndex[i]));
                arrayItems[i / (ITEMS / ARRAY_ITEMS)] = copy;
                if (rule != policy.firstMatch(copy))
                {
                    throw new IllegalStateException("the array copy of item " + i + " matches another rule");
                }
            }
            if (rule != policy.firstMatchInterpreted(burstReader.select(itemBurst[i], itemIndex[i])))
            {
                throw new IllegalStateException("compiled and interpreted disagree on item " + i);
            }
            matches[rule + 1]++;
        }
        System.out.printf("%n%d rules, %s (%s), %s reader: %d of %d items fall to the default, %d match the last rule%n",
            rules, mode, policy.compileNote(), reader, matches[0], ITEMS, matches[policy.ruleCount()]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        source.close();
        try (var files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(directory);
        System.clearProperty(RuleCompiler.COMPILE_PROP_NAME);
        System.clearProperty(RuleCompiler.INDEX_PROP_NAME);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long firstMatch()
    {
        final Policy policy = this.policy;
        long sum = 0;
        if ("burst".equals(reader))
        {
            final BurstFieldReader reader = burstReader;
            for (int i = 0; i < ITEMS; i++)
            {
                sum += policy.firstMatch(reader.select(itemBurst[i], itemIndex[i]));
            }
        }
        else
        {
            final ArrayItem[] items = arrayItems;
            for (int i = 0; i < ITEMS; i++)
            {
                sum += policy.firstMatch(items[i & (ARRAY_ITEMS - 1)]);
            }
        }
        return sum;
    }

    /**
     * A block list of {@code count} rules, none of which the demo traffic meets except the last
     * (TCP SYN to 443).
     */
    static String policyText(final int count, final boolean headersOnly)
    {
        final StringBuilder out = new StringBuilder(256 + 96 * count);
        out.append("sluice-policy: 1\nname: benchmark\nmatch: first\ndefault: keep\nrules:\n");
        for (int k = 0; k < count - 1; k++)
        {
            out.append("  - name: r").append(k).append("\n    when: '").append(condition(k, headersOnly)).append("'\n    then: drop\n");
        }
        out.append("  - name: syn-443\n    when: 'tcp.dstport == 443 and tcp.flags.syn and not tcp.flags.ack'\n    then: drop\n");
        return out.toString();
    }

    private static String condition(final int k, final boolean headersOnly)
    {
        if (headersOnly && (5 == k % 10 || 8 == k % 10))
        {
            return 5 == k % 10 ? "udp.srcport == " + (8000 + k) : "icmp.type == 42 and icmp.code == " + (k % 256);
        }
        return switch (k % 10)
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
    }
}
