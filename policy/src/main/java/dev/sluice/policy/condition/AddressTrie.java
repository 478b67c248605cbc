package dev.sluice.policy.condition;

import java.util.Arrays;
import java.util.List;

/**
 * Membership of an address in many prefixes of one family: a multibit trie of stride 6 whose
 * nodes are compressed with two 64-bit maps, as in Poptrie (Asai and Ohara, SIGCOMM 2015).
 * A lookup reads at most one node per 6 bits of the address (6 for IPv4, 22 for IPv6, fewer
 * where the prefixes end) instead of the ~17 dependent reads of a binary search over 100,000
 * ranges, and the nodes of a list's upper levels stay in cache.
 * <pre>
 * node n, in one long[] at 3n:
 *   +0  covered   bit s set: every address whose next 6 bits are s is in a prefix (a hit)
 *   +1  children  bit s set: slot s has a child node; neither bit set: a miss
 *   +2  first     index of the node's first child; children are contiguous, in slot order,
 *                 so slot s's child is first + bitCount(children &amp; ((1 &lt;&lt; s) - 1))
 * </pre>
 * Only membership is kept, so a prefix nested in another is dropped at build time and a prefix
 * whose length is not a multiple of 6 is expanded into the slots it covers. Keys are 128 bits
 * left-aligned (IPv4 in the top 32 bits of {@code high}). Lookups allocate nothing.
 * <p>
 * Immutable; any thread.
 */
final class AddressTrie
{
    static final int STRIDE = 6;
    private static final int NODE_LONGS = 3;

    private final long[] nodes;
    private final int nodeCount;

    /**
     * @param highs   bits 127..64 of each prefix, left-aligned.
     * @param lows    bits 63..0 of each prefix.
     * @param lengths each prefix's length.
     * @param count   how many prefixes the arrays hold; sorted by key, then by length, shortest first.
     */
    private AddressTrie(final long[] highs, final long[] lows, final int[] lengths, final int count)
    {
        final Builder builder = new Builder(highs, lows, lengths, Math.max(16, count));
        builder.allocate(1);
        builder.build(0, 0, count, 0);
        nodes = Arrays.copyOf(builder.nodes, builder.nodeCount * NODE_LONGS);
        nodeCount = builder.nodeCount;
    }

    /**
     * @param prefixes prefixes of one family, sorted as {@link AddressSet} sorts them (by address,
     *                 then by length), may nest.
     * @return the trie.
     */
    static AddressTrie of(final List<AddressPrefix> prefixes)
    {
        final int size = prefixes.size();
        final long[] highs = new long[size];
        final long[] lows = new long[size];
        final int[] lengths = new int[size];
        int count = 0;
        for (final AddressPrefix prefix : prefixes)
        {
            final long high = 4 == prefix.version() ? prefix.low() << 32 : prefix.high();
            final long low = 4 == prefix.version() ? 0L : prefix.low();
            if (count > 0 && covers(highs[count - 1], lows[count - 1], lengths[count - 1], high, low))
            {
                continue;
            }
            highs[count] = high;
            lows[count] = low;
            lengths[count] = prefix.prefixLength();
            count++;
        }
        return new AddressTrie(highs, lows, lengths, count);
    }

    /** Sorted input: a prefix nested in any earlier one is nested in the last one kept. */
    private static boolean covers(final long high, final long low, final int length, final long otherHigh, final long otherLow)
    {
        final long maskHigh = 0 == length ? 0L : length >= 64 ? -1L : -1L << (64 - length);
        final long maskLow = length <= 64 ? 0L : -1L << (128 - length);
        return (otherHigh & maskHigh) == high && (otherLow & maskLow) == low;
    }

    /**
     * @param high bits 127..64 of the address, left-aligned (an IPv4 address shifted left by 32).
     * @param low  bits 63..0 (0 for IPv4).
     * @return true when a prefix holds the address.
     */
    boolean contains(final long high, final long low)
    {
        final long[] nodes = this.nodes;
        long keyHigh = high;
        long keyLow = low;
        int at = 0;
        while (true)
        {
            final long slot = 1L << (keyHigh >>> (64 - STRIDE));
            if (0 != (nodes[at] & slot))
            {
                return true;
            }
            final long children = nodes[at + 1];
            if (0 == (children & slot))
            {
                return false;
            }
            at = NODE_LONGS * ((int)nodes[at + 2] + Long.bitCount(children & (slot - 1)));
            keyHigh = (keyHigh << STRIDE) | (keyLow >>> (64 - STRIDE));
            keyLow <<= STRIDE;
        }
    }

    /**
     * @return the number of nodes, for tests and sizing.
     */
    int nodeCount()
    {
        return nodeCount;
    }

    /**
     * @return the 6 bits of the key that start at {@code depth} (bits past 128 read as zero).
     */
    static int chunk(final long high, final long low, final int depth)
    {
        final long window;
        if (0 == depth)
        {
            window = high;
        }
        else if (depth < 64)
        {
            window = (high << depth) | (low >>> (64 - depth));
        }
        else
        {
            window = low << (depth - 64);
        }
        return (int)(window >>> (64 - STRIDE));
    }

    /** Build-time state; single thread. */
    private static final class Builder
    {
        private final long[] highs;
        private final long[] lows;
        private final int[] lengths;
        private long[] nodes;
        private int nodeCount;

        Builder(final long[] highs, final long[] lows, final int[] lengths, final int expectedNodes)
        {
            this.highs = highs;
            this.lows = lows;
            this.lengths = lengths;
            this.nodes = new long[expectedNodes * NODE_LONGS];
        }

        /** @return the index of the first of {@code count} new, contiguous nodes. */
        int allocate(final int count)
        {
            final int first = nodeCount;
            nodeCount += count;
            if (nodeCount * NODE_LONGS > nodes.length)
            {
                nodes = Arrays.copyOf(nodes, Math.max(nodes.length * 2, nodeCount * NODE_LONGS));
            }
            return first;
        }

        /**
         * Fill node {@code node} from prefixes {@code [from, to)}, which share their first
         * {@code depth} bits and are longer than {@code depth}; disjoint, sorted by key.
         */
        void build(final int node, final int from, final int to, final int depth)
        {
            long covered = 0;
            long children = 0;
            int i = from;
            while (i < to)
            {
                final int slot = chunk(highs[i], lows[i], depth);
                if (lengths[i] <= depth + STRIDE)
                {
                    // Host bits are zero, so the prefix covers an aligned run of slots from 'slot'.
                    final int span = 1 << (depth + STRIDE - lengths[i]);
                    covered |= (64 == span ? -1L : ((1L << span) - 1)) << slot;
                    i++;
                }
                else
                {
                    children |= 1L << slot;
                    i = groupEnd(i, to, depth, slot);
                }
            }

            final int first = allocate(Long.bitCount(children));
            final int at = node * NODE_LONGS;
            nodes[at] = covered;
            nodes[at + 1] = children;
            nodes[at + 2] = first;

            int child = first;
            i = from;
            while (i < to)
            {
                final int slot = chunk(highs[i], lows[i], depth);
                if (lengths[i] <= depth + STRIDE)
                {
                    i++;
                    continue;
                }
                final int end = groupEnd(i, to, depth, slot);
                build(child++, i, end, depth + STRIDE);
                i = end;
            }
        }

        private int groupEnd(final int start, final int to, final int depth, final int slot)
        {
            int end = start + 1;
            while (end < to && chunk(highs[end], lows[end], depth) == slot)
            {
                end++;
            }
            return end;
        }
    }
}
