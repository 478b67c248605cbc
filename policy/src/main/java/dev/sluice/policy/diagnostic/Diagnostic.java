package dev.sluice.policy.diagnostic;

import java.util.Objects;

/**
 * One error or warning about a source document, with where it is and, when there is one, a
 * hint on how to fix it. Immutable; any thread.
 *
 * @param severity   error or warning.
 * @param sourceName the name the caller gave the document (a file name, "control-plane:v42").
 * @param line       1-based line.
 * @param column     1-based column, in code points.
 * @param message    what is wrong, one sentence without a trailing period.
 * @param hint       how to fix it, or null.
 */
public record Diagnostic(Severity severity, String sourceName, int line, int column, String message, String hint)
{
    public Diagnostic
    {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1)
        {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
        // Messages quote the document (and the YAML library quotes the character it choked on):
        // control characters there would break the one-diagnostic-per-line output.
        message = printable(message);
        hint = null == hint ? null : printable(hint);
    }

    /**
     * @return the text with every control or line-separating character written as a Java-style
     * unicode escape (backslash, u, four hex digits).
     */
    static String printable(final String text)
    {
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final boolean control = c < 0x20 || c == 0x7F || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (control && null == escaped)
            {
                escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (control)
            {
                escaped.append(String.format("\\u%04X", (int)c));
            }
            else if (null != escaped)
            {
                escaped.append(c);
            }
        }
        return null == escaped ? text : escaped.toString();
    }

    /**
     * @return true for {@link Severity#ERROR}.
     */
    public boolean isError()
    {
        return Severity.ERROR == severity;
    }

    /**
     * @return the position as a {@link SourcePosition}.
     */
    public SourcePosition position()
    {
        return new SourcePosition(line, column);
    }

    /**
     * @return {@code source:line:column: error: message}, then {@code \n  hint: ...} when there is a hint.
     */
    public String toString()
    {
        final String text = sourceName + ":" + line + ":" + column + ": " + severity.label() + ": " + message;
        return null == hint ? text : text + "\n  hint: " + hint;
    }
}
