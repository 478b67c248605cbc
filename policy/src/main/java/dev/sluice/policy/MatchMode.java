package dev.sluice.policy;

/**
 * How rules combine, written explicitly in every policy ({@code match:}).
 * Immutable; any thread.
 */
public enum MatchMode
{
    /** The first rule whose condition holds decides; later rules are not evaluated. */
    FIRST("first");

    private final String keyword;

    MatchMode(final String keyword)
    {
        this.keyword = keyword;
    }

    public String keyword()
    {
        return keyword;
    }
}
