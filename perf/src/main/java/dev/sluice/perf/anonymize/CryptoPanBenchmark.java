package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Crypto-PAn throughput, one address per operation: {@link CryptoPan} (one Cipher call per
 * address) with and without its caches, against per-bit baselines run in the same JVM so results
 * read as ratios; JMH benchmark threads only (each has its own state).
 * <p>
 * Workloads, each a stream of 65,536 addresses cycled in order:
 * <ul>
 *   <li>{@code uniform}: every address random; the caches (almost) never hit and only cost;</li>
 *   <li>{@code subnets}: 64 /24 (IPv4) or /64 (IPv6) prefixes with random hosts, like the
 *   site-local side of a gateway: prefix hits, few address hits;</li>
 *   <li>{@code hosts}: 256 distinct random addresses in random order, like the packets of a few
 *   hundred active flows: mostly address hits.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoPanBenchmark
{
    /** The key of the original Crypto-PAn sample.cpp: public, and the one the test vectors use. */
    static final byte[] REFERENCE_KEY =
        HexFormat.of().parseHex("1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202");

    private static final int ADDRESSES = 1 << 16;
    private static final int ADDRESS_MASK = ADDRESSES - 1;
    private static final int SUBNETS = 64;
    private static final int HOSTS = 256;
    private static final long SEED = 0x51CE_C0FFEEL;

    /** Addresses cycled through by every benchmark. */
    @State(Scope.Thread)
    public static class Workload
    {
        @Param({ "uniform", "subnets", "hosts" })
        String addresses;

        final int[] ipv4 = new int[ADDRESSES];
        final long[] ipv6High = new long[ADDRESSES];
        final long[] ipv6Low = new long[ADDRESSES];
        int next;

        @Setup(Level.Trial)
        public void setUp()
        {
            fill(this, addresses);
        }
    }

    /** The implementation under test. */
    @State(Scope.Thread)
    public static class Anonymizer
    {
        @Param({ "0", "1024" })
        int cacheSlots;

        CryptoPan cryptoPan;

        @Setup(Level.Trial)
        public void setUp(final Workload workload)
        {
            checkAgainstBaseline();
            if (cacheSlots > 0)
            {
                reportCacheHits(workload);
            }
            // Measure from cold caches, as a fresh worker would start.
            cryptoPan = new CryptoPan(REFERENCE_KEY, cacheSlots);
        }

        private void checkAgainstBaseline()
        {
            final CryptoPan checked = new CryptoPan(REFERENCE_KEY, cacheSlots);
            final PerBitCryptoPan reference = new PerBitCryptoPan(REFERENCE_KEY);
            final Workload check = new Workload();
            for (final String addresses : new String[]{ "uniform", "subnets", "hosts" })
            {
                fill(check, addresses);
                for (int i = 0; i < 4096; i++)
                {
                    if (checked.anonymizeIpv4(check.ipv4[i]) != reference.anonymizeIpv4PerBit(check.ipv4[i]))
                    {
                        throw new IllegalStateException("CryptoPan and the per-bit baseline disagree on IPv4 " + i);
                    }
                    checked.anonymizeIpv6(check.ipv6High[i], check.ipv6Low[i]);
                    reference.anonymizeIpv6PerBit(check.ipv6High[i], check.ipv6Low[i]);
                    if (checked.resultHigh() != reference.lastHigh || checked.resultLow() != reference.lastLow)
                    {
                        throw new IllegalStateException("CryptoPan and the per-bit baseline disagree on IPv6 " + i);
                    }
                }
            }
        }

        /** Hit rates over two passes of the workload, printed before measuring (printing allocates). */
        private void reportCacheHits(final Workload workload)
        {
            final CryptoPan ipv4 = new CryptoPan(REFERENCE_KEY, cacheSlots);
            final CryptoPan ipv6 = new CryptoPan(REFERENCE_KEY, cacheSlots);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < ADDRESSES; i++)
                {
                    ipv4.anonymizeIpv4(workload.ipv4[i]);
                    ipv6.anonymizeIpv6(workload.ipv6High[i], workload.ipv6Low[i]);
                }
            }
            System.out.printf("%n  %s, %d slots: IPv4 %s; IPv6 %s%n", workload.addresses, cacheSlots, hitRates(ipv4), hitRates(ipv6));
        }

        private static String hitRates(final CryptoPan cryptoPan)
        {
            final double total = cryptoPan.addressCacheHits() + cryptoPan.prefixCacheHits() + cryptoPan.cacheMisses();
            return String.format("%.1f%% address hits, %.1f%% prefix hits, %.1f%% misses",
                100 * cryptoPan.addressCacheHits() / total, 100 * cryptoPan.prefixCacheHits() / total, 100 * cryptoPan.cacheMisses() / total);
        }
    }

    /** The per-bit baselines; caches and workload do not matter to them, so they run on uniform addresses only. */
    @State(Scope.Thread)
    public static class Baseline
    {
        final PerBitCryptoPan perBit = new PerBitCryptoPan(REFERENCE_KEY);
        final Workload uniform = new Workload();

        @Setup(Level.Trial)
        public void setUp()
        {
            fill(uniform, "uniform");
            final int expected = 0x64090FD2; // 24.5.0.80 -> 100.9.15.210 in the sample trace
            if (perBit.anonymizeIpv4Naive(0x18050050) != expected || perBit.anonymizeIpv4PerBit(0x18050050) != expected)
            {
                throw new IllegalStateException("per-bit baseline does not match the sample trace");
            }
        }
    }

    @Benchmark
    public int ipv4(final Workload workload, final Anonymizer anonymizer)
    {
        return anonymizer.cryptoPan.anonymizeIpv4(workload.ipv4[workload.next++ & ADDRESS_MASK]);
    }

    @Benchmark
    public long ipv6(final Workload workload, final Anonymizer anonymizer)
    {
        final int i = workload.next++ & ADDRESS_MASK;
        final CryptoPan cryptoPan = anonymizer.cryptoPan;
        cryptoPan.anonymizeIpv6(workload.ipv6High[i], workload.ipv6Low[i]);
        return cryptoPan.resultHigh() ^ cryptoPan.resultLow();
    }

    @Benchmark
    public int baselineIpv4NaiveDoFinalPerBit(final Baseline baseline)
    {
        final Workload workload = baseline.uniform;
        return baseline.perBit.anonymizeIpv4Naive(workload.ipv4[workload.next++ & ADDRESS_MASK]);
    }

    @Benchmark
    public int baselineIpv4UpdatePerBit(final Baseline baseline)
    {
        final Workload workload = baseline.uniform;
        return baseline.perBit.anonymizeIpv4PerBit(workload.ipv4[workload.next++ & ADDRESS_MASK]);
    }

    @Benchmark
    public long baselineIpv6UpdatePerBit(final Baseline baseline)
    {
        final Workload workload = baseline.uniform;
        final int i = workload.next++ & ADDRESS_MASK;
        return baseline.perBit.anonymizeIpv6PerBit(workload.ipv6High[i], workload.ipv6Low[i]);
    }

    static void fill(final Workload workload, final String addresses)
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        switch (addresses)
        {
            case "uniform" ->
            {
                for (int i = 0; i < ADDRESSES; i++)
                {
                    workload.ipv4[i] = random.nextInt();
                    workload.ipv6High[i] = random.nextLong();
                    workload.ipv6Low[i] = random.nextLong();
                }
            }
            case "subnets" ->
            {
                final int[] ipv4Prefixes = new int[SUBNETS];
                final long[] ipv6Prefixes = new long[SUBNETS];
                for (int i = 0; i < SUBNETS; i++)
                {
                    ipv4Prefixes[i] = random.nextInt() & 0xFFFF_FF00;
                    ipv6Prefixes[i] = 0x2001_0DB8_0000_0000L | (random.nextLong() & 0xFFFF_FFFFL);
                }
                for (int i = 0; i < ADDRESSES; i++)
                {
                    workload.ipv4[i] = ipv4Prefixes[random.nextInt(SUBNETS)] | random.nextInt(256);
                    workload.ipv6High[i] = ipv6Prefixes[random.nextInt(SUBNETS)];
                    workload.ipv6Low[i] = random.nextLong();
                }
            }
            case "hosts" ->
            {
                final int[] ipv4Hosts = new int[HOSTS];
                final long[] ipv6HostsHigh = new long[HOSTS];
                final long[] ipv6HostsLow = new long[HOSTS];
                for (int i = 0; i < HOSTS; i++)
                {
                    ipv4Hosts[i] = random.nextInt();
                    ipv6HostsHigh[i] = random.nextLong();
                    ipv6HostsLow[i] = random.nextLong();
                }
                for (int i = 0; i < ADDRESSES; i++)
                {
                    final int host = random.nextInt(HOSTS);
                    workload.ipv4[i] = ipv4Hosts[host];
                    workload.ipv6High[i] = ipv6HostsHigh[host];
                    workload.ipv6Low[i] = ipv6HostsLow[host];
                }
            }
            default -> throw new IllegalArgumentException("unknown workload: " + addresses);
        }
        workload.next = 0;
    }
}
