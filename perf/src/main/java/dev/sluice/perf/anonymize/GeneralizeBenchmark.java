package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.generalize.Geohash;
import dev.sluice.dataplane.anonymize.generalize.GridSnap;
import dev.sluice.dataplane.anonymize.generalize.KAnonymityGuard;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Location generalization, one fleet record per operation, against baselines measured in the same
 * JVM: geohash to a long and to text against a textbook bisection encoder that builds a String (as
 * most libraries do); grid snapping against {@code String.format("%.3f")} rounding of both
 * coordinates (what scripting pipelines do to "coarsen" a position); the k-anonymity guard at steady
 * state against the same rule over {@code HashMap<String, HashSet<Long>>} per window. JMH benchmark
 * threads only (each has its own state).
 * <p>
 * Workload: 1,000 vehicles random-walking in a 0.3-degree square (a city and its surroundings),
 * 65,536 records cycled in order, each record 1 ms after the previous one (every vehicle reports
 * about once a second), so 5-minute windows roll over every 300,000 records during measurement.
 * <p>
 * On a machine shared with other builds, wall time per operation is mostly other processes'
 * time; {@link #main} measures the same operations in thread CPU time instead, alternating them in
 * rounds in one JVM: {@code PERF_MAIN=dev.sluice.perf.anonymize.GeneralizeBenchmark perf/run-jmh.sh [rounds]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GeneralizeBenchmark
{
    private static final int RECORDS = 1 << 16;
    private static final int RECORD_MASK = RECORDS - 1;
    private static final int VEHICLES = 1000;
    private static final long RECORD_SPACING_NS = 1_000_000L;
    private static final long WINDOW_NS = TimeUnit.MINUTES.toNanos(5);
    private static final int K = 5;
    private static final int PRECISION = 7;
    private static final int MIN_PRECISION = 4;
    private static final int MAX_CELLS = 1 << 16;
    private static final long SEED = 0x6E0_4A54L;

    /** The fleet's records, cycled; a clock that only moves forward. */
    @State(Scope.Thread)
    public static class Fleet
    {
        final double[] latitude = new double[RECORDS];
        final double[] longitude = new double[RECORDS];
        final long[] vehicle = new long[RECORDS];
        final byte[] text = new byte[Geohash.MAX_PRECISION];
        long clockNs = TimeUnit.DAYS.toNanos(20_000);
        int next;

        @Setup(Level.Trial)
        public void setUp()
        {
            final SplittableRandom random = new SplittableRandom(SEED);
            final double[] vehicleLatitude = new double[VEHICLES];
            final double[] vehicleLongitude = new double[VEHICLES];
            for (int v = 0; v < VEHICLES; v++)
            {
                vehicleLatitude[v] = 45.2 + random.nextDouble(0.3);
                vehicleLongitude[v] = 13.6 + random.nextDouble(0.3);
            }
            for (int i = 0; i < RECORDS; i++)
            {
                final int v = random.nextInt(VEHICLES);
                vehicleLatitude[v] += random.nextDouble(-0.0003, 0.0003);
                vehicleLongitude[v] += random.nextDouble(-0.0003, 0.0003);
                latitude[i] = vehicleLatitude[v];
                longitude[i] = vehicleLongitude[v];
                vehicle[i] = (v + 1) * 0x9E3779B97F4A7C15L;
            }
            for (int i = 0; i < 4096; i++)
            {
                final String expected = BisectionGeohash.encode(latitude[i], longitude[i], PRECISION);
                if (!expected.equals(Geohash.toString(Geohash.encode(latitude[i], longitude[i], PRECISION), PRECISION)))
                {
                    throw new IllegalStateException("Geohash and the bisection baseline disagree on record " + i);
                }
            }
        }
    }

    /** The guard under test, fresh per trial, filled by the warm-up. */
    @State(Scope.Thread)
    public static class Guard
    {
        KAnonymityGuard guard;

        @Setup(Level.Trial)
        public void setUp(final Fleet fleet)
        {
            reportOutcomes(fleet);
            guard = new KAnonymityGuard(K, WINDOW_NS, PRECISION, MIN_PRECISION, MAX_CELLS);
        }

        /** What the guard decides on this workload over ten windows, printed before measuring. */
        private static void reportOutcomes(final Fleet fleet)
        {
            final KAnonymityGuard probe = new KAnonymityGuard(K, WINDOW_NS, PRECISION, MIN_PRECISION, MAX_CELLS);
            long clockNs = fleet.clockNs;
            for (int i = 0; i < 3_000_000; i++)
            {
                clockNs += RECORD_SPACING_NS;
                probe.observe(fleet.vehicle[i & RECORD_MASK], fleet.latitude[i & RECORD_MASK], fleet.longitude[i & RECORD_MASK], clockNs);
            }
            final StringBuilder line = new StringBuilder().append(String.format("%n  guard outcomes over %d records: %.1f%% at precision %d",
                probe.received(), 100.0 * probe.atPrecision() / probe.received(), PRECISION));
            for (int levels = 1; levels <= PRECISION - MIN_PRECISION; levels++)
            {
                line.append(String.format(", %.1f%% at %d", 100.0 * probe.coarsenedByLevels(levels) / probe.received(), PRECISION - levels));
            }
            line.append(String.format(", %.1f%% suppressed, %d state full, %d windows",
                100.0 * probe.suppressed() / probe.received(), probe.stateFull(), probe.windowsStarted()));
            System.out.println(line);
        }
    }

    /** The baseline guard. */
    @State(Scope.Thread)
    public static class Baseline
    {
        HashMapKAnonymity guard;

        @Setup(Level.Trial)
        public void setUp()
        {
            guard = new HashMapKAnonymity(K, WINDOW_NS, PRECISION, MIN_PRECISION);
        }
    }

    /** Grids under test. */
    @State(Scope.Thread)
    public static class Grids
    {
        final GridSnap metres = GridSnap.metres(500);
        final GridSnap degrees = GridSnap.degrees(0.001);
    }

    @Benchmark
    public long geohashEncodeLong(final Fleet fleet)
    {
        final int i = fleet.next++ & RECORD_MASK;
        return Geohash.encode(fleet.latitude[i], fleet.longitude[i], PRECISION);
    }

    @Benchmark
    public int geohashEncodeText(final Fleet fleet)
    {
        final int i = fleet.next++ & RECORD_MASK;
        return Geohash.encode(fleet.latitude[i], fleet.longitude[i], PRECISION, fleet.text, 0) + fleet.text[PRECISION - 1];
    }

    @Benchmark
    public String baselineGeohashBisectionString(final Fleet fleet)
    {
        final int i = fleet.next++ & RECORD_MASK;
        return BisectionGeohash.encode(fleet.latitude[i], fleet.longitude[i], PRECISION);
    }

    @Benchmark
    public double gridSnapMetres(final Fleet fleet, final Grids grids)
    {
        final int i = fleet.next++ & RECORD_MASK;
        grids.metres.snap(fleet.latitude[i], fleet.longitude[i]);
        return grids.metres.latitude() + grids.metres.longitude();
    }

    @Benchmark
    public double gridSnapDegrees(final Fleet fleet, final Grids grids)
    {
        final int i = fleet.next++ & RECORD_MASK;
        grids.degrees.snap(fleet.latitude[i], fleet.longitude[i]);
        return grids.degrees.latitude() + grids.degrees.longitude();
    }

    @Benchmark
    public int baselineFormatRounding(final Fleet fleet)
    {
        final int i = fleet.next++ & RECORD_MASK;
        return String.format("%.3f", fleet.latitude[i]).length() + String.format("%.3f", fleet.longitude[i]).length();
    }

    @Benchmark
    public int kAnonymityGuard(final Fleet fleet, final Guard guard)
    {
        final int i = fleet.next++ & RECORD_MASK;
        fleet.clockNs += RECORD_SPACING_NS;
        return guard.guard.observe(fleet.vehicle[i], fleet.latitude[i], fleet.longitude[i], fleet.clockNs);
    }

    @Benchmark
    public int baselineKAnonymityHashMap(final Fleet fleet, final Baseline baseline)
    {
        final int i = fleet.next++ & RECORD_MASK;
        fleet.clockNs += RECORD_SPACING_NS;
        return baseline.guard.observe(fleet.vehicle[i], fleet.latitude[i], fleet.longitude[i], fleet.clockNs);
    }

    /**
     * Thread CPU time per operation of every benchmark, in alternating rounds of about one
     * CPU-second each after a warm-up; prints the median and the best round.
     *
     * @param args optional: rounds (default 5).
     */
    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final GeneralizeBenchmark benchmark = new GeneralizeBenchmark();
        final Fleet fleet = new Fleet();
        fleet.setUp();
        final Guard guard = new Guard();
        guard.setUp(fleet);
        final Baseline baseline = new Baseline();
        baseline.setUp();
        final Grids grids = new Grids();
        final String[] names = {
            "geohashEncodeLong", "geohashEncodeText", "baselineGeohashBisectionString", "gridSnapDegrees", "gridSnapMetres",
            "baselineFormatRounding", "kAnonymityGuard", "baselineKAnonymityHashMap",
        };
        final java.util.List<ToLongFunction<Integer>> operations = java.util.List.of(
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.geohashEncodeLong(fleet); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.geohashEncodeText(fleet); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.baselineGeohashBisectionString(fleet).length(); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += (long)benchmark.gridSnapDegrees(fleet, grids); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += (long)benchmark.gridSnapMetres(fleet, grids); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.baselineFormatRounding(fleet); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.kAnonymityGuard(fleet, guard); } return sum; },
            n -> { long sum = 0; for (int i = 0; i < n; i++) { sum += benchmark.baselineKAnonymityHashMap(fleet, baseline); } return sum; });

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int[] operationsPerRound = new int[names.length];
        long checksum = 0;
        for (int b = 0; b < names.length; b++)
        {
            // Warm up for about two CPU-seconds and size a round to about one.
            int n = 1000;
            long spentNs = 0;
            long warmedNs = 0;
            while (warmedNs < 2_000_000_000L)
            {
                final long before = threads.getCurrentThreadCpuTime();
                checksum += operations.get(b).applyAsLong(n);
                spentNs = threads.getCurrentThreadCpuTime() - before;
                warmedNs += spentNs;
                n = (int)Math.min(50_000_000L, Math.max(1000L, n * 2L));
            }
            final double lastRoundOperations = n / 2.0;
            operationsPerRound[b] = (int)Math.max(1000, Math.min(50_000_000, lastRoundOperations * 1e9 / Math.max(1, spentNs)));
        }
        final double[][] nsPerOperation = new double[names.length][rounds];
        for (int round = 0; round < rounds; round++)
        {
            for (int b = 0; b < names.length; b++)
            {
                final long before = threads.getCurrentThreadCpuTime();
                checksum += operations.get(b).applyAsLong(operationsPerRound[b]);
                nsPerOperation[b][round] = (threads.getCurrentThreadCpuTime() - before) / (double)operationsPerRound[b];
            }
        }
        for (int b = 0; b < names.length; b++)
        {
            final double[] sorted = nsPerOperation[b].clone();
            Arrays.sort(sorted);
            System.out.printf("%-32s %9.1f ns/op CPU (median of %d rounds of %,d ops), best %.1f%n",
                names[b], sorted[rounds / 2], rounds, operationsPerRound[b], sorted[0]);
        }
        System.out.println("checksum " + checksum);
    }

    /** The textbook geohash encoder: 5p halvings, one character appended at a time. */
    static final class BisectionGeohash
    {
        private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

        private BisectionGeohash()
        {
        }

        static String encode(final double latitude, final double longitude, final int precision)
        {
            double minLatitude = -90;
            double maxLatitude = 90;
            double minLongitude = -180;
            double maxLongitude = 180;
            final StringBuilder text = new StringBuilder(precision);
            int value = 0;
            for (int bit = 0; bit < 5 * precision; bit++)
            {
                value <<= 1;
                if ((bit & 1) == 0)
                {
                    final double middle = (minLongitude + maxLongitude) / 2;
                    if (longitude >= middle)
                    {
                        value |= 1;
                        minLongitude = middle;
                    }
                    else
                    {
                        maxLongitude = middle;
                    }
                }
                else
                {
                    final double middle = (minLatitude + maxLatitude) / 2;
                    if (latitude >= middle)
                    {
                        value |= 1;
                        minLatitude = middle;
                    }
                    else
                    {
                        maxLatitude = middle;
                    }
                }
                if (bit % 5 == 4)
                {
                    text.append(ALPHABET.charAt(value));
                    value = 0;
                }
            }
            return text.toString();
        }
    }

    /**
     * The guard's rule written the obvious way: geohash strings as keys of a HashMap of HashSets
     * per window, the previous window's map kept whole.
     */
    static final class HashMapKAnonymity
    {
        private final int k;
        private final long windowNs;
        private final int precision;
        private final int minPrecision;
        private Map<String, Set<Long>> current = new HashMap<>();
        private Map<String, Set<Long>> previous = new HashMap<>();
        private long window = Long.MIN_VALUE;

        HashMapKAnonymity(final int k, final long windowNs, final int precision, final int minPrecision)
        {
            this.k = k;
            this.windowNs = windowNs;
            this.precision = precision;
            this.minPrecision = minPrecision;
        }

        int observe(final long vehicle, final double latitude, final double longitude, final long epochNs)
        {
            final long recordWindow = Math.floorDiv(epochNs, windowNs);
            if (recordWindow != window)
            {
                previous = recordWindow == window + 1 ? current : new HashMap<>();
                current = new HashMap<>();
                window = recordWindow;
            }
            final String hash = BisectionGeohash.encode(latitude, longitude, precision);
            int released = 0;
            for (int q = precision; q >= minPrecision; q--)
            {
                final String cell = hash.substring(0, q);
                final Set<Long> seen = current.computeIfAbsent(cell, c -> new HashSet<>());
                seen.add(vehicle);
                if (0 == released && (seen.size() >= k || previous.getOrDefault(cell, Set.of()).size() >= k))
                {
                    released = q;
                }
            }
            return released;
        }
    }
}
