package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site key: HKDF-SHA256 exactly as RFC 5869 specifies it (its test vectors), independent
 * subkeys per method, Crypto-PAn keyed with the raw bytes, no bytes in {@code toString}, and
 * zeroed on destroy.
 */
class SiteKeyTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(final String text)
    {
        return HEX.parseHex(text);
    }

    /** RFC 5869 appendix A.1: basic test case with SHA-256. */
    @Test
    void hkdfMatchesRfc5869TestCase1()
    {
        final byte[] okm = SiteKey.hkdfSha256(
            hex("000102030405060708090a0b0c"), hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", HEX.formatHex(okm));
    }

    /** RFC 5869 appendix A.2: longer inputs and outputs (three blocks and a part). */
    @Test
    void hkdfMatchesRfc5869TestCase2()
    {
        final byte[] ikm = new byte[80];
        final byte[] salt = new byte[80];
        final byte[] info = new byte[80];
        for (int i = 0; i < 80; i++)
        {
            ikm[i] = (byte)i;
            salt[i] = (byte)(0x60 + i);
            info[i] = (byte)(0xb0 + i);
        }
        assertEquals(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09" +
            "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
            HEX.formatHex(SiteKey.hkdfSha256(salt, ikm, info, 82)));
    }

    /** RFC 5869 appendix A.3: no salt and no info. */
    @Test
    void hkdfMatchesRfc5869TestCase3()
    {
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
            HEX.formatHex(SiteKey.hkdfSha256(new byte[0], hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), new byte[0], 42)));
    }

    @Test
    void eachMethodGetsAnIndependentSubkey()
    {
        final SiteKey key = new SiteKey("eu-west", "2026-11", sequentialKey());
        final byte[] hmac = key.deriveSubkey("pseudonym/hmac-sha256/v1", 32);
        final byte[] sip = key.deriveSubkey("pseudonym/siphash-2-4/v1", 16);
        assertEquals(32, hmac.length);
        assertEquals(16, sip.length);
        assertFalse(Arrays.equals(Arrays.copyOf(hmac, 16), sip));
        assertArrayEquals(hmac, key.deriveSubkey("pseudonym/hmac-sha256/v1", 32), "deterministic");
        assertFalse(Arrays.equals(Arrays.copyOf(hmac, 32), sequentialKey()), "a subkey is not the key");
        final SiteKey other = new SiteKey("eu-west", "2026-12", reversedKey());
        assertFalse(Arrays.equals(hmac, other.deriveSubkey("pseudonym/hmac-sha256/v1", 32)), "another epoch, another subkey");
        assertThrows(IllegalArgumentException.class, () -> key.deriveSubkey("x", 0));
        assertThrows(IllegalArgumentException.class, () -> key.deriveSubkey("x", SiteKey.MAX_SUBKEY_LENGTH_BYTES + 1));
    }

    @Test
    void cryptoPanUsesTheKeyAsAKeyFileWould()
    {
        final SiteKey key = new SiteKey("eu-west", "2026-11", sequentialKey());
        final CryptoPan expected = new CryptoPan(sequentialKey(), 0);
        final CryptoPan actual = key.cryptoPan(CryptoPan.DEFAULT_CACHE_SLOTS);
        for (int address = 0x0A000000; address < 0x0A000000 + 1000; address += 7)
        {
            assertEquals(expected.anonymizeIpv4(address), actual.anonymizeIpv4(address));
        }
    }

    @Test
    void copiesTheCallersArrayAndNeverShowsTheKey()
    {
        final byte[] bytes = sequentialKey();
        final SiteKey key = new SiteKey("eu-west", "2026-11", bytes);
        Arrays.fill(bytes, (byte)0);
        final CryptoPan zeroKeyed = new CryptoPan(bytes, 0);
        assertFalse(zeroKeyed.anonymizeIpv4(0x0A000001) == key.cryptoPan(0).anonymizeIpv4(0x0A000001),
            "zeroing the caller's array does not change the key");
        assertEquals("SiteKey[eu-west/2026-11]", key.toString());
        assertEquals("eu-west/2026-11", key.label());
    }

    @Test
    void destroyZeroesTheKeyAndRefusesFurtherUse()
    {
        final SiteKey key = new SiteKey("eu-west", "2026-11", sequentialKey());
        key.destroy();
        assertTrue(key.isDestroyed());
        assertEquals("SiteKey[eu-west/2026-11, destroyed]", key.toString());
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> key.cryptoPan(0));
        assertEquals("the key of eu-west/2026-11 was destroyed: its epoch is no longer retained", error.getMessage());
        assertThrows(IllegalStateException.class, () -> key.deriveSubkey("x", 16));
        key.destroy();
    }

    @Test
    void refusesKeysOfTheWrongLength()
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> new SiteKey("eu-west", "a", new byte[16]));
        assertEquals("a site key is 32 bytes, got 16 bytes", error.getMessage());
    }

    static byte[] sequentialKey()
    {
        final byte[] key = new byte[SiteKey.LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(i * 7 + 3);
        }
        return key;
    }

    static byte[] reversedKey()
    {
        final byte[] key = sequentialKey();
        for (int i = 0; i < key.length / 2; i++)
        {
            final byte b = key[i];
            key[i] = key[key.length - 1 - i];
            key[key.length - 1 - i] = b;
        }
        return key;
    }
}
