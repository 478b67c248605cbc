package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum (RFC 1071) that IPv4, TCP, UDP, ICMP, ICMPv6 and GRE carry: sums of
 * 16-bit big-endian words in one's-complement arithmetic, computed whole (the payload slicer
 * rebuilds packets) or updated incrementally (RFC 1624, equation 3: {@code HC' = ~(~HC + ~m + m')}),
 * which is what an in-place rewrite of a few words needs.
 * <p>
 * <b>Sums are kept as longs</b> of 16-bit words, folded (end-around carry) only when needed, so
 * many changes can be added up before one update.
 * <p>
 * <b>Alignment.</b> A change made at an odd offset from the start of the range a checksum covers
 * contributes its bytes swapped; RFC 1071's byte-order independence says the folded sum of
 * byte-swapped words is the byte-swapped folded sum, so a difference computed with words aligned to
 * one origin is moved to a range that starts at an odd distance from it with {@link #swap}.
 * <p>
 * <b>A bad checksum stays bad.</b> An incremental update adds to the stored checksum exactly what the
 * change adds to the correct one, so the distance between them (0 for a good checksum) is kept.
 * <p>
 * Stateless; any thread.
 */
public final class InternetChecksum
{
    private static final ValueLayout.OfByte U8 = NetworkByteOrder.U8;
    private static final ValueLayout.OfShort U16 = NetworkByteOrder.U16;
    private static final int WORD_MASK = 0xFFFF;

    private InternetChecksum()
    {
    }

    /** Adds the 16-bit words of {@code bytes[from, from + length)} to {@code initial}; an odd last byte is padded. */
    public static long sum(final byte[] bytes, final int from, final int length, final long initial)
    {
        long sum = initial;
        final int end = from + length;
        int i = from;
        for (; i + 1 < end; i += 2)
        {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        if (i < end)
        {
            sum += (bytes[i] & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * The sum of the bytes at {@code [from, from + length)} of a packet that starts at {@code base}
     * in {@code segment}, with words aligned to the packet's start: a byte at an even offset is a
     * word's high byte, at an odd offset its low byte.
     */
    public static long alignedSum(final MemorySegment segment, final long base, final int from, final int length)
    {
        long sum = 0;
        int i = from;
        final int end = from + length;
        if ((i & 1) != 0 && i < end)
        {
            sum += segment.get(U8, base + i) & 0xFF;
            i++;
        }
        for (; i + 1 < end; i += 2)
        {
            sum += segment.get(U16, base + i) & WORD_MASK;
        }
        if (i < end)
        {
            sum += (segment.get(U8, base + i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum of words to 16 bits with end-around carries. */
    public static int fold(final long sum)
    {
        long folded = sum;
        while ((folded >>> 16) != 0)
        {
            folded = (folded & WORD_MASK) + (folded >>> 16);
        }
        return (int)folded;
    }

    /** The checksum to store for a sum over a range whose checksum field held 0. */
    public static int finish(final long sum)
    {
        return ~fold(sum) & WORD_MASK;
    }

    /** What replacing words summing to {@code oldSum} by words summing to {@code newSum} adds: {@code m' + ~m}. */
    public static long difference(final long oldSum, final long newSum)
    {
        return newSum + (~fold(oldSum) & WORD_MASK);
    }

    /** A difference with words aligned to the other parity: its folded value with the bytes swapped. */
    public static long swap(final long difference)
    {
        final int folded = fold(difference);
        return ((folded & 0xFF) << 8) | (folded >>> 8);
    }

    /** RFC 1624 equation 3: the stored checksum {@code checksum} after changes adding up to {@code difference}. */
    public static int update(final int checksum, final long difference)
    {
        return ~fold((~checksum & WORD_MASK) + difference) & WORD_MASK;
    }
}
