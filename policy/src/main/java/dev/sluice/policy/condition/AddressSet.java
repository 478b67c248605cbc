package dev.sluice.policy.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of IPv4 and IPv6 addresses given as prefixes, held per family as sorted disjoint
 * ranges searched by an allocation-free linear scan (IPv4) or binary search (IPv6) while a family
 * has few of them, and otherwise as an {@link AddressTrie}, which reads a few nodes where a
 * binary search reads up to ~17 ranges ({@code AddressListBenchmark} in perf/RESULTS.md: for
 * IPv4 the trie wins at every size measured, 5-19 times at 10,000-100,000 prefixes; for IPv6,
 * whose hits walk a deeper trie, only with many ranges, so the thresholds differ by family).
 * Immutable; any thread.
 */
public final class AddressSet
{
    /** How membership is decided; {@link #AUTO} unless a benchmark or test compares the others. */
    public enum Lookup
    {
        /** {@link #TRIE} for a family with more ranges than its threshold, otherwise {@link #SORTED_RANGES}. */
        AUTO,
        /** Scan or binary search over the sorted disjoint ranges. */
        SORTED_RANGES,
        /** The compressed trie. */
        TRIE
    }

    /**
     * Up to this many IPv4 ranges a linear scan (in one or two cache lines) is as fast; above
     * it the trie (at most 6 node reads) beats binary search at every size measured.
     */
    public static final int TRIE_MIN_RANGES_IPV4 = 8;

    /**
     * Up to this many IPv6 ranges binary search (all in L1) is as fast as the trie, whose hits
     * read one node per 6 bits of a /48../64 prefix; above it the trie wins.
     */
    public static final int TRIE_MIN_RANGES_IPV6 = 64;

    private static final int LINEAR_SCAN_RANGES = TRIE_MIN_RANGES_IPV4;

    private final List<AddressPrefix> prefixes;
    private final AddressTrie v4Trie;
    private final AddressTrie v6Trie;
    private final long[] v4Lows;
    private final long[] v4Highs;
    private final long[] v6LowsHigh;
    private final long[] v6LowsLow;
    private final long[] v6HighsHigh;
    private final long[] v6HighsLow;

    /**
     * @param prefixes the members, either family, in any order, may overlap.
     */
    public AddressSet(final List<AddressPrefix> prefixes)
    {
        this(prefixes, Lookup.AUTO);
    }

    /**
     * @param prefixes the members, either family, in any order, may overlap.
     * @param lookup   how membership is decided: {@link Lookup#AUTO} but to compare the others.
     * @return the set.
     */
    public static AddressSet of(final List<AddressPrefix> prefixes, final Lookup lookup)
    {
        return new AddressSet(prefixes, lookup);
    }

    private AddressSet(final List<AddressPrefix> prefixes, final Lookup lookup)
    {
        final ArrayList<AddressPrefix> sorted = new ArrayList<>(prefixes);
        sorted.sort(AddressSet::compareForSorting);
        this.prefixes = List.copyOf(sorted);

        final ArrayList<long[]> v4 = new ArrayList<>();
        final ArrayList<long[]> v6 = new ArrayList<>();
        for (final AddressPrefix prefix : sorted)
        {
            if (4 == prefix.version())
            {
                final long first = prefix.low();
                final long last = prefix.lastLow();
                if (!v4.isEmpty() && first <= v4.getLast()[1] + 1)
                {
                    v4.getLast()[1] = Math.max(v4.getLast()[1], last);
                }
                else
                {
                    v4.add(new long[]{ first, last });
                }
            }
            else
            {
                final long firstHigh = prefix.high();
                final long firstLow = prefix.low();
                final long lastHigh = prefix.lastHigh();
                final long lastLow = prefix.lastLow();
                if (!v6.isEmpty() && compare(firstHigh, firstLow, v6.getLast()[2], v6.getLast()[3]) <= 0)
                {
                    final long[] range = v6.getLast();
                    if (compare(lastHigh, lastLow, range[2], range[3]) > 0)
                    {
                        range[2] = lastHigh;
                        range[3] = lastLow;
                    }
                }
                else
                {
                    v6.add(new long[]{ firstHigh, firstLow, lastHigh, lastLow });
                }
            }
        }

        v4Lows = new long[v4.size()];
        v4Highs = new long[v4.size()];
        for (int i = 0; i < v4.size(); i++)
        {
            v4Lows[i] = v4.get(i)[0];
            v4Highs[i] = v4.get(i)[1];
        }
        v6LowsHigh = new long[v6.size()];
        v6LowsLow = new long[v6.size()];
        v6HighsHigh = new long[v6.size()];
        v6HighsLow = new long[v6.size()];
        for (int i = 0; i < v6.size(); i++)
        {
            v6LowsHigh[i] = v6.get(i)[0];
            v6LowsLow[i] = v6.get(i)[1];
            v6HighsHigh[i] = v6.get(i)[2];
            v6HighsLow[i] = v6.get(i)[3];
        }

        final int v4Count = countVersion(sorted, 4);
        v4Trie = useTrie(lookup, v4Lows.length, TRIE_MIN_RANGES_IPV4) ? AddressTrie.of(sorted.subList(0, v4Count)) : null;
        v6Trie = useTrie(lookup, v6LowsHigh.length, TRIE_MIN_RANGES_IPV6) ?
            AddressTrie.of(sorted.subList(v4Count, sorted.size())) : null;
    }

