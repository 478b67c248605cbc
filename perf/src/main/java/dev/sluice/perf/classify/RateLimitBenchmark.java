package dev.sluice.perf.classify;

import dev.sluice.dataplane.classify.limit.RateLimitPlan;
import dev.sluice.dataplane.classify.limit.RateLimiter;
import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost per item of a {@code rate-limit} decision ({@link RateLimiter#admit}): hash the key fields
 * read through a {@link FieldReader}, find or place the key's bucket in its rule's table, take a
 * token. {@code keys=1} is a rule without keys (one bucket); 1,000 keys fit the default table of
 * 4,096; 100,000 keys overflow it, so stale buckets give way all along. Items arrive 1 µs apart
 * in a seeded random key order, at 1,000/s per key over the limit of 100/s when keys=1,000.
 * {@code sample} is the baseline measured in the same run: the {@code sample 1/N} decision over
 * the same items (a per-rule count), what a rule pays today to forward a share of its items.
 * Run: {@code perf/run-jmh.sh RateLimitBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RateLimitBenchmark
{
    static final int ITEMS = 4096;

    @Param({ "1", "1000", "100000" })
    public int keys;

    private final RateLimiter limiter = new RateLimiter();
    private final Item item = new Item();
    private final long[] sources = new long[ITEMS];
    private int slot;
    private long nowNs = 1_700_000_000_000_000_000L;
    private long matches;

    @Setup
    public void setUp()
    {
        final String then = 1 == keys ? "rate-limit 100000/s" : "rate-limit 100/s by ip.src";
        final PolicyParseResult result = PolicyParser.parse("bench.yaml", """
            sluice-policy: 1
            name: bench
            match: first
            default: keep
            rules:
              - name: limited
                when: true
                then: %s
            """.formatted(then));
        final Policy policy = result.policy().orElseThrow(() -> new IllegalStateException(result.toString()));
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        slot = 0;
        final SplittableRandom random = new SplittableRandom(20261127L);
        for (int i = 0; i < ITEMS; i++)
        {
            sources[i] = 0x0A00_0000L + random.nextInt(keys);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long rateLimit()
    {
        long passed = 0;
        final Item item = this.item;
        for (int i = 0; i < ITEMS; i++)
        {
            item.source = sources[i];
            nowNs += 1_000;
            passed += limiter.admit(slot, item, nowNs) ? 1 : 0;
        }
        return passed;
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long sample()
    {
        long passed = 0;
        final Item item = this.item;
        for (int i = 0; i < ITEMS; i++)
        {
            item.source = sources[i];
            nowNs += 1_000;
            passed += matches++ % 10 == 0 ? item.source & 1 : 0;
        }
        return passed;
    }

    /** An item with one field, ip.src. */
    static final class Item implements FieldReader
    {
        long source;

        @Override
        public boolean isPresent(final int fieldId)
        {
            return PacketFields.IP_SRC == fieldId;
        }

        @Override
        public int occurrences(final int fieldId)
        {
            return PacketFields.IP_SRC == fieldId ? 1 : 0;
        }

        @Override
        public long integer(final int fieldId, final int occurrence)
        {
            return 0;
        }

        @Override
        public CharSequence text(final int fieldId)
        {
            return "";
        }

        @Override
        public int addressVersion(final int fieldId)
        {
            return 4;
        }

        @Override
        public long addressHigh(final int fieldId)
        {
            return 0;
        }

        @Override
        public long addressLow(final int fieldId)
        {
            return source;
        }
    }
}
