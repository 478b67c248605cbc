package dev.sluice.policy.action;

/**
 * What a rule (or the policy's default) does with an item it decides.
 * Immutable; any thread.
 */
public enum ActionKind
{
    /** Forward the item. */
    KEEP("keep"),
    /** Discard the item. */
    DROP("drop"),
    /** Forward one item in {@link RuleActions#sampleDenominator()}, discard the rest. */
    SAMPLE("sample"),
    /**
     * Fold the item into a flow record (settings in the policy's {@code flows:} section) instead
     * of forwarding it on its own; the flow records are forwarded.
     */
    AGGREGATE("aggregate flows"),
    /**
     * Forward the items within {@link RuleActions#rateLimit()}, per key; discard the rest. Counted
     * as sampled out, since like {@link #SAMPLE} it forwards a share of what the rule matches.
     */
    RATE_LIMIT("rate-limit"),
    /**
     * Fold the event into its rule's count for its key and window ({@link RuleActions#count()})
     * instead of forwarding it; the count records are forwarded. Events only: a packet is dropped.
     */
    COUNT("count");

    private final String keyword;

    ActionKind(final String keyword)
    {
        this.keyword = keyword;
    }

    /**
     * @return the words that name the action in a policy ({@code sample} without its ratio).
     */
    public String keyword()
    {
        return keyword;
    }
}
