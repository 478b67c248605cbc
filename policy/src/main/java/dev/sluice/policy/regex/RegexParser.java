package dev.sluice.policy.regex;

import java.util.ArrayList;

/**
 * Reads the RE2-like syntax of {@code matches} into a {@link RegexNode}: literals, escapes
 * ({@code \. \\ \t \n \r \f \d \w \s \D \W \S \xHH} and a backslash before any punctuation),
 * {@code .}, classes {@code [a-z0-9_]} and {@code [^...]}, {@code * + ?}, {@code {m} {m,} {m,n}}
 * (lazy forms such as {@code *?} read as greedy: only whether there is a match counts),
 * alternation, groups {@code ( )} and {@code (?: )}, anchors {@code ^ $}. Whatever needs
 * backtracking (backreferences, lookaround, possessive quantifiers) or is not offered is an
 * error at its offset with a hint, never silently read as something else.
 * <p>
 * Characters above 0x7F are rejected in the source: values are matched byte by byte, so a
 * non-ASCII character is written as its UTF-8 bytes ({@code \xC3\xA9} for é).
 * <p>
 * One instance per expression; confined to the parsing thread.
 */
final class RegexParser
{
    /** Largest count of a repetition {@code {m,n}}. */
    static final int MAX_REPEAT = 1000;

    /** Deepest nesting of groups. */
    static final int MAX_NESTING = 100;

    private static final String ESCAPE_HINT =
        "escapes are \\d \\w \\s \\D \\W \\S \\t \\n \\r \\f \\xHH, and \\ before punctuation such as \\. or \\(";

    private final String source;
    private final CaseMode caseMode;
    private int next;
    private int depth;

    /** The character of the last single-character escape (set by {@link #singleOf}). */
    private int escapedChar;

    private RegexParser(final String source, final CaseMode caseMode)
    {
        this.source = source;
        this.caseMode = caseMode;
    }

    static RegexNode parse(final String source, final CaseMode caseMode)
    {
        final RegexParser parser = new RegexParser(source, caseMode);
        final RegexNode node = parser.alternation();
        if (parser.next < source.length())
        {
            // Only an unmatched ')' stops alternation() before the end.
            throw new RegexSyntaxException(parser.next, "')' has no matching '('", "write \\) for a parenthesis");
        }
        return node;
    }

    private boolean more()
    {
        return next < source.length();
    }

    private char peek()
    {
        return source.charAt(next);
    }

    private RegexNode alternation()
    {
        final RegexNode first = concat();
        if (!more() || '|' != peek())
        {
            return first;
        }
        final ArrayList<RegexNode> branches = new ArrayList<>();
        branches.add(first);
        while (more() && '|' == peek())
        {
            next++;
            branches.add(concat());
        }
        return new RegexNode.Alternation(branches);
    }

    private RegexNode concat()
    {
        final ArrayList<RegexNode> items = new ArrayList<>();
        while (more() && '|' != peek() && ')' != peek())
        {
            items.add(repeat());
        }
        return switch (items.size())
        {
            case 0 -> new RegexNode.Empty();
            case 1 -> items.getFirst();
            default -> new RegexNode.Concat(items);
        };
    }

    private RegexNode repeat()
    {
        final int atomStart = next;
        final RegexNode atom = atom();
        if (!more())
        {
            return atom;
        }
        final int quantifierStart = next;
        final char c = peek();
        final int min;
        final int max;
        switch (c)
        {
            case '*' ->
            {
                next++;
                min = 0;
                max = -1;
            }
            case '+' ->
            {
                next++;
                min = 1;
                max = -1;
            }
            case '?' ->
            {
                next++;
                min = 0;
                max = 1;
            }
            case '{' ->
            {
                final int[] counts = counts();
                min = counts[0];
                max = counts[1];
            }
            default ->
            {
                return atom;
            }
        }
        if (more() && '?' == peek())
        {
            next++; // lazy: the same yes or no as greedy
        }
        else if (more() && '+' == peek())
        {
            throw new RegexSyntaxException(next, "possessive quantifiers are not supported",
                "write " + source.substring(atomStart, next) + " without the '+' (matching never backtracks)");
        }
        if (more() && ('*' == peek() || '+' == peek() || '?' == peek() || '{' == peek()))
        {
            throw new RegexSyntaxException(next, "'" + peek() + "' repeats a repetition",
                "group it first, e.g. (" + source.substring(atomStart, next) + ")" + peek() + ", or escape it: \\" + peek());
        }
        return new RegexNode.Repeat(atom, min, max, quantifierStart);
    }

