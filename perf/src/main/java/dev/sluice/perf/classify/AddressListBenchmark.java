package dev.sluice.perf.classify;

import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.AddressSet;
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

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one {@code ip.src in $list} membership test ({@link AddressSet#contains}) against a
 * named list of {@code size} prefixes, nine in ten IPv4 and one in ten IPv6, lengths shaped like
 * a routing table (IPv4 mostly /24 and /16../23, IPv6 mostly /48 and /32../64).
 * {@code lookup=SORTED_RANGES} is the baseline, binary search over the merged ranges;
 * {@code lookup=TRIE} is the compressed trie. Each invocation looks up {@value #LOOKUPS}
 * addresses of one family ({@code family}), half drawn from a random prefix of the list (hits),
 * half uniformly random (mostly misses), in an order the branch predictor cannot learn.
 * Run: {@code perf/run-jmh.sh AddressListBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AddressListBenchmark
{
    static final int LOOKUPS = 4096;

    @Param({ "10", "100", "10000", "100000" })
    public int size;

    @Param({ "4", "6" })
    public int family;

    @Param({ "SORTED_RANGES", "TRIE" })
    public String lookup;

    private AddressSet set;
    private final long[] highs = new long[LOOKUPS];
    private final long[] lows = new long[LOOKUPS];
    private int version;

    @Setup
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(20261127L);
        final List<AddressPrefix> prefixes = prefixes(random, size);
        set = AddressSet.of(prefixes, AddressSet.Lookup.valueOf(lookup));
        version = family;

        final ArrayList<AddressPrefix> ofFamily = new ArrayList<>();
        for (final AddressPrefix prefix : prefixes)
        {
            if (prefix.version() == family)
            {
                ofFamily.add(prefix);
            }
        }
        for (int i = 0; i < LOOKUPS; i++)
        {
            if (0 == (i & 1))
            {
                final AddressPrefix prefix = ofFamily.get(random.nextInt(ofFamily.size()));
                highs[i] = prefix.high() | (random.nextLong() & ~prefix.maskHigh() & (4 == family ? 0L : -1L));
                lows[i] = prefix.low() | (random.nextLong() & ~prefix.maskLow() & (4 == family ? 0xFFFF_FFFFL : -1L));
            }
            else
            {
                highs[i] = 4 == family ? 0L : 0x2000_0000_0000_0000L | (random.nextLong() >>> 3);
                lows[i] = 4 == family ? random.nextLong() & 0xFFFF_FFFFL : random.nextLong();
            }
        }
    }

    /**
     * @return prefixes shaped like a routing table: 90% IPv4, 10% IPv6 (at least one of each).
     */
    public static List<AddressPrefix> prefixes(final SplittableRandom random, final int count)
    {
        final ArrayList<AddressPrefix> prefixes = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            if (i % 10 == 9 || 1 == i)
            {
                final int roll = random.nextInt(100);
                final int length = roll < 50 ? 48 : roll < 80 ? 32 + random.nextInt(16) : 49 + random.nextInt(16);
                final long high = 0x2000_0000_0000_0000L | (random.nextLong() >>> 3);
                prefixes.add(new AddressPrefix(6, high, 0, length));
            }
            else
            {
                final int roll = random.nextInt(100);
                final int length = roll < 60 ? 24 : roll < 90 ? 16 + random.nextInt(8) : 25 + random.nextInt(8);
                prefixes.add(new AddressPrefix(4, 0, random.nextLong() & 0xFFFF_FFFFL, length));
            }
        }
        return prefixes;
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public int contains()
    {
        final AddressSet set = this.set;
        final long[] highs = this.highs;
        final long[] lows = this.lows;
        final int version = this.version;
        int hits = 0;
        for (int i = 0; i < LOOKUPS; i++)
        {
            if (set.contains(version, highs[i], lows[i]))
            {
                hits++;
            }
        }
        return hits;
    }
}
