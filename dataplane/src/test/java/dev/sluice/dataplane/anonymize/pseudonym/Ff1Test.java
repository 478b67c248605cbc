package dev.sluice.dataplane.anonymize.pseudonym;

import dev.sluice.dataplane.testing.AllocationProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.BitSet;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FF1 against NIST's nine FF1 samples (AES-128/192/256, radix 10 and 36), published by NIST's
 * Cryptographic Standards and Guidelines project as "FF1samples.pdf"
 * (csrc.nist.gov/CSRC/media/Projects/Cryptographic-Standards-and-Guidelines/documents/examples/FF1samples.pdf),
 * then round trips, the permutation property over all six-digit strings, the domain minimum
 * and allocation.
 */
class Ff1Test
{
    static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final HexFormat HEX = HexFormat.of();

    static String encrypt(final Ff1 ff1, final String plaintext, final byte[] tweak)
    {
        final byte[] numerals = numerals(plaintext);
        ff1.encrypt(numerals, 0, numerals.length, tweak, 0, tweak.length);
        return text(numerals);
    }

    static String decrypt(final Ff1 ff1, final String ciphertext, final byte[] tweak)
    {
        final byte[] numerals = numerals(ciphertext);
        ff1.decrypt(numerals, 0, numerals.length, tweak, 0, tweak.length);
        return text(numerals);
    }

    static byte[] numerals(final String text)
    {
        final byte[] numerals = new byte[text.length()];
        for (int i = 0; i < numerals.length; i++)
        {
            numerals[i] = (byte)ALPHABET.indexOf(text.charAt(i));
        }
        return numerals;
    }

    static String text(final byte[] numerals)
    {
        final StringBuilder text = new StringBuilder();
        for (final byte numeral : numerals)
        {
            text.append(ALPHABET.charAt(numeral));
        }
        return text.toString();
    }

    @ParameterizedTest(name = "NIST FF1 sample {0}")
    @CsvSource({
        "1, 2B7E151628AED2A6ABF7158809CF4F3C, 10, '', 0123456789, 2433477484",
        "2, 2B7E151628AED2A6ABF7158809CF4F3C, 10, 39383736353433323130, 0123456789, 6124200773",
        "3, 2B7E151628AED2A6ABF7158809CF4F3C, 36, 3737373770717273373737, 0123456789abcdefghi, a9tv40mll9kdu509eum",
        "4, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F, 10, '', 0123456789, 2830668132",
        "5, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F, 10, 39383736353433323130, 0123456789, 2496655549",
        "6, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F, 36, 3737373770717273373737, 0123456789abcdefghi, xbj3kv35jrawxv32ysr",
        "7, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94, 10, '', 0123456789, 6657667009",
        "8, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94, 10, 39383736353433323130, 0123456789, 1001623463",
        "9, 2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94, 36, 3737373770717273373737, 0123456789abcdefghi, xs8a0azh2avyalyzuwd",
    })
    void matchesNistSample(
        final int sample, final String key, final int radix, final String tweak, final String plaintext, final String ciphertext)
    {
        final Ff1 ff1 = new Ff1(HEX.parseHex(key), radix);
        final byte[] tweakBytes = null == tweak ? new byte[0] : HEX.parseHex(tweak);
        assertEquals(ciphertext, encrypt(ff1, plaintext, tweakBytes), "sample " + sample);
        assertEquals(plaintext, decrypt(ff1, ciphertext, tweakBytes), "sample " + sample);
    }

