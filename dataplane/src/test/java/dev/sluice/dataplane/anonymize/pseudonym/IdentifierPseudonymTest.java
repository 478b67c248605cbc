package dev.sluice.dataplane.anonymize.pseudonym;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each identifier pseudonym: the shape is kept, the kept parts are kept, the result is
 * deterministic, depends on the key, reverses where FF1-based, and a malformed value gets its
 * reason.
 */
class IdentifierPseudonymTest
{
    private static final KeyDerivation KEYS = keys(1);
    private static final KeyDerivation OTHER_KEYS = keys(2);

    static KeyDerivation keys(final int seed)
    {
        final byte[] siteKey = new byte[KeyDerivation.SITE_KEY_LENGTH_BYTES];
        new SplittableRandom(seed).nextBytes(siteKey);
        return new KeyDerivation(siteKey);
    }

    /** The pseudonym as text, or "reason N". */
    static String apply(final IdentifierPseudonym pseudonym, final String value)
    {
        final byte[] in = value.getBytes(StandardCharsets.UTF_8);
        final byte[] out = new byte[512];
        final int length = pseudonym.pseudonymize(in, 0, in.length, out, 3, out.length);
        return length < 0 ? "reason " + length : new String(out, 3, length, StandardCharsets.UTF_8);
    }

    static String reverse(final ReversiblePseudonym pseudonym, final String value)
    {
        final byte[] in = value.getBytes(StandardCharsets.UTF_8);
        final byte[] out = new byte[512];
        final int length = pseudonym.reverse(in, 0, in.length, out, 0, out.length);
        return length < 0 ? "reason " + length : new String(out, 0, length, StandardCharsets.UTF_8);
    }

    private static void assertReason(final IdentifierPseudonym pseudonym, final int reason, final String value)
    {
        assertEquals("reason " + reason, apply(pseudonym, value), value);
    }

    private static void assertCommon(
        final PseudonymMethod method, final String value, final String shape)
    {
        final IdentifierPseudonym pseudonym = method.create(KEYS, false);
        final String result = apply(pseudonym, value);
        assertTrue(result.matches(shape), method + ": " + value + " -> " + result + " does not match " + shape);
        assertNotEquals(value, result);
        assertEquals(result, apply(method.create(KEYS, false), value), "deterministic");
        assertNotEquals(result, apply(method.create(OTHER_KEYS, false), value), "depends on the key");
        if (pseudonym instanceof ReversiblePseudonym reversible)
        {
            assertEquals(value, reverse(reversible, result), "reverses");
        }
    }

