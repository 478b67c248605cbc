package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.pseudonym.Ff1;
import dev.sluice.dataplane.anonymize.pseudonym.HmacSha256Pseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import dev.sluice.dataplane.anonymize.pseudonym.SipHash24;
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

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keyed pseudonyms, one value per operation: SipHash-2-4, HMAC-SHA256 truncated to 16 bytes,
 * FF1 over ten digits and each identifier method, against the JDK's plain
 * {@code MessageDigest} SHA-256 of the same input in the same run (what an unkeyed,
 * regex-era tool does per value). JMH benchmark threads only (each has its own state).
 * Values cycle through 256 of each kind so no branch predictor learns one value.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PseudonymBenchmark
{
    private static final int VALUES = 256;
    private static final int MASK = VALUES - 1;

    /** Keys, values and one pseudonym of every method. */
    @State(Scope.Thread)
    public static class Pseudonyms
    {
        final byte[][] userNames = new byte[VALUES][];
        final byte[][] emails = new byte[VALUES][];
        final byte[][] macs = new byte[VALUES][];
        final byte[][] imsis = new byte[VALUES][];
        final byte[][] imeis = new byte[VALUES][];
        final byte[][] vins = new byte[VALUES][];
        final byte[][] phones = new byte[VALUES][];
        final byte[][] tenDigits = new byte[VALUES][];
        final byte[] out = new byte[128];
        final byte[] digest = new byte[32];

        SipHash24 sipHash;
        HmacSha256Pseudonym hmac;
        Ff1 ff1;
        MessageDigest sha256;
        IdentifierPseudonym user;
        IdentifierPseudonym email;
        IdentifierPseudonym mac;
        IdentifierPseudonym imsi;
        IdentifierPseudonym imei;
        IdentifierPseudonym vin;
        IdentifierPseudonym phone;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws NoSuchAlgorithmException
        {
            final SplittableRandom random = new SplittableRandom(0x5EED);
            final byte[] siteKey = new byte[KeyDerivation.SITE_KEY_LENGTH_BYTES];
            random.nextBytes(siteKey);
            final KeyDerivation keys = new KeyDerivation(siteKey);
            sipHash = new SipHash24(keys.subkey(KeyDerivation.SIPHASH, SipHash24.KEY_LENGTH_BYTES));
            hmac = new HmacSha256Pseudonym(keys.subkey(KeyDerivation.HMAC_SHA256, 32), 16);
            ff1 = new Ff1(keys.subkey(KeyDerivation.FF1_IMSI, 32), 10);
            sha256 = MessageDigest.getInstance("SHA-256");
            user = PseudonymMethod.USER.create(keys, false);
            email = PseudonymMethod.EMAIL.create(keys, false);
            mac = PseudonymMethod.MAC.create(keys, false);
            imsi = PseudonymMethod.IMSI.create(keys, false);
            imei = PseudonymMethod.IMEI.create(keys, false);
            vin = PseudonymMethod.VIN.create(keys, false);
            phone = PseudonymMethod.PHONE.create(keys, false);
            final String vinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
            for (int i = 0; i < VALUES; i++)
            {
                userNames[i] = ascii("user" + random.nextInt(1_000_000));
                emails[i] = ascii("first.last" + random.nextInt(1000) + "@corp" + random.nextInt(100) + ".example.com");
                macs[i] = ascii(String.format("00:1b:63:%02x:%02x:%02x", random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                imsis[i] = ascii(String.format("310260%09d", random.nextInt(1_000_000_000)));
                imeis[i] = ascii(String.format("35209900%06d%d", random.nextInt(1_000_000), random.nextInt(10)));
                final StringBuilder v = new StringBuilder("1M8");
                for (int j = 3; j < 17; j++)
                {
                    v.append(8 == j ? '0' : vinAlphabet.charAt(random.nextInt(vinAlphabet.length())));
                }
                vins[i] = ascii(v.toString());
                phones[i] = ascii(String.format("+49 30 %07d", random.nextInt(10_000_000)));
                tenDigits[i] = new byte[10];
                for (int j = 0; j < 10; j++)
                {
                    tenDigits[i][j] = (byte)random.nextInt(10);
                }
                check(user.pseudonymize(userNames[i], 0, userNames[i].length, out, 0, out.length));
                check(email.pseudonymize(emails[i], 0, emails[i].length, out, 0, out.length));
                check(mac.pseudonymize(macs[i], 0, macs[i].length, out, 0, out.length));
                check(imsi.pseudonymize(imsis[i], 0, imsis[i].length, out, 0, out.length));
                check(imei.pseudonymize(imeis[i], 0, imeis[i].length, out, 0, out.length));
                check(vin.pseudonymize(vins[i], 0, vins[i].length, out, 0, out.length));
                check(phone.pseudonymize(phones[i], 0, phones[i].length, out, 0, out.length));
            }
        }

        private static void check(final int result)
        {
            if (result < 0)
            {
                throw new IllegalStateException("a benchmark value has no pseudonym: reason " + result);
            }
        }

        private static byte[] ascii(final String text)
        {
            return text.getBytes(StandardCharsets.US_ASCII);
        }

        int next()
        {
            return next++ & MASK;
        }
    }

    /** Baseline: unkeyed SHA-256 of the e-mail address. */
    @Benchmark
    public byte sha256Baseline(final Pseudonyms p) throws DigestException
    {
        final byte[] value = p.emails[p.next()];
        p.sha256.update(value, 0, value.length);
        p.sha256.digest(p.digest, 0, 32);
        return p.digest[0];
    }

    @Benchmark
    public long sipHash(final Pseudonyms p)
    {
        final byte[] value = p.emails[p.next()];
        return p.sipHash.hash(value, 0, value.length);
    }

    @Benchmark
    public byte hmacSha256(final Pseudonyms p)
    {
        final byte[] value = p.emails[p.next()];
        p.hmac.pseudonymize(value, 0, value.length, p.out, 0);
        return p.out[0];
    }

    @Benchmark
    public byte ff1TenDigits(final Pseudonyms p)
    {
        final byte[] value = p.tenDigits[p.next()];
        p.ff1.encrypt(value, 0, value.length, null, 0, 0);
        return value[0];
    }

    @Benchmark
    public int user(final Pseudonyms p)
    {
        final byte[] value = p.userNames[p.next()];
        return p.user.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int email(final Pseudonyms p)
    {
        final byte[] value = p.emails[p.next()];
        return p.email.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int mac(final Pseudonyms p)
    {
        final byte[] value = p.macs[p.next()];
        return p.mac.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int imsi(final Pseudonyms p)
    {
        final byte[] value = p.imsis[p.next()];
        return p.imsi.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int imei(final Pseudonyms p)
    {
        final byte[] value = p.imeis[p.next()];
        return p.imei.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int vin(final Pseudonyms p)
    {
        final byte[] value = p.vins[p.next()];
        return p.vin.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    @Benchmark
    public int phone(final Pseudonyms p)
    {
        final byte[] value = p.phones[p.next()];
        return p.phone.pseudonymize(value, 0, value.length, p.out, 0, p.out.length);
    }

    /**
     * Thread CPU time per value for every benchmark method, for a shared machine where wall
     * clock is noisy: {@code PERF_MAIN=dev.sluice.perf.anonymize.PseudonymBenchmark perf/run-jmh.sh [SECONDS]}.
     *
     * @param args optional seconds of CPU per method (default 2), after half as long of warm-up.
     * @throws Exception if setting up fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final PseudonymBenchmark benchmark = new PseudonymBenchmark();
        final Pseudonyms p = new Pseudonyms();
        p.setUp();
        final String[] names = {"sha256Baseline", "sipHash", "hmacSha256", "ff1TenDigits", "user", "email", "mac", "imsi", "imei",
            "vin", "phone"};
        final java.util.List<java.util.function.ToLongFunction<Pseudonyms>> methods = java.util.List.of(
            q ->
            {
                try
                {
                    return benchmark.sha256Baseline(q);
                }
                catch (final DigestException ex)
                {
                    throw new IllegalStateException(ex);
                }
            },
            benchmark::sipHash, benchmark::hmacSha256, benchmark::ff1TenDigits, benchmark::user, benchmark::email,
            benchmark::mac, benchmark::imsi, benchmark::imei, benchmark::vin, benchmark::phone);
        long sink = 0;
        double baselineNs = 0;
        for (int i = 0; i < names.length; i++)
        {
            final java.util.function.ToLongFunction<Pseudonyms> method = methods.get(i);
            for (int round = 0; round < 2; round++)
            {
                final long budgetNs = (long)((0 == round ? 0.5 : 1.0) * seconds * 1e9);
                final long start = threads.getCurrentThreadCpuTime();
                long operations = 0;
                while (threads.getCurrentThreadCpuTime() - start < budgetNs)
                {
                    for (int k = 0; k < 256; k++)
                    {
                        sink += method.applyAsLong(p);
                    }
                    operations += 256;
                }
                final double nsPerOperation = (threads.getCurrentThreadCpuTime() - start) / (double)operations;
                if (1 == round)
                {
                    if (0 == i)
                    {
                        baselineNs = nsPerOperation;
                    }
                    System.out.printf("%-15s %8.1f ns per value (CPU)  %5.2f x the SHA-256 baseline%n",
                        names[i], nsPerOperation, nsPerOperation / baselineNs);
                }
            }
        }
        System.out.println("(checksum " + sink + ")");
    }
}
