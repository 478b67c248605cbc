package dev.sluice.dataplane.decode.event.cef;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressTextTest
{
    private final AddressText address = new AddressText();

    private int parse(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return address.parse(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Test
    void parsesWhatInetAddressParses() throws Exception
    {
        final String[] valid = {
            "0.0.0.0", "1.1.1.1", "10.52.116.160", "255.255.255.255", "::", "::1", "1::", "2001:db8::5", "fe80::1:2:3:4",
            "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "ABCD:EF01::", "1::8",
            "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8"};
        for (final String text : valid)
        {
            final int version = parse(text);
            final byte[] expected = InetAddress.getByName(text).getAddress();
            final byte[] actual;
            if (4 == version)
            {
                actual = ByteBuffer.allocate(4).putInt((int)address.low()).array();
            }
            else
            {
                assertEquals(6, version, text);
                actual = ByteBuffer.allocate(16).putLong(address.high()).putLong(address.low()).array();
            }
            // InetAddress turns ::ffff:a.b.c.d into an IPv4 address; compare its last four bytes then.
            final byte[] tail = actual.length == 16 && expected.length == 4 ?
                java.util.Arrays.copyOfRange(actual, 12, 16) : actual;
            assertArrayEquals(expected, tail, text);
        }
    }

    @Test
    void rejectsEverythingElse()
    {
        final String[] invalid = {
            "", "1", "1.1.1", "1.1.1.1.", "1.1.1.1.1", "256.1.1.1", "01.1.1.1", "1..1.1", " 1.1.1.1", "1.1.1.1 ", "a.b.c.d",
            ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1::", "1:", "12345::", "fe80::1%eth0",
            "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "g::", "None", "10.52.116.160|", "1:2:3:4:5:6:7:8::"};
        for (final String text : invalid)
        {
            assertEquals(0, parse(text), text);
        }
    }
}
