package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

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
    @Test
    void eachMethodGetsAnIndependentSubkey()
    {
        // HKDF itself is checked against RFC 5869 in KeyDerivationTest: SiteKey hands out the same derivation.
        final SiteKey key = new SiteKey("eu-west", "2026-11", sequentialKey());
        final byte[] hmac = key.keyDerivation().subkey(KeyDerivation.HMAC_SHA256, 32);
        final byte[] sip = key.keyDerivation().subkey(KeyDerivation.SIPHASH, 16);
        assertEquals(32, hmac.length);
        assertEquals(16, sip.length);
        assertFalse(Arrays.equals(Arrays.copyOf(hmac, 16), sip));
        assertArrayEquals(hmac, new KeyDerivation(sequentialKey()).subkey(KeyDerivation.HMAC_SHA256, 32),
            "the same subkey as the analysts' tool derives from the key file");
        assertFalse(Arrays.equals(Arrays.copyOf(hmac, 32), sequentialKey()), "a subkey is not the key");
        final SiteKey other = new SiteKey("eu-west", "2026-12", reversedKey());
        assertFalse(Arrays.equals(hmac, other.keyDerivation().subkey(KeyDerivation.HMAC_SHA256, 32)), "another epoch, another subkey");
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
        assertThrows(IllegalStateException.class, key::keyDerivation);
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
