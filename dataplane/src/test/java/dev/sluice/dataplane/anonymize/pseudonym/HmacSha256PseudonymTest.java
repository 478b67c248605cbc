package dev.sluice.dataplane.anonymize.pseudonym;

import dev.sluice.dataplane.testing.AllocationProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * HMAC-SHA256 pseudonyms against RFC 4231's HMAC-SHA-256 test cases (section 4; case 5 is
 * the truncation case, 128 bits) and against the JDK's own Mac at every length.
 */
class HmacSha256PseudonymTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] repeat(final int value, final int count)
    {
        final byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertRfc(final byte[] key, final byte[] data, final String expectedHex)
    {
        final byte[] expected = HEX.parseHex(expectedHex);
        final HmacSha256Pseudonym pseudonym = new HmacSha256Pseudonym(key, expected.length);
        final byte[] out = new byte[expected.length + 2];
        assertEquals(expected.length, pseudonym.pseudonymize(data, 0, data.length, out, 1));
        assertArrayEquals(expected, Arrays.copyOfRange(out, 1, 1 + expected.length));
    }

    @Test
    void matchesRfc4231TestCases()
    {
        assertRfc(repeat(0x0b, 20), ascii("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assertRfc(ascii("Jefe"), ascii("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertRfc(repeat(0xaa, 20), repeat(0xdd, 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
        // Test case 5: output truncated to 128 bits.
        assertRfc(repeat(0x0c, 20), ascii("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b");
        assertRfc(repeat(0xaa, 131), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void isTheJdkMacTruncatedAtEveryLength() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] key = new byte[32];
        random.nextBytes(key);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (int length = HmacSha256Pseudonym.MIN_LENGTH_BYTES; length <= HmacSha256Pseudonym.MAX_LENGTH_BYTES; length++)
        {
            final HmacSha256Pseudonym pseudonym = new HmacSha256Pseudonym(key, length);
            for (int i = 0; i < 20; i++)
            {
                final byte[] value = new byte[random.nextInt(100)];
                random.nextBytes(value);
                final byte[] out = new byte[length];
                pseudonym.pseudonymize(value, 0, value.length, out, 0);
                assertArrayEquals(Arrays.copyOf(mac.doFinal(value), length), out);
            }
        }
    }

    @Test
    void refusesLengthsOutsideFourToThirtyTwoAndHidesTheKey()
    {
        assertThrows(IllegalArgumentException.class, () -> new HmacSha256Pseudonym(new byte[32], 3));
        assertThrows(IllegalArgumentException.class, () -> new HmacSha256Pseudonym(new byte[32], 33));
        final byte[] key = repeat(0x5a, 32);
        assertFalse(new HmacSha256Pseudonym(key, 8).toString().toLowerCase().contains("5a5a"));
    }

    @Test
    @Timeout(60)
    void allocatesNothingPerValueOnceWarm()
    {
        final HmacSha256Pseudonym pseudonym = new HmacSha256Pseudonym(repeat(3, 32), 16);
        final byte[] value = ascii("alice.example@corp.example.com");
        final byte[] out = new byte[16];
        new AllocationProbe("HMAC-SHA256 pseudonym", 200_000, 100_000, 5).assertNoAllocation(() ->
        {
            for (int i = 0; i < 1000; i++)
            {
                value[0] = (byte)i;
                pseudonym.pseudonymize(value, 0, value.length, out, 0);
            }
            return 1000;
        });
    }
}
