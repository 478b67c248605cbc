package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.SourcePosition;

import java.util.Arrays;

/**
 * A source document with the tables that turn SnakeYAML's code-point indexes into char indexes
 * and char indexes into 1-based line and column. Line breaks are LF, CRLF and lone CR, as
 * editors count them. Immutable after construction; any thread.
 */
final class SourceText
{
    private final String text;
    private final int[] lineStarts;
    private final int lineCount;
    private final boolean hasSurrogates;
    private final int[] codePointToChar;

    SourceText(final String text)
    {
        this.text = text;
        final int length = text.length();

        int[] starts = new int[16];
        int count = 1;
        boolean surrogates = false;
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if ('\n' == c || ('\r' == c && (i + 1 >= length || '\n' != text.charAt(i + 1))))
            {
                if (count == starts.length)
                {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
            else if (Character.isSurrogate(c))
            {
                surrogates = true;
            }
        }
        this.lineStarts = starts;
        this.lineCount = count;
        this.hasSurrogates = surrogates;

        if (surrogates)
        {
            final int codePoints = text.codePointCount(0, length);
            final int[] map = new int[codePoints + 1];
            int charIndex = 0;
            for (int cp = 0; cp < codePoints; cp++)
            {
                map[cp] = charIndex;
                charIndex += Character.charCount(text.codePointAt(charIndex));
            }
            map[codePoints] = length;
            this.codePointToChar = map;
        }
        else
        {
            this.codePointToChar = null;
        }
    }

    String text()
    {
        return text;
    }

    int length()
    {
        return text.length();
    }

    char charAt(final int index)
    {
        return text.charAt(index);
    }

    /**
     * @param codePointIndex an index counted in code points, as SnakeYAML's marks count.
     * @return the same place as a char index, clamped to the text.
     */
    int charIndexOfCodePoint(final int codePointIndex)
    {
        if (codePointIndex <= 0)
        {
            return 0;
        }
        if (null == codePointToChar)
        {
            return Math.min(codePointIndex, text.length());
        }

        return codePointToChar[Math.min(codePointIndex, codePointToChar.length - 1)];
    }

    /**
     * @param charIndex a char index, clamped to {@code [0, length]}.
     * @return its 1-based line and code-point column.
     */
    SourcePosition positionOf(final int charIndex)
    {
        final int index = Math.max(0, Math.min(charIndex, text.length()));
        int line = Arrays.binarySearch(lineStarts, 0, lineCount, index);
        if (line < 0)
        {
            line = -line - 2;
        }
        final int lineStart = lineStarts[line];
        final int column = hasSurrogates ? text.codePointCount(lineStart, index) : index - lineStart;

        return new SourcePosition(line + 1, column + 1);
    }
}
