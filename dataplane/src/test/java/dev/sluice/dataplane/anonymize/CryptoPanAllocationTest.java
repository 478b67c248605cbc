package dev.sluice.dataplane.anonymize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Proves the per-address paths allocate nothing once warm, JCE's {@code Cipher.update} included.
 */
class CryptoPanAllocationTest
{
    private static final int ADDRESSES = 100_000;
    private static final int WARM_UP_ROUNDS = 3;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(120)
    void anonymizingAllocatesNothingPerAddress() throws IOException
    {
        final byte[] key = CryptoPanVectors.referenceKey();
        final CryptoPan uncached = new CryptoPan(key, 0);
        final CryptoPan cached = new CryptoPan(key);
        final SplittableRandom random = new SplittableRandom(42);
        final int[] ipv4 = new int[ADDRESSES];
        final long[] ipv6High = new long[ADDRESSES];
        final long[] ipv6Low = new long[ADDRESSES];
        final int[] subnets = new int[256];
        for (int i = 0; i < subnets.length; i++)
        {
            subnets[i] = random.nextInt();
        }
        for (int i = 0; i < ADDRESSES; i++)
        {
            // Half clustered (cache hits), half uniform (misses and evictions).
            ipv4[i] = 0 == (i & 1) ? (subnets[random.nextInt(subnets.length)] & 0xFFFF_FF00) | random.nextInt(256) : random.nextInt();
            ipv6High[i] = 0 == (i & 1) ? (long)subnets[random.nextInt(subnets.length)] << 32 : random.nextLong();
            ipv6Low[i] = random.nextLong();
        }

        threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < WARM_UP_ROUNDS; round++)
        {
            runIpv4(uncached, ipv4);
            runIpv4(cached, ipv4);
            runIpv6(uncached, ipv6High, ipv6Low);
            runIpv6(cached, ipv6High, ipv6Low);
        }

        assertAllocatesNothing("IPv4 without cache", () -> runIpv4(uncached, ipv4));
        assertAllocatesNothing("IPv4 with cache", () -> runIpv4(cached, ipv4));
        assertAllocatesNothing("IPv6 without cache", () -> runIpv6(uncached, ipv6High, ipv6Low));
        assertAllocatesNothing("IPv6 with cache", () -> runIpv6(cached, ipv6High, ipv6Low));
    }

    @Test
    @Timeout(120)
    void deanonymizingAllocatesNothingPerAddress() throws IOException
    {
        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey());
        final int[] anonymized = new int[ADDRESSES / 10];
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < anonymized.length; i++)
        {
            anonymized[i] = random.nextInt();
        }
        threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < WARM_UP_ROUNDS; round++)
        {
            runDeanonymizeIpv4(cryptoPan, anonymized);
        }

        assertAllocatesNothing("IPv4 deanonymize", () -> runDeanonymizeIpv4(cryptoPan, anonymized));
    }

    private void assertAllocatesNothing(final String what, final LongTask task)
    {
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long sink = task.run();
        final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;
        assertNotEquals(0L, sink, what + " computed nothing");
        assertEquals(0L, allocatedBytes, what + ": bytes allocated over the measured loop");
    }

    private static long runIpv4(final CryptoPan cryptoPan, final int[] addresses)
    {
        long sink = 0;
        for (final int address : addresses)
        {
            sink += cryptoPan.anonymizeIpv4(address);
        }
        return sink;
    }

    private static long runIpv6(final CryptoPan cryptoPan, final long[] high, final long[] low)
    {
        long sink = 0;
        for (int i = 0; i < high.length; i++)
        {
            cryptoPan.anonymizeIpv6(high[i], low[i]);
            sink += cryptoPan.resultHigh() ^ cryptoPan.resultLow();
        }
        return sink;
    }

    private static long runDeanonymizeIpv4(final CryptoPan cryptoPan, final int[] addresses)
    {
        long sink = 0;
        for (final int address : addresses)
        {
            sink += cryptoPan.deanonymizeIpv4(address);
        }
        return sink;
    }

    @FunctionalInterface
    private interface LongTask
    {
        long run();
    }
}
