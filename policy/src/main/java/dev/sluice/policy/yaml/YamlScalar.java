package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.SourcePosition;

/**
 * A YAML scalar: its value as text, how it was written, and a map from offsets inside the value
 * back to source positions, so that an error inside a scalar (a bad token in a rule's
 * {@code when:} expression) points at its exact column.
 * <p>
 * The map is exact for plain, single-quoted and double-quoted scalars, on one line or folded
 * over several, escapes included: every non-blank character of the value is matched to the
 * source character (or escape sequence) it came from. Blanks that YAML folding produced map to
 * the line break they replace. Block scalars ({@code |}, {@code >}) map the same way after
 * their header line, which is exact for their non-blank characters and approximate only for
 * the blanks that folding or indentation removed.
 * <p>
 * Immutable; any thread.
 */
public final class YamlScalar extends YamlNode
{
    private final String value;
    private final YamlScalarStyle style;

    YamlScalar(
        final SourceText source,
        final int startChar,
        final int endChar,
        final String value,
        final YamlScalarStyle style)
    {
        super(source, startChar, endChar, 1);
        this.value = value;
        this.style = style;
    }

    /**
     * @return the value after YAML's unquoting, unescaping and folding.
     */
    public String value()
    {
        return value;
    }

    public YamlScalarStyle style()
    {
        return style;
    }

    /**
     * @return true when written without quotes or block indicator, so that YAML's implicit
     * typing applies ({@code 1} is a number, {@code true} a boolean, empty is null).
     */
    public boolean isPlain()
    {
        return YamlScalarStyle.PLAIN == style;
    }

    /**
     * @return true for a plain empty value, {@code ~} or {@code null}: what YAML reads as null.
     */
    public boolean isNull()
    {
        return YamlScalarStyle.PLAIN == style &&
            (value.isEmpty() || "~".equals(value) || "null".equals(value) || "Null".equals(value) || "NULL".equals(value));
    }

    public String describe()
    {
        return isNull() ? "an empty value" : "a scalar";
    }

    /**
     * @param valueOffset a char offset into {@link #value()}; {@code value().length()} means
     *                    "just after the last character".
     * @return the source position of that character.
     */
    public SourcePosition positionOf(final int valueOffset)
    {
        return source.positionOf(charIndexOf(valueOffset));
    }

    int charIndexOf(final int valueOffset)
    {
        if (valueOffset <= 0 && value.isEmpty())
        {
            return contentStart();
        }

        final int target = Math.max(0, Math.min(valueOffset, value.length()));
        final Units units = units();
        final int unitCount = units.count;
        int unit = 0;
        int lastRaw = contentStart() - 1;
        for (int i = 0; i <= target && i < value.length(); i++)
        {
            final char c = value.charAt(i);
            int raw;
            if (isBlank(c))
            {
                if (unit < unitCount && isBlank(units.chars[unit]))
                {
                    raw = units.raw[unit++];
                }
                else
                {
                    raw = unit < unitCount ? units.raw[unit] : lastRaw + 1;
                }
            }
            else
            {
                int search = unit;
                while (search < unitCount && units.chars[search] != c)
                {
                    search++;
                }
                if (search < unitCount)
                {
                    raw = units.raw[search];
                    unit = search + 1;
                }
                else
                {
                    raw = lastRaw + 1;
                }
            }

            if (i == target)
            {
                return Math.max(raw, startChar);
            }
            lastRaw = raw;
        }

        return Math.max(lastRaw + 1, startChar);
    }

    private int contentStart()
    {
        return switch (style)
        {
            case SINGLE_QUOTED, DOUBLE_QUOTED -> Math.min(startChar + 1, endChar);
            default -> startChar;
        };
    }

    private static boolean isBlank(final char c)
    {
        return ' ' == c || '\t' == c || '\n' == c || '\r' == c;
    }

    /** The characters of the source between the scalar's delimiters, escapes decoded, each with its char index. */
    private static final class Units
    {
        final char[] chars;
        final int[] raw;
        int count;

        Units(final int capacity)
        {
            chars = new char[capacity];
            raw = new int[capacity];
        }

        void add(final char c, final int rawIndex)
        {
            if (count < chars.length)
            {
                chars[count] = c;
                raw[count] = rawIndex;
                count++;
            }
        }
    }

    private Units units()
    {
        final int end = Math.min(endChar, source.length());
        final Units units = new Units(Math.max(0, end - startChar) + 2);
        switch (style)
        {
            case PLAIN -> copy(units, startChar, end);
            case SINGLE_QUOTED -> singleQuoted(units, startChar + 1, Math.max(startChar + 1, end - 1));
            case DOUBLE_QUOTED -> doubleQuoted(units, startChar + 1, Math.max(startChar + 1, end - 1));
            case LITERAL, FOLDED -> copy(units, afterHeaderLine(startChar, end), end);
        }

        return units;
    }

    private void copy(final Units units, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            units.add(source.charAt(i), i);
        }
    }

    private int afterHeaderLine(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final char c = source.charAt(i);
            if ('\n' == c)
            {
                return i + 1;
            }
            if ('\r' == c)
            {
                return i + 1 < to && '\n' == source.charAt(i + 1) ? i + 2 : i + 1;
            }
        }

        return to;
    }

    private void singleQuoted(final Units units, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final char c = source.charAt(i);
            units.add(c, i);
            if ('\'' == c && i + 1 < to && '\'' == source.charAt(i + 1))
            {
                i++;
            }
        }
    }

    private void doubleQuoted(final Units units, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final char c = source.charAt(i);
            if ('\\' != c || i + 1 >= to)
            {
                units.add(c, i);
                continue;
            }

            final char escape = source.charAt(i + 1);
            final int hexDigits = 'x' == escape ? 2 : 'u' == escape ? 4 : 'U' == escape ? 8 : 0;
            if (hexDigits > 0)
            {
                final int digitsEnd = Math.min(to, i + 2 + hexDigits);
                int codePoint = 0;
                for (int d = i + 2; d < digitsEnd; d++)
                {
                    codePoint = (codePoint << 4) | Math.max(0, Character.digit(source.charAt(d), 16));
                }
                if (Character.isValidCodePoint(codePoint) && Character.isSupplementaryCodePoint(codePoint))
                {
                    units.add(Character.highSurrogate(codePoint), i);
                    units.add(Character.lowSurrogate(codePoint), i);
                }
                else
                {
                    units.add((char)codePoint, i);
                }
                i = digitsEnd - 1;
            }
            else if ('\n' == escape || '\r' == escape)
            {
                // An escaped line break joins the lines: it stands for nothing in the value.
                i++;
            }
            else
            {
                units.add(unescape(escape), i);
                i++;
            }
        }
    }

    private static char unescape(final char escape)
    {
        return switch (escape)
        {
            case '0' -> '\0';
            case 'a' -> '\u0007';
            case 'b' -> '\b';
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'v' -> '\u000B';
            case 'f' -> '\f';
            case 'r' -> '\r';
            case 'e' -> '\u001B';
            case 'N' -> '\u0085';
            case '_' -> '\u00A0';
            case 'L' -> '\u2028';
            case 'P' -> '\u2029';
            default -> escape;
        };
    }
}