    /**
     * @return {min, max} of {@code {m}}, {@code {m,}} or {@code {m,n}} (max -1: unbounded).
     */
    private int[] counts()
    {
        final int open = next;
        next++;
        final int lowStart = next;
        final int low = number();
        int high = low;
        int highStart = lowStart;
        if (low >= 0 && more() && ',' == peek())
        {
            next++;
            highStart = next;
            high = more() && '}' == peek() ? -1 : number();
            if (-1 == high && !(more() && '}' == peek()))
            {
                high = -2;
            }
        }
        if (low < 0 || -2 == high || !more() || '}' != peek())
        {
            throw new RegexSyntaxException(open, "'{' must start a count: {m}, {m,} or {m,n}",
                "write \\{ for a brace");
        }
        next++;
        if (low > MAX_REPEAT)
        {
            throw new RegexSyntaxException(lowStart, "repetition count " + low + " is above " + MAX_REPEAT,
                "use at most {" + MAX_REPEAT + "}, or + or {m,} where any number will do");
        }
        if (high > MAX_REPEAT)
        {
            throw new RegexSyntaxException(highStart, "repetition count " + high + " is above " + MAX_REPEAT,
                "use {" + low + ",} for 'at least " + low + "'");
        }
        if (high >= 0 && high < low)
        {
            throw new RegexSyntaxException(lowStart, "repetition {" + low + "," + high + "} has its minimum above its maximum",
                "write {" + high + "," + low + "}");
        }
        return new int[]{ low, high };
    }

    /** @return the decimal number at {@link #next} (capped so that it cannot overflow), or -1 when there is none. */
    private int number()
    {
        final int start = next;
        long value = 0;
        while (more() && peek() >= '0' && peek() <= '9')
        {
            value = Math.min(Integer.MAX_VALUE, value * 10 + (peek() - '0'));
            next++;
        }
        return start == next ? -1 : (int)value;
    }

    private RegexNode atom()
    {
        final int start = next;
        final char c = source.charAt(next++);
        return switch (c)
        {
            case '(' -> group(start);
            case '[' -> new RegexNode.Chars(charClass(start));
            case '.' -> new RegexNode.Chars(CharClass.anyButNewline());
            case '^' -> new RegexNode.Begin();
            case '$' -> new RegexNode.End();
            case '\\' -> new RegexNode.Chars(escape(start, false));
            case '*', '+', '?' -> throw new RegexSyntaxException(start, "'" + c + "' has nothing to repeat",
                "write \\" + c + " for the character itself");
            case '{' -> throw new RegexSyntaxException(start, "'{' has nothing to repeat", "write \\{ for a brace");
            default -> new RegexNode.Chars(literal(start, c));
        };
    }

    private RegexNode group(final int open)
    {
        if (++depth > MAX_NESTING)
        {
            throw new RegexSyntaxException(open, "groups are nested more than " + MAX_NESTING + " deep", null);
        }
        if (more() && '?' == peek())
        {
            if (next + 1 < source.length() && ':' == source.charAt(next + 1))
            {
                next += 2;
            }
            else
            {
                throw unsupportedGroup(open);
            }
        }
        final RegexNode inner = alternation();
        if (!more())
        {
            throw new RegexSyntaxException(open, "'(' is never closed", "add ')', or write \\( for a parenthesis");
        }
        next++;
        depth--;
        return inner;
    }

    private RegexSyntaxException unsupportedGroup(final int open)
    {
        final String rest = source.substring(open, Math.min(source.length(), open + 4));
        if (rest.startsWith("(?=") || rest.startsWith("(?!") || rest.startsWith("(?<=") || rest.startsWith("(?<!"))
        {
            return new RegexSyntaxException(open, "lookaround is not supported",
                "matching runs in linear time without backtracking; combine conditions with 'and' / 'not' instead");
        }
        if (rest.startsWith("(?<") || rest.startsWith("(?P"))
        {
            return new RegexSyntaxException(open, "named groups are not supported", "nothing is captured: write (?: ) or ( )");
        }
        if (rest.startsWith("(?i"))
        {
            return new RegexSyntaxException(open, "flags are not supported",
                "to ignore case, match lower(field) with a lower-case expression");
        }
        return new RegexSyntaxException(open, "'(?' must start a group (?: )", "write \\( and \\? for the characters");
    }

