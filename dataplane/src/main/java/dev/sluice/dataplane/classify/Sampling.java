package dev.sluice.dataplane.classify;

import dev.sluice.policy.field.FieldReader;

/**
 * The decision of {@code sample 1/N}: without keys, the first of every N items the rule matches
 * (counted per worker, so a replay samples the same items); with {@code by <keys>}, the items whose
 * key values hash into one N-th of the hash space, every item of such a key and the same keys on
 * every worker and gateway (a flow, a host or a user is kept whole or not at all).
 */
public final class Sampling
{
    private Sampling()
    {
    }

    /**
     * @param keys        the rule's sample keys ({@link KeyFields#NONE} for every N-th item).
     * @param denominator N.
     * @param item        the item's fields.
     * @param seen        how many items of the rule this worker saw before this one.
     * @return true when the item is kept.
     */
    public static boolean keeps(final KeyFields keys, final int denominator, final FieldReader item, final long seen)
    {
        return 0 == keys.count() ? seen % denominator == 0 : Long.remainderUnsigned(keys.hash(item), denominator) == 0;
    }
}
