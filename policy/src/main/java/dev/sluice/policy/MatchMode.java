package dev.sluice.policy;

/**
 * How rules combine, written explicitly in every policy ({@code match:}).
 * Immutable; any thread.
 */
public enum MatchMode
{
    /** The first rule whose condition holds decides; later rules are not evaluated. */
    FIRST("first"),

    /**
     * Every rule whose condition holds applies: the first of them that names a forwarding action
     * (drop, keep, sample, rate-limit, aggregate, count) decides whether the item is forwarded, and the
     * anonymization, payload cut, tags and routes of all of them are added up.
     */
    ALL("all");

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