    private CharClass charClass(final int open)
    {
        final boolean negated = more() && '^' == peek();
        if (negated)
        {
            next++;
        }
        if (more() && ']' == peek())
        {
            throw new RegexSyntaxException(next, "empty class: ']' right after '" + (negated ? "[^" : "[") + "'",
                "write \\] for a bracket in a class");
        }
        final CharClass set = new CharClass();
        while (true)
        {
            if (!more())
            {
                throw new RegexSyntaxException(open, "'[' is never closed", "end the class with ']', or write \\[ for a bracket");
            }
            final int itemStart = next;
            final char c = source.charAt(next++);
            if (']' == c)
            {
                break;
            }
            if ('[' == c)
            {
                throw new RegexSyntaxException(itemStart, "'[' inside a class",
                    "write \\[ for a bracket; nested classes and [:alpha:] are not supported, write ranges such as a-z");
            }
            if ('&' == c && more() && '&' == peek())
            {
                throw new RegexSyntaxException(itemStart, "'&&' inside a class", "write \\& for '&'; intersections are not supported");
            }
            final int low;
            if ('\\' == c)
            {
                final CharClass escaped = escape(itemStart, true);
                if (null == singleOf(escaped, itemStart))
                {
                    if (more() && '-' == peek() && next + 1 < source.length() && ']' != source.charAt(next + 1))
                    {
                        throw new RegexSyntaxException(itemStart, "a range cannot start at " + source.substring(itemStart, next),
                            "write \\- for a '-'");
                    }
                    set.addAll(escaped);
                    continue;
                }
                low = escapedChar;
            }
            else
            {
                low = literalChar(itemStart, c);
            }
            if (more() && '-' == peek() && next + 1 < source.length() && ']' != source.charAt(next + 1))
            {
                next++;
                final int highStart = next;
                final char h = source.charAt(next++);
                final int high;
                if ('\\' == h)
                {
                    final CharClass escaped = escape(highStart, true);
                    if (null == singleOf(escaped, highStart))
                    {
                        throw new RegexSyntaxException(highStart, "a range cannot end at " + source.substring(highStart, next),
                            "write \\- for a '-'");
                    }
                    high = escapedChar;
                }
                else if ('[' == h)
                {
                    throw new RegexSyntaxException(highStart, "'[' inside a class", "write \\[ for a bracket");
                }
                else
                {
                    high = literalChar(highStart, h);
                }
                if (high < low)
                {
                    throw new RegexSyntaxException(itemStart, "range " + source.substring(itemStart, next) + " is reversed",
                        "write the lower character first");
                }
                set.addRange(low, high);
            }
            else
            {
                set.add(low);
            }
        }
        if (CaseMode.IGNORE_ASCII_CASE == caseMode)
        {
            // Before negation: [^a] must refuse 'A' too, since the text is read folded.
            set.addOtherCase();
        }
        return negated ? set.negate() : set;
    }

    /**
     * @return the set when it is one character (and records it in {@link #escapedChar}), else null.
     */
    private CharClass singleOf(final CharClass escaped, final int start)
    {
        final char letter = source.charAt(start + 1);
        if ("dwsDWS".indexOf(letter) >= 0)
        {
            return null;
        }
        for (int symbol = 0; symbol < CharClass.SYMBOLS; symbol++)
        {
            if (escaped.contains(symbol))
            {
                escapedChar = symbol;
                return escaped;
            }
        }
        return null;
    }

