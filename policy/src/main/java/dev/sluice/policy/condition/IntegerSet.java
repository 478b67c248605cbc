package dev.sluice.policy.condition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of non-negative integers built from values and inclusive ranges, merged into sorted
 * disjoint ranges. Membership is allocation-free: a linear scan for a few ranges, a bitset
 * when every member is below 65,536 (ports, protocols), binary search otherwise.
 * Immutable; any thread.
 */
public final class IntegerSet
{
    private static final int LINEAR_SCAN_RANGES = 8;
    private static final long BITSET_LIMIT = 65_536;

    private final long[] lows;
    private final long[] highs;
    private final long[] bits;

    /**
     * @param ranges pairs {@code [low, high]}, inclusive, {@code low <= high}, in any order, may overlap.
     */
    public IntegerSet(final List<long[]> ranges)
    {
        final long[][] sorted = ranges.toArray(new long[0][]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));

        final ArrayList<long[]> merged = new ArrayList<>();
        for (final long[] range : sorted)
        {
            if (range[0] > range[1])
            {
                throw new IllegalArgumentException("empty range " + range[0] + ".." + range[1]);
            }
            if (!merged.isEmpty())
            {
                final long[] last = merged.getLast();
                if (range[0] <= last[1] || (last[1] != Long.MAX_VALUE && range[0] == last[1] + 1))
                {
                    last[1] = Math.max(last[1], range[1]);
                    continue;
                }
            }
            merged.add(new long[]{ range[0], range[1] });
        }

        lows = new long[merged.size()];
        highs = new long[merged.size()];
        for (int i = 0; i < merged.size(); i++)
        {
            lows[i] = merged.get(i)[0];
            highs[i] = merged.get(i)[1];
        }

        final long max = 0 == highs.length ? -1 : highs[highs.length - 1];
        if (highs.length > LINEAR_SCAN_RANGES && max < BITSET_LIMIT)
        {
            bits = new long[(int)(max >>> 6) + 1];
            for (int i = 0; i < lows.length; i++)
            {
                for (long v = lows[i]; v <= highs[i]; v++)
                {
                    bits[(int)(v >>> 6)] |= 1L << v;
                }
            }
        }
        else
        {
            bits = null;
        }
    }

    /**
     * @param value a value.
     * @return true when the set holds it.
     */
    public boolean contains(final long value)
    {
        if (null != bits)
        {
            final long word = value >>> 6;
            return value >= 0 && word < bits.length && 0 != (bits[(int)word] & (1L << value));
        }

        final long[] lows = this.lows;
        final long[] highs = this.highs;
        if (lows.length <= LINEAR_SCAN_RANGES)
        {
            for (int i = 0; i < lows.length; i++)
            {
                if (value >= lows[i] && value <= highs[i])
                {
                    return true;
                }
            }
            return false;
        }

        int lo = 0;
        int hi = lows.length - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (value < lows[mid])
            {
                hi = mid - 1;
            }
            else if (value > highs[mid])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /**
     * @return the number of disjoint ranges after merging.
     */
    public int rangeCount()
    {
        return lows.length;
    }

    public long rangeLow(final int index)
    {
        return lows[index];
    }

    public long rangeHigh(final int index)
    {
        return highs[index];
    }

    /**
     * @return {@code 80, 443, 8000..8080} for the merged ranges.
     */
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < lows.length; i++)
        {
            if (i > 0)
            {
                out.append(", ");
            }
            out.append(lows[i]);
            if (highs[i] != lows[i])
            {
                out.append("..").append(highs[i]);
            }
        }
        return out.toString();
    }
}
