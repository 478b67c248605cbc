package dev.sluice.dataplane.anonymize.generalize;

import java.util.Arrays;

/**
 * The distinct vehicles seen per cell in one window, for {@link KAnonymityGuard}: an open-addressing
 * table (linear probing, load at most 3/4) of at most {@code maxCells} cells, each with up to k
 * vehicle hashes. Once a cell has k distinct vehicles it is safe for the rest of the window and
 * needs no more, so memory is fixed at construction: {@code capacity * (8 + 4 + 8k)} bytes.
 * <p>
 * Keys are never 0 (the guard packs the precision, 1..12, into the low bits), so 0 marks an empty
 * slot and {@link #clear()} only has to zero the keys. Nothing is ever removed within a window,
 * which is why linear probing needs no tombstones. Owned by the guard's thread.
 */
final class CellTable
{
    /** {@link #add} result when the cell is new and the table already holds {@code maxCells} cells. */
    static final int FULL = -1;

    private static final long GOLDEN_RATIO_64 = 0x9E3779B97F4A7C15L;

    private final int k;
    private final int maxCells;
    private final int shift;
    private final int mask;
    private final long[] keys;
    private final int[] counts;
    private final long[] vehicles;
    private int size;

    CellTable(final int k, final int maxCells)
    {
        this.k = k;
        this.maxCells = maxCells;
        final int capacity = capacity(maxCells);
        this.shift = Long.SIZE - Integer.numberOfTrailingZeros(capacity);
        this.mask = capacity - 1;
        this.keys = new long[capacity];
        this.counts = new int[capacity];
        this.vehicles = new long[capacity * k];
    }

    /** The slots for {@code maxCells} cells at a load of at most 3/4: a power of two, at least 2. */
    static int capacity(final int maxCells)
    {
        final long wanted = Math.max(2, ((long)maxCells * 4 + 2) / 3);
        return (int)Long.highestOneBit(wanted - 1) << 1;
    }

    /**
     * Records that {@code vehicle} was seen in the cell {@code key}.
     *
     * @return distinct vehicles of the cell now (at most k), or {@link #FULL} if the cell is new and
     * there is no room for it.
     */
    int add(final long key, final long vehicle)
    {
        int slot = (int)((key * GOLDEN_RATIO_64) >>> shift);
        while (true)
        {
            final long slotKey = keys[slot];
            if (key == slotKey)
            {
                return addVehicle(slot, vehicle);
            }
            if (0 == slotKey)
            {
                if (size == maxCells)
                {
                    return FULL;
                }
                size++;
                keys[slot] = key;
                counts[slot] = 1;
                vehicles[slot * k] = vehicle;
                return 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int addVehicle(final int slot, final long vehicle)
    {
        final int count = counts[slot];
        if (count >= k)
        {
            return count;
        }
        final int base = slot * k;
        for (int i = base, end = base + count; i < end; i++)
        {
            if (vehicles[i] == vehicle)
            {
                return count;
            }
        }
        vehicles[base + count] = vehicle;
        counts[slot] = count + 1;
        return count + 1;
    }

    /**
     * @return distinct vehicles seen in the cell {@code key} (at most k), 0 if not tracked.
     */
    int count(final long key)
    {
        int slot = (int)((key * GOLDEN_RATIO_64) >>> shift);
        while (true)
        {
            final long slotKey = keys[slot];
            if (key == slotKey)
            {
                return counts[slot];
            }
            if (0 == slotKey)
            {
                return 0;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Forgets every cell, for a new window: O(capacity), once per window. */
    void clear()
    {
        if (size > 0)
        {
            Arrays.fill(keys, 0L);
            size = 0;
        }
    }

    /**
     * @return cells tracked.
     */
    int size()
    {
        return size;
    }
}
