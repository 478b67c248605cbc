package dev.sluice.policy.condition;

/**
 * A comparison between a field and a literal. {@code ==} and {@code !=} apply to every type;
 * the ordering operators to integers only. Immutable; any thread.
 */
public enum ComparisonOperator
{
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    ComparisonOperator(final String symbol)
    {
        this.symbol = symbol;
    }

    public String symbol()
    {
        return symbol;
    }

    /**
     * @return true for the ordering operators {@code < <= > >=}.
     */
    public boolean isOrdering()
    {
        return this != EQ && this != NE;
    }
}