    @Test
    void userName()
    {
        final IdentifierPseudonym user = PseudonymMethod.USER.create(KEYS, false);
        assertCommon(PseudonymMethod.USER, "alice", "[a-z2-7]{12}");
        assertCommon(PseudonymMethod.USER, "a much longer DOMAIN\\user name than usual", "[a-z2-7]{12}");
        assertNotEquals(apply(user, "alice"), apply(user, "Alice"));
        assertReason(user, PseudonymReason.EMPTY, "");
        assertReason(user, PseudonymReason.TOO_LONG, "x".repeat(UserNamePseudonym.MAX_LENGTH_BYTES + 1));
        final Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 10_000; i++)
        {
            tokens.add(apply(user, "user" + i));
        }
        assertEquals(10_000, tokens.size());
    }

    @Test
    void email()
    {
        assertCommon(PseudonymMethod.EMAIL, "alice.smith@corp.example.com", "[a-z2-7]{12}@[a-z2-7]{12}\\.invalid");
        final IdentifierPseudonym keep = PseudonymMethod.EMAIL.create(KEYS, true);
        final IdentifierPseudonym hide = PseudonymMethod.EMAIL.create(KEYS, false);
        final String kept = apply(keep, "alice.smith@Corp.Example.com");
        assertTrue(kept.matches("[a-z2-7]{12}@Corp\\.Example\\.com"), kept);
        assertEquals(kept.substring(0, 12), apply(hide, "alice.smith@corp.example.com").substring(0, 12), "same local token");
        assertEquals(apply(hide, "bob@CORP.example.com").substring(13), apply(hide, "carol@corp.example.com").substring(13),
            "domains are case-insensitive");
        assertNotEquals(apply(hide, "bob@a.example").substring(13), apply(hide, "bob@b.example").substring(13));
        assertReason(hide, PseudonymReason.EMPTY, "");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "no-at-sign.example.com");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "@example.com");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "alice@");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "alice smith@example.com");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "alice@exa_mple.com");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "alice@.example.com");
        assertReason(hide, PseudonymReason.NOT_AN_EMAIL, "x".repeat(65) + "@example.com");
    }

    @Test
    void macAddress()
    {
        assertCommon(PseudonymMethod.MAC, "00:1b:63:84:45:e6", "00:1b:63:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}");
        assertCommon(PseudonymMethod.MAC, "00-1B-63-84-45-E6", "00-1B-63-[0-9A-F]{2}-[0-9A-F]{2}-[0-9A-F]{2}");
        assertCommon(PseudonymMethod.MAC, "001b.6384.45e6", "001b\\.63[0-9a-f]{2}\\.[0-9a-f]{4}");
        assertCommon(PseudonymMethod.MAC, "001B638445E6", "001B63[0-9A-F]{6}");
        final IdentifierPseudonym mac = PseudonymMethod.MAC.create(KEYS, false);
        assertEquals(apply(mac, "00:1b:63:84:45:e6").toUpperCase(), apply(mac, "00:1B:63:84:45:E6"), "case is not part of the value");
        assertNotEquals(apply(mac, "00:1b:63:84:45:e6").substring(9), apply(mac, "00:1b:64:84:45:e6").substring(9),
            "the OUI is the tweak");
        assertReason(mac, PseudonymReason.EMPTY, "");
        assertReason(mac, PseudonymReason.BAD_LENGTH, "00:1b:63:84:4");
        assertReason(mac, PseudonymReason.BAD_SEPARATOR, "00:1b:63:84:45");
        assertReason(mac, PseudonymReason.TOO_LONG, "00:1b:63:84:45:e6:77");
        assertReason(mac, PseudonymReason.BAD_SEPARATOR, "00:1b-63:84:45:e6");
        assertReason(mac, PseudonymReason.BAD_SEPARATOR, "00;1b;63;84;45;e6");
        assertReason(mac, PseudonymReason.BAD_CHARACTER, "00:1b:63:84:45:g6");
        assertReason(mac, PseudonymReason.BAD_SEPARATOR, "001b:6384:45e6");
    }

    @Test
    void imsi()
    {
        // Germany (262) has two-digit MNCs; the United States (310) three.
        assertCommon(PseudonymMethod.IMSI, "262011234567890", "26201\\d{10}");
        assertCommon(PseudonymMethod.IMSI, "310260123456789", "310260\\d{9}");
        assertCommon(PseudonymMethod.IMSI, "40586012345678", "405860\\d{8}");
        assertCommon(PseudonymMethod.IMSI, "40410123456789", "40410\\d{9}");
        assertEquals(3, MobileCountryCodes.mncLength(302, 7));
        assertEquals(3, MobileCountryCodes.mncLength(732, 1));
        assertEquals(2, MobileCountryCodes.mncLength(234, 1));
        assertEquals(2, MobileCountryCodes.mncLength(405, 5));
        assertEquals(3, MobileCountryCodes.mncLength(405, 8));
        final IdentifierPseudonym imsi = PseudonymMethod.IMSI.create(KEYS, false);
        assertReason(imsi, PseudonymReason.EMPTY, "");
        assertReason(imsi, PseudonymReason.TOO_LONG, "2620112345678901");
        assertReason(imsi, PseudonymReason.BAD_CHARACTER, "26201123456789a");
        assertReason(imsi, PseudonymReason.TOO_FEW_DIGITS, "2620112345");
        assertReason(imsi, PseudonymReason.TOO_FEW_DIGITS, "31026012345");
    }

    @Test
    void imei()
    {
        assertEquals(8, ImeiPseudonym.luhnCheckDigit("49015420323751".getBytes(StandardCharsets.US_ASCII), 0, 14));
        assertCommon(PseudonymMethod.IMEI, "490154203237518", "49015420\\d{7}");
        assertCommon(PseudonymMethod.IMEI, "3520990017614823", "35209900\\d{6}23");
        final IdentifierPseudonym imei = PseudonymMethod.IMEI.create(KEYS, false);
        for (int serial = 0; serial < 200; serial++)
        {
            final String payload = "35209900" + String.format("%06d", serial * 4999);
            final String value = payload + ImeiPseudonym.luhnCheckDigit(payload.getBytes(StandardCharsets.US_ASCII), 0, 14);
            final String result = apply(imei, value);
            assertEquals(result.charAt(14) - '0', ImeiPseudonym.luhnCheckDigit(result.getBytes(StandardCharsets.US_ASCII), 0, 14),
                "the pseudonym passes the Luhn check: " + result);
            assertEquals(value, reverse((ReversiblePseudonym)imei, result));
        }
        assertReason(imei, PseudonymReason.EMPTY, "");
        assertReason(imei, PseudonymReason.BAD_LENGTH, "49015420323751");
        assertReason(imei, PseudonymReason.TOO_LONG, "49015420323751800");
        assertReason(imei, PseudonymReason.BAD_CHARACTER, "4901542032375a8");
    }

    @Test
    void vin()
    {
        assertEquals('X', VinPseudonym.checkCharacter("1M8GDM9AXKP042788"));
        assertEquals('1', VinPseudonym.checkCharacter("11111111111111111"));
        assertCommon(PseudonymMethod.VIN, "1M8GDM9AXKP042788", "1M8[0-9A-HJ-NPR-Z]{5}[0-9X][0-9A-HJ-NPR-Z]{8}");
        final String european = "WVWZZZ1J" + "Z" + "XW000001";
        final String withCheck = european.substring(0, 8) + VinPseudonym.checkCharacter(european) + european.substring(9);
        assertCommon(PseudonymMethod.VIN, withCheck.toLowerCase(), "wvw[0-9a-hj-npr-z]{5}[0-9x][0-9a-hj-npr-z]{8}");
        final IdentifierPseudonym vin = PseudonymMethod.VIN.create(KEYS, false);
        // Outside North America position 9 need not be a check digit: the way back writes one.
        assertEquals(withCheck, reverse((ReversiblePseudonym)vin, apply(vin, european)));
        final String result = apply(vin, "1M8GDM9AXKP042788");
        assertEquals(VinPseudonym.checkCharacter(result), result.charAt(8), "position 9 is the check digit: " + result);
        assertReason(vin, PseudonymReason.EMPTY, "");
        assertReason(vin, PseudonymReason.BAD_LENGTH, "1M8GDM9AXKP04278");
        assertReason(vin, PseudonymReason.TOO_LONG, "1M8GDM9AXKP0427880");
        assertReason(vin, PseudonymReason.BAD_CHARACTER, "1M8GDM9AXKP0427O8");
        assertReason(vin, PseudonymReason.BAD_CHARACTER, "1M8GDM9AXKP04-788");
    }

    @Test
    void phoneNumber()
    {
        assertCommon(PseudonymMethod.PHONE, "+49 30 1234567", "\\+49 \\d{2} \\d{7}");
        assertCommon(PseudonymMethod.PHONE, "14155552671", "1\\d{10}");
        assertCommon(PseudonymMethod.PHONE, "+1-415-555-2671", "\\+1-\\d{3}-\\d{3}-\\d{4}");
        assertCommon(PseudonymMethod.PHONE, "+352 123456", "\\+352 \\d{6}");
        assertCommon(PseudonymMethod.PHONE, "+7 912 345 67 89", "\\+7 \\d{3} \\d{3} \\d{2} \\d{2}");
        final IdentifierPseudonym phone = PseudonymMethod.PHONE.create(KEYS, false);
        assertEquals(apply(phone, "+4930 1234567").replace(" ", ""), apply(phone, "4930-1234567").replace("-", "").replace("", "")
            .transform(s -> "+" + s).replace(" ", ""), "separators and '+' do not change the digits");
        assertReason(phone, PseudonymReason.EMPTY, "");
        assertReason(phone, PseudonymReason.BAD_CHARACTER, "+");
        assertReason(phone, PseudonymReason.BAD_CHARACTER, "(415) 555-2671");
        assertReason(phone, PseudonymReason.BAD_CHARACTER, "+49 30 1234567 ext. 5");
        assertReason(phone, PseudonymReason.UNKNOWN_COUNTRY_CODE, "0301234567");
        assertReason(phone, PseudonymReason.UNKNOWN_COUNTRY_CODE, "+2801234567");
        assertReason(phone, PseudonymReason.TOO_FEW_DIGITS, "+352 12345");
        assertReason(phone, PseudonymReason.TOO_LONG, "+49 30 1234567890123");
        assertEquals(1, CountryCodes.length(1, 2, 3));
        assertEquals(2, CountryCodes.length(4, 4, 2));
        assertEquals(3, CountryCodes.length(3, 5, 2));
        assertEquals(0, CountryCodes.length(2, 8, 0));
    }

    @Test
    void keyedHashes()
    {
        assertCommon(PseudonymMethod.SIPHASH, "session-42", "[0-9a-f]{16}");
        assertCommon(PseudonymMethod.HMAC, "session-42", "[0-9a-f]{32}");
        assertReason(PseudonymMethod.HMAC.create(KEYS, false), PseudonymReason.EMPTY, "");
    }

    @Test
    void outputTooSmallIsAReasonAndNothingLeaksTheKey()
    {
        for (final PseudonymMethod method : PseudonymMethod.values())
        {
            final IdentifierPseudonym pseudonym = method.create(KEYS, false);
            final byte[] in = "490154203237518".getBytes(StandardCharsets.US_ASCII);
            final int result = pseudonym.pseudonymize(in, 0, in.length, new byte[4], 0, 4);
            assertTrue(result < 0, method.toString());
            assertTrue(pseudonym.toString().contains("<secret>"), pseudonym.toString());
            assertTrue(!pseudonym.describe(result).isEmpty());
            assertEquals(method, PseudonymMethod.byKeyword(method.keyword()));
        }
    }
}
