package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AddressTruncationTest
{
    private static final int ADDRESS = 0xC0A8_01FE; // 192.168.1.254
    private static final long HIGH = 0x2001_0DB8_85A3_1234L;
    private static final long LOW = 0xFEDC_BA98_7654_3210L;

    @Test
    void ipv4Edges()
    {
        assertEquals(0, new AddressTruncation(0, 0).ipv4(ADDRESS), "/0 keeps nothing (a naive -1 << 32 keeps everything)");
        assertEquals(0, new AddressTruncation(0, 0).ipv4(-1));
        assertEquals(ADDRESS, new AddressTruncation(32, 0).ipv4(ADDRESS), "/32 keeps everything");
        assertEquals(0xC0A8_0100, new AddressTruncation(24, 0).ipv4(ADDRESS));
        assertEquals(0xC0A8_0000, new AddressTruncation(16, 0).ipv4(ADDRESS));
        assertEquals(0x8000_0000, new AddressTruncation(1, 0).ipv4(ADDRESS));
        assertEquals(0xC0A8_01FE, new AddressTruncation(31, 0).ipv4(0xC0A8_01FF));
    }

    @Test
    void ipv6Edges()
    {
        final AddressTruncation none = new AddressTruncation(0, 0);
        assertEquals(0, none.ipv6High(HIGH));
        assertEquals(0, none.ipv6Low(LOW));

        final AddressTruncation all = new AddressTruncation(32, 128);
        assertEquals(HIGH, all.ipv6High(HIGH));
        assertEquals(LOW, all.ipv6Low(LOW));

        final AddressTruncation slash64 = new AddressTruncation(32, 64);
        assertEquals(HIGH, slash64.ipv6High(HIGH), "/64 keeps the whole high half");
        assertEquals(0, slash64.ipv6Low(LOW), "/64 keeps none of the low half (a naive -1L << 64 keeps it all)");

        final AddressTruncation slash63 = new AddressTruncation(32, 63);
        assertEquals(HIGH & ~1L, slash63.ipv6High(HIGH | 1));
        assertEquals(0, slash63.ipv6Low(-1L));

        final AddressTruncation slash65 = new AddressTruncation(32, 65);
        assertEquals(-1L, slash65.ipv6High(-1L));
        assertEquals(Long.MIN_VALUE, slash65.ipv6Low(-1L));

        final AddressTruncation slash48 = new AddressTruncation(32, 48);
        assertEquals(0x2001_0DB8_85A3_0000L, slash48.ipv6High(HIGH));
        assertEquals(0, slash48.ipv6Low(LOW));

        final AddressTruncation slash127 = new AddressTruncation(32, 127);
        assertEquals(HIGH, slash127.ipv6High(HIGH));
        assertEquals(LOW & ~1L, slash127.ipv6Low(LOW | 1));
    }

    @Test
    void everyPrefixMatchesBigIntegerModel()
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++)
        {
            final int v4 = random.nextInt();
            final long high = random.nextLong();
            final long low = random.nextLong();
            final BigInteger v6 = new BigInteger(1, toBytes(high, low));
            for (int bits = 0; bits <= 128; bits++)
            {
                final AddressTruncation truncation = new AddressTruncation(Math.min(bits, 32), bits);
                final int v4Bits = Math.min(bits, 32);
                final long v4Expected = (Integer.toUnsignedLong(v4) >>> (32 - v4Bits)) << (32 - v4Bits);
                assertEquals((int)v4Expected, truncation.ipv4(v4), "/" + v4Bits);

                final BigInteger expected = v6.shiftRight(128 - bits).shiftLeft(128 - bits);
                assertEquals(expected.shiftRight(64).longValue(), truncation.ipv6High(high), "/" + bits + " high");
                assertEquals(expected.longValue(), truncation.ipv6Low(low), "/" + bits + " low");
            }
        }
    }

    @Test
    void rejectsOutOfRangeLengths()
    {
        assertThrows(IllegalArgumentException.class, () -> new AddressTruncation(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new AddressTruncation(33, 0));
        assertThrows(IllegalArgumentException.class, () -> new AddressTruncation(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new AddressTruncation(0, 129));
    }

    private static byte[] toBytes(final long high, final long low)
    {
        final byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(high >>> (56 - 8 * i));
            bytes[8 + i] = (byte)(low >>> (56 - 8 * i));
        }
        return bytes;
    }
}
