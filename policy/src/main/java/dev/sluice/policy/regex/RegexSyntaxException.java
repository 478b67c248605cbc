package dev.sluice.policy.regex;

/**
 * A regular expression that cannot be compiled, with the offset in its source where the
 * problem is and a hint, so that the policy parser can report it at its file, line and column.
 * Thrown at parse time only, never on the data path.
 */
public final class RegexSyntaxException extends RuntimeException
{
    private final int offset;
    private final String hint;

    /**
     * @param offset  where in the expression's source the problem is (0 = its first character).
     * @param message what is wrong.
     * @param hint    how to fix it, or null.
     */
    public RegexSyntaxException(final int offset, final String message, final String hint)
    {
        super(message, null, false, false);
        this.offset = offset;
        this.hint = hint;
    }

    /**
     * @return where in the expression's source the problem is.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return how to fix it, or null.
     */
    public String hint()
    {
        return hint;
    }
}
