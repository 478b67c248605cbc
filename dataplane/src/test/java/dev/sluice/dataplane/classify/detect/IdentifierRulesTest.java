package dev.sluice.dataplane.classify.detect;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Positive and negative examples per kind (boundaries, wrong check digits, near misses), each run
 * through both engines: the DFA engine's answer is the expected one, and Hyperscan's must equal it.
 */
@Timeout(60)
class IdentifierRulesTest
{
    private static final DfaIdentifierDetector DFA = new DfaIdentifierDetector();
    private static IdentifierDetector hyperscan;

    @BeforeAll
    static void openHyperscan()
    {
        hyperscan = Detection.hyperscanOrNull();
    }

    @AfterAll
    static void closeHyperscan()
    {
        CloseHelper.close(hyperscan);
    }

    private static List<String> detect(final String text)
    {
        final List<String> expected = Detection.texts(DFA, text);
        if (null != hyperscan)
        {
            assertEquals(expected, Detection.texts(hyperscan, text), "hyperscan disagrees on: " + text);
        }
        return expected;
    }

    /** Each row: text, then the one match expected ({@code KIND:text}). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "src=10.0.0.1 dst=x|IPV4:10.0.0.1",
        "client:192.168.1.254|IPV4:192.168.1.254",
        "from 1.2.3.4.|IPV4:1.2.3.4",
        "68.143.156.89.nw.nu|IPV4:68.143.156.89",
        "[2001:db8::1]:443|IPV6:2001:db8::1",
        "fe80::1%eth0|IPV6:fe80::1",
        "from fe80::1: refused|IPV6:fe80::1",
        "::ffff:192.0.2.1 x|IPV6:::ffff:192.0.2.1",
        "to alice.smith+tag@mail.example.com.|EMAIL:alice.smith+tag@mail.example.com",
        "<bob@example.org>|EMAIL:bob@example.org",
        "HWaddr 00:1A:2B:3c:4d:5e up|MAC:00:1A:2B:3c:4d:5e",
        "mac:00:1a:2b:3c:4d:5e|MAC:00:1a:2b:3c:4d:5e",
        "mac=00-1a-2b-3c-4d-5e,|MAC:00-1a-2b-3c-4d-5e",
        "cisco 001a.2b3c.4d5e|MAC:001a.2b3c.4d5e",
        "imsi=310150123456789|IMSI:310150123456789",
        "IMSI:262011234567890;|IMSI:262011234567890",
        "imei 490154203237518|IMEI:490154203237518",
        "vin=1M8GDM9AXKP042788|VIN:1M8GDM9AXKP042788",
        "VIN 11111111111111111|",
        "call +49 151 1234 5678 now|PHONE:+49 151 1234 5678",
        "tel:+1 (555) 123-4567|PHONE:+1 (555) 123-4567",
        "+442079460958|PHONE:+442079460958",
        "card 4111111111111111 ok|PAYMENT_CARD:4111111111111111",
        "card 4111 1111 1111 1111.|PAYMENT_CARD:4111 1111 1111 1111",
        "card=5500-0000-0000-0004|PAYMENT_CARD:5500-0000-0000-0004",
        "amex 378282246310005|PAYMENT_CARD:378282246310005",
        "visa13 4222222222222 x|PAYMENT_CARD:4222222222222",
    })
    void findsOne(final String text, final String expected)
    {
        final List<String> found = detect(text);
        if (null == expected)
        {
            assertEquals(List.of(), found, text);
        }
        else if (expected.startsWith("PAYMENT_CARD:37"))
        {
            assertEquals(List.of("IMEI:" + expected.substring("PAYMENT_CARD:".length()), expected), found, text);
        }
        else
        {
            assertEquals(List.of(expected), found, text);
        }
    }

    /** Near misses: nothing is found. */
    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3.4.5", "v1.2.3.4", "x.1.2.3.4", "1.2.3.4a", "256.1.1.1", "1.2.3", "010.1.2.3",
        "std::vector", "22:14:15", "::", "ip:2001:db8::1", "::ffff:1.2.3.4.5",
        "alice@", "@example.com", "a@b", "alice@example", "alice@example.c", "alice@example.c0m", "a..b@example.com",
        ".a@example.com", "a.@example.com", "alice@-example.com", "alice@exa_mple.com", "a@b@example.com",
        "00:11:22:33:44", "00:11:22:33:44:55:66", "00:11:22:33:44:5g", "0011.2233", "0011.2233.4455.6677",
        "00-11-22-33-44-55-66",
        "3101501234567890", "31015012345678", "x310150123456789", "110150123456789",
        "1M8GDM9A1KP042788", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "1I8GDM9AXKP042788", "1m8gdm9axkp042788",
        "+49 151", "+0151 12345678", "a+4915112345670", "+4915112345670a", "+49151123456789012", "4915112345670",
        "+49   151 12345678",
        "4111111111111112", "4111 1111 1111 1112", "1111111111111117", "4111 1111 1111 11111", "4111-1111 1111-1111",
        "x4111 1111 1111 1111", "4111 1111 1111 1111x", "41111 1111 1111 1111", "4111  1111 1111 1111",
        "12 4111 1111 1111 1111",
    })
    void findsNothing(final String text)
    {
        assertEquals(List.of(), detect("<" + text + ">"), text);
        assertEquals(List.of(), detect(text), text);
    }

    @Test
    void imsiAndImeiAreToldApartByLuhn()
    {
        // 490154203237518 passes Luhn: an IMEI; change its last digit and it is an IMSI (first digit 4).
        assertEquals(List.of("IMEI:490154203237518"), detect("490154203237518"));
        assertEquals(List.of("IMSI:490154203237519"), detect("490154203237519"));
        // First digit 8 or 9 is no MCC: not an IMSI.
        assertEquals(List.of(), detect("890154203237519"));
    }

    @Test
    void findsSeveralKindsInOneLine()
    {
        final String line = "Nov 27 13:54:12 gw sshd[42]: user bob@example.org from 203.0.113.9 port 22 " +
            "mac 00:1a:2b:3c:4d:5e imsi 310150123456789 vin 1M8GDM9AXKP042788 +49 151 1234 5678 fe80::1";
        assertEquals(List.of(
            "EMAIL:bob@example.org", "IPV4:203.0.113.9", "MAC:00:1a:2b:3c:4d:5e", "IMSI:310150123456789",
            "VIN:1M8GDM9AXKP042788", "PHONE:+49 151 1234 5678", "IPV6:fe80::1"), detect(line));
        final byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        final int bits = DFA.detect(MemorySegment.ofArray(bytes), 0, bytes.length);
        assertEquals(IdentifierKind.EMAIL.bit() | IdentifierKind.IPV4.bit() | IdentifierKind.MAC.bit() |
            IdentifierKind.IMSI.bit() | IdentifierKind.VIN.bit() | IdentifierKind.PHONE.bit() | IdentifierKind.IPV6.bit(), bits);
    }

    @Test
    void readsOnlyTheGivenRange()
    {
        final byte[] bytes = "10.0.0.1 x 4111111111111111".getBytes(StandardCharsets.US_ASCII);
        assertEquals(IdentifierKind.IPV4.bit(), DFA.detect(MemorySegment.ofArray(bytes), 0, 8));
        assertEquals(IdentifierKind.IPV4.bit(), DFA.detect(MemorySegment.ofArray(bytes), 1, 7), "0.0.0.1");
        assertEquals(0, DFA.detect(MemorySegment.ofArray(bytes), 2, 6), ".0.0.1");
        assertEquals(0, DFA.detect(MemorySegment.ofArray(bytes), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> DFA.detect(MemorySegment.ofArray(bytes), 20, 20));
    }

    @Test
    void mapsKindsToDataClasses()
    {
        assertEquals("pii.ip", IdentifierKind.IPV4.dataClass());
        assertEquals("pii.ip", IdentifierKind.IPV6.dataClass());
        assertEquals("pii.vehicle", IdentifierKind.VIN.dataClass());
        assertEquals("pii.card", IdentifierKind.PAYMENT_CARD.dataClass());
    }
}
