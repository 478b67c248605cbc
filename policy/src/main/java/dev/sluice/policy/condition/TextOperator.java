package dev.sluice.policy.condition;

/**
 * The text operators: {@code field contains "x"}, {@code startswith}, {@code endswith}, each
 * exact, or ignoring ASCII case on {@code lower(field)} and on fields that compare so (host names).
 * Immutable; any thread.
 */
public enum TextOperator
{
    /** The value holds the text anywhere. */
    CONTAINS("contains"),

    /** The value begins with the text. */
    STARTS_WITH("startswith"),

    /** The value ends with the text. */
    ENDS_WITH("endswith");

    private final String word;

    TextOperator(final String word)
    {
        this.word = word;
    }

    /**
     * @return the operator as written.
     */
    public String word()
    {
        return word;
    }

    /**
     * @param word a word of a condition.
     * @return its operator, or null when it is none.
     */
    public static TextOperator byWord(final String word)
    {
        for (final TextOperator operator : values())
        {
            if (operator.word.equals(word))
            {
                return operator;
            }
        }
        return null;
    }

    boolean test(final CharSequence actual, final String expected, final boolean ignoreAsciiCase)
    {
        return switch (this)
        {
            case CONTAINS -> Texts.contains(actual, expected, ignoreAsciiCase);
            case STARTS_WITH -> Texts.regionMatches(actual, 0, expected, ignoreAsciiCase);
            case ENDS_WITH -> Texts.regionMatches(actual, actual.length() - expected.length(), expected, ignoreAsciiCase);
        };
    }
}
