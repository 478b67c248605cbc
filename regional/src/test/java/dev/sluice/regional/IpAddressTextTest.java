package dev.sluice.regional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IP address text against the examples of RFC 5952, and against its rules for any address.
 */
@Timeout(300)
class IpAddressTextTest
{
    private static final Pattern HEX_GROUP = Pattern.compile("0|[1-9a-f][0-9a-f]{0,3}");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:0db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:DB8::1, 2001:db8::1",
        "2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "1:0:0:0:0:0:0:0, 1::",
        "fe80:0:0:0:0:0:1:2, fe80::1:2",
        "0:1:0:0:0:0:0:0, 0:1::",
        "1:0:1:0:1:0:1:0, 1:0:1:0:1:0:1:0",
        "::192.0.2.1, ::c000:201",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "0:0:0:0:0:fffe:c000:201, ::fffe:c000:201",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void formatsIpv6Canonically(final String input, final String expected)
    {
        assertEquals(expected, IpAddressText.format(InetAddress.ofLiteral(input).getAddress()));
    }

    @Test
    void writesIpv4MappedAddressesInMixedNotation()
    {
        assertEquals("::ffff:192.0.2.1", IpAddressText.format(TestBatch.address("::ffff:192.0.2.1")));
        assertEquals("::ffff:0.0.0.0", IpAddressText.format(TestBatch.address("::ffff:0.0.0.0")));
        assertEquals("::ffff:255.255.255.255", IpAddressText.format(TestBatch.address("::ffff:255.255.255.255")));
    }

    @ParameterizedTest
    @CsvSource({ "0.0.0.0", "255.255.255.255", "10.1.2.3", "192.0.2.100" })
    void formatsIpv4(final String address)
    {
        assertEquals(address, IpAddressText.format(InetAddress.ofLiteral(address).getAddress()));
    }

    @Test
    void longestTextsFitTheirBounds()
    {
        final byte[] ones = new byte[16];
        Arrays.fill(ones, (byte)0xFF);
        assertEquals(IpAddressText.IPV6_MAX_LENGTH, IpAddressText.format(ones).length());
        assertEquals(IpAddressText.IPV4_MAX_LENGTH, IpAddressText.format(new byte[]{ -1, -1, -1, -1 }).length());
        assertThrows(IllegalArgumentException.class, () -> IpAddressText.format(new byte[5]));
    }

    @FuzzTest(maxDuration = "2m")
    void fuzzIpv6FollowsRfc5952(final byte[] input)
    {
        final byte[] address = Arrays.copyOf(input, 16);
        assertRfc5952(address, IpAddressText.format(address));
    }

    @FuzzTest(maxDuration = "2m")
    void fuzzIpv4RoundTrips(final byte[] input)
    {
        final byte[] address = Arrays.copyOf(input, 4);
        final String text = IpAddressText.format(address);
        assertTrue(DOTTED_QUAD.matcher(text).matches(), text);
        assertArrayEquals(address, InetAddress.ofLiteral(text).getAddress(), text);
    }

    /**
     * Checks the text against RFC 5952's rules directly, independently of how it was produced:
     * it parses back to the same address, groups are lower-case hex without leading zeros,
     * {@code ::} appears at most once, covers at least two zero groups and the longest run (the
     * first one on a tie), and only IPv4-mapped addresses use dotted decimal.
     */
    static void assertRfc5952(final byte[] address, final String text)
    {
        final byte[] parsed = InetAddress.ofLiteral(text).getAddress();
        final boolean mapped = isIpv4Mapped(address);
        if (mapped)
        {
            assertTrue(text.startsWith("::ffff:"), text);
            assertTrue(DOTTED_QUAD.matcher(text.substring(7)).matches(), text);
            assertArrayEquals(Arrays.copyOfRange(address, 12, 16), parsed, text);
            return;
        }

        assertArrayEquals(address, parsed, text);
        assertFalse(text.contains("."), text);
        final int elision = text.indexOf("::");
        assertEquals(elision, text.lastIndexOf("::"), text);

        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }

        final String[] explicitBefore;
        final String[] explicitAfter;
        if (elision < 0)
        {
            explicitBefore = text.split(":", -1);
            explicitAfter = new String[0];
            assertEquals(8, explicitBefore.length, text);
        }
        else
        {
            final String head = text.substring(0, elision);
            final String tail = text.substring(elision + 2);
            explicitBefore = head.isEmpty() ? new String[0] : head.split(":", -1);
            explicitAfter = tail.isEmpty() ? new String[0] : tail.split(":", -1);
        }
        for (final String group : explicitBefore)
        {
            assertTrue(HEX_GROUP.matcher(group).matches(), text);
        }
        for (final String group : explicitAfter)
        {
            assertTrue(HEX_GROUP.matcher(group).matches(), text);
        }

        final int longestRun = longestZeroRun(groups, 0, 8);
        if (elision < 0)
        {
            assertTrue(longestRun < 2, "a run of " + longestRun + " zero groups is not shortened: " + text);
        }
        else
        {
            final int elided = 8 - explicitBefore.length - explicitAfter.length;
            assertTrue(elided >= 2, "'::' stands for one group: " + text);
            assertEquals(longestRun, elided, "'::' is not the longest run: " + text);
            assertTrue(longestZeroRun(groups, 0, explicitBefore.length) < elided,
                "an equal run before '::' should have been shortened instead: " + text);
        }
    }

    private static int longestZeroRun(final int[] groups, final int from, final int to)
    {
        int longest = 0;
        int run = 0;
        for (int i = from; i < to; i++)
        {
            run = 0 == groups[i] ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static boolean isIpv4Mapped(final byte[] address)
    {
        for (int i = 0; i < 10; i++)
        {
            if (0 != address[i])
            {
                return false;
            }
        }
        return (byte)0xFF == address[10] && (byte)0xFF == address[11];
    }
}
