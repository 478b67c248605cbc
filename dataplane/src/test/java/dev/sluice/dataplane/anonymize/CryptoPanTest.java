package dev.sluice.dataplane.anonymize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryptoPanTest
{
    private static final int PROPERTY_PAIRS_IPV4 = 200_000;
    private static final int PROPERTY_PAIRS_IPV6 = 20_000;
    private static final long SEED = 0x51CE_C0FFEEL;
    private static final int OWN_IMAGE_SAMPLES = 500_000;

    @ParameterizedTest
    @ValueSource(ints = { 0, 2, CryptoPan.DEFAULT_CACHE_SLOTS })
    void anonymizesTheWholeSampleTraceLikeTheReference(final int cacheSlots) throws IOException
    {
        final List<CryptoPanVectors.Ipv4Pair> trace = CryptoPanVectors.sampleTrace();
        assertEquals(100, trace.size());
        final Map<Integer, Integer> distinct = new HashMap<>();
        trace.forEach(pair -> distinct.put(pair.raw(), pair.anonymized()));
        assertEquals(70, distinct.size(), "distinct raw addresses in the sample trace");

        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey(), cacheSlots);
        // Twice, so the second pass runs on cache hits where there is a cache.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int line = 0; line < trace.size(); line++)
            {
                final CryptoPanVectors.Ipv4Pair pair = trace.get(line);
                assertEquals(
                    CryptoPanVectors.dotted(pair.anonymized()),
                    CryptoPanVectors.dotted(cryptoPan.anonymizeIpv4(pair.raw())),
                    "line " + (line + 1) + ": " + CryptoPanVectors.dotted(pair.raw()));
            }
        }
        if (CryptoPan.DEFAULT_CACHE_SLOTS == cacheSlots)
        {
            assertTrue(cryptoPan.addressCacheHits() >= 100, "the second pass should be answered from the address cache");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 2, CryptoPan.DEFAULT_CACHE_SLOTS })
    void anonymizesTheIpv6VectorsLikeYaCryptoPan(final int cacheSlots) throws IOException
    {
        final List<CryptoPanVectors.Ipv6Pair> vectors = CryptoPanVectors.ipv6Vectors();
        assertEquals(5, vectors.size());

        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey(), cacheSlots);
        for (int pass = 0; pass < 2; pass++)
        {
            for (final CryptoPanVectors.Ipv6Pair vector : vectors)
            {
                cryptoPan.anonymizeIpv6(vector.rawHigh(), vector.rawLow());
                assertEquals(Long.toHexString(vector.anonymizedHigh()), Long.toHexString(cryptoPan.resultHigh()), vector.toString());
                assertEquals(Long.toHexString(vector.anonymizedLow()), Long.toHexString(cryptoPan.resultLow()), vector.toString());
            }
        }
    }

    @Test
    void preservesExactlyTheSharedPrefixOfIpv4Pairs() throws IOException
    {
        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey());
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] seenPerPrefixLength = new int[33];
        for (int i = 0; i < PROPERTY_PAIRS_IPV4; i++)
        {
            final int first = random.nextInt();
            final int sharedBits = random.nextInt(33);
            final int second = withExactSharedPrefix(first, sharedBits, random.nextInt());
            assertEquals(sharedBits, Integer.numberOfLeadingZeros(first ^ second));

            final int firstAnonymized = cryptoPan.anonymizeIpv4(first);
            final int secondAnonymized = cryptoPan.anonymizeIpv4(second);
            assertEquals(sharedBits, Integer.numberOfLeadingZeros(firstAnonymized ^ secondAnonymized),
                CryptoPanVectors.dotted(first) + " and " + CryptoPanVectors.dotted(second));
            seenPerPrefixLength[sharedBits]++;
        }
        for (int bits = 0; bits <= 32; bits++)
        {
            assertTrue(seenPerPrefixLength[bits] > 1000, "pairs sharing " + bits + " bits");
        }
    }

    @Test
    void preservesExactlyTheSharedPrefixOfIpv6Pairs() throws IOException
    {
        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey());
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < PROPERTY_PAIRS_IPV6; i++)
        {
            final long firstHigh = random.nextLong();
            final long firstLow = random.nextLong();
            final int sharedBits = random.nextInt(129);
            final long secondHigh;
            final long secondLow;
            if (sharedBits < 64)
            {
                secondHigh = withExactSharedPrefix(firstHigh, sharedBits, random.nextLong());
                secondLow = random.nextLong();
            }
            else
            {
                secondHigh = firstHigh;
                secondLow = withExactSharedPrefix(firstLow, sharedBits - 64, random.nextLong());
            }
            assertEquals(sharedBits, sharedPrefixBits(firstHigh, firstLow, secondHigh, secondLow));

            cryptoPan.anonymizeIpv6(firstHigh, firstLow);
            final long firstAnonymizedHigh = cryptoPan.resultHigh();
            final long firstAnonymizedLow = cryptoPan.resultLow();
            cryptoPan.anonymizeIpv6(secondHigh, secondLow);
            assertEquals(sharedBits,
                sharedPrefixBits(firstAnonymizedHigh, firstAnonymizedLow, cryptoPan.resultHigh(), cryptoPan.resultLow()));
        }
    }

    @Test
    void cachedAndUncachedAgreeOnClusteredAndEdgeAddresses() throws IOException
    {
        final byte[] key = CryptoPanVectors.referenceKey();
        final CryptoPan uncached = new CryptoPan(key, 0);
        final CryptoPan small = new CryptoPan(key, 16);
        // One set of two IPv4 entries: constant eviction, the set index from a shift by 32.
        final CryptoPan tiny = new CryptoPan(key, 2);
        final CryptoPan large = new CryptoPan(key, 1 << 16);
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] subnets = new int[64];
        for (int i = 0; i < subnets.length; i++)
        {
            subnets[i] = random.nextInt() & 0xFFFF_FF00;
        }
        // Prefix 0 is what every slot starts with, so 0.0.0.x and ::x must come out exact too.
        subnets[0] = 0;

        for (int i = 0; i < 200_000; i++)
        {
            final int address = subnets[random.nextInt(subnets.length)] | random.nextInt(256);
            final int expected = uncached.anonymizeIpv4(address);
            assertEquals(expected, small.anonymizeIpv4(address));
            assertEquals(expected, tiny.anonymizeIpv4(address));
            assertEquals(expected, large.anonymizeIpv4(address));
        }
        assertTrue(small.prefixCacheHits() > 10_000, "prefix hits with 16 slots: " + small.prefixCacheHits());
        // 64 busy /24s: after each one's first addresses, its last-octet tree answers (counted as prefix hits).
        assertTrue(large.prefixCacheHits() > 190_000, "prefix hits with 65536 slots: " + large.prefixCacheHits());
        assertTrue(large.cacheMisses() <= 64, "misses with 65536 slots: " + large.cacheMisses());
        assertEquals(0, uncached.addressCacheHits() + uncached.prefixCacheHits() + uncached.cacheMisses());
        for (final int address : new int[]{ 0, -1, 1, 0xFF, 0x100, Integer.MIN_VALUE, Integer.MAX_VALUE })
        {
            assertEquals(uncached.anonymizeIpv4(address), large.anonymizeIpv4(address));
            assertEquals(uncached.anonymizeIpv4(address), large.anonymizeIpv4(address));
        }

        for (int i = 0; i < 20_000; i++)
        {
            final long high = 0 == (i & 7) ? 0L : (long)subnets[random.nextInt(subnets.length)] << 32 | 0xDB8;
            final long low = random.nextLong();
            uncached.anonymizeIpv6(high, low);
            small.anonymizeIpv6(high, low);
            assertEquals(uncached.resultHigh(), small.resultHigh());
            assertEquals(uncached.resultLow(), small.resultLow());
            tiny.anonymizeIpv6(high, low);
            assertEquals(uncached.resultHigh(), tiny.resultHigh());
            assertEquals(uncached.resultLow(), tiny.resultLow());
            large.anonymizeIpv6(high, low);
            assertEquals(uncached.resultHigh(), large.resultHigh());
            assertEquals(uncached.resultLow(), large.resultLow());
        }
    }

    @Test
    void deanonymizeReversesAnonymize() throws IOException
    {
        final CryptoPan cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey());
        for (final CryptoPanVectors.Ipv4Pair pair : CryptoPanVectors.sampleTrace())
        {
            assertEquals(pair.raw(), cryptoPan.deanonymizeIpv4(pair.anonymized()));
        }
        for (final CryptoPanVectors.Ipv6Pair vector : CryptoPanVectors.ipv6Vectors())
        {
            cryptoPan.deanonymizeIpv6(vector.anonymizedHigh(), vector.anonymizedLow());
            assertEquals(vector.rawHigh(), cryptoPan.resultHigh());
            assertEquals(vector.rawLow(), cryptoPan.resultLow());
        }

        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 50_000; i++)
        {
            final int address = random.nextInt();
            assertEquals(address, cryptoPan.deanonymizeIpv4(cryptoPan.anonymizeIpv4(address)));
        }
        for (final int address : new int[]{ 0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE })
        {
            assertEquals(address, cryptoPan.deanonymizeIpv4(cryptoPan.anonymizeIpv4(address)));
        }
        for (int i = 0; i < 2_000; i++)
        {
            final long high = random.nextLong();
            final long low = random.nextLong();
            cryptoPan.anonymizeIpv6(high, low);
            cryptoPan.deanonymizeIpv6(cryptoPan.resultHigh(), cryptoPan.resultLow());
            assertEquals(high, cryptoPan.resultHigh());
            assertEquals(low, cryptoPan.resultLow());
        }
    }

    /**
     * Crypto-PAn's block for bit i is the address's first i bits followed by the pad's bits from i
     * on, so blocks i and i + 1 are the same block wherever the address's bit i equals the pad's:
     * an address has only 1 + (its bits 0..30 that differ from the pad's) distinct flip bits, and
     * is its own image far more often than 2^-32 (about 1 in 15,000 random IPv4 addresses on
     * average over keys). The reference behaves the same, so tests must compare an anonymized
     * address with its Crypto-PAn image, never assert that it differs from the raw one.
     */
    @Test
    void someAddressesAreTheirOwnImageAsWithTheReference() throws Exception
    {
        final byte[] key = CryptoPanVectors.referenceKey();
        final CryptoPan cryptoPan = new CryptoPan(key, 0);

        // The address made of the pad's first 32 bits: all 32 blocks are the pad itself, so
        // every bit flips alike, and the image is the address or its complement.
        final Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 16, "AES"));
        final byte[] pad = aes.doFinal(key, 16, 16);
        final int padAddress = ByteBuffer.wrap(pad).getInt();
        final int padImage = cryptoPan.anonymizeIpv4(padAddress);
        assertTrue(padImage == padAddress || padImage == ~padAddress,
            CryptoPanVectors.dotted(padAddress) + " -> " + CryptoPanVectors.dotted(padImage));

        final SplittableRandom random = new SplittableRandom(SEED);
        int ownImages = 0;
        for (int i = 0; i < OWN_IMAGE_SAMPLES; i++)
        {
            final int address = random.nextInt();
            if (cryptoPan.anonymizeIpv4(address) == address)
            {
                ownImages++;
                assertEquals(address, cryptoPan.deanonymizeIpv4(address));
            }
        }
        assertTrue(ownImages > 0, "no random address is its own image under the reference key in " + OWN_IMAGE_SAMPLES);
    }

    @Test
    void differentKeysGiveDifferentMappings() throws IOException
    {
        final byte[] key = CryptoPanVectors.referenceKey();
        final byte[] otherKey = key.clone();
        otherKey[31] ^= 1;
        final CryptoPan reference = new CryptoPan(key);
        final CryptoPan other = new CryptoPan(otherKey);
        int same = 0;
        for (final CryptoPanVectors.Ipv4Pair pair : CryptoPanVectors.sampleTrace())
        {
            same += reference.anonymizeIpv4(pair.raw()) == other.anonymizeIpv4(pair.raw()) ? 1 : 0;
        }
        assertTrue(same < 5, "addresses mapped alike under a different pad: " + same);
    }

    @Test
    void refusesKeysOfTheWrongLength()
    {
        for (final int length : new int[]{ 0, 16, 31, 33, 64 })
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> new CryptoPan(new byte[length]));
            assertTrue(ex.getMessage().contains("32 bytes"), ex.getMessage());
            assertTrue(ex.getMessage().contains("got " + length + " bytes"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new CryptoPan(null));
    }

    @Test
    void refusesInvalidCacheSizes()
    {
        for (final int slots : new int[]{ -1, 1, 3, 1000, CryptoPan.MAX_CACHE_SLOTS * 2 })
        {
            assertThrows(IllegalArgumentException.class, () -> new CryptoPan(new byte[CryptoPan.KEY_LENGTH_BYTES], slots));
        }
    }

    @Test
    void toStringRevealsNoKeyMaterial() throws IOException
    {
        final byte[] key = CryptoPanVectors.referenceKey();
        final String description = new CryptoPan(key).toString();
        final String hexKey = HexFormat.of().formatHex(key);
        for (int i = 0; i + 8 <= hexKey.length(); i += 8)
        {
            assertFalse(description.toLowerCase().contains(hexKey.substring(i, i + 8)), description);
        }
        assertEquals("CryptoPan{cacheSlots=" + CryptoPan.DEFAULT_CACHE_SLOTS + "}", description);
    }

    private static int withExactSharedPrefix(final int address, final int sharedBits, final int randomBits)
    {
        if (32 == sharedBits)
        {
            return address;
        }
        final int keep = ~(-1 >>> sharedBits);
        final int differingBit = 1 << (31 - sharedBits);
        final int below = differingBit - 1;
        return (address & keep) | (~address & differingBit) | (randomBits & below);
    }

    private static long withExactSharedPrefix(final long address, final int sharedBits, final long randomBits)
    {
        if (64 == sharedBits)
        {
            return address;
        }
        final long keep = ~(-1L >>> sharedBits);
        final long differingBit = 1L << (63 - sharedBits);
        final long below = differingBit - 1;
        return (address & keep) | (~address & differingBit) | (randomBits & below);
    }

    private static int sharedPrefixBits(final long firstHigh, final long firstLow, final long secondHigh, final long secondLow)
    {
        return firstHigh != secondHigh ?
            Long.numberOfLeadingZeros(firstHigh ^ secondHigh) : 64 + Long.numberOfLeadingZeros(firstLow ^ secondLow);
    }
}
