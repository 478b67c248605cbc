package dev.sluice.policy.diagnostic;

/**
 * A place in a source text: 1-based line and 1-based column, where the column counts Unicode
 * code points from the start of the line (what editors show for text without tabs).
 * Immutable; any thread.
 *
 * @param line   1-based line number.
 * @param column 1-based column number.
 */
public record SourcePosition(int line, int column) implements Comparable<SourcePosition>
{
    /** The start of a document, used when nothing more precise is known. */
    public static final SourcePosition START = new SourcePosition(1, 1);

    public SourcePosition
    {
        if (line < 1 || column < 1)
        {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    /**
     * @param columns how many columns to move right.
     * @return the position {@code columns} further along the same line.
     */
    public SourcePosition plusColumns(final int columns)
    {
        return new SourcePosition(line, column + columns);
    }

    public int compareTo(final SourcePosition other)
    {
        final int byLine = Integer.compare(line, other.line);
        return 0 != byLine ? byLine : Integer.compare(column, other.column);
    }

    public String toString()
    {
        return line + ":" + column;
    }
}