    @Test
    void decryptInvertsEncryptAtEveryLengthAndRadix()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final byte[] key = new byte[32];
        random.nextBytes(key);
        for (int radix = Ff1.MIN_RADIX; radix <= Ff1.MAX_RADIX; radix++)
        {
            final Ff1 ff1 = new Ff1(key, radix);
            for (int length = Ff1.minLength(radix); length <= Ff1.maxLength(radix); length++)
            {
                for (int trial = 0; trial < 5; trial++)
                {
                    final byte[] tweak = new byte[random.nextInt(40)];
                    random.nextBytes(tweak);
                    final byte[] numerals = new byte[length];
                    for (int i = 0; i < length; i++)
                    {
                        numerals[i] = (byte)random.nextInt(radix);
                    }
                    final byte[] original = numerals.clone();
                    ff1.encrypt(numerals, 0, length, tweak, 0, tweak.length);
                    for (final byte numeral : numerals)
                    {
                        assertTrue(numeral >= 0 && numeral < radix);
                    }
                    ff1.decrypt(numerals, 0, length, tweak, 0, tweak.length);
                    assertArrayEquals(original, numerals, "radix " + radix + " length " + length);
                }
            }
        }
        assertEquals(36, Ff1.maxLength(10));
        assertEquals(24, Ff1.maxLength(36));
    }

    @Test
    @Timeout(120)
    void isAPermutationOfAllSixDigitStrings()
    {
        final Ff1 ff1 = new Ff1(HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C"), 10);
        final BitSet seen = new BitSet(1_000_000);
        final byte[] numerals = new byte[6];
        for (int value = 0; value < 1_000_000; value++)
        {
            int rest = value;
            for (int i = 5; i >= 0; i--)
            {
                numerals[i] = (byte)(rest % 10);
                rest /= 10;
            }
            ff1.encrypt(numerals, 0, 6, null, 0, 0);
            int out = 0;
            for (int i = 0; i < 6; i++)
            {
                out = out * 10 + numerals[i];
            }
            assertTrue(!seen.get(out), "two inputs map to " + out);
            seen.set(out);
        }
        assertEquals(1_000_000, seen.cardinality());
    }

    @Test
    void refusesDomainsBelowOneMillionAndOtherMistakes()
    {
        final Ff1 ff1 = new Ff1(new byte[16], 10);
        final IllegalArgumentException small =
            assertThrows(IllegalArgumentException.class, () -> ff1.encrypt(new byte[5], 0, 5, null, 0, 0));
        assertTrue(small.getMessage().contains("1000000") && small.getMessage().contains("at least 6 numerals"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ff1.encrypt(new byte[37], 0, 37, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ff1.encrypt(new byte[] {0, 0, 0, 0, 0, 0, 0, 10}, 0, 8, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ff1(new byte[15], 10));
        assertThrows(IllegalArgumentException.class, () -> new Ff1(new byte[16], 37));
        assertEquals(20, Ff1.minLength(2));
        assertEquals(4, Ff1.minLength(36));
    }

    @Test
    void aReusedInstanceAgreesWithFreshOnesAcrossLengthsAndTweaks()
    {
        final SplittableRandom random = new SplittableRandom(17);
        final byte[] key = new byte[16];
        random.nextBytes(key);
        final Ff1 reused = new Ff1(key, 10);
        for (int trial = 0; trial < 500; trial++)
        {
            final int length = 6 + random.nextInt(3);
            final byte[] tweak = new byte[random.nextInt(3) * 7];
            random.nextBytes(tweak);
            final byte[] numerals = new byte[length];
            for (int i = 0; i < length; i++)
            {
                numerals[i] = (byte)random.nextInt(10);
            }
            final byte[] fresh = numerals.clone();
            reused.encrypt(numerals, 0, length, tweak, 0, tweak.length);
            new Ff1(key, 10).encrypt(fresh, 0, length, tweak, 0, tweak.length);
            assertArrayEquals(fresh, numerals, "trial " + trial);
        }
    }

    @Test
    void dependsOnKeyAndTweak()
    {
        final byte[] key = new byte[16];
        final String plain = "0123456789";
        final String base = encrypt(new Ff1(key, 10), plain, new byte[0]);
        key[0] = 1;
        assertNotEquals(base, encrypt(new Ff1(key, 10), plain, new byte[0]));
        key[0] = 0;
        assertNotEquals(base, encrypt(new Ff1(key, 10), plain, new byte[] {1}));
    }

    @Test
    void remainderOfUpToTwelveBytesIsExact()
    {
        final SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 10_000; trial++)
        {
            final byte[] bytes = new byte[trial % 2 == 0 ? 8 : 12];
            random.nextBytes(bytes);
            final long modulus = 1 + (random.nextLong() >>> (1 + random.nextInt(62)));
            final long expected = new java.math.BigInteger(1, bytes).mod(java.math.BigInteger.valueOf(modulus)).longValueExact();
            assertEquals(expected, Ff1.remainder(bytes, bytes.length, modulus), "modulus " + modulus);
        }
    }

    @Test
    @Timeout(60)
    void allocatesNothingPerValueOnceWarm()
    {
        final Ff1 ff1 = new Ff1(new byte[32], 10);
        final byte[] numerals = numerals("0123456789");
        final byte[] tweak = HEX.parseHex("3737373770717273373737");
        new AllocationProbe("FF1 ten digits", 100_000, 50_000, 5).assertNoAllocation(() ->
        {
            for (int i = 0; i < 1000; i++)
            {
                ff1.encrypt(numerals, 0, numerals.length, tweak, 0, i & 7);
                ff1.decrypt(numerals, 0, numerals.length, tweak, 0, i & 7);
            }
            return 1000;
        });
    }
}
