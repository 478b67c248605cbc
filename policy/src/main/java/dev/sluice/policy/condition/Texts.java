package dev.sluice.policy.condition;

/**
 * Allocation-free comparisons of text values, exact or ignoring ASCII case, and the quoting of
 * text literals in policy syntax. Stateless; any thread.
 */
public final class Texts
{
    private Texts()
    {
    }

    /**
     * @param actual          a value read from an item (any {@link CharSequence}, e.g. a flyweight).
     * @param expected        a literal; already {@linkplain #foldAsciiCase(String) folded} when ignoring case.
     * @param ignoreAsciiCase compare {@code A-Z} equal to {@code a-z}.
     * @return true when they are the same text.
     */
    public static boolean sameText(final CharSequence actual, final String expected, final boolean ignoreAsciiCase)
    {
        final int length = expected.length();
        if (actual.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = actual.charAt(i);
            if ((ignoreAsciiCase ? toLowerAscii(c) : c) != expected.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param actual          a value read from an item.
     * @param offset          where in it {@code expected} is looked for.
     * @param expected        a literal; already folded when ignoring case.
     * @param ignoreAsciiCase compare {@code A-Z} equal to {@code a-z}.
     * @return true when {@code actual} holds {@code expected} at {@code offset}.
     */
    public static boolean regionMatches(
        final CharSequence actual, final int offset, final String expected, final boolean ignoreAsciiCase)
    {
        final int length = expected.length();
        if (offset < 0 || offset + length > actual.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = actual.charAt(offset + i);
            if ((ignoreAsciiCase ? toLowerAscii(c) : c) != expected.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Naive search, without allocating: the literals of a policy are short and the values a few
     * hundred characters at most, where it beats building a search table per item.
     *
     * @param actual          a value read from an item.
     * @param expected        a literal; already folded when ignoring case.
     * @param ignoreAsciiCase compare {@code A-Z} equal to {@code a-z}.
     * @return true when {@code expected} occurs in {@code actual} (always for empty text).
     */
    public static boolean contains(final CharSequence actual, final String expected, final boolean ignoreAsciiCase)
    {
        final int last = actual.length() - expected.length();
        for (int i = 0; i <= last; i++)
        {
            if (regionMatches(actual, i, expected, ignoreAsciiCase))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param text a literal.
     * @return true when it holds a character in {@code A-Z}.
     */
    public static boolean hasAsciiUpperCase(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z')
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param text            a value.
     * @param ignoreAsciiCase hash as if {@code A-Z} were {@code a-z}.
     * @return a hash that agrees with {@link #sameText}: equal texts hash equally.
     */
    public static int hash(final CharSequence text, final boolean ignoreAsciiCase)
    {
        int hash = 0;
        final int length = text.length();
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            hash = 31 * hash + (ignoreAsciiCase ? toLowerAscii(c) : c);
        }
        return hash;
    }

    /**
     * @param text a literal.
     * @return the text with {@code A-Z} turned into {@code a-z}; other characters unchanged.
     */
    public static String foldAsciiCase(final String text)
    {
        final StringBuilder folded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            folded.append(toLowerAscii(text.charAt(i)));
        }
        return folded.toString();
    }

    /**
     * Append a text literal in policy syntax: in double quotes, with {@code "} and {@code \}
     * escaped by a backslash.
     *
     * @param out  where to write.
     * @param text the value.
     */
    public static void appendQuoted(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('"' == c || '\\' == c)
            {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

    /**
     * @param text a value.
     * @return it in policy syntax, quoted and escaped.
     */
    public static String quoted(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 2);
        appendQuoted(out, text);
        return out.toString();
    }

    private static char toLowerAscii(final char c)
    {
        return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
    }
}
