package dev.sluice.dataplane.anonymize.pseudonym;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HKDF-SHA256 against RFC 5869 appendix A (test cases 1 to 3, the SHA-256 ones), and the
 * subkeys of a site key: distinct per method.
 */
class KeyDerivationTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static void assertHkdf(
        final String ikm, final String salt, final String info, final int length, final String prk, final String okm)
    {
        final byte[] actualPrk = KeyDerivation.extract(HEX.parseHex(salt), HEX.parseHex(ikm));
        assertEquals(prk, HEX.formatHex(actualPrk));
        assertEquals(okm, HEX.formatHex(KeyDerivation.expand(actualPrk, HEX.parseHex(info), length)));
    }

    @Test
    void matchesRfc5869TestCaseOne()
    {
        assertHkdf("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void matchesRfc5869TestCaseTwo()
    {
        final StringBuilder ikm = new StringBuilder();
        final StringBuilder salt = new StringBuilder();
        final StringBuilder info = new StringBuilder();
        for (int i = 0; i < 80; i++)
        {
            ikm.append(String.format("%02x", i));
            salt.append(String.format("%02x", 0x60 + i));
            info.append(String.format("%02x", 0xb0 + i));
        }
        assertHkdf(ikm.toString(), salt.toString(), info.toString(), 82,
            "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
    }

    @Test
    void matchesRfc5869TestCaseThree()
    {
        assertHkdf("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void everyMethodHasItsOwnSubkey()
    {
        final byte[] siteKey = new byte[KeyDerivation.SITE_KEY_LENGTH_BYTES];
        siteKey[0] = 1;
        final KeyDerivation derivation = new KeyDerivation(siteKey);
        final Set<String> subkeys = new HashSet<>();
        final List<String> infos = List.of(KeyDerivation.SIPHASH, KeyDerivation.HMAC_SHA256, KeyDerivation.USER,
            KeyDerivation.EMAIL, KeyDerivation.FF1_MAC, KeyDerivation.FF1_IMSI, KeyDerivation.FF1_IMEI,
            KeyDerivation.FF1_VIN, KeyDerivation.FF1_PHONE);
        for (final String info : infos)
        {
            assertTrue(info.startsWith("sluice/v1/"));
            assertTrue(subkeys.add(HEX.formatHex(derivation.subkey(info, 32))), info);
        }
        assertEquals(HEX.formatHex(derivation.subkey(KeyDerivation.SIPHASH, 32)),
            HEX.formatHex(new KeyDerivation(siteKey).subkey(KeyDerivation.SIPHASH, 32)), "deterministic");
        assertFalse(subkeys.contains(HEX.formatHex(siteKey)));
        assertThrows(IllegalArgumentException.class, () -> new KeyDerivation(new byte[16]));
        assertFalse(derivation.toString().contains("01"));
    }
}
