package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.KeyCustodian;
import dev.sluice.dataplane.anonymize.keys.KeyDirectory;
import dev.sluice.dataplane.anonymize.keys.KeyRing;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.keys.KeyEpoch;
import dev.sluice.policy.keys.KeyEpochs;
import org.agrona.concurrent.OffsetEpochNanoClock;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What region-scoped keys with rotation add per burst: one operation is a burst of 32 IPv4
 * addresses anonymized with Crypto-PAn (1,024-slot caches, 256 distinct hosts, so mostly cache
 * hits and the per-burst overhead shows), either with a fixed instance (the baseline: the
 * single {@code key-file} before epochs existed) or through {@link WorkerKeys}, refreshed at the
 * burst boundary against a ring whose next epoch is scheduled (so the refresh reads the clock
 * and compares, as a gateway does every burst until the switch). JMH benchmark threads only.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyEpochBenchmark
{
    private static final int BURST = 32;
    private static final int HOSTS = 256;

    /** Both ways of reaching the key, over the same addresses. */
    @State(Scope.Thread)
    public static class Keys
    {
        final int[] hosts = new int[HOSTS];
        int next;
        CryptoPan fixed;
        WorkerKeys workerKeys;
        KeyRing ring;
        private Path directory;
        private KeyCustodian custodian;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            final SplittableRandom random = new SplittableRandom(0x51CE_C0FFEEL);
            for (int i = 0; i < HOSTS; i++)
            {
                hosts[i] = random.nextInt();
            }
            fixed = new CryptoPan(CryptoPanBenchmark.REFERENCE_KEY, CryptoPan.DEFAULT_CACHE_SLOTS);

            directory = Files.createTempDirectory("sluice-keys");
            Files.createDirectories(directory.resolve("eu-west"));
            CryptoPan.writeKeyFile(directory.resolve("eu-west/now.key"), CryptoPanBenchmark.REFERENCE_KEY);
            CryptoPan.writeKeyFile(directory.resolve("eu-west/tomorrow.key"), new byte[CryptoPan.KEY_LENGTH_BYTES]);
            final OffsetEpochNanoClock clock = new OffsetEpochNanoClock();
            final Instant now = Instant.now();
            custodian = new KeyCustodian("eu-west", new KeyDirectory(directory, "eu-west"), null, 1,
                CryptoPan.DEFAULT_CACHE_SLOTS, clock, null);
            final KeyCustodian.Resolution resolution = custodian.resolve(new KeyEpochs(true, 0, List.of(
                new KeyEpoch("eu-west", "now", now.minusSeconds(3600), SourcePosition.START),
                new KeyEpoch("eu-west", "tomorrow", now.plusSeconds(86_400), SourcePosition.START))));
            if (!resolution.errors().isEmpty())
            {
                throw new IllegalStateException(resolution.errors().toString());
            }
            ring = resolution.ring();
            custodian.commit(ring);
            workerKeys = new WorkerKeys(0, clock);
            workerKeys.refresh(ring);
            for (int i = 0; i < HOSTS; i++)
            {
                if (workerKeys.cryptoPan().anonymizeIpv4(hosts[i]) != new CryptoPan(CryptoPanBenchmark.REFERENCE_KEY, 0).anonymizeIpv4(hosts[i]))
                {
                    throw new IllegalStateException("the epoch's Crypto-PAn differs from the key file's");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            custodian.close();
            try (Stream<Path> files = Files.walk(directory))
            {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(file);
                }
            }
        }
    }

    @Benchmark
    public int fixedKeyBurst(final Keys keys)
    {
        final CryptoPan cryptoPan = keys.fixed;
        int sum = 0;
        int next = keys.next;
        for (int i = 0; i < BURST; i++)
        {
            sum += cryptoPan.anonymizeIpv4(keys.hosts[next]);
            next = (next + 1) & (HOSTS - 1);
        }
        keys.next = next;
        return sum;
    }

    @Benchmark
    public int workerKeysBurst(final Keys keys)
    {
        keys.workerKeys.refresh(keys.ring);
        final CryptoPan cryptoPan = keys.workerKeys.cryptoPan();
        int sum = 0;
        int next = keys.next;
        for (int i = 0; i < BURST; i++)
        {
            sum += cryptoPan.anonymizeIpv4(keys.hosts[next]);
            next = (next + 1) & (HOSTS - 1);
        }
        keys.next = next;
        return sum;
    }
}