    /** By family, address, then length: unboxed, since a named list can hold 100,000 prefixes. */
    private static int compareForSorting(final AddressPrefix a, final AddressPrefix b)
    {
        if (a.version() != b.version())
        {
            return Integer.compare(a.version(), b.version());
        }
        final int byAddress = compare(a.high(), a.low(), b.high(), b.low());
        return 0 != byAddress ? byAddress : Integer.compare(a.prefixLength(), b.prefixLength());
    }

    private static boolean useTrie(final Lookup lookup, final int ranges, final int threshold)
    {
        return Lookup.TRIE == lookup || (Lookup.AUTO == lookup && ranges > threshold);
    }

    private static int countVersion(final List<AddressPrefix> sorted, final int version)
    {
        int count = 0;
        for (final AddressPrefix prefix : sorted)
        {
            if (version == prefix.version())
            {
                count++;
            }
        }
        return count;
    }

    private static int compare(final long aHigh, final long aLow, final long bHigh, final long bLow)
    {
        final int byHigh = Long.compareUnsigned(aHigh, bHigh);
        return 0 != byHigh ? byHigh : Long.compareUnsigned(aLow, bLow);
    }

    /**
     * @param version 4 or 6.
     * @param high    bits 127..64 (0 for IPv4).
     * @param low     bits 63..0, or the IPv4 address.
     * @return true when the address is in one of the prefixes.
     */
    public boolean contains(final int version, final long high, final long low)
    {
        return 4 == version ? containsV4(low & 0xFFFF_FFFFL) : 6 == version && containsV6(high, low);
    }

    private boolean containsV4(final long address)
    {
        if (null != v4Trie)
        {
            return v4Trie.contains(address << 32, 0L);
        }
        final long[] lows = v4Lows;
        final long[] highs = v4Highs;
        if (lows.length <= LINEAR_SCAN_RANGES)
        {
            for (int i = 0; i < lows.length; i++)
            {
                if (address >= lows[i] && address <= highs[i])
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
            if (address < lows[mid])
            {
                hi = mid - 1;
            }
            else if (address > highs[mid])
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

    private boolean containsV6(final long high, final long low)
    {
        if (null != v6Trie)
        {
            return v6Trie.contains(high, low);
        }
        int lo = 0;
        int hi = v6LowsHigh.length - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (compare(high, low, v6LowsHigh[mid], v6LowsLow[mid]) < 0)
            {
                hi = mid - 1;
            }
            else if (compare(high, low, v6HighsHigh[mid], v6HighsLow[mid]) > 0)
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
     * @param version 4 or 6.
     * @return true when that family is looked up through the trie.
     */
    public boolean usesTrie(final int version)
    {
        return null != (4 == version ? v4Trie : v6Trie);
    }

    /**
     * @return the prefixes as given, sorted (IPv4 first), for printing.
     */
    public List<AddressPrefix> prefixes()
    {
        return prefixes;
    }

    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (final AddressPrefix prefix : prefixes)
        {
            if (!out.isEmpty())
            {
                out.append(", ");
            }
            out.append(prefix);
        }
        return out.toString();
    }
}
