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
     * @param actual the value read.
     * @param value  the literal.
     * @return true when {@code actual OP value} holds; allocates nothing.
     */
    public boolean holds(final long actual, final long value)
    {
        return switch (this)
        {
            case EQ -> actual == value;
            case NE -> actual != value;
            case LT -> actual < value;
            case LE -> actual <= value;
            case GT -> actual > value;
            case GE -> actual >= value;
        };
    }

    /**
     * @return true for the ordering operators {@code < <= > >=}.
     */
    public boolean isOrdering()
    {
        return this != EQ && this != NE;
    }
}
