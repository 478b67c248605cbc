package dev.sluice.policy.diagnostic;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" hints: the closest known name to a misspelt one by edit distance
 * (Damerau-Levenshtein, adjacent transpositions count as one edit).
 * Stateless; any thread.
 */
public final class Suggestions
{
    private Suggestions()
    {
    }

    /**
     * @param unknown    what the user wrote.
     * @param candidates the names that would have been accepted.
     * @return the closest candidate within a small edit distance, or null when none is close.
     */
    public static String closest(final String unknown, final Collection<String> candidates)
    {
        return null == unknown ? null : closest(unknown, candidates, Math.max(1, Math.min(3, unknown.length() / 3)));
    }

    /**
     * @param unknown    what the user wrote.
     * @param candidates the names that would have been accepted.
     * @param allowed    the most edits the closest candidate may be away (compared in lower case).
     * @return the closest candidate within {@code allowed} edits, or null when none is.
     */
    public static String closest(final String unknown, final Collection<String> candidates, final int allowed)
    {
        if (null == unknown || unknown.isEmpty() || unknown.length() > 200)
        {
            return null;
        }

        final String lowerCase = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int distance = distance(lowerCase, candidate.toLowerCase(Locale.ROOT));
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /**
     * @param unknown    what the user wrote.
     * @param candidates the names that would have been accepted.
     * @return {@code did you mean 'x'?} or null when nothing is close.
     */
    public static String didYouMean(final String unknown, final Collection<String> candidates)
    {
        final String closest = closest(unknown, candidates);
        return null == closest ? null : "did you mean '" + closest + "'?";
    }

    /**
     * @param unknown    what the user wrote.
     * @param candidates the names that would have been accepted.
     * @param otherwise  the hint to give when nothing is close, e.g. the list of valid names.
     * @return a "did you mean" hint, or {@code otherwise}.
     */
    public static String didYouMean(final String unknown, final Collection<String> candidates, final String otherwise)
    {
        final String hint = didYouMean(unknown, candidates);
        return null == hint ? otherwise : hint;
    }

    static int distance(final String a, final String b)
    {
        final int n = a.length();
        final int m = b.length();
        if (Math.abs(n - m) > 3)
        {
            return Integer.MAX_VALUE;
        }

        int[] previousPrevious = new int[m + 1];
        int[] previous = new int[m + 1];
        int[] current = new int[m + 1];
        for (int j = 0; j <= m; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= n; i++)
        {
            current[0] = i;
            for (int j = 1; j <= m; j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int value = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                {
                    value = Math.min(value, previousPrevious[j - 2] + 1);
                }
                current[j] = value;
            }
            final int[] recycled = previousPrevious;
            previousPrevious = previous;
            previous = current;
            current = recycled;
        }

        return previous[m];
    }
}
