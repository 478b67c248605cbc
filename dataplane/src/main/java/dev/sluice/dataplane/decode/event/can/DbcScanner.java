package dev.sluice.dataplane.decode.event.can;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;

import java.util.HashSet;
import java.util.Set;

/**
 * The character level of a DBC document for {@link DbcReader}: tokens (identifiers, numbers,
 * strings that may span lines), blanks versus line ends (the grammar is line driven), positions
 * for diagnostics, and the ways of reading past what the reader does not decode. A token that is
 * not what the grammar expects is reported here and unwinds the statement with {@link Stop}.
 * Single use; one thread.
 */
abstract class DbcScanner
{
    /** Sections this reader reads past up to their terminating ';'. */
    static final Set<String> TERMINATED_SECTIONS = Set.of(
        "CM_", "BA_DEF_", "BA_", "BA_DEF_DEF_", "VAL_TABLE_", "BO_TX_BU_", "SG_MUL_VAL_", "EV_", "ENVVAR_DATA_",
        "SIG_GROUP_", "SGTYPE_", "SGTYPE_VAL_", "SIG_TYPE_REF_", "BA_DEF_SGTYPE_", "BA_SGTYPE_", "BA_DEF_REL_",
        "BA_REL_", "BA_DEF_DEF_REL_", "CAT_DEF_", "CAT_", "FILTER", "SIGTYPE_VALTYPE_", "BU_SG_REL_", "BU_EV_REL_",
        "BU_BO_REL_");
    /** Keywords that start a statement: where skipping an unknown section stops. */
    static final Set<String> STATEMENT_KEYWORDS = union(TERMINATED_SECTIONS,
        Set.of("VERSION", "NS_", "BS_", "BU_", "BO_", "SG_", "VAL_", "SIG_VALTYPE_"));

    final String text;
    final Diagnostics diagnostics;
    int pos;
    int line = 1;
    int lineStart;

    DbcScanner(final String text, final Diagnostics diagnostics)
    {
        this.text = text;
        this.diagnostics = diagnostics;
    }

    final boolean eof()
    {
        return pos >= text.length();
    }

