package dev.sluice.policy.regex;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The engine against java.util.regex: the same yes or no (does the text contain a match?) for
 * many expressions on many texts, through the DFA and through the NFA simulation; pathological
 * expressions in linear time; errors at their offsets.
 */
class RegexTest
{
    private static final long SEED = 0x5EED_2026L;

    /** Written by hand: every construct, on the texts below. */
    private static final String[] PATTERNS = {
        "", "a", "abc", "^abc", "abc$", "^abc$", "^$", "^", "$", "a|b", "ab|cd", "^(ab|cd)$", "(a|ab)(c|bcd)(d*)",
        "a*", "a+", "a?", "^a*$", "^a+$", "^a?$", "a*b", "a+b", "ba*", "(ab)*", "^(ab)*$", "^(ab)+$", "(?:ab)+c",
        "a{2}", "^a{2}$", "a{2,}", "^a{2,}$", "^a{1,3}$", "^a{0,2}b", "(ab){2,3}", "^(a|b){3}$", "x{0}", "^x{0}$",
        "a*?b", "a+?", "a??b", "a{1,2}?c", ".", "^.$", "a.c", "^...$", ".*", "^.*$", "a.*c", "\\.", "a\\.b", "\\\\",
        "\\d", "\\d+", "^\\d+$", "\\D", "^\\D*$", "\\w+", "^\\w+$", "\\W", "\\s", "\\S+", "^\\S+$", "\\t", "\\n",
        "[abc]", "[a-c]+", "^[a-c]+$", "[^abc]", "^[^abc]*$", "[a\\-z]", "[-a]", "[a-]", "[\\d_]+", "[^\\d]", "[\\w.]+@",
        "[\\]]", "\\[", "[.]", "[$^]", "\\$", "\\^", "\\x41", "\\x61\\x62", "[\\x30-\\x39]+", "[^\\n]", "\\n$", "a$|^b",
        "(^a|b$)", "(a$)|c", "a^", "$a", "(|a)b", "(a|)b", "()", "(a*)*", "(a*)+b", "(a|a)*c", "((a)|b)*$",
        "\\(\\)", "\\{1\\}", "a}", "]", "\\?", "[?*+]", "\\/", "\"", "\\\"", "[\\s\\S]", "^\\s*$", "[A-Z]", "[^A-Za-z]",
        "Failed password for (invalid user )?\\w+", "^<\\d{1,3}>", "(\\d{1,3}\\.){3}\\d{1,3}", "error|warn|crit",
        "^(GET|POST) /api/", "[0-9a-f]{8}", "sshd\\[\\d+\\]:", "user=[^ ]+", "(?:a|b|c|d)*e", "a(b|c)*d$",
    };

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void agreesWithJavaUtilRegexOnHandWrittenExpressions()
    {
        final List<String> texts = texts(new Random(SEED));
        for (final String pattern : PATTERNS)
        {
            compareOnTexts(pattern, texts);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void agreesWithJavaUtilRegexOnRandomExpressions()
    {
        final Random random = new Random(SEED);
        final List<String> texts = new ArrayList<>();
        allStrings("abc", 5, "", texts);
        for (int i = 0; i < 400; i++)
        {
            final StringBuilder pattern = new StringBuilder();
            randomExpression(random, pattern, 3);
            compareOnTexts(pattern.toString(), texts);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void agreesWithJavaUtilRegexOnLongRandomTexts()
    {
        final Random random = new Random(SEED + 1);
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final StringBuilder text = new StringBuilder();
            final int length = random.nextInt(300);
            for (int k = 0; k < length; k++)
            {
                text.append("abcd01 .\n_Z".charAt(random.nextInt(11)));
            }
            texts.add(text.toString());
        }
        for (final String pattern : new String[]{ "(a|b)*a(a|b){12}", "(a|b)*a(a|b){10}", "a.{15}b", "(a|b|c|d){5}d$", "\\d{3}\\s", "^[^\\n]*Z$" })
        {
            compareOnTexts(pattern, texts);
        }
    }

    @Test
    void aDfaTooLargeFallsBackToTheNfaAndStillAgrees()
    {
        final Regex regex = Regex.compile("(a|b)*a(a|b){16}", CaseMode.EXACT);
        assertEquals(0, regex.dfaStateCount(), "2^17 states exceed the cap");
        // 2^10 states (accepting ones are not stored): below the cap, still a DFA.
        final Regex large = Regex.compile("(a|b)*a(a|b){10}", CaseMode.EXACT);
        assertTrue(large.dfaStateCount() > 1000, () -> "states: " + large.dfaStateCount());
        final Regex small = Regex.compile("sshd\\[\\d+\\]: Failed", CaseMode.EXACT);
        assertTrue(small.dfaStateCount() > 0 && small.dfaStateCount() < 50, () -> "states: " + small.dfaStateCount());
        final Random random = new Random(SEED + 2);
        final Pattern java = Pattern.compile("(a|b)*a(a|b){16}");
        for (int i = 0; i < 300; i++)
        {
            final StringBuilder text = new StringBuilder();
            final int length = random.nextInt(60);
            for (int k = 0; k < length; k++)
            {
                text.append(random.nextBoolean() ? 'a' : 'b');
            }
            assertEquals(java.matcher(text).find(), regex.find(text), () -> "seed " + SEED + ": " + text);
        }
    }

    @Test
    void ignoringCaseFoldsTextAndLiterals()
    {
        final String[] texts = { "", "Example.COM", "example.com", "EXAMPLE", "www.Ex.org", "A", "a", "[", "_" };
        for (final String pattern : new String[]{ "example\\.com$", "^[a-z.]+$", "^EX", "ex|org", "^[A-Z]$", "[^a]", "[^A]",
            "^\\w+$", "\\x41", "^[X-Z_a-c]+" })
        {
            final Regex folded = Regex.compile(pattern, CaseMode.IGNORE_ASCII_CASE);
            for (final String text : texts)
            {
                // Semantics: both sides read in lower case.
                final boolean expected = Pattern.compile(lowerLiterals(pattern)).matcher(lowerAscii(text)).find();
                assertEquals(expected, folded.find(text), pattern + " on " + text);
            }
        }
        final Regex lowered = Regex.compile("^[a-z]+\\.com$", CaseMode.LOWERED);
        assertTrue(lowered.find("ExAmPle.CoM"));
        assertTrue(!Regex.compile("[^a-z]", CaseMode.LOWERED).find("ABC"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void pathologicalExpressionsRunInLinearTime()
    {
        final String text = "a".repeat(100_000);
        // Each with a suffix that makes it match, or null when nothing can.
        final String[][] cases = {
            { "(a*)*b", "b" }, { "(a|a)*b", "b" }, { "(a|aa)*c", "c" }, { "(a+a+)+b", "b" }, { "^(a|a?)+$b", null },
            { "(x+x+)+y", "xxy" }, { "(.*a){20}b", "b" }, { "^(a|b|ab)*$", "" } };
        for (final String[] row : cases)
        {
            final String pattern = row[0];
            for (final int maxStates : new int[]{ Regex.MAX_DFA_STATES, 0 })
            {
                final Regex regex = Regex.compile(pattern, CaseMode.EXACT, maxStates);
                for (int i = 0; i < 3; i++)
                {
                    assertEquals(false, regex.find(text + "!"), pattern);
                }
                if (null != row[1])
                {
                    assertEquals(true, regex.find(text + row[1]), pattern);
                }
            }
        }
    }

    @Test
    void charactersAbove255AreMatchedOnlyByNegations()
    {
        final String text = "x\u20ACy";
        assertTrue(Regex.compile("x.y", CaseMode.EXACT).find(text));
        assertTrue(Regex.compile("x[^a]y", CaseMode.EXACT).find(text));
        assertTrue(Regex.compile("x\\Wy", CaseMode.EXACT).find(text));
        assertTrue(!Regex.compile("x\\wy", CaseMode.EXACT).find(text));
        assertTrue(!Regex.compile("x[\\x00-\\xFF]y", CaseMode.EXACT).find(text));
        compareOnTexts("x\\Sy", List.of(text, "x y", "xay"));
    }

    static Stream<Arguments> errors()
    {
        return Stream.of(
            arguments("a(b", 1, "'(' is never closed", "add ')', or write \\( for a parenthesis"),
            arguments("ab)", 2, "')' has no matching '('", "write \\) for a parenthesis"),
            arguments("[ab", 0, "'[' is never closed", "end the class with ']', or write \\[ for a bracket"),
            arguments("*a", 0, "'*' has nothing to repeat", "write \\* for the character itself"),
            arguments("a|+", 2, "'+' has nothing to repeat", "write \\+ for the character itself"),
            arguments("(?)", 0, "'(?' must start a group (?: )", "write \\( and \\? for the characters"),
            arguments("a**", 2, "'*' repeats a repetition", "group it first, e.g. (a*)*, or escape it: \\*"),
            arguments("a*+", 2, "possessive quantifiers are not supported", "write a* without the '+' (matching never backtracks)"),
            arguments("(a)\\1", 3, "backreferences are not supported", "matching never backtracks; nothing is captured"),
            arguments("foo(?=bar)", 3, "lookaround is not supported",
                "matching runs in linear time without backtracking; combine conditions with 'and' / 'not' instead"),
            arguments("(?<!x)y", 0, "lookaround is not supported",
                "matching runs in linear time without backtracking; combine conditions with 'and' / 'not' instead"),
            arguments("(?<name>x)", 0, "named groups are not supported", "nothing is captured: write (?: ) or ( )"),
            arguments("(?i)abc", 0, "flags are not supported", "to ignore case, match lower(field) with a lower-case expression"),
            arguments("\\bword", 0, "word boundaries (\\b) are not supported", "match the characters around the word, e.g. (^|\\W)word(\\W|$)"),
            arguments("x\\q", 1, "unknown escape '\\q'",
                "escapes are \\d \\w \\s \\D \\W \\S \\t \\n \\r \\f \\xHH, and \\ before punctuation such as \\. or \\("),
            arguments("ab\\", 2, "'\\' at the end of the expression", "write \\\\ for a backslash"),
            arguments("\\x4", 0, "\\x takes two hex digits", "e.g. \\x41 for 'A', \\xC3\\xA9 for the UTF-8 bytes of é"),
            arguments("a{1001}", 2, "repetition count 1001 is above 1000", "use at most {1000}, or + or {m,} where any number will do"),
            arguments("a{2,1001}", 4, "repetition count 1001 is above 1000", "use {2,} for 'at least 2'"),
            arguments("a{3,2}", 2, "repetition {3,2} has its minimum above its maximum", "write {2,3}"),
            arguments("a{x}", 1, "'{' must start a count: {m}, {m,} or {m,n}", "write \\{ for a brace"),
            arguments("a{1,2", 1, "'{' must start a count: {m}, {m,} or {m,n}", "write \\{ for a brace"),
            arguments("x[]a]", 2, "empty class: ']' right after '['", "write \\] for a bracket in a class"),
            arguments("[z-a]", 1, "range z-a is reversed", "write the lower character first"),
            arguments("[a[b]]", 2, "'[' inside a class",
                "write \\[ for a bracket; nested classes and [:alpha:] are not supported, write ranges such as a-z"),
            arguments("[\\d-z]", 1, "a range cannot start at \\d", "write \\- for a '-'"),
            arguments("[a&&b]", 2, "'&&' inside a class", "write \\& for '&'; intersections are not supported"),
            arguments("caf\u00e9", 3, "non-ASCII character U+00E9 in a regular expression",
                "values are matched byte by byte: write its UTF-8 bytes, \\xC3\\xA9"),
            arguments("\\p{L}", 0, "Unicode classes are not supported", "write the class with ranges, e.g. [a-zA-Z]; values are matched byte by byte"),
            arguments("(((a{100}){10}){100})", 15, "regular expression is too large: 100004 instructions, at most 10000",
                "lower the repetition counts, or use * or + where any number will do"),
            arguments("\\w{1000}\\w{1000}[a-z]{1000}\\d{1000}(x{1000}){8}", 0,
                "regular expression is too large: 12004 instructions, at most 10000",
                "lower the repetition counts, or use * or + where any number will do"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorsAreReportedWhereTheyAre(final String pattern, final int offset, final String message, final String hint)
    {
        final RegexSyntaxException error = assertThrows(RegexSyntaxException.class, () -> Regex.compile(pattern, CaseMode.EXACT));
        assertEquals(message, error.getMessage(), pattern);
        assertEquals(offset, error.offset(), pattern);
        assertEquals(hint, error.hint(), pattern);
    }

    @Test
    void upperCaseUnderLowerIsAnError()
    {
        final RegexSyntaxException error = assertThrows(RegexSyntaxException.class, () -> Regex.compile("^ab[a-zA-Z]", CaseMode.LOWERED));
        assertEquals(7, error.offset());
        assertEquals("lower(...) has no upper-case letters, so 'A' never matches", error.getMessage());
        assertEquals("write 'a'", error.hint());
        Regex.compile("\\D\\W\\S[^\\D]", CaseMode.LOWERED);
    }

    // ------------------------------------------------------------------------------ helpers

    private static void compareOnTexts(final String pattern, final List<String> texts)
    {
        final Pattern java = Pattern.compile(javaSyntax(pattern), Pattern.UNIX_LINES);
        final Regex dfa = Regex.compile(pattern, CaseMode.EXACT);
        final Regex nfa = Regex.compile(pattern, CaseMode.EXACT, 0);
        for (final String text : texts)
        {
            final Boolean javaSays = findWithinBudget(java, text);
            if (null == javaSays)
            {
                continue; // java.util.regex backtracks exponentially here: the reason for this engine
            }
            final boolean expected = javaSays;
            assertEquals(expected, dfa.find(text), () -> "seed " + SEED + ": /" + pattern + "/ (DFA) on \"" + text + "\"");
            assertEquals(expected, nfa.find(text), () -> "seed " + SEED + ": /" + pattern + "/ (NFA) on \"" + text + "\"");
        }
    }

    /** @return java.util.regex's answer, or null when it needs more than 50,000 character reads. */
    private static Boolean findWithinBudget(final Pattern java, final String text)
    {
        final int[] reads = { 0 };
        final CharSequence budgeted = new CharSequence()
        {
            public int length()
            {
                return text.length();
            }

            public char charAt(final int index)
            {
                if (++reads[0] > 50_000)
                {
                    throw new IllegalStateException("budget");
                }
                return text.charAt(index);
            }

            public CharSequence subSequence(final int start, final int end)
            {
                return text.subSequence(start, end);
            }

            public String toString()
            {
                return text;
            }
        };
        try
        {
            return java.matcher(budgeted).find();
        }
        catch (final IllegalStateException overBudget)
        {
            return null;
        }
    }

    /** Ours with '$' meaning the very end, as java.util.regex's \z. */
    private static String javaSyntax(final String pattern)
    {
        final StringBuilder out = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++)
        {
            final char c = pattern.charAt(i);
            if ('\\' == c && i + 1 < pattern.length())
            {
                out.append(c).append(pattern.charAt(++i));
                continue;
            }
            if ('[' == c && !inClass)
            {
                inClass = true;
                out.append(c);
                if (i + 1 < pattern.length() && '^' == pattern.charAt(i + 1))
                {
                    out.append('^');
                    i++;
                }
                continue;
            }
            if (']' == c && inClass)
            {
                inClass = false;
            }
            out.append('$' == c && !inClass ? "\\z" : String.valueOf(c));
        }
        return out.toString();
    }

    private static List<String> texts(final Random random)
    {
        final List<String> texts = new ArrayList<>(List.of(
            "", "a", "b", "ab", "abc", "xabcx", "abcabc", "cd", "abcd", "abbcd", "aa", "aaa", "aaaa", "ba", "baaa", "aab",
            "ac", "abbbbc", "a.b", "a\\b", "\\", ".", "1", "123", "x9y", "abc\n", "\nabc", "a\nc", "\t", " ", "a b",
            "A", "ABC", "Z", "]", "[", "$", "^", "?", "*", "}", "a}", "()", "{1}", "/", "\"", "x@y", "a_b.c@", "-",
            "Failed password for invalid user admin from 10.0.0.1", "Failed password for root", "<34>Oct 11 22:14:15 mymachine",
            "10.1.22.3", "1.2.3", "GET /api/v1", "POST /apx", "sshd[1234]: ok", "user=bob x", "deadbeef", "DEADBEEF",
            "aaaaaaaaaaaaaaaaaaaaaaaaac", "abd", "acbd", "ae", "\u00e9t\u00e9", "x\u20ACy", "\u0000", "a\u0085b"));
        for (int i = 0; i < 300; i++)
        {
            final StringBuilder text = new StringBuilder();
            final int length = random.nextInt(12);
            for (int k = 0; k < length; k++)
            {
                final String alphabet = "abcdxAZ019 ._-\n\t[]$^\\@=\u00e9\u20AC";
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(text.toString());
        }
        return texts;
    }

    private static void allStrings(final String alphabet, final int maxLength, final String prefix, final List<String> out)
    {
        out.add(prefix);
        if (prefix.length() < maxLength)
        {
            for (int i = 0; i < alphabet.length(); i++)
            {
                allStrings(alphabet, maxLength, prefix + alphabet.charAt(i), out);
            }
        }
    }

    /** A random expression over a, b, c: concatenations, alternations, classes, quantifiers, anchors. */
    private static void randomExpression(final Random random, final StringBuilder out, final int depth)
    {
        final int items = 1 + random.nextInt(3);
        for (int i = 0; i < items; i++)
        {
            final int kind = random.nextInt(depth > 0 ? 12 : 8);
            switch (kind)
            {
                case 0, 1, 2 -> out.append("abc".charAt(random.nextInt(3)));
                case 3 -> out.append(random.nextBoolean() ? "[ab]" : "[^a]");
                case 4 -> out.append('.');
                case 5 -> out.append(random.nextInt(4) == 0 ? "^" : "c");
                case 6 -> out.append(random.nextInt(4) == 0 ? "$" : "b");
                case 7 -> out.append(random.nextBoolean() ? "[a-b]" : "\\w");
                default ->
                {
                    out.append(random.nextBoolean() ? "(" : "(?:");
                    randomExpression(random, out, depth - 1);
                    if (random.nextBoolean())
                    {
                        out.append('|');
                        randomExpression(random, out, depth - 1);
                    }
                    out.append(')');
                }
            }
            if (out.charAt(out.length() - 1) != '^' && out.charAt(out.length() - 1) != '$')
            {
                switch (random.nextInt(9))
                {
                    case 0 -> out.append('*');
                    case 1 -> out.append('+');
                    case 2 -> out.append('?');
                    case 3 -> out.append("{2}");
                    case 4 -> out.append("{1,3}");
                    case 5 -> out.append("{0,}");
                    case 6 -> out.append("*?");
                    default ->
                    {
                    }
                }
            }
        }
        if (random.nextInt(5) == 0)
        {
            out.append('|');
            randomExpression(random, out, depth - 1);
        }
    }

    private static String lowerAscii(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
        }
        return out.toString();
    }

    /** The expressions of {@link #ignoringCaseFoldsTextAndLiterals} with literal letters lowered (not escapes). */
    private static String lowerLiterals(final String pattern)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++)
        {
            final char c = pattern.charAt(i);
            if ('\\' == c)
            {
                final char e = pattern.charAt(++i);
                out.append(c).append(e);
                if ('x' == e)
                {
                    final int value = Integer.parseInt(pattern.substring(i + 1, i + 3), 16);
                    out.setLength(out.length() - 2);
                    out.append(String.format("\\x%02x", value >= 'A' && value <= 'Z' ? value + 32 : value));
                    i += 2;
                }
                continue;
            }
            out.append(c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
        }
        return out.toString();
    }
}