    /**
     * An escape after the backslash at {@code start}; in a class, literal characters are folded
     * by the class, not here.
     */
    private CharClass escape(final int start, final boolean inClass)
    {
        if (!more())
        {
            throw new RegexSyntaxException(start, "'\\' at the end of the expression", "write \\\\ for a backslash");
        }
        final char c = source.charAt(next++);
        switch (c)
        {
            case 'd' ->
            {
                return CharClass.digits();
            }
            case 'D' ->
            {
                return CharClass.digits().negate();
            }
            case 'w' ->
            {
                return CharClass.wordCharacters();
            }
            case 'W' ->
            {
                return CharClass.wordCharacters().negate();
            }
            case 's' ->
            {
                return CharClass.whitespace();
            }
            case 'S' ->
            {
                return CharClass.whitespace().negate();
            }
            case 't' ->
            {
                return CharClass.of('\t');
            }
            case 'n' ->
            {
                return CharClass.of('\n');
            }
            case 'r' ->
            {
                return CharClass.of('\r');
            }
            case 'f' ->
            {
                return CharClass.of('\f');
            }
            case 'x' ->
            {
                final int high = next < source.length() ? Character.digit(source.charAt(next), 16) : -1;
                final int low = next + 1 < source.length() ? Character.digit(source.charAt(next + 1), 16) : -1;
                if (high < 0 || low < 0 || source.charAt(next) > 0x7F || source.charAt(next + 1) > 0x7F)
                {
                    throw new RegexSyntaxException(start, "\\x takes two hex digits", "e.g. \\x41 for 'A', \\xC3\\xA9 for the UTF-8 bytes of é");
                }
                next += 2;
                final char value = (char)(high * 16 + low);
                return inClass ? CharClass.of(checkCase(start, value)) : literal(start, value);
            }
            default ->
            {
                if (c > 0x7F)
                {
                    throw nonAscii(next - 1, c);
                }
                if (!Character.isLetterOrDigit(c))
                {
                    // Any punctuation, space or control character stands for itself.
                    return inClass ? CharClass.of(c) : literal(start, c);
                }
                throw unknownEscape(start, c);
            }
        }
    }

    private RegexSyntaxException unknownEscape(final int start, final char c)
    {
        if (c >= '1' && c <= '9')
        {
            return new RegexSyntaxException(start, "backreferences are not supported", "matching never backtracks; nothing is captured");
        }
        return switch (c)
        {
            case 'b', 'B' -> new RegexSyntaxException(start, "word boundaries (\\" + c + ") are not supported",
                "match the characters around the word, e.g. (^|\\W)word(\\W|$)");
            case 'A', 'z', 'Z', 'G' -> new RegexSyntaxException(start, "'\\" + c + "' is not supported",
                "use ^ for the start of the text and $ for its end");
            case 'p', 'P' -> new RegexSyntaxException(start, "Unicode classes are not supported",
                "write the class with ranges, e.g. [a-zA-Z]; values are matched byte by byte");
            case 'Q', 'E' -> new RegexSyntaxException(start, "quoting with \\Q...\\E is not supported",
                "escape each special character with \\");
            case 'k' -> new RegexSyntaxException(start, "backreferences are not supported", "nothing is captured");
            case 'u', '0' -> new RegexSyntaxException(start, "'\\" + c + "' is not supported",
                "write a byte as \\xHH; non-ASCII characters as their UTF-8 bytes, e.g. \\xC3\\xA9 for é");
            default -> new RegexSyntaxException(start, "unknown escape '\\" + c + "'", ESCAPE_HINT);
        };
    }

    private CharClass literal(final int start, final char c)
    {
        final CharClass set = CharClass.of(literalChar(start, c));
        return CaseMode.IGNORE_ASCII_CASE == caseMode ? set.addOtherCase() : set;
    }

    private int literalChar(final int start, final char c)
    {
        if (c > 0x7F)
        {
            throw nonAscii(start, c);
        }
        return checkCase(start, c);
    }

    private char checkCase(final int start, final char c)
    {
        if (CaseMode.LOWERED == caseMode && c >= 'A' && c <= 'Z')
        {
            final char lower = (char)(c + ('a' - 'A'));
            throw new RegexSyntaxException(start, "lower(...) has no upper-case letters, so '" + c + "' never matches",
                "write '" + lower + "'");
        }
        return c;
    }

    private static RegexSyntaxException nonAscii(final int offset, final char c)
    {
        final byte[] utf8 = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final StringBuilder bytes = new StringBuilder();
        for (final byte b : utf8)
        {
            bytes.append(String.format("\\x%02X", b & 0xFF));
        }
        return new RegexSyntaxException(offset, String.format("non-ASCII character U+%04X in a regular expression", (int)c),
            Character.isSurrogate(c) ? "values are matched byte by byte: write the character's UTF-8 bytes as \\xHH" :
                "values are matched byte by byte: write its UTF-8 bytes, " + bytes);
    }
}
