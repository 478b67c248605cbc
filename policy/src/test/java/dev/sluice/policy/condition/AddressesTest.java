package dev.sluice.policy.condition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressesTest
{
    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1",
        "0.0.0.0/0, 0.0.0.0/0",
        "10.1.2.3/8, 10.0.0.0/8",
        "255.255.255.255/32, 255.255.255.255",
        "::, ::",
        "::/0, ::/0",
        "::1, ::1",
        "1::, 1::",
        "2001:DB8::1, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "1:0:1:1:1:1:1:1, 1:0:1:1:1:1:1:1",
        "::ffff:192.0.2.1, ::ffff:c000:201",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "2001:db8::/32, 2001:db8::/32",
        "2001:db8:ffff::/32, 2001:db8::/32",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "fe80::1/10, fe80::/10",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    })
    void parsesAndFormatsCanonically(final String literal, final String canonical)
    {
        assertEquals(canonical, Addresses.parsePrefix(literal).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/", "1..2.3",
        "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:::2", "12345::", "g::1", "::/129",
        "1.2.3.4::", "1:2:3:4:5:6:7:8::", "::1.2.3.4:1", "1:2:3:4:5:6:7", "::/1/2", "1.2.3.4/-1"
    })
    void rejectsInvalidLiterals(final String literal)
    {
        assertThrows(IllegalArgumentException.class, () -> Addresses.parsePrefix(literal));
    }

    @Test
    void hostBits()
    {
        assertTrue(Addresses.hasHostBits("10.1.0.0/8"));
        assertFalse(Addresses.hasHostBits("10.0.0.0/8"));
        assertTrue(Addresses.hasHostBits("2001:db8::1/64"));
        assertFalse(Addresses.hasHostBits("2001:db8::/64"));
        assertFalse(Addresses.hasHostBits("0.0.0.0/0"));
    }

    @Test
    void prefixBounds()
    {
        final AddressPrefix v4 = Addresses.parsePrefix("192.0.2.0/24");
        assertEquals(0xC0000200L, v4.low());
        assertEquals(0xC00002FFL, v4.lastLow());
        assertEquals(0L, v4.lastHigh());
        final AddressPrefix all6 = Addresses.parsePrefix("::/0");
        assertEquals(-1L, all6.lastHigh());
        assertEquals(-1L, all6.lastLow());
        final AddressPrefix half = Addresses.parsePrefix("2001:db8::/96");
        assertEquals(0x2001_0db8_0000_0000L, half.high());
        assertEquals(0x0000_0000_FFFF_FFFFL, half.lastLow());
    }
}
