package dev.sluice.dataplane.classify.limit;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RateLimit;
import dev.sluice.policy.action.RuleActions;

/**
 * A policy version's {@code rate-limit} actions as a {@link RateLimiter} runs them: per rule slot
 * (the default, which never rate-limits, at index {@code ruleCount}) the refill interval, the
 * burst tolerance, where the slot's bucket table starts in the worker's arena and how many
 * entries it has, and how to read the key fields. A rule with keys gets {@code entriesPerRule}
 * buckets; a rule without keys gets one. Built off the data path with the policy's compiled
 * rules; immutable; any thread.
 */
public final class RateLimitPlan
{
    /** Buckets per keyed rule unless configured: enough for the busy keys of an edge site. */
    public static final int ENTRIES_DEFAULT = 4_096;
    public static final int MAX_ENTRIES = 1 << 24;

    private final long[] intervalNs;
    private final long[] toleranceNs;
    private final int[] firstEntry;
    private final int[] entries;
    private final KeyFields[] keys;
    private final int totalEntries;
    private final boolean any;

    private RateLimitPlan(final Policy policy, final int entriesPerRule)
    {
        if (entriesPerRule < 1 || entriesPerRule > MAX_ENTRIES || Integer.bitCount(entriesPerRule) != 1)
        {
            throw new IllegalArgumentException("rate limit entries per rule must be a power of two, 1.." + MAX_ENTRIES + ": " + entriesPerRule);
        }
        final int slots = policy.ruleCount() + 1;
        intervalNs = new long[slots];
        toleranceNs = new long[slots];
        firstEntry = new int[slots];
        entries = new int[slots];
        keys = new KeyFields[slots];
        long total = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            final RuleActions actions = slot == policy.ruleCount() ? policy.defaultActions() : policy.actionsFor(slot);
            final RateLimit limit = actions.rateLimit();
            keys[slot] = KeyFields.NONE;
            if (null == limit)
            {
                continue;
            }
            intervalNs[slot] = limit.intervalNs();
            toleranceNs[slot] = limit.toleranceNs();
            firstEntry[slot] = (int)total;
            entries[slot] = limit.keys().isEmpty() ? 1 : entriesPerRule;
            total += entries[slot];
            if (total > Integer.MAX_VALUE / RateLimiter.STRIDE)
            {
                throw new IllegalArgumentException("too many rate limit buckets: " + total);
            }
            keys[slot] = KeyFields.of(limit.keys());
        }
        totalEntries = (int)total;
        any = total > 0;
    }

    /**
     * @param policy         a validated policy.
     * @param entriesPerRule buckets per keyed rule, a power of two.
     * @return its rate limits.
     */
    public static RateLimitPlan of(final Policy policy, final int entriesPerRule)
    {
        return new RateLimitPlan(policy, entriesPerRule);
    }

    /** {@link #of(Policy, int)} with {@link #ENTRIES_DEFAULT} buckets per keyed rule. */
    public static RateLimitPlan of(final Policy policy)
    {
        return new RateLimitPlan(policy, ENTRIES_DEFAULT);
    }

    /** True when some rule rate-limits. */
    public boolean any()
    {
        return any;
    }

    /** Buckets of every rule together: what a worker's arena must hold for this version. */
    public int totalEntries()
    {
        return totalEntries;
    }

    /** Rules plus the default. */
    public int slots()
    {
        return entries.length;
    }

    /** True when the slot's rule rate-limits. */
    public boolean limits(final int slot)
    {
        return 0 != entries[slot];
    }

    long intervalNs(final int slot)
    {
        return intervalNs[slot];
    }

    long toleranceNs(final int slot)
    {
        return toleranceNs[slot];
    }

    int firstEntry(final int slot)
    {
        return firstEntry[slot];
    }

    /** Buckets of the slot's rule: 0 when it does not rate-limit, 1 without keys. */
    public int entries(final int slot)
    {
        return entries[slot];
    }

    /** How to read the slot's key fields. */
    KeyFields keys(final int slot)
    {
        return keys[slot];
    }
}