    final char peek()
    {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    final void next()
    {
        if (text.charAt(pos) == '\n')
        {
            line++;
            lineStart = pos + 1;
        }
        pos++;
    }

    final SourcePosition position()
    {
        return new SourcePosition(line, pos - lineStart + 1);
    }

    /** Skips spaces, tabs and line ends. @return false at the end of the text. */
    final boolean skipWhitespace()
    {
        while (!eof() && Character.isWhitespace(peek()))
        {
            next();
        }
        return !eof();
    }

    final void blanks()
    {
        while (!eof() && (' ' == peek() || '\t' == peek()))
        {
            next();
        }
    }

    final boolean atLineEnd()
    {
        return eof() || '\n' == peek() || '\r' == peek();
    }

    final void lineEnd(final String what)
    {
        blanks();
        if (!atLineEnd())
        {
            throw fail("unexpected " + found() + " at the end of " + what, null);
        }
    }

    /** Skips to the start of the next line. */
    final void skipLine()
    {
        while (!eof() && '\n' != peek())
        {
            next();
        }
        if (!eof())
        {
            next();
        }
    }

    /** Skips a statement up to and including its ';', reading strings whole (they may hold ';' and span lines). */
    final void skipStatement(final String keyword, final SourcePosition at)
    {
        while (!eof())
        {
            final char c = peek();
            if ('"' == c)
            {
                try
                {
                    quoted("a string");
                }
                catch (final Stop unclosed)
                {
                    // Reported; the rest of the text was inside the string. Returns normally because
                    // this also runs as the recovery after a statement's own error, outside any handler.
                    return;
                }
                continue;
            }
            next();
            if (';' == c)
            {
                return;
            }
        }
        diagnostics.error(at, keyword + " is not ended by ';'", "end each " + keyword + " statement with ';'");
    }

    /**
     * Skips a section this reader does not know: up to a ';', or up to a line that starts with
     * a known statement keyword, whichever comes first.
     */
    final void skipUnknownSection()
    {
        while (!eof())
        {
            final char c = peek();
            if ('"' == c)
            {
                try
                {
                    quoted("a string");
                }
                catch (final Stop ignore)
                {
                    return;
                }
                continue;
            }
            next();
            if (';' == c)
            {
                return;
            }
            if ('\n' == c && STATEMENT_KEYWORDS.contains(firstWordOfLine()))
            {
                return;
            }
        }
    }

    /**
     * {@code NS_ :} and the indented list of symbol names below it, up to the first line that
     * starts in column 1 with something else than a lone section keyword.
     */
    final void skipNewSymbols()
    {
        skipLine();
        while (!eof())
        {
            final char c = peek();
            if (' ' == c || '\t' == c || '\r' == c || '\n' == c)
            {
                skipLine();
                continue;
            }
            final int save = pos;
            final String word = firstWordOfLine();
            pos = save;
            if (word.isEmpty() || !looksLikeKeyword(word) || "BS_".equals(word) || "BU_".equals(word) ||
                "BO_".equals(word) || "VERSION".equals(word) || !restOfLineBlank(save + word.length()))
            {
                return;
            }
            skipLine();
        }
    }

    final boolean restOfLineBlank(final int from)
    {
        for (int i = from; i < text.length() && '\n' != text.charAt(i); i++)
        {
            if (!Character.isWhitespace(text.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    /** @return the identifier at the start of the line at {@link #pos} (after blanks), without consuming it. */
    final String firstWordOfLine()
    {
        int i = pos;
        while (i < text.length() && (' ' == text.charAt(i) || '\t' == text.charAt(i)))
        {
            i++;
        }
        final int start = i;
        while (i < text.length() && identifierPart(text.charAt(i)))
        {
            i++;
        }
        return text.substring(start, i);
    }

    final String identifier()
    {
        final int start = pos;
        while (!eof() && identifierPart(peek()))
        {
            next();
        }
        return text.substring(start, pos);
    }

    final String name(final String what)
    {
        if (!identifierStart(peek()))
        {
            throw fail("expected " + what + ", found " + found(), "names are C identifiers: letters, digits and '_'");
        }
        return identifier();
    }

    final void expect(final char c, final String where, final String hint)
    {
        if (peek() != c || eof())
        {
            throw fail("expected '" + c + "' " + where + ", found " + found(), hint);
        }
        next();
    }

    final long unsigned(final int maxDigits, final String what)
    {
        final SourcePosition at = position();
        final int start = pos;
        while (!eof() && peek() >= '0' && peek() <= '9')
        {
            next();
        }
        if (start == pos)
        {
            throw fail(at, "expected " + what + ", found " + found(), null);
        }
        if (pos - start > maxDigits)
        {
            throw fail(at, "number " + text.substring(start, pos) + " is too large for " + what, null);
        }
        return Long.parseLong(text, start, pos, 10);
    }

    final double number(final String what)
    {
        final SourcePosition at = position();
        final int start = pos;
        if ('+' == peek() || '-' == peek())
        {
            next();
        }
        int digits = 0;
        while (!eof() && isAsciiDigit(peek()))
        {
            next();
            digits++;
        }
        if ('.' == peek())
        {
            next();
            while (!eof() && isAsciiDigit(peek()))
            {
                next();
                digits++;
            }
        }
        if (digits > 0 && ('e' == peek() || 'E' == peek()))
        {
            next();
            if ('+' == peek() || '-' == peek())
            {
                next();
            }
            int exponentDigits = 0;
            while (!eof() && isAsciiDigit(peek()))
            {
                next();
                exponentDigits++;
            }
            if (0 == exponentDigits)
            {
                throw fail(at, "expected " + what + ", found '" + text.substring(start, pos) + "'",
                    "write numbers as 12, -0.5 or 1E-05");
            }
        }
        if (0 == digits)
        {
            pos = start;
            throw fail(at, "expected " + what + " (a number), found " + found(), "write numbers as 12, -0.5 or 1E-05");
        }
        final double value = Double.parseDouble(text.substring(start, pos));
        if (!Double.isFinite(value))
        {
            throw fail(at, what + " " + text.substring(start, pos) + " is out of range", null);
        }
        return value;
    }

    /** A string in double quotes; {@code \"} and {@code \\} are escapes. May span lines. */
    final String quoted(final String what)
    {
        final SourcePosition at = position();
        if ('"' != peek() || eof())
        {
            throw fail("expected " + what + " in double quotes, found " + found(), null);
        }
        next();
        final StringBuilder value = new StringBuilder();
        while (!eof())
        {
            final char c = peek();
            next();
            if ('"' == c)
            {
                return value.toString();
            }
            if ('\\' == c && !eof() && ('"' == peek() || '\\' == peek()))
            {
                value.append(peek());
                next();
                continue;
            }
            value.append(c);
        }
        throw fail(at, "string is not closed", "a '\"' is missing; inside a string write \\\" for a quote");
    }

    final String found()
    {
        if (eof())
        {
            return "the end of the file";
        }
        final char c = peek();
        if ('\n' == c || '\r' == c)
        {
            return "the end of the line";
        }
        if (identifierStart(c) || isAsciiDigit(c))
        {
            int end = pos;
            while (end < text.length() && end - pos < 40 && identifierPart(text.charAt(end)))
            {
                end++;
            }
            return "'" + text.substring(pos, end) + "'";
        }
        return "'" + c + "'";
    }

    final Stop fail(final String message, final String hint)
    {
        return fail(position(), message, hint);
    }

    final Stop fail(final SourcePosition at, final String message, final String hint)
    {
        diagnostics.error(at, message, hint);
        return Stop.INSTANCE;
    }

    static boolean isAsciiDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    static boolean identifierStart(final char c)
    {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || '_' == c;
    }

    static boolean identifierPart(final char c)
    {
        return identifierStart(c) || (c >= '0' && c <= '9');
    }

    /** Vector's section keywords are upper case and end with '_' (BA_DEF_SGTYPE_, ...). */
    static boolean looksLikeKeyword(final String word)
    {
        if (word.length() < 2 || !word.endsWith("_"))
        {
            return false;
        }
        for (int i = 0; i < word.length(); i++)
        {
            final char c = word.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c))
            {
                return false;
            }
        }
        return true;
    }

    private static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final HashSet<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Unwinds a statement after its problem was reported; carries nothing, so one instance serves. */
    static final class Stop extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        static final Stop INSTANCE = new Stop();

        private Stop()
        {
            super(null, null, false, false);
        }
    }
}
