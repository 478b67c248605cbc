package dev.sluice.dataplane.classify.limit;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.policy.field.FieldReader;

/**
 * Decides {@code rate-limit} rules item by item: one token bucket per rule and key, held in a
 * fixed-size open-addressing table per rule, all tables in one arena of longs owned by the
 * worker. Nothing is allocated per item, and nothing at a policy switch unless the version needs
 * a larger arena than any before.
 * <p>
 * <b>Buckets.</b> Each bucket is one "theoretical arrival time" (the generic cell rate algorithm,
 * a token bucket written as a single time): an item arriving at {@code now} is let through when
 * {@code max(tat, now) + interval - now <= burst * interval}, and then books its interval by
 * moving {@code tat} on. A fresh bucket lets {@code burst} items through at once and then one per
 * interval, so over {@code t} seconds a key gets at most {@code burst + N * t} items. Time is the
 * item's receive time, so a replayed capture is limited as it was received, not as fast as it is
 * read. A receive time more than {@link #CLOCK_STEP_BACK_NS} behind a bucket's booking (a clock
 * stepped back, a capture rewound) starts that bucket afresh rather than holding its key back
 * until the clock catches up; smaller steps back (sources interleaving) are limited normally.
 * <p>
 * <b>Table.</b> An entry is {@code [key hash, tat, generation]}: a 64-bit hash of the key fields'
 * values (two keys whose hashes collide share a bucket, which at 64 bits is left to chance), the
 * bucket, and the policy generation that wrote it. A key's entry is within {@link #PROBES} slots
 * of its home slot. A new policy version bumps the generation, which makes every entry empty
 * without touching the arena. When a key's probe window is full, the entry with the earliest
 * {@code tat} (the stalest bucket: the one that refilled first, or has waited longest) gives way
 * to the new key. A bucket whose {@code tat} has passed is full again, no different from a fresh
 * one, so reusing it loses nothing; only giving way a bucket that was still limiting its key
 * (which then starts afresh, with a whole burst) counts as an eviction ({@link #evictions()},
 * published as {@code rate_limit_evictions}). A table too small for its keys therefore shows as
 * evictions, and errs on the side of forwarding.
 * <p>
 * Limits hold per worker: two workers reading items with the same key each let through N per
 * second. Worker thread only.
 */
public final class RateLimiter
{
    static final int STRIDE = 3;
    /** How many slots from its home a key's entry may be. */
    static final int PROBES = 8;
    /** A step back in receive time beyond which a bucket starts afresh. */
    public static final long CLOCK_STEP_BACK_NS = 1_000_000_000L;

    private static final int HASH = 0;
    private static final int TAT = 1;
    private static final int GENERATION = 2;

    private RateLimitPlan plan;
    private long[] arena = new long[0];
    /** Starts at 1, so the zeroed entries of a new arena are empty. */
    private long generation;
    private long evictions;

    /**
     * Buckets start afresh with each version. The arena is reused, and grows only for a version
     * with more buckets than any before.
     */
    public void onNewPolicy(final RateLimitPlan plan)
    {
        this.plan = plan;
        generation++;
        final int length = plan.totalEntries() * STRIDE;
        if (arena.length < length)
        {
            arena = new long[length];
        }
    }

    /**
     * @param slot   the rule slot that decided the item; its rule rate-limits.
     * @param reader the item's fields.
     * @param nowNs  the item's receive time.
     * @return true when the item is within its key's limit (and its token is taken).
     */
    public boolean admit(final int slot, final FieldReader reader, final long nowNs)
    {
        final RateLimitPlan plan = this.plan;
        final long hash = plan.keys(slot).hash(reader);
        final long[] arena = this.arena;
        final long generation = this.generation;
        final int entries = plan.entries(slot);
        final int first = plan.firstEntry(slot);
        final int mask = entries - 1;
        final int probes = Math.min(PROBES, entries);

        int entry = -1;
        int stalest = -1;
        long stalestTat = Long.MAX_VALUE;
        final int home = (int)(hash ^ (hash >>> 32)) & mask;
        for (int p = 0; p < probes; p++)
        {
            final int at = (first + ((home + p) & mask)) * STRIDE;
            if (arena[at + GENERATION] != generation)
            {
                // Entries are only ever replaced, never emptied, so the key is not further on.
                arena[at + HASH] = hash;
                arena[at + TAT] = nowNs;
                arena[at + GENERATION] = generation;
                entry = at;
                break;
            }
            if (arena[at + HASH] == hash)
            {
                entry = at;
                break;
            }
            if (arena[at + TAT] < stalestTat)
            {
                stalestTat = arena[at + TAT];
                stalest = at;
            }
        }
        if (entry < 0)
        {
            if (stalestTat > nowNs)
            {
                evictions++;
            }
            entry = stalest;
            arena[entry + HASH] = hash;
            arena[entry + TAT] = nowNs;
        }

        final long tolerance = plan.toleranceNs(slot);
        long tat = arena[entry + TAT];
        if (tat - nowNs > tolerance + CLOCK_STEP_BACK_NS)
        {
            tat = nowNs;
        }
        final long next = Math.max(tat, nowNs) + plan.intervalNs(slot);
        if (next - nowNs > tolerance)
        {
            arena[entry + TAT] = tat;
            return false;
        }
        arena[entry + TAT] = next;
        return true;
    }

    /** Buckets given way while still limiting their key, since this limiter was made. */
    public long evictions()
    {
        return evictions;
    }
}
