package dev.sluice.policy.compile;

import java.util.Arrays;

/**
 * Maps a field's value to the row of rule bits that {@link CrossRuleIndex} precomputed for the
 * interval holding it: the value space is cut at every bound any rule's test on the field has,
 * so within one interval every test answers the same, and one lookup per item stands for every
 * rule's test on that field. Values are unsigned 64 bits ({@code high} = 0) or 128 bits (IPv6).
 * <p>
 * Small value spaces (ports below 4,096, protocol, a flag bit) go through a direct table; larger
 * ones through a binary search over the interval starts. The generated code does both inline
 * ({@link IndexEmitter}) for values below 2^63; IPv6 addresses call {@link #rowOffset(long, long)}.
 * Immutable; any thread; allocates nothing.
 */
public final class IntervalIndex
{
    /** Value spaces whose last bound is below this use a direct table (2 bytes per value). */
    static final int DIRECT_LIMIT = 1 << 12;

    private final long[] startHigh;
    private final long[] startLow;
    private final int[] offsets;
    private final char[] direct;
    private final int lastOffset;

    /**
     * @param startHigh high 64 bits of each interval's start, ascending with {@code startLow}; all 0 below 2^64.
     * @param startLow  low 64 bits of each interval's start; the first interval starts at 0.
     * @param offsets   per interval, the offset of its row in the field's row table.
     */
    IntervalIndex(final long[] startHigh, final long[] startLow, final int[] offsets)
    {
        this.startHigh = startHigh;
        this.startLow = startLow;
        this.offsets = offsets;
        this.lastOffset = offsets[offsets.length - 1];
        final int last = startLow.length - 1;
        if (0 == startHigh[last] && startLow[last] >= 0 && startLow[last] < DIRECT_LIMIT &&
            Arrays.stream(offsets).allMatch(offset -> offset <= Character.MAX_VALUE))
        {
            direct = new char[(int)startLow[last] + 1];
            for (int i = 0, interval = 0; i < direct.length; i++)
            {
                while (interval < last && startLow[interval + 1] <= i)
                {
                    interval++;
                }
                direct[i] = (char)offsets[interval];
            }
        }
        else
        {
            direct = null;
        }
    }

    /**
     * @param high bits 127..64 of the value.
     * @param low  bits 63..0.
     * @return the offset of its row.
     */
    public int rowOffset(final long high, final long low)
    {
        final long[] startHigh = this.startHigh;
        final long[] startLow = this.startLow;
        int first = 0;
        int n = startLow.length;
        while (n > 1)
        {
            final int half = n >>> 1;
            final int mid = first + half;
            final int compareHigh = Long.compareUnsigned(startHigh[mid], high);
            final boolean atOrBelow = compareHigh < 0 || (0 == compareHigh && Long.compareUnsigned(startLow[mid], low) <= 0);
            first = atOrBelow ? mid : first;
            n -= half;
        }
        return offsets[first];
    }

    /**
     * @return the number of intervals.
     */
    int intervals()
    {
        return offsets.length;
    }

    /** @return per value below its length, the row offset; null when the value space is too large for a table. */
    char[] direct()
    {
        return direct;
    }

    /** @return the row offset of the last interval (values at or above the direct table's length). */
    int lastOffset()
    {
        return lastOffset;
    }

    /** @return the interval starts below 2^64 (the low words), ascending. */
    long[] starts()
    {
        return startLow;
    }

    /** @return per interval, its row offset. */
    int[] offsets()
    {
        return offsets;
    }
}
