package dev.sluice.dataplane.decode.event.cef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds the next byte that matters to a parser (a pipe, a space, a backslash, an equals sign, a
 * delimiter) eight bytes at a time (SWAR: one unaligned little-endian load, then the classic
 * "has zero byte" test against each wanted byte), so that long runs of plain text cost one load per
 * eight bytes instead of eight bounds-checked reads. Stateless; any thread.
 */
final class ByteScan
{
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan()
    {
    }

    /**
     * @param value a byte to look for.
     * @return the byte repeated in all eight lanes of a word, for {@link #indexOfAny}.
     */
    static long pattern(final byte value)
    {
        return (value & 0xFFL) * ONES;
    }

    /**
     * @param segment holds the message.
     * @param base    where the message starts.
     * @param from    the first position searched, from the message's start.
     * @param end     the end of the search (exclusive), within the message.
     * @param a       {@link #pattern} of a wanted byte.
     * @param b       {@link #pattern} of another (repeat {@code a} when fewer are wanted).
     * @param c       {@link #pattern} of a third.
     * @return the first position in {@code [from, end)} holding a wanted byte, or {@code end}.
     */
    static int indexOfAny(
        final MemorySegment segment, final long base, final int from, final int end, final long a, final long b, final long c)
    {
        int p = from;
        while (p + Long.BYTES <= end)
        {
            final long word = segment.get(WORD, base + p);
            // The lowest flagged lane of each test is exact (borrows only run upwards), so is their union's.
            final long found = zeroLanes(word ^ a) | zeroLanes(word ^ b) | zeroLanes(word ^ c);
            if (0 != found)
            {
                return p + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            p += Long.BYTES;
        }
        final byte byteA = (byte)a;
        final byte byteB = (byte)b;
        final byte byteC = (byte)c;
        while (p < end)
        {
            final byte value = segment.get(ValueLayout.JAVA_BYTE, base + p);
            if (value == byteA || value == byteB || value == byteC)
            {
                return p;
            }
            p++;
        }
        return end;
    }

    private static long zeroLanes(final long x)
    {
        return (x - ONES) & ~x & HIGHS;
    }
}
