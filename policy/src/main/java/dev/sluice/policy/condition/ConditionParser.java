package dev.sluice.policy.condition;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.field.DynamicName;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldResolver;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.regex.CaseMode;
import dev.sluice.policy.regex.Regex;
import dev.sluice.policy.regex.RegexSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Parses and type-checks a rule condition (the text of a {@code when:}) into a {@link Condition}.
 * <p>
 * The language is a subset of Wireshark's display filters:
 * <pre>
 * condition  := or
 * or         := and ( ("or" | "||") and )*
 * and        := not ( ("and" | "&amp;&amp;") not )*
 * not        := ("not" | "!") not | primary
 * primary    := "(" condition ")" | "true" | "false" | field [ op value | "in" set | "in" element | "in" list | textop text ]
 *             | field "matches" regex
 *             | "lower" "(" field ")" ( ("==" | "!=" | eq | ne) text | textop text | "matches" regex )
 *             | "len" "(" field ")" op integer
 * op         := "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | eq | ne | lt | le | gt | ge
 * textop     := "contains" | "startswith" | "endswith"
 * set        := "{" ( element | list ) ( [","] ( element | list ) )* "}"
 * element    := integer | integer ".." integer | address | address "/" length | text
 * list       := "$" name                 (a list declared under the policy's 'lists:')
 * integer    := decimal | "0x" hex
 * text       := '"' ( any character but '"' and '\' | '\"' | '\\' )* '"'
 * regex      := '"' ( any character but '"' and '\' | '\' any character )* '"'   (the expression as written)
 * </pre>
 * Precedence is not &gt; and &gt; or. A bare integer field ({@code tcp.flags.syn}) means "present
 * and not zero"; a bare text field ({@code tls.sni}) "present and not empty"; a bare dynamic
 * field ({@code json.debug}) "present". A prefix on the right of {@code ==} means "in that
 * prefix". The text operators and {@code lower(...)} apply to text fields only; {@code lower(f)}
 * compares ignoring ASCII case (so its literal must be lower case), {@code len(f)} is the value's
 * length in characters. {@code matches} tests whether a text field contains a match of a regular
 * expression ({@link dev.sluice.policy.regex.Regex}: RE2-like, linear time); its literal is the
 * expression exactly as written, backslashes included, so {@code "\d+\.log"} needs no doubling.
 * <p>
 * A field is a name of the catalogue, or a name under a {@link DynamicPrefix}
 * ({@code json.fixes[0].lat}, {@code json.http["user-agent"]},
 * {@code syslog.sd.exampleSDID@32473.iut}; syntax in {@link DynamicName}), which the
 * {@link FieldResolver} turns into a field typed by the literal it is compared with.
 * <p>
 * Semantics that differ by field kind: any comparison on an absent field is false, including
 * {@code !=}. An alias ({@code ip.addr}, {@code tcp.port}, ...) matches when either of its
 * fields does, and a repeated field ({@code vlan.id}, {@code mpls.label}) when any of its
 * occurrences does: {@code alias OP v} is {@code (a OP v) or (b OP v)} for every operator
 * except {@code !=}, where {@code alias != v} is {@code not (alias == v)}, true when no value
 * equals v (and so also when the fields are absent), as in Wireshark since 3.6. Text compares
 * exactly, except for host names ({@code dns.qry.name}, {@code tls.sni}), which compare
 * ignoring ASCII case.
 * <p>
 * A named list ({@link NamedList}) stands for its members wherever a set element may, and
 * prints back as written ({@code ip.src in $internal-nets}); its type must be the field's and
 * its members must suit the field as literals would.
 * <p>
 * Errors are reported at the exact offset in the text, mapped to a source position by the
 * caller's function. After a syntax error the rest of the text is not parsed; type and range
 * errors are reported and parsing goes on, so one expression can report several.
 * <p>
 * Stateless; any thread (each call has its own state).
 */
public final class ConditionParser
{
    /** Deepest nesting of parentheses and {@code not}. */
    public static final int MAX_NESTING = 64;

    private static final Set<String> KEYWORDS = Set.of(
        "and", "or", "not", "in", "true", "false", "eq", "ne", "lt", "le", "gt", "ge", "contains", "startswith", "endswith", "matches");

    /** Wireshark names that Sluice covers with one name (for both IP families) or names differently. */
    private static final Map<String, String> WIRESHARK_NAMES = Map.ofEntries(
        Map.entry("ipv6.src", "ip.src"),
        Map.entry("ipv6.dst", "ip.dst"),
        Map.entry("ipv6.addr", "ip.addr"),
        Map.entry("ipv6.nxt", "ip.proto"),
        Map.entry("ipv6.hlim", "ip.ttl"),
        Map.entry("ipv6.tclass", "ip.tos"),
        Map.entry("ip.dsfield", "ip.tos"),
        Map.entry("ipv6.version", "ip.version"),
        Map.entry("icmpv6.type", "icmp.type"),
        Map.entry("icmpv6.code", "icmp.code"),
        Map.entry("eth.vlan.id", "vlan.id"),
        Map.entry("pppoes.session_id", "pppoe.session_id"),
        Map.entry("tls.handshake.extensions_server_name", "tls.sni"));

    private ConditionParser()
    {
    }

    /**
     * Parse a condition on its own: its dynamic fields are typed by their uses in this text.
     *
     * @param text        the condition.
     * @param catalogue   the fixed fields it may name.
     * @param positions   maps an offset in {@code text} to its source position.
     * @param diagnostics where problems go.
     * @return the condition, or null when an error was reported for it.
     */
    public static Condition parse(
        final String text,
        final FieldCatalogue catalogue,
        final IntFunction<SourcePosition> positions,
        final Diagnostics diagnostics)
    {
        return parse(text, catalogue, NamedLists.none(), positions, diagnostics);
    }

    /**
     * Parse a condition on its own that may reference named lists.
     *
     * @param text        the condition.
     * @param catalogue   the fixed fields it may name.
     * @param lists       the lists it may reference as {@code $name}; references are recorded in it.
     * @param positions   maps an offset in {@code text} to its source position.
     * @param diagnostics where problems go.
     * @return the condition, or null when an error was reported for it.
     */
    public static Condition parse(
        final String text,
        final FieldCatalogue catalogue,
        final NamedLists lists,
        final IntFunction<SourcePosition> positions,
        final Diagnostics diagnostics)
    {
        final FieldResolver firstPass = new FieldResolver(catalogue);
        new Parser(text, firstPass, lists, positions, new Diagnostics(diagnostics.sourceName())).parse();
        return new Parser(text, firstPass.secondPass(), lists, positions, diagnostics).parse();
    }

    /**
     * Parse a condition of a policy: dynamic fields are made (or typed, in a first pass) by
     * {@code fields}, which the policy's other conditions and actions share.
     *
     * @param text        the condition.
     * @param fields      the fields it may name.
     * @param positions   maps an offset in {@code text} to its source position.
     * @param diagnostics where problems go.
     * @return the condition, or null when an error was reported for it.
     */
    public static Condition parse(
        final String text,
        final FieldResolver fields,
        final IntFunction<SourcePosition> positions,
        final Diagnostics diagnostics)
    {
        return parse(text, fields, NamedLists.none(), positions, diagnostics);
    }

    /**
     * Parse a condition of a policy that declares named lists.
     *
     * @param text        the condition.
     * @param fields      the fields it may name.
     * @param lists       the lists it may reference as {@code $name}; references are recorded in it.
     * @param positions   maps an offset in {@code text} to its source position.
     * @param diagnostics where problems go.
     * @return the condition, or null when an error was reported for it.
     */
    public static Condition parse(
        final String text,
        final FieldResolver fields,
        final NamedLists lists,
        final IntFunction<SourcePosition> positions,
        final Diagnostics diagnostics)
    {
        return new Parser(text, fields, lists, positions, diagnostics).parse();
    }

    /**
     * One element of a named list, read as a set element of a condition is.
     *
     * @param text        the element.
     * @param quoted      true when the document quoted it: text, taken as it is, unless it reads as
     *                    an address (YAML needs quotes around some IPv6 addresses).
     * @param positions   maps an offset in {@code text} to its source position.
     * @param diagnostics where problems go.
     * @return an {@link AddressPrefix}, a {@code long[]{low, high}} or a {@link String}; null when reported.
     */
    static Object listElement(
        final String text,
        final boolean quoted,
        final IntFunction<SourcePosition> positions,
        final Diagnostics diagnostics)
    {
        if (quoted && !readsAsAddress(text))
        {
            return text;
        }
        if (Addresses.looksLikeAddress(text) && text.indexOf("..") < 0)
        {
            // The common element of a long list, taken without a parser; anything unusual
            // (host bits, an error) goes the general way, which reports it.
            try
            {
                final AddressPrefix exact = Addresses.parseWithoutHostBits(text);
                if (null != exact)
                {
                    return exact;
                }
            }
            catch (final IllegalArgumentException reportedBelow)
            {
                // Reported by literal() below, with its position.
            }
        }
        final Parser parser = new Parser(text, null, null, positions, diagnostics);
        if (text.isEmpty())
        {
            parser.semanticError(0, "empty list element", "write a value, or remove the element");
            return null;
        }
        final int dash = text.indexOf('-');
        if (dash > 0 && Parser.isIntegerShaped(text.substring(0, dash)) && Parser.isIntegerShaped(text.substring(dash + 1)))
        {
            final Long low = parser.integer(text.substring(0, dash), 0);
            final Long high = parser.integer(text.substring(dash + 1), dash + 1);
            return null == low || null == high ? null : parser.listRange(low, high, 0);
        }
        final Literal literal = parser.literal(new Token(Kind.WORD, text, 0, text.length(), null), null);
        return switch (literal)
        {
            case IntegerLiteral integer -> new long[]{ integer.value(), integer.value() };
            case RangeLiteral range -> parser.listRange(range.low(), range.high(), range.start());
            case AddressLiteral address -> address.prefix();
            case TextLiteral value -> value.value();
            case BadLiteral ignored -> null;
            case ListLiteral ignored -> null;
        };
    }

    /**
     * YAML cannot read every IPv6 address plain ({@code ::1}, {@code 2001:db8::} start or end
     * with the ':' of a mapping), so a quoted list element that reads as an address is one.
     */
    private static boolean readsAsAddress(final String text)
    {
        if (!Addresses.looksLikeAddress(text))
        {
            return false;
        }
        try
        {
            Addresses.parsePrefix(text);
            return true;
        }
        catch (final IllegalArgumentException notAnAddress)
        {
            return false;
        }
    }

    private enum Kind
    {
        WORD, TEXT, LIST, LPAREN, RPAREN, LBRACE, RBRACE, COMMA, OPERATOR, AND, OR, NOT, END
    }

    /**
     * @param text the token as written, except for {@link Kind#TEXT}: its value, unquoted and unescaped.
     */
    private record Token(Kind kind, String text, int start, int end, ComparisonOperator operator)
    {
        String describe()
        {
            return switch (kind)
            {
                case END -> "the end of the condition";
                case TEXT -> "the text " + abbreviate(Texts.quoted(text));
                default -> "'" + text + "'";
            };
        }

        boolean isWord(final String word)
        {
            return Kind.WORD == kind && word.equals(text);
        }

        boolean isValue()
        {
            return Kind.TEXT == kind || Kind.LIST == kind || (Kind.WORD == kind && !KEYWORDS.contains(text));
        }
    }

    private static String abbreviate(final String text)
    {
        return abbreviate(text, 40);
    }

    private static String abbreviate(final String text, final int maxLength)
    {
        return text.length() <= maxLength ? text : text.substring(0, maxLength - 3) + "...";
    }

    /** A syntax error: ends parsing of this condition. */
    private static final class SyntaxError extends RuntimeException
    {
        final int offset;
        final String hint;

        SyntaxError(final int offset, final String message, final String hint)
        {
            super(message, null, false, false);
            this.offset = offset;
            this.hint = hint;
        }
    }

    private sealed interface Literal permits IntegerLiteral, RangeLiteral, AddressLiteral, TextLiteral, ListLiteral, BadLiteral
    {
        int start();
    }

    private record TextLiteral(String value, int start) implements Literal
    {
    }

    private record IntegerLiteral(long value, int start) implements Literal
    {
    }

    private record RangeLiteral(long low, long high, int start, int highStart) implements Literal
    {
    }

    private record AddressLiteral(AddressPrefix prefix, int start) implements Literal
    {
    }

    /** A reference to a declared list that has no errors. */
    private record ListLiteral(NamedList list, int start) implements Literal
    {
    }

    /** A literal whose error has already been reported. */
    private record BadLiteral(int start) implements Literal
    {
    }

    /** Stands for a dynamic name that did not parse (already reported). */
    private static final DynamicName INVALID_NAME = new DynamicName(DynamicPrefix.JSON, List.of(), "json");

    private static final class Parser
    {
        private final String text;
        private final FieldResolver catalogue;
        private final NamedLists lists;
        private final IntFunction<SourcePosition> positions;
        private final Diagnostics diagnostics;
        private final ArrayList<Token> tokens = new ArrayList<>();
        private int next;
        private int depth;
        private boolean failed;

        Parser(
            final String text,
            final FieldResolver catalogue,
            final IntFunction<SourcePosition> positions,
            final Diagnostics diagnostics)
        {
            this(text, catalogue, NamedLists.none(), positions, diagnostics);
        }

        /**
         * @param catalogue null when only literals are read (list elements).
         * @param lists     null when only literals are read.
         */
        Parser(
            final String text,
            final FieldResolver catalogue,
            final NamedLists lists,
            final IntFunction<SourcePosition> positions,
            final Diagnostics diagnostics)
        {
            this.text = text;
            this.catalogue = catalogue;
            this.lists = lists;
            this.positions = positions;
            this.diagnostics = diagnostics;
        }

        Condition parse()
        {
            try
            {
                tokenize();
                final Condition condition = parseOr();
                final Token trailing = peek();
                if (Kind.END != trailing.kind)
                {
                    throw new SyntaxError(
                        trailing.start,
                        "expected 'and', 'or' or the end of the condition, found " + trailing.describe(),
                        Kind.RPAREN == trailing.kind ? "this ')' has no matching '('" : "join conditions with 'and' or 'or'");
                }
                return failed ? null : condition;
            }
            catch (final SyntaxError error)
            {
                diagnostics.error(positions.apply(error.offset), error.getMessage(), error.hint);
                return null;
            }
        }

        // ------------------------------------------------------------------------------ lexer

        private void tokenize()
        {
            final int length = text.length();
            int i = 0;
            while (i < length)
            {
                final char c = text.charAt(i);
                if (' ' == c || '\t' == c || '\n' == c || '\r' == c)
                {
                    i++;
                    continue;
                }

                final int start = i;
                switch (c)
                {
                    case '(' -> add(Kind.LPAREN, start, ++i);
                    case ')' -> add(Kind.RPAREN, start, ++i);
                    case '{' -> add(Kind.LBRACE, start, ++i);
                    case '}' -> add(Kind.RBRACE, start, ++i);
                    case ',' -> add(Kind.COMMA, start, ++i);
                    case '"' -> i = afterMatches() ? addRegex(start) : addText(start);
                    case '$' -> i = addList(start);
                    case '=' ->
                    {
                        if (i + 1 < length && '=' == text.charAt(i + 1))
                        {
                            i += 2;
                            addOperator(ComparisonOperator.EQ, start, i);
                        }
                        else
                        {
                            throw new SyntaxError(start, "'=' is not an operator", "compare with '=='");
                        }
                    }
                    case '!' ->
                    {
                        if (i + 1 < length && '=' == text.charAt(i + 1))
                        {
                            i += 2;
                            addOperator(ComparisonOperator.NE, start, i);
                        }
                        else
                        {
                            add(Kind.NOT, start, ++i);
                        }
                    }
                    case '<', '>' ->
                    {
                        final boolean orEqual = i + 1 < length && '=' == text.charAt(i + 1);
                        i += orEqual ? 2 : 1;
                        addOperator(
                            '<' == c ?
                                (orEqual ? ComparisonOperator.LE : ComparisonOperator.LT) :
                                (orEqual ? ComparisonOperator.GE : ComparisonOperator.GT),
                            start, i);
                    }
                    case '&', '|' ->
                    {
                        if (i + 1 < length && c == text.charAt(i + 1))
                        {
                            i += 2;
                            add('&' == c ? Kind.AND : Kind.OR, start, i);
                        }
                        else
                        {
                            throw new SyntaxError(
                                start, "'" + c + "' is not an operator", "use '" + c + c + "' or '" + ('&' == c ? "and" : "or") + "'");
                        }
                    }
                    default ->
                    {
                        if (!isWordChar(c))
                        {
                            throw new SyntaxError(start, "unexpected character " + describeChar(text.codePointAt(i)), hintForChar(c));
                        }
                        i = wordEnd(start);
                        addWord(start, i);
                    }
                }
            }
            tokens.add(new Token(Kind.END, "", length, length, null));
        }

        /**
         * @return the offset after the closing quote.
         */
        private int addText(final int start)
        {
            final StringBuilder value = new StringBuilder();
            int i = start + 1;
            while (true)
            {
                if (i >= text.length())
                {
                    throw new SyntaxError(start, "text value is never closed", "end it with '\"'");
                }
                final char c = text.charAt(i);
                if ('"' == c)
                {
                    tokens.add(new Token(Kind.TEXT, value.toString(), start, i + 1, null));
                    return i + 1;
                }
                if ('\\' == c)
                {
                    final char escaped = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                    if ('"' != escaped && '\\' != escaped)
                    {
                        throw new SyntaxError(
                            i,
                            "unknown escape " + (0 == escaped ? "'\\' at the end" : "'\\" + describeEscaped(escaped) + "'") +
                                " in a text value",
                            "only \\\" (a quote) and \\\\ (a backslash) are escapes; write other characters as they are");
                    }
                    value.append(escaped);
                    i += 2;
                    continue;
                }
                if (c < 0x20 || 0x7F == c)
                {
                    throw new SyntaxError(
                        i, "control character " + describeChar(c) + " in a text value", "text values are on one line and printable");
                }
                value.append(c);
                i++;
            }
        }

        private boolean afterMatches()
        {
            return !tokens.isEmpty() && tokens.getLast().isWord("matches");
        }

        /**
         * A regular expression after {@code matches}: taken as written up to the closing quote,
         * so that its own escapes ({@code \d}, {@code \.}, {@code \"}) need no second escaping
         * and an error inside it maps to its column directly.
         *
         * @return the offset after the closing quote.
         */
        private int addRegex(final int start)
        {
            int i = start + 1;
            while (true)
            {
                if (i >= text.length())
                {
                    throw new SyntaxError(start, "regular expression is never closed", "end it with '\"'");
                }
                final char c = text.charAt(i);
                if ('"' == c)
                {
                    tokens.add(new Token(Kind.TEXT, text.substring(start + 1, i), start, i + 1, null));
                    return i + 1;
                }
                final int checked = '\\' == c && i + 1 < text.length() ? i + 1 : i;
                final char d = text.charAt(checked);
                if (d < 0x20 || 0x7F == d)
                {
                    throw new SyntaxError(checked, "control character " + describeChar(d) + " in a regular expression",
                        "write \\t, \\n or \\xHH");
                }
                i = checked + 1;
            }
        }

        /**
         * @return the offset after a list reference: '$' and the name's characters.
         */
        private int addList(final int start)
        {
            int end = start + 1;
            while (end < text.length() && isListNameChar(text.charAt(end)))
            {
                end++;
            }
            if (end == start + 1)
            {
                throw new SyntaxError(start, "expected a list name after '$'", "e.g. 'ip.src in $internal-nets'");
            }
            tokens.add(new Token(Kind.LIST, text.substring(start, end), start, end, null));
            return end;
        }

        private static boolean isListNameChar(final char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c || '-' == c;
        }

        private static String describeEscaped(final char c)
        {
            return c >= 0x21 && c < 0x7F ? String.valueOf(c) : String.format("U+%04X", (int)c);
        }

        private void add(final Kind kind, final int start, final int end)
        {
            tokens.add(new Token(kind, text.substring(start, end), start, end, null));
        }

        private void addOperator(final ComparisonOperator operator, final int start, final int end)
        {
            tokens.add(new Token(Kind.OPERATOR, text.substring(start, end), start, end, operator));
        }

        private void addWord(final int start, final int end)
        {
            final String word = text.substring(start, end);
            final ComparisonOperator operator = switch (word)
            {
                case "eq" -> ComparisonOperator.EQ;
                case "ne" -> ComparisonOperator.NE;
                case "lt" -> ComparisonOperator.LT;
                case "le" -> ComparisonOperator.LE;
                case "gt" -> ComparisonOperator.GT;
                case "ge" -> ComparisonOperator.GE;
                default -> null;
            };
            if (null != operator)
            {
                tokens.add(new Token(Kind.OPERATOR, word, start, end, operator));
                return;
            }

            final Kind kind = switch (word)
            {
                case "and" -> Kind.AND;
                case "or" -> Kind.OR;
                case "not" -> Kind.NOT;
                default -> Kind.WORD;
            };
            tokens.add(new Token(kind, word, start, end, null));
        }

        /**
         * A word runs over word characters and, in a name with a dynamic prefix, over bracketed
         * steps ({@code json.fixes[0].lat}, {@code json.http["user-agent"]}).
         *
         * @return the offset after the word that starts at {@code start}.
         */
        private int wordEnd(final int start)
        {
            final int length = text.length();
            int i = start;
            while (i < length)
            {
                final char c = text.charAt(i);
                if (isWordChar(c))
                {
                    i++;
                }
                else if ('[' == c && null != DynamicPrefix.of(text.substring(start, Math.min(length, i + 1))))
                {
                    final int end = DynamicName.bracketEnd(text, i);
                    if (end < 0)
                    {
                        throw new SyntaxError(
                            i,
                            "malformed '[' in the field name '" + abbreviate(text.substring(start, i)) + "'",
                            "write an array index as [0] and a key with other characters as [\"user-agent\"]");
                    }
                    i = end;
                }
                else
                {
                    break;
                }
            }
            return i;
        }

        private static boolean isWordChar(final char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                '_' == c || '.' == c || ':' == c || '/' == c || '@' == c;
        }

        private static String describeChar(final int codePoint)
        {
            if (codePoint >= 0x21 && codePoint < 0x7F)
            {
                return "'" + (char)codePoint + "'";
            }
            return String.format("U+%04X", codePoint);
        }

        private static String hintForChar(final char c)
        {
            return switch (c)
            {
                case '\'' -> "text values are written in double quotes: \"example.com\"";
                case '-' -> "write ranges as 'field in {a..b}'; negative numbers are not valid field values";
                case '[' -> "sets are written with braces: {80, 443}";
                default -> null;
            };
        }

        // ------------------------------------------------------------------------------ parser

        private Token peek()
        {
            return tokens.get(next);
        }

        private Token advance()
        {
            final Token token = tokens.get(next);
            if (Kind.END != token.kind)
            {
                next++;
            }
            return token;
        }

        private Condition parseOr()
        {
            final Condition first = parseAnd();
            if (Kind.OR != peek().kind)
            {
                return first;
            }

            final ArrayList<Condition> operands = new ArrayList<>();
            operands.add(first);
            while (Kind.OR == peek().kind)
            {
                advance();
                operands.add(parseAnd());
            }
            return Conditions.or(operands);
        }

        private Condition parseAnd()
        {
            final Condition first = parseNot();
            if (Kind.AND != peek().kind)
            {
                return first;
            }

            final ArrayList<Condition> operands = new ArrayList<>();
            operands.add(first);
            while (Kind.AND == peek().kind)
            {
                advance();
                operands.add(parseNot());
            }
            return Conditions.and(operands);
        }

        private Condition parseNot()
        {
            if (Kind.NOT != peek().kind)
            {
                return parsePrimary();
            }

            final Token not = advance();
            enter(not);
            final Condition operand = parseNot();
            depth--;
            return Conditions.not(operand);
        }

        private void enter(final Token token)
        {
            if (++depth > MAX_NESTING)
            {
                throw new SyntaxError(token.start, "condition is nested more than " + MAX_NESTING + " levels deep", null);
            }
        }

        private Condition parsePrimary()
        {
            final Token token = advance();
            switch (token.kind)
            {
                case LPAREN ->
                {
                    enter(token);
                    final Condition inner = parseOr();
                    final Token close = peek();
                    if (Kind.RPAREN != close.kind)
                    {
                        throw new SyntaxError(
                            close.start,
                            "expected ')' to close the '(' at column " + positions.apply(token.start).column() +
                                ", found " + close.describe(),
                            null);
                    }
                    advance();
                    depth--;
                    return inner;
                }
                case WORD ->
                {
                    if (token.isWord("true"))
                    {
                        return ConstantCondition.TRUE;
                    }
                    if (token.isWord("false"))
                    {
                        return ConstantCondition.FALSE;
                    }
                    if (token.isWord("in") || token.isWord("matches") || null != TextOperator.byWord(token.text))
                    {
                        throw new SyntaxError(token.start, "expected a field name before '" + token.text + "'", null);
                    }
                    if ((token.isWord("lower") || token.isWord("len")) && Kind.LPAREN == peek().kind)
                    {
                        return parseFunction(token);
                    }
                    return parseFieldTest(token);
                }
                case END -> throw new SyntaxError(
                    token.start,
                    "expected a condition, found the end of the condition",
                    null);
                default -> throw new SyntaxError(
                    token.start,
                    "expected a field name, 'not' or '(', found " + token.describe(),
                    Kind.TEXT == token.kind ? "field names are written without quotes" : null);
            }
        }

        private Condition parseFieldTest(final Token fieldToken)
        {
            final DynamicName dynamic = dynamicName(fieldToken);
            final Field fixed = null == dynamic ? lookUpField(fieldToken) : null;
            final Token after = peek();

            if (Kind.OPERATOR == after.kind)
            {
                advance();
                final Token valueToken = advance();
                if (!valueToken.isValue())
                {
                    throw new SyntaxError(
                        valueToken.start,
                        "expected a value after '" + after.text + "', found " + valueToken.describe(),
                        null);
                }
                final Literal literal = literal(valueToken, fixed);
                final Field field = null == dynamic ? fixed : useDynamic(dynamic, fieldToken, List.of(literal));
                return withinNesting(fieldToken, comparison(field, fieldToken, after, literal));
            }

            final TextOperator textOperator = Kind.WORD == after.kind ? TextOperator.byWord(after.text) : null;
            if (null != textOperator)
            {
                advance();
                final TextLiteral literal = textAfter(after);
                final Field field = null == dynamic ? fixed : useDynamic(dynamic, fieldToken, List.of(literal));
                return withinNesting(fieldToken, textMatch(field, fieldToken, after, textOperator, literal, false));
            }

            if (after.isWord("matches"))
            {
                advance();
                final TextLiteral literal = textAfter(after);
                final Field field = null == dynamic ? fixed : useDynamic(dynamic, fieldToken, List.of(literal));
                return withinNesting(fieldToken, regexMatch(field, fieldToken, literal, false));
            }

            if (after.isWord("in"))
            {
                advance();
                final List<Literal> elements = parseSetElements(fixed);
                final Field field = null == dynamic ? fixed : useDynamic(dynamic, fieldToken, elements);
                return withinNesting(fieldToken, membership(field, fieldToken, elements));
            }

            if (after.isValue())
            {
                throw new SyntaxError(
                    after.start,
                    "expected an operator (==, !=, <, <=, >, >=, in, contains, startswith, endswith, matches) after '" +
                        fieldToken.text + "', found " + after.describe(),
                    null);
            }

            if (INVALID_NAME == dynamic)
            {
                return ConstantCondition.FALSE;
            }
            if (null != dynamic)
            {
                final Field field = catalogue.use(dynamic, null, null, positions.apply(fieldToken.start), diagnostics);
                return null == field ? ConstantCondition.FALSE : new FieldPresence(field);
            }
            final Field field = fixed;
            if (null == field)
            {
                return ConstantCondition.FALSE;
            }
            if (FieldType.ADDRESS == field.type())
            {
                semanticError(
                    fieldToken.start,
                    "'" + field.name() + "' is " + field.type().labelWithArticle() + " field and cannot be a condition on its own",
                    "compare it, e.g. '" + field.name() + " in 10.0.0.0/8'");
                return ConstantCondition.FALSE;
            }

            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                perField.add(FieldType.STRING == base.type() ? new TextTruth(base) : new IntegerTruth(base));
            }
            return withinNesting(fieldToken, Conditions.or(perField));
        }

        /**
         * {@code lower(field) ...} or {@code len(field) ...}; the function's name is consumed.
         */
        private Condition parseFunction(final Token function)
        {
            advance();
            final Token fieldToken = advance();
            if (Kind.WORD != fieldToken.kind || KEYWORDS.contains(fieldToken.text))
            {
                throw new SyntaxError(fieldToken.start,
                    "expected a field name in '" + function.text + "(', found " + fieldToken.describe(), null);
            }
            final Token close = advance();
            if (Kind.RPAREN != close.kind)
            {
                throw new SyntaxError(close.start, "expected ')' after the field of '" + function.text + "(', found " +
                    close.describe(), function.text + " takes one field, e.g. '" + function.text + "(dns.qry.name)'");
            }
            final DynamicName dynamic = dynamicName(fieldToken);
            final Field fixed = null == dynamic ? lookUpField(fieldToken) : null;
            final Token operatorToken = advance();
            // A dynamic field under a function is text whatever it is compared with.
            final Field field = null == dynamic ? fixed :
                useDynamic(dynamic, fieldToken, List.of(new TextLiteral("", fieldToken.start)));
            return function.isWord("lower") ?
                withinNesting(fieldToken, lowerTest(field, fieldToken, operatorToken)) :
                withinNesting(fieldToken, lengthTest(field, fieldToken, operatorToken));
        }

        private Condition lowerTest(final Field field, final Token fieldToken, final Token operatorToken)
        {
            final TextOperator textOperator = Kind.WORD == operatorToken.kind ? TextOperator.byWord(operatorToken.text) : null;
            final boolean equality = Kind.OPERATOR == operatorToken.kind && !operatorToken.operator.isOrdering();
            final boolean regex = operatorToken.isWord("matches");
            if (null == textOperator && !equality && !regex)
            {
                throw new SyntaxError(operatorToken.start,
                    "expected ==, !=, contains, startswith, endswith or matches after 'lower(" + fieldToken.text + ")', found " +
                        operatorToken.describe(), null);
            }
            final TextLiteral literal = textAfter(operatorToken);
            if (regex)
            {
                return regexMatch(field, fieldToken, literal, true);
            }
            if (Texts.hasAsciiUpperCase(literal.value()))
            {
                semanticError(literal.start(), "lower(" + fieldToken.text + ") has no upper-case letters, so " +
                        abbreviate(Texts.quoted(literal.value())) + " never matches",
                    "write " + abbreviate(Texts.quoted(Texts.foldAsciiCase(literal.value()))));
                return ConstantCondition.FALSE;
            }
            if (null != textOperator)
            {
                return textMatch(field, fieldToken, operatorToken, textOperator, literal, true);
            }
            if (!isTextField(field, fieldToken, "lower(...)"))
            {
                return ConstantCondition.FALSE;
            }
            // As for 'field != v': over several values (an alias) it is 'not (lower(field) == v)'.
            final boolean equal = ComparisonOperator.EQ == operatorToken.operator;
            final boolean negate = !equal && hasSeveralValues(field);
            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                perField.add(new TextComparison(base, equal || negate, literal.value(), true));
            }
            final Condition any = Conditions.or(perField);
            return negate ? Conditions.not(any) : any;
        }

        private Condition lengthTest(final Field field, final Token fieldToken, final Token operatorToken)
        {
            if (Kind.OPERATOR != operatorToken.kind)
            {
                throw new SyntaxError(operatorToken.start, "expected an operator (==, !=, <, <=, >, >=) after 'len(" +
                    fieldToken.text + ")', found " + operatorToken.describe(), null);
            }
            final Token valueToken = advance();
            final Long value = Kind.WORD == valueToken.kind && isIntegerShaped(valueToken.text) ?
                integer(valueToken.text, valueToken.start) : null;
            if (null == value)
            {
                if (Kind.WORD != valueToken.kind || !isIntegerShaped(valueToken.text))
                {
                    throw new SyntaxError(valueToken.start, "expected a length (an integer) after '" +
                        operatorToken.text + "', found " + valueToken.describe(), null);
                }
                return ConstantCondition.FALSE;
            }
            if (!isTextField(field, fieldToken, "len(...)"))
            {
                return ConstantCondition.FALSE;
            }
            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                perField.add(new TextLength(base, operatorToken.operator, value));
            }
            return Conditions.or(perField);
        }

        private Condition textMatch(
            final Field field,
            final Token fieldToken,
            final Token operatorToken,
            final TextOperator operator,
            final TextLiteral literal,
            final boolean lowered)
        {
            if (!isTextField(field, fieldToken, "'" + operatorToken.text + "'"))
            {
                return ConstantCondition.FALSE;
            }
            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                final String value = lowered ? literal.value() : textValue(base, literal);
                perField.add(new TextMatch(base, operator, value, lowered));
            }
            return Conditions.or(perField);
        }

        /**
         * {@code field matches "..."}: compiled here, once per case mode of the fields it expands
         * to, so that a bad expression is reported at its exact column inside the literal.
         */
        private Condition regexMatch(final Field field, final Token fieldToken, final TextLiteral literal, final boolean lowered)
        {
            if (!isTextField(field, fieldToken, "'matches'"))
            {
                return ConstantCondition.FALSE;
            }
            final Regex[] byMode = new Regex[CaseMode.values().length];
            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                final CaseMode mode = lowered ? CaseMode.LOWERED :
                    base.textForm().ignoresAsciiCase() ? CaseMode.IGNORE_ASCII_CASE : CaseMode.EXACT;
                if (null == byMode[mode.ordinal()])
                {
                    try
                    {
                        byMode[mode.ordinal()] = Regex.compile(literal.value(), mode);
                    }
                    catch (final RegexSyntaxException error)
                    {
                        // The literal's value is its source as written, one character after the quote.
                        semanticError(literal.start() + 1 + error.offset(), error.getMessage(), error.hint());
                        return ConstantCondition.FALSE;
                    }
                }
                perField.add(new RegexMatch(base, byMode[mode.ordinal()], lowered));
            }
            return Conditions.or(perField);
        }

        /** The text literal after a text operator: in double quotes, or a syntax error. */
        private TextLiteral textAfter(final Token operatorToken)
        {
            final Token valueToken = advance();
            if (Kind.TEXT != valueToken.kind)
            {
                throw new SyntaxError(valueToken.start, "expected text in double quotes after '" + operatorToken.text +
                    "', found " + valueToken.describe(),
                    Kind.WORD == valueToken.kind ? "write " + abbreviate(Texts.quoted(valueToken.text)) : null);
            }
            return new TextLiteral(valueToken.text, valueToken.start);
        }

        /** Reports a field that is not text where only text applies; false then, or when the field is unknown. */
        private boolean isTextField(final Field field, final Token fieldToken, final String what)
        {
            if (null == field)
            {
                return false;
            }
            if (FieldType.STRING != field.type())
            {
                semanticError(fieldToken.start,
                    what + " applies to text fields; '" + field.name() + "' is " + field.type().labelWithArticle() + " field",
                    FieldType.INTEGER == field.type() ? "compare it with ==, <, > or 'in'" : "compare it with == or 'in'");
                return false;
            }
            return true;
        }

        /**
         * An alias or a repeated field's {@code !=} expands into {@code (a or b)} or
         * {@code not ...}, which prints deeper than it was written; count those levels too, so
         * that every condition that parses prints back to one that parses.
         */
        private Condition withinNesting(final Token fieldToken, final Condition condition)
        {
            final int added = printedNesting(condition);
            if (depth + added > MAX_NESTING)
            {
                throw new SyntaxError(
                    fieldToken.start,
                    "condition is nested more than " + MAX_NESTING + " levels deep",
                    "'" + fieldToken.text + "' expands to " + added + " more level" + (1 == added ? "" : "s") +
                        " (" + abbreviate(condition.toString(), 100) + ")");
            }
            return condition;
        }

        private static int printedNesting(final Condition condition)
        {
            return switch (condition)
            {
                case NotCondition not -> 1 + printedNesting(not.operand());
                case AndCondition and -> 1 + maxPrintedNesting(and.operands());
                case OrCondition or -> 1 + maxPrintedNesting(or.operands());
                default -> 0;
            };
        }

        private static int maxPrintedNesting(final List<Condition> operands)
        {
            int max = 0;
            for (final Condition operand : operands)
            {
                max = Math.max(max, printedNesting(operand));
            }
            return max;
        }

        /**
         * @return the parsed name when the token is not a fixed field but has a dynamic prefix;
         * {@link #INVALID_NAME} when it has one but does not parse (reported); null otherwise.
         */
        private DynamicName dynamicName(final Token token)
        {
            if (null != catalogue.standard().byName(token.text))
            {
                return null;
            }
            try
            {
                return DynamicName.parse(token.text);
            }
            catch (final DynamicName.Invalid invalid)
            {
                semanticError(token.start + invalid.offset(), invalid.getMessage(), invalid.hint());
                return INVALID_NAME;
            }
        }

        /**
         * The field for a dynamic name compared with these literals: typed by the first literal
         * that parsed. Null when none did or the resolver reported a disagreement.
         */
        private Field useDynamic(final DynamicName name, final Token fieldToken, final List<Literal> literals)
        {
            if (INVALID_NAME == name)
            {
                return null;
            }
            for (final Literal literal : literals)
            {
                final FieldType type = switch (literal)
                {
                    case IntegerLiteral ignored -> FieldType.INTEGER;
                    case RangeLiteral ignored -> FieldType.INTEGER;
                    case AddressLiteral ignored -> FieldType.ADDRESS;
                    case TextLiteral ignored -> FieldType.STRING;
                    case ListLiteral list -> list.list().type();
                    case BadLiteral ignored -> null;
                };
                if (null != type)
                {
                    final Field field = catalogue.use(
                        name, type, "compared with " + type.labelWithArticle(), positions.apply(fieldToken.start), diagnostics);
                    if (null == field)
                    {
                        failed = true;
                    }
                    return field;
                }
            }
            return null;
        }

        private Field lookUpField(final Token token)
        {
            final String name = token.text;
            final Field field = catalogue.byName(name);
            if (null != field)
            {
                return field;
            }

            final String lowerCase = name.toLowerCase(Locale.ROOT);
            final String hint;
            if (KEYWORDS.contains(lowerCase))
            {
                hint = "keywords are lower case: write '" + lowerCase + "'";
            }
            else if (WIRESHARK_NAMES.containsKey(lowerCase))
            {
                hint = "write '" + WIRESHARK_NAMES.get(lowerCase) + "': Sluice uses one name for IPv4 and IPv6";
            }
            else if (Character.isDigit(name.charAt(0)) || name.indexOf(':') >= 0)
            {
                hint = "a condition starts with a field name, e.g. 'ip.src == " + name + "'";
            }
            else
            {
                hint = Suggestions.didYouMean(name, catalogue.names());
            }
            semanticError(token.start, "unknown field '" + name + "'", hint);
            return null;
        }

        private List<Field> expand(final Field field)
        {
            return FieldKind.ALIAS == field.kind() ? field.aliasedFields() : List.of(field);
        }

        private static boolean hasSeveralValues(final Field field)
        {
            if (FieldKind.ALIAS == field.kind())
            {
                return true;
            }
            for (final Field base : field.baseFields())
            {
                if (base.isRepeated())
                {
                    return true;
                }
            }
            return false;
        }

        /**
         * @return the literal as the field compares it: folded to lower case for host names.
         */
        private static String textValue(final Field field, final TextLiteral literal)
        {
            return field.textForm().ignoresAsciiCase() ? Texts.foldAsciiCase(literal.value()) : literal.value();
        }

        private Condition comparison(final Field field, final Token fieldToken, final Token operatorToken, final Literal literal)
        {
            if (null == field || literal instanceof BadLiteral)
            {
                return ConstantCondition.FALSE;
            }

            final ComparisonOperator operator = operatorToken.operator;
            if (literal instanceof ListLiteral list)
            {
                semanticError(
                    literal.start(),
                    "a list is matched with 'in', not '" + operatorToken.text + "'",
                    ComparisonOperator.NE == operator ?
                        "write 'not " + field.name() + " in " + list.list() + "'" :
                        "write '" + field.name() + " in " + list.list() + "'");
                return ConstantCondition.FALSE;
            }
            if (literal instanceof RangeLiteral)
            {
                semanticError(
                    literal.start(),
                    "a range can only be used with 'in'",
                    "write '" + field.name() + " in {" + text.substring(literal.start(), endOfWord(literal.start())) + "}'");
                return ConstantCondition.FALSE;
            }

            if (FieldType.INTEGER != field.type() && operator.isOrdering())
            {
                semanticError(
                    operatorToken.start,
                    "operator '" + operator.symbol() + "' does not apply to " + field.type().label() + " fields",
                    FieldType.ADDRESS == field.type() ?
                        "use ==, != or 'in' with an address or prefix" :
                        "use ==, != or 'in' with text in double quotes");
                return ConstantCondition.FALSE;
            }
            if (!checkType(field, fieldToken, literal))
            {
                return ConstantCondition.FALSE;
            }

            // 'a != v' over several values (an alias's two fields, a repeated field's occurrences)
            // is 'not (a == v)': no value equals v.
            final boolean negate = ComparisonOperator.NE == operator && hasSeveralValues(field);
            final ComparisonOperator perFieldOperator = negate ? ComparisonOperator.EQ : operator;
            final ArrayList<Condition> perField = new ArrayList<>(2);
            for (final Field base : expand(field))
            {
                // Ranges and bad literals were reported above; checkType passed, so the literal suits the field.
                if (literal instanceof IntegerLiteral integer)
                {
                    perField.add(new IntegerComparison(base, perFieldOperator, integer.value()));
                }
                else if (literal instanceof AddressLiteral address)
                {
                    perField.add(new AddressComparison(base, ComparisonOperator.EQ == perFieldOperator, address.prefix()));
                }
                else if (literal instanceof TextLiteral value)
                {
                    perField.add(new TextComparison(base, ComparisonOperator.EQ == perFieldOperator, textValue(base, value)));
                }
            }

            final Condition any = Conditions.or(perField);
            return negate ? Conditions.not(any) : any;
        }

        private Condition membership(final Field field, final Token fieldToken, final List<Literal> elements)
        {
            if (null == field)
            {
                return ConstantCondition.FALSE;
            }

            boolean ok = true;
            final ArrayList<long[]> ranges = new ArrayList<>();
            final ArrayList<AddressPrefix> prefixes = new ArrayList<>();
            final ArrayList<String> texts = new ArrayList<>();
            final TreeSet<String> listNames = new TreeSet<>();
            NamedList onlyList = null;
            int literalCount = 0;
            for (final Literal element : elements)
            {
                if (element instanceof BadLiteral || !checkType(field, fieldToken, element))
                {
                    ok = false;
                    continue;
                }
                switch (element)
                {
                    case IntegerLiteral integer -> ranges.add(new long[]{ integer.value(), integer.value() });
                    case RangeLiteral range -> ranges.add(new long[]{ range.low(), range.high() });
                    case AddressLiteral address -> prefixes.add(address.prefix());
                    case TextLiteral value -> texts.add(textValue(field, value));
                    case ListLiteral list -> listNames.add(list.list().name());
                    case BadLiteral ignored -> ok = false;
                }
                if (element instanceof ListLiteral list)
                {
                    onlyList = list.list();
                }
                else
                {
                    literalCount++;
                }
            }
            if (!ok)
            {
                return ConstantCondition.FALSE;
            }
            if (listNames.isEmpty())
            {
                return literalMembership(field, ranges, prefixes, texts);
            }

            // Printed as written, so that a policy prints back with its references, not 100,000 prefixes.
            final boolean ignoreCase = FieldType.STRING == field.type() && field.textForm().ignoresAsciiCase();
            final String spelling;
            if (1 == listNames.size() && 0 == literalCount)
            {
                spelling = onlyList.toString();
            }
            else
            {
                final StringBuilder written = new StringBuilder("{");
                for (final String listName : listNames)
                {
                    written.append(written.length() > 1 ? ", " : "").append('$').append(listName);
                }
                if (literalCount > 0)
                {
                    written.append(", ").append(switch (field.type())
                    {
                        case INTEGER -> new IntegerSet(ranges).toString();
                        case ADDRESS -> new AddressSet(prefixes).toString();
                        case STRING -> new TextSet(texts, ignoreCase).toString();
                    });
                }
                spelling = written.append('}').toString();
                onlyList = null;
                for (final String listName : listNames)
                {
                    final NamedList list = lists.get(listName);
                    switch (field.type())
                    {
                        case INTEGER -> ranges.addAll(list.rangeList());
                        case ADDRESS -> prefixes.addAll(list.prefixList());
                        case STRING ->
                        {
                            for (final String value : list.textList())
                            {
                                texts.add(ignoreCase ? Texts.foldAsciiCase(value) : value);
                            }
                        }
                    }
                }
            }

            final ArrayList<Condition> perField = new ArrayList<>(2);
            switch (field.type())
            {
                case INTEGER ->
                {
                    // One list alone shares the set built once for the list.
                    final IntegerSet set = null != onlyList ? onlyList.integers() : new IntegerSet(ranges);
                    for (final Field base : expand(field))
                    {
                        perField.add(new IntegerInSet(base, set, spelling));
                    }
                }
                case ADDRESS ->
                {
                    final AddressSet set = null != onlyList ? onlyList.addresses() : new AddressSet(prefixes);
                    for (final Field base : expand(field))
                    {
                        perField.add(new AddressInSet(base, set, spelling));
                    }
                }
                case STRING ->
                {
                    final TextSet set = null != onlyList ? onlyList.texts(ignoreCase) : new TextSet(texts, ignoreCase);
                    for (final Field base : expand(field))
                    {
                        perField.add(new TextInSet(base, set, spelling));
                    }
                }
            }
            return Conditions.or(perField);
        }

        private Condition literalMembership(
            final Field field,
            final List<long[]> ranges,
            final List<AddressPrefix> prefixes,
            final List<String> texts)
        {
            final ArrayList<Condition> perField = new ArrayList<>(2);
            if (FieldType.INTEGER == field.type())
            {
                final IntegerSet set = new IntegerSet(ranges);
                for (final Field base : expand(field))
                {
                    perField.add(new IntegerInSet(base, set));
                }
            }
            else if (FieldType.STRING == field.type())
            {
                final TextSet set = new TextSet(texts, field.textForm().ignoresAsciiCase());
                for (final Field base : expand(field))
                {
                    perField.add(1 == set.values().size() ?
                        new TextComparison(base, true, set.values().getFirst()) :
                        new TextInSet(base, set));
                }
            }
            else
            {
                final AddressSet set = new AddressSet(prefixes);
                for (final Field base : expand(field))
                {
                    perField.add(1 == prefixes.size() ?
                        new AddressComparison(base, true, prefixes.getFirst()) :
                        new AddressInSet(base, set));
                }
            }
            return Conditions.or(perField);
        }

        /**
         * @return true when the literal's type and range suit the field; otherwise reported.
         */
        private boolean checkType(final Field field, final Token fieldToken, final Literal literal)
        {
            final String name = field.name();
            switch (literal)
            {
                case IntegerLiteral integer ->
                {
                    if (FieldType.INTEGER != field.type())
                    {
                        semanticError(
                            integer.start(),
                            "'" + name + "' is " + field.type().labelWithArticle() + " field but " + integer.value() + " is an integer",
                            FieldType.STRING == field.type() ?
                                "write text in double quotes, e.g. " + Texts.quoted(text.substring(integer.start(), endOfWord(integer.start()))) :
                                valueHint(field));
                        return false;
                    }
                    return checkRange(field, integer.value(), integer.start());
                }
                case RangeLiteral range ->
                {
                    if (FieldType.INTEGER != field.type())
                    {
                        semanticError(
                            range.start(),
                            "'" + name + "' is " + field.type().labelWithArticle() + " field but " +
                                range.low() + ".." + range.high() + " is a range of integers",
                            FieldType.ADDRESS == field.type() ? "address ranges are written as prefixes, e.g. 10.0.0.0/8" : null);
                        return false;
                    }
                    if (range.low() > range.high())
                    {
                        semanticError(
                            range.start(),
                            "range " + range.low() + ".." + range.high() + " is empty: its start is greater than its end",
                            "write the smaller number first: " + range.high() + ".." + range.low());
                        return false;
                    }
                    return checkRange(field, range.low(), range.start()) & checkRange(field, range.high(), range.highStart());
                }
                case AddressLiteral address ->
                {
                    if (FieldType.ADDRESS != field.type())
                    {
                        semanticError(
                            address.start(),
                            "'" + name + "' is " + field.type().labelWithArticle() + " field but " + address.prefix() + " is an address",
                            FieldType.STRING == field.type() ?
                                "write text in double quotes, e.g. " + Texts.quoted(text.substring(address.start(), endOfWord(address.start()))) :
                                null);
                        return false;
                    }
                    return true;
                }
                case TextLiteral value ->
                {
                    if (FieldType.STRING != field.type())
                    {
                        semanticError(
                            value.start(),
                            "'" + name + "' is " + field.type().labelWithArticle() + " field but " +
                                abbreviate(Texts.quoted(value.value())) + " is text",
                            FieldType.INTEGER == field.type() ?
                                "write numbers without quotes, e.g. 80" :
                                "write addresses without quotes, e.g. 192.0.2.1 or 10.0.0.0/8");
                        return false;
                    }
                    return checkText(field, value);
                }
                case ListLiteral list ->
                {
                    return checkList(field, list);
                }
                case BadLiteral ignored ->
                {
                    return false;
                }
            }
        }

        /**
         * A list suits a field when it holds the field's type and every member would suit it as a
         * literal; reported at the reference, naming the member's position.
         */
        private boolean checkList(final Field field, final ListLiteral reference)
        {
            final NamedList list = reference.list();
            if (list.type() != field.type())
            {
                final ArrayList<String> suitable = new ArrayList<>();
                for (final String other : lists.names())
                {
                    if (lists.get(other).type() == field.type())
                    {
                        suitable.add("$" + other);
                    }
                }
                semanticError(
                    reference.start(),
                    "'" + field.name() + "' is " + field.type().labelWithArticle() + " field but list " + list + " holds " +
                        NamedList.Builder.plural(list.type()) + " (declared at line " + list.position().line() + ")",
                    suitable.isEmpty() ?
                        "declare a list of " + NamedList.Builder.plural(field.type()) + " for it" :
                        "lists of " + NamedList.Builder.plural(field.type()) + ": " + String.join(", ", suitable));
                return false;
            }
            switch (field.type())
            {
                case INTEGER ->
                {
                    final List<long[]> ranges = list.rangeList();
                    for (int i = 0; i < ranges.size(); i++)
                    {
                        final long[] range = ranges.get(i);
                        if (range[0] < field.minValue() || range[1] > field.maxValue())
                        {
                            final long value = range[0] < field.minValue() ? range[0] : range[1];
                            semanticError(
                                reference.start(),
                                memberOf(list, i) + value + " is out of range for '" + field.name() + "' (" + field.minValue() + ".." +
                                    field.maxValue() + ")",
                                "remove it from the list, or use another list here");
                            return false;
                        }
                    }
                    return true;
                }
                case STRING ->
                {
                    final List<String> texts = list.textList();
                    for (int i = 0; i < texts.size(); i++)
                    {
                        if (!checkText(field, texts.get(i), reference.start(), memberOf(list, i)))
                        {
                            return false;
                        }
                    }
                    return true;
                }
                default ->
                {
                    return true;
                }
            }
        }

        private static String memberOf(final NamedList list, final int index)
        {
            final SourcePosition at = list.elementPositions().get(index);
            return "in list " + list + " (line " + at.line() + ", column " + at.column() + "): ";
        }

        /**
         * @return the list a '$name' token names, or a bad literal (reported, unless the list itself had errors).
         */
        private Literal listReference(final Token token)
        {
            final String name = token.text.substring(1);
            lists.reference(name);
            final NamedList list = lists.get(name);
            if (null != list)
            {
                return new ListLiteral(list, token.start);
            }
            if (lists.isBroken(name))
            {
                failed = true;
                return new BadLiteral(token.start);
            }
            if (!NamedList.NAME.matcher(name).matches())
            {
                semanticError(token.start, "invalid list name '" + abbreviate(token.text) + "'",
                    "list names start with a letter and have up to 64 letters, digits, '_' and '-'");
                return new BadLiteral(token.start);
            }
            semanticError(
                token.start,
                "unknown list '" + abbreviate(token.text) + "'",
                lists.names().isEmpty() ?
                    "declare it under 'lists:' at the top of the policy, e.g. 'lists: {" + abbreviate(name) + ": [10.0.0.0/8]}'" :
                    Suggestions.didYouMean(token.text, lists.names().stream().map(known -> "$" + known).toList(),
                        "the lists: " + abbreviate(String.join(", ", lists.names()), 100)));
            return new BadLiteral(token.start);
        }

        /** A range in a list: reported when reversed. */
        private long[] listRange(final long low, final long high, final int start)
        {
            if (low > high)
            {
                semanticError(start, "range " + low + ".." + high + " is empty: its start is greater than its end",
                    "write the smaller number first: " + high + ".." + low);
                return null;
            }
            return new long[]{ low, high };
        }

        private boolean checkText(final Field field, final TextLiteral literal)
        {
            return checkText(field, literal.value(), literal.start(), "");
        }

        /**
         * @param where {@code ""} for a literal; for a list's member, where it is, ending in ": ".
         */
        private boolean checkText(final Field field, final String value, final int offset, final String where)
        {
            final String name = field.name();
            if (value.length() > field.maxValue())
            {
                semanticError(
                    offset,
                    where + "text of " + value.length() + " characters is longer than any '" + name + "' (at most " + field.maxValue() + ")",
                    null);
                return false;
            }
            switch (field.textForm())
            {
                case HOSTNAME ->
                {
                    if (value.endsWith("."))
                    {
                        final String trimmed = value.substring(0, value.length() - 1);
                        semanticError(
                            offset,
                            where + "'" + name + "' is written without the trailing dot, so " + abbreviate(Texts.quoted(value)) + " never matches",
                            "write " + abbreviate(Texts.quoted(trimmed)));
                        return false;
                    }
                    return true;
                }
                case KEYWORD ->
                {
                    if (!field.textValues().contains(value))
                    {
                        semanticError(
                            offset,
                            where + "'" + name + "' is never " + abbreviate(Texts.quoted(value)),
                            Suggestions.didYouMean(value, field.textValues(), "its values: " + String.join(", ", field.textValues())));
                        return false;
                    }
                    return true;
                }
                default ->
                {
                    return true;
                }
            }
        }

        private boolean checkRange(final Field field, final long value, final int offset)
        {
            if (value < field.minValue() || value > field.maxValue())
            {
                semanticError(
                    offset,
                    value + " is out of range for '" + field.name() + "' (" + field.minValue() + ".." + field.maxValue() + ")",
                    null);
                return false;
            }
            return true;
        }

        private List<Literal> parseSetElements(final Field field)
        {
            final Token first = advance();
            if (first.isValue())
            {
                return List.of(literal(first, field));
            }
            if (Kind.LBRACE != first.kind)
            {
                throw new SyntaxError(
                    first.start,
                    "expected '{' or a value after 'in', found " + first.describe(),
                    "e.g. 'tcp.dstport in {80, 443}', 'ip.src in 10.0.0.0/8' or 'dns.qry.name in {\"a.example\", \"b.example\"}'");
            }

            final ArrayList<Literal> elements = new ArrayList<>();
            boolean afterComma = false;
            while (true)
            {
                final Token token = advance();
                switch (token.kind)
                {
                    case RBRACE ->
                    {
                        if (afterComma)
                        {
                            throw new SyntaxError(token.start, "expected a value after ','", null);
                        }
                        if (elements.isEmpty())
                        {
                            semanticError(first.start, "empty set", "a set needs at least one value, e.g. {80}");
                        }
                        return elements;
                    }
                    case COMMA ->
                    {
                        if (elements.isEmpty() || afterComma)
                        {
                            throw new SyntaxError(token.start, "expected a value, found ','", null);
                        }
                        afterComma = true;
                    }
                    case END -> throw new SyntaxError(
                        first.start,
                        "'{' at column " + positions.apply(first.start).column() + " is never closed",
                        "add '}' after the last value");
                    default ->
                    {
                        if (!token.isValue())
                        {
                            throw new SyntaxError(
                                token.start, "expected a value or '}' in the set, found " + token.describe(), null);
                        }
                        elements.add(literal(token, field));
                        afterComma = false;
                    }
                }
            }
        }

        private Literal literal(final Token token, final Field field)
        {
            final String word = token.text;
            final int start = token.start;
            if (Kind.TEXT == token.kind)
            {
                return new TextLiteral(word, start);
            }
            if (Kind.LIST == token.kind)
            {
                return listReference(token);
            }
            if (null != field && FieldType.STRING == field.type() && !isIntegerShaped(word) &&
                !Addresses.looksLikeAddress(word) && !isIntegerRange(word) && null == catalogue.byName(word))
            {
                semanticError(
                    start,
                    "text values are written in double quotes",
                    "write " + abbreviate(Texts.quoted(word)));
                return new BadLiteral(start);
            }

            final int dots = word.indexOf("..");
            if (dots >= 0)
            {
                final String low = word.substring(0, dots);
                final String high = word.substring(dots + 2);
                if (Addresses.looksLikeAddress(low) || Addresses.looksLikeAddress(high))
                {
                    semanticError(start, "address ranges are not supported", "use prefixes, e.g. 10.0.0.0/8");
                    return new BadLiteral(start);
                }
                final Long lowValue = integer(low, start);
                final Long highValue = integer(high, start + dots + 2);
                if (null == lowValue || null == highValue)
                {
                    return new BadLiteral(start);
                }
                return new RangeLiteral(lowValue, highValue, start, start + dots + 2);
            }

            if (isIntegerShaped(word))
            {
                final Long value = integer(word, start);
                return null == value ? new BadLiteral(start) : new IntegerLiteral(value, start);
            }

            if (Addresses.looksLikeAddress(word))
            {
                try
                {
                    final AddressPrefix exact = Addresses.parseWithoutHostBits(word);
                    final AddressPrefix prefix = null == exact ? Addresses.parsePrefix(word) : exact;
                    if (null == exact)
                    {
                        diagnostics.warning(
                            positions.apply(start),
                            "'" + word + "' has bits set after its prefix length; it matches " + prefix,
                            "write " + prefix);
                    }
                    return new AddressLiteral(prefix, start);
                }
                catch (final IllegalArgumentException ex)
                {
                    semanticError(start, ex.getMessage(), null);
                    return new BadLiteral(start);
                }
            }

            if (Character.isLetter(word.charAt(0)))
            {
                final boolean isField = null != catalogue && null != catalogue.byName(word);
                final String hint;
                if (isField)
                {
                    hint = "comparing two fields is not supported";
                }
                else if (null == field)
                {
                    hint = "text values are written in double quotes: " + abbreviate(Texts.quoted(word));
                }
                else if (FieldType.INTEGER == field.type())
                {
                    hint = "'" + field.name() + "' is a number: " + field.description();
                }
                else
                {
                    hint = null;
                }
                semanticError(start, "expected a value, found " + (isField ? "the field " : "") + "'" + word + "'", hint);
                return new BadLiteral(start);
            }

            semanticError(start, "invalid value '" + word + "'", null == field ? null : valueHint(field));
            return new BadLiteral(start);
        }

        private static String valueHint(final Field field)
        {
            return switch (field.type())
            {
                case ADDRESS -> "write an address such as 192.0.2.1 or a prefix such as 10.0.0.0/8";
                case STRING -> "write text in double quotes, e.g. \"example.com\"";
                case INTEGER -> "write a number such as 80 or 0x50";
            };
        }

        private static boolean isIntegerRange(final String word)
        {
            final int dots = word.indexOf("..");
            return dots > 0 && isIntegerShaped(word.substring(0, dots)) && isIntegerShaped(word.substring(dots + 2));
        }

        private static boolean isIntegerShaped(final String word)
        {
            if (word.length() > 2 && '0' == word.charAt(0) && ('x' == word.charAt(1) || 'X' == word.charAt(1)))
            {
                return true;
            }
            for (int i = 0; i < word.length(); i++)
            {
                final char c = word.charAt(i);
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }
            return !word.isEmpty();
        }

        /**
         * @return the value of a decimal or 0x-hex literal, or null (reported).
         */
        private Long integer(final String word, final int offset)
        {
            if (word.isEmpty())
            {
                semanticError(offset, "expected a number", null);
                return null;
            }

            final boolean hex = word.length() > 2 && '0' == word.charAt(0) && ('x' == word.charAt(1) || 'X' == word.charAt(1));
            final String digits = hex ? word.substring(2) : word;
            for (int i = 0; i < digits.length(); i++)
            {
                if (Character.digit(digits.charAt(i), hex ? 16 : 10) < 0)
                {
                    semanticError(offset, "invalid number '" + word + "'", null);
                    return null;
                }
            }
            if (!hex && digits.length() > 1 && '0' == digits.charAt(0))
            {
                semanticError(
                    offset,
                    "'" + word + "' has a leading zero, which is ambiguous (octal or decimal?)",
                    "write " + stripLeadingZeros(digits) + " or a 0x-prefixed hex number");
                return null;
            }

            final int significant = stripLeadingZeros(digits).length();
            if ((hex && significant > 15) || (!hex && significant > 18))
            {
                semanticError(offset, "number '" + word + "' is too large", null);
                return null;
            }

            return Long.parseLong(digits, hex ? 16 : 10);
        }

        private static String stripLeadingZeros(final String digits)
        {
            int i = 0;
            while (i < digits.length() - 1 && '0' == digits.charAt(i))
            {
                i++;
            }
            return digits.substring(i);
        }

        private int endOfWord(final int start)
        {
            int end = start;
            while (end < text.length() && isWordChar(text.charAt(end)))
            {
                end++;
            }
            return end;
        }

        private void semanticError(final int offset, final String message, final String hint)
        {
            failed = true;
            diagnostics.error(positions.apply(offset), message, hint);
        }
    }
}
