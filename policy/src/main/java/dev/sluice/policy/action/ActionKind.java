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
    SAMPLE("sample");

    private final String keyword;

    ActionKind(final String keyword)
    {
        this.keyword = keyword;
    }

    /**
     * @return the word that names the action in a policy.
     */
    public String keyword()
    {
        return keyword;
    }
}
