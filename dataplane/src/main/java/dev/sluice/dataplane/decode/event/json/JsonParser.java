package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A validating JSON (RFC 8259) parser that indexes one document in one pass and reads values
 * on demand, over bytes where they lie; allocation-free once constructed. One worker thread.
 * <p>
 * <b>Index.</b> {@link #parse} records one token per value and per object key, in document
 * order, in preallocated arrays: kind, byte range (relative to the document's start) and the
 * token after the value's subtree ({@link #next}), which lets a lookup skip whole subtrees.
 * <pre>
 *   {"a":[1,{"b":true}],"c":"x"}
 *   token  0       1    2       3  4       5    6     7    8
 *   kind   OBJECT  KEY  ARRAY   INT OBJECT KEY  TRUE  KEY  STRING
 *          "a"-----^    [1,{..}]           "b"        "c"  "x"
 *   next   9       2    7       4  7       6    7     8    9
 * </pre>
 * Strings' ranges exclude the quotes; numbers, literals and containers cover their bytes.
 * No recursion: open containers sit in an explicit stack of {@link #maxDepth()} entries, so a
 * deep document is rejected ({@code too_deep}), never a stack overflow.
 * <p>
 * <b>Grammar</b>, checked in full: whitespace is space, tab, LF, CR; any value may be the
 * top-level value (a bare string or number is a document); strings reject raw control
 * characters below U+0020 and every escape but {@code \" \\ \/ \b \f \n \r \t \}{@code uXXXX};
 * a {@code \}{@code u} high surrogate must be followed by a {@code \}{@code u} low surrogate and a
 * lone surrogate is rejected ({@code bad_surrogate}: it has no UTF-8 form);
 * numbers are {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; nothing but whitespace
 * may follow the value ({@code trailing_data}); a byte order mark is rejected. String bytes are
 * checked to be well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) unless constructed with {@code validateUtf8 = false}, in which case any byte from
 * 0x80 up passes through as is. Duplicate object keys are accepted (RFC 8259 allows them):
 * {@link #find} returns the <em>last</em> one, as JavaScript's {@code JSON.parse}, Python's
 * {@code json} and Jackson's tree model do, so a policy sees the value the consumer will see;
 * {@link #visitFields} reports every occurrence.
 * <p>
 * <b>Numbers.</b> {@link #INTEGER}: no fraction or exponent and within a signed 64-bit range;
 * any other number is {@link #DECIMAL} (so {@code 1.0} and {@code 1e2} are decimals, and
 * {@code 18446744073709551616} is a decimal). {@link #decimal} is exact (equal to
 * {@link Double#parseDouble}) when the significand has at most 15 significant digits and the
 * decimal exponent is within +-22 after moving the point, which covers coordinates such as
 * {@code 46.498287177} and every reading a sensor sends; beyond that it is within 2 units in
 * the last place.
 * <p>
 * <b>Field names</b> ({@link #visitFields}): {@code json.<key>.<key>...}, array elements by
 * index ({@code json.fixes.0.lat}, see {@link JsonPath}); a top-level scalar is {@code json}.
 * Integers are reported as integers, decimals as decimals, strings as text (escapes
 * resolved), {@code true}/{@code false} as booleans. {@code null}, {@code {}} and {@code []}
 * report nothing: a JSON null says the field has no value, which is what an absent field is
 * to a policy (field existence tests), and reporting it as the text "null" would make it equal
 * to the string {@code "null"}. {@link #find} still finds them, with kind {@link #NULL}.
 */
public final class JsonParser implements EventParser
{
    /** Default most tokens (values and keys) in a document: a gpsd SKY report with 30 satellites needs ~500. */
    public static final int DEFAULT_MAX_TOKENS = 8192;
    /** Default deepest nesting of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** Token kinds. */
    public static final int OBJECT = 1;
    public static final int ARRAY = 2;
    /** An object member's name; the member's value is the next token. */
    public static final int KEY = 3;
    public static final int STRING = 4;
    public static final int INTEGER = 5;
    public static final int DECIMAL = 6;
    public static final int TRUE = 7;
    public static final int FALSE = 8;
    public static final int NULL = 9;

    /** Reject reasons. */
    public static final String EMPTY = "empty";
    public static final String UNEXPECTED_CHARACTER = "unexpected_character";
    public static final String UNEXPECTED_END = "unexpected_end";
    public static final String UNTERMINATED_STRING = "unterminated_string";
    public static final String BAD_ESCAPE = "bad_escape";
    public static final String BAD_SURROGATE = "bad_surrogate";
    public static final String CONTROL_CHARACTER = "control_character";
    public static final String INVALID_UTF8 = "invalid_utf8";
    public static final String INVALID_NUMBER = "invalid_number";
    public static final String INVALID_LITERAL = "invalid_literal";
    public static final String TOO_DEEP = "too_deep";
    public static final String TOO_MANY_TOKENS = "too_many_tokens";
    public static final String TRAILING_DATA = "trailing_data";

    /** Every reason {@link #rejectReason()} can return, for counters. */
    public static final String[] REJECT_REASONS = {
        EMPTY, UNEXPECTED_CHARACTER, UNEXPECTED_END, UNTERMINATED_STRING, BAD_ESCAPE, BAD_SURROGATE, CONTROL_CHARACTER,
        INVALID_UTF8, INVALID_NUMBER, INVALID_LITERAL, TOO_DEEP, TOO_MANY_TOKENS, TRAILING_DATA};

    /** Field name of a top-level scalar, and prefix of every other field's name. */
    public static final String FIELD_ROOT = "json";

    private static final byte FLAG_ESCAPED = 1;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final int NOT_FOUND = -1;
    private static final long MAX_SAFE_SIGNIFICAND = 1L << 53;
    /** Significant digits a long holds whatever they are; further digits only move the exponent. */
    private static final int MAX_SIGNIFICAND_DIGITS = 18;
    private static final int MAX_EXACT_POWER = 22;
    private static final int MAX_POWER = 308;
    private static final double[] POWERS_OF_TEN = powersOfTen();

    private final int maxTokens;
    private final int maxDepth;
    private final boolean validateUtf8;
    private final byte[] kinds;
    private final byte[] flags;
    private final int[] starts;
    private final int[] ends;
    private final int[] nexts;
    private final int[] openContainers;
    private final EventText scratch = new EventText(JsonPath.MAX_SEGMENT_BYTES + 1);

    private MemorySegment segment;
    private long base;
    private int length;
    private int tokenCount;
    private String rejectReason;
    private int rejectOffset = -1;
    private int failedAt;

    /** A parser with {@link #DEFAULT_MAX_TOKENS}, {@link #DEFAULT_MAX_DEPTH} and UTF-8 validation. */
    public JsonParser()
    {
        this(DEFAULT_MAX_TOKENS, DEFAULT_MAX_DEPTH, true);
    }

    /**
     * @param maxTokens    the most values and keys a document may have ({@code too_many_tokens} beyond).
     * @param maxDepth     the deepest nesting of objects and arrays ({@code too_deep} beyond).
     * @param validateUtf8 whether string bytes must be well-formed UTF-8 ({@code invalid_utf8}).
     */
    public JsonParser(final int maxTokens, final int maxDepth, final boolean validateUtf8)
    {
        if (maxTokens < 1 || maxDepth < 1)
        {
            throw new IllegalArgumentException("maxTokens and maxDepth must be at least 1: " + maxTokens + ", " + maxDepth);
        }
        this.maxTokens = maxTokens;
        this.maxDepth = maxDepth;
        this.validateUtf8 = validateUtf8;
        kinds = new byte[maxTokens];
        flags = new byte[maxTokens];
        starts = new int[maxTokens];
        ends = new int[maxTokens];
        nexts = new int[maxTokens];
        openContainers = new int[maxDepth];
    }

    public int maxTokens()
    {
        return maxTokens;
    }

    public int maxDepth()
    {
        return maxDepth;
    }

    // ---------------------------------------------------------------------------------------- parse

    @Override
    public boolean parse(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.base = offset;
        this.length = length;
        tokenCount = 0;
        rejectReason = null;
        rejectOffset = -1;
        if (!index())
        {
            tokenCount = 0;
            return false;
        }
        return true;
    }

    @Override
    public String rejectReason()
    {
        return rejectReason;
    }

    @Override
    public int rejectOffset()
    {
        return rejectOffset;
    }

    private boolean reject(final String reason, final int offset)
    {
        rejectReason = reason;
        rejectOffset = offset;
        return false;
    }

    /** A byte of the current document, from its start; package-private for the views over it. */
    byte at(final int position)
    {
        return segment.get(ValueLayout.JAVA_BYTE, base + position);
    }

    private int skipWhitespace(final int from)
    {
        int position = from;
        while (position < length)
        {
            final byte b = at(position);
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                break;
            }
            position++;
        }
        return position;
    }

    /** The state machine: expecting a value, a key, or what follows a value; containers on an explicit stack. */
    private boolean index()
    {
        final int end = length;
        int position = skipWhitespace(0);
        if (position == end)
        {
            return reject(EMPTY, 0);
        }
        int depth = 0;
        boolean expectKey = false;
        while (true)
        {
            // A value (or, in an object, a key and its value) starts at position.
            if (position >= end)
            {
                return reject(UNEXPECTED_END, end);
            }
            if (expectKey)
            {
                if (at(position) != '"')
                {
                    return reject(UNEXPECTED_CHARACTER, position);
                }
                if (tokenCount == maxTokens)
                {
                    return reject(TOO_MANY_TOKENS, position);
                }
                final int key = tokenCount++;
                position = string(key, KEY, position);
                if (position < 0)
                {
                    return false;
                }
                position = skipWhitespace(position);
                if (position >= end)
                {
                    return reject(UNEXPECTED_END, end);
                }
                if (at(position) != ':')
                {
                    return reject(UNEXPECTED_CHARACTER, position);
                }
                position = skipWhitespace(position + 1);
                if (position >= end)
                {
                    return reject(UNEXPECTED_END, end);
                }
                expectKey = false;
            }
            if (tokenCount == maxTokens)
            {
                return reject(TOO_MANY_TOKENS, position);
            }
            final int token = tokenCount++;
            final byte b = at(position);
            if (b == '{' || b == '[')
            {
                if (depth == maxDepth)
                {
                    return reject(TOO_DEEP, position);
                }
                kinds[token] = (byte)(b == '{' ? OBJECT : ARRAY);
                flags[token] = 0;
                starts[token] = position;
                openContainers[depth++] = token;
                position = skipWhitespace(position + 1);
                if (position >= end)
                {
                    return reject(UNEXPECTED_END, end);
                }
                final byte first = at(position);
                if (first != (b == '{' ? '}' : ']'))
                {
                    expectKey = b == '{';
                    continue;
                }
                // An empty container closes at once; fall through to what follows it.
                depth--;
                ends[token] = ++position;
                nexts[token] = tokenCount;
            }
            else
            {
                position = scalar(token, b, position);
                if (position < 0)
                {
                    return false;
                }
            }

            // After a value: close containers, or move to the next member or element.
            while (true)
            {
                position = skipWhitespace(position);
                if (depth == 0)
                {
                    return position == end || reject(TRAILING_DATA, position);
                }
                if (position >= end)
                {
                    return reject(UNEXPECTED_END, end);
                }
                final int container = openContainers[depth - 1];
                final byte c = at(position);
                if (c == ',')
                {
                    position = skipWhitespace(position + 1);
                    expectKey = kinds[container] == OBJECT;
                    break;
                }
                if (c != (kinds[container] == OBJECT ? '}' : ']'))
                {
                    return reject(UNEXPECTED_CHARACTER, position);
                }
                depth--;
                ends[container] = ++position;
                nexts[container] = tokenCount;
            }
        }
    }

    /** A string, number or literal token at position; returns where it ends, or -1 after rejecting. */
    private int scalar(final int token, final byte first, final int position)
    {
        if (first == '"')
        {
            return string(token, STRING, position);
        }
        if (first == '-' || (first >= '0' && first <= '9'))
        {
            return number(token, position);
        }
        final int kind;
        final String literal;
        if (first == 't')
        {
            kind = TRUE;
            literal = "true";
        }
        else if (first == 'f')
        {
            kind = FALSE;
            literal = "false";
        }
        else if (first == 'n')
        {
            kind = NULL;
            literal = "null";
        }
        else
        {
            reject(UNEXPECTED_CHARACTER, position);
            return -1;
        }
        final int literalLength = literal.length();
        if (position + literalLength > length)
        {
            reject(INVALID_LITERAL, position);
            return -1;
        }
        for (int i = 1; i < literalLength; i++)
        {
            if (at(position + i) != literal.charAt(i))
            {
                reject(INVALID_LITERAL, position);
                return -1;
            }
        }
        set(token, kind, position, position + literalLength);
        return position + literalLength;
    }

    private void set(final int token, final int kind, final int start, final int end)
    {
        kinds[token] = (byte)kind;
        flags[token] = 0;
        starts[token] = start;
        ends[token] = end;
        nexts[token] = token + 1;
    }

    private int number(final int token, final int from)
    {
        final int end = length;
        int position = from;
        if (at(position) == '-')
        {
            position++;
        }
        if (position >= end)
        {
            reject(INVALID_NUMBER, position);
            return -1;
        }
        byte b = at(position);
        final int digitsStart = position;
        if (b == '0')
        {
            position++;
            if (position < end && isDigit(at(position)))
            {
                reject(INVALID_NUMBER, position);
                return -1;
            }
        }
        else if (isDigit(b))
        {
            position++;
            while (position < end && isDigit(at(position)))
            {
                position++;
            }
        }
        else
        {
            reject(INVALID_NUMBER, position);
            return -1;
        }
        final int integerDigits = position - digitsStart;
        boolean integer = true;
        if (position < end && at(position) == '.')
        {
            integer = false;
            position++;
            final int fractionStart = position;
            while (position < end && isDigit(at(position)))
            {
                position++;
            }
            if (position == fractionStart)
            {
                reject(INVALID_NUMBER, position);
                return -1;
            }
        }
        if (position < end && ((b = at(position)) == 'e' || b == 'E'))
        {
            integer = false;
            position++;
            if (position < end && ((b = at(position)) == '+' || b == '-'))
            {
                position++;
            }
            final int exponentStart = position;
            while (position < end && isDigit(at(position)))
            {
                position++;
            }
            if (position == exponentStart)
            {
                reject(INVALID_NUMBER, position);
                return -1;
            }
        }
        if (integer && integerDigits >= 19)
        {
            integer = integerDigits == 19 && fitsLong(digitsStart, at(from) == '-');
        }
        set(token, integer ? INTEGER : DECIMAL, from, position);
        return position;
    }

    /** 19 digits: compares with 9223372036854775807 (…808 when negative). */
    private boolean fitsLong(final int digitsStart, final boolean negative)
    {
        final String limit = negative ? "9223372036854775808" : "9223372036854775807";
        for (int i = 0; i < 19; i++)
        {
            final int difference = at(digitsStart + i) - limit.charAt(i);
            if (difference != 0)
            {
                return difference < 0;
            }
        }
        return true;
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    /** A string at position (its opening quote); returns where it ends, or -1 after rejecting. */
    private int string(final int token, final int kind, final int quote)
    {
        final int end = length;
        int position = quote + 1;
        byte escaped = 0;
        while (true)
        {
            position = skipPlainBytes(position, end);
            if (position >= end)
            {
                reject(UNTERMINATED_STRING, quote);
                return -1;
            }
            final byte b = at(position);
            if (b == '"')
            {
                break;
            }
            if (b == '\\')
            {
                escaped = FLAG_ESCAPED;
                position = escape(quote, position);
                if (position < 0)
                {
                    return -1;
                }
            }
            else if (b >= 0x20)
            {
                position++;
            }
            else if (b >= 0)
            {
                reject(CONTROL_CHARACTER, position);
                return -1;
            }
            else if (validateUtf8)
            {
                final int sequence = utf8Sequence(position);
                if (sequence == 0)
                {
                    reject(INVALID_UTF8, position);
                    return -1;
                }
                position += sequence;
            }
            else
            {
                position++;
            }
        }
        set(token, kind, quote + 1, position);
        flags[token] = escaped;
        return position + 1;
    }

    /**
     * Skips whole 8-byte words of a string that hold only printable ASCII other than a quote
     * or backslash (SWAR: the bit tricks of "Bit Twiddling Hacks", hasless and haszero), so the
     * per-byte checks run only near the bytes that need them.
     */
    private int skipPlainBytes(final int from, final int end)
    {
        int position = from;
        while (position + Long.BYTES <= end)
        {
            final long word = segment.get(WORD, base + position);
            final long controls = (word - ONES * 0x20) & ~word;
            final long quotes = hasZeroByte(word ^ (ONES * '"'));
            final long backslashes = hasZeroByte(word ^ (ONES * '\\'));
            if (((word | controls | quotes | backslashes) & HIGH_BITS) != 0)
            {
                break;
            }
            position += Long.BYTES;
        }
        return position;
    }

    private static long hasZeroByte(final long word)
    {
        return (word - ONES) & ~word;
    }

    /** An escape at position (its backslash); returns where the next character starts, or -1 after rejecting. */
    private int escape(final int quote, final int backslash)
    {
        if (backslash + 1 >= length)
        {
            reject(UNTERMINATED_STRING, quote);
            return -1;
        }
        final byte e = at(backslash + 1);
        switch (e)
        {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' ->
            {
                return backslash + 2;
            }
            case 'u' ->
            {
                final int unit = hex4(backslash + 2);
                if (unit < 0)
                {
                    reject(failedAt >= length ? UNTERMINATED_STRING : BAD_ESCAPE, failedAt >= length ? quote : backslash);
                    return -1;
                }
                if (unit >= 0xDC00 && unit <= 0xDFFF)
                {
                    reject(BAD_SURROGATE, backslash);
                    return -1;
                }
                if (unit < 0xD800 || unit > 0xDBFF)
                {
                    return backslash + 6;
                }
                final int low = backslash + 6;
                if (low + 1 < length && at(low) == '\\' && at(low + 1) == 'u')
                {
                    final int lowUnit = hex4(low + 2);
                    if (lowUnit >= 0xDC00 && lowUnit <= 0xDFFF)
                    {
                        return low + 6;
                    }
                    if (lowUnit < 0)
                    {
                        reject(failedAt >= length ? UNTERMINATED_STRING : BAD_ESCAPE, failedAt >= length ? quote : low);
                        return -1;
                    }
                }
                reject(BAD_SURROGATE, backslash);
                return -1;
            }
            default ->
            {
                reject(BAD_ESCAPE, backslash);
                return -1;
            }
        }
    }

    /** Four hex digits at position as a UTF-16 unit, or -1 with {@link #failedAt} set to the bad digit's offset. */
    private int hex4(final int position)
    {
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            if (position + i >= length)
            {
                failedAt = length;
                return -1;
            }
            final int digit = hexDigit(at(position + i));
            if (digit < 0)
            {
                failedAt = position + i;
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static int hexDigit(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** The length of the well-formed UTF-8 sequence (RFC 3629 table 3-7) starting with a byte from 0x80 up, or 0. */
    private int utf8Sequence(final int position)
    {
        final int lead = at(position) & 0xFF;
        final int needed;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF)
        {
            needed = 1;
        }
        else if (lead >= 0xE0 && lead <= 0xEF)
        {
            needed = 2;
            if (lead == 0xE0)
            {
                low = 0xA0;
            }
            else if (lead == 0xED)
            {
                high = 0x9F;
            }
        }
        else if (lead >= 0xF0 && lead <= 0xF4)
        {
            needed = 3;
            if (lead == 0xF0)
            {
                low = 0x90;
            }
            else if (lead == 0xF4)
            {
                high = 0x8F;
            }
        }
        else
        {
            return 0;
        }
        if (position + needed >= length)
        {
            return 0;
        }
        for (int i = 1; i <= needed; i++)
        {
            final int continuation = at(position + i) & 0xFF;
            if (continuation < low || continuation > high)
            {
                return 0;
            }
            low = 0x80;
            high = 0xBF;
        }
        return needed + 1;
    }

    // ---------------------------------------------------------------------------------------- read

    /**
     * @return how many tokens the last accepted document has (0 after a rejected one); the root is token 0.
     */
    public int tokenCount()
    {
        return tokenCount;
    }

    /**
     * @param token a token index.
     * @return its kind: {@link #OBJECT}, {@link #ARRAY}, {@link #KEY}, {@link #STRING}, {@link #INTEGER},
     * {@link #DECIMAL}, {@link #TRUE}, {@link #FALSE} or {@link #NULL}.
     */
    public int kind(final int token)
    {
        return kinds[token];
    }

    /**
     * @param token a token index.
     * @return the token after its whole subtree: for a container, one past its last descendant.
     */
    public int next(final int token)
    {
        return nexts[token];
    }

    /**
     * @param token a token index.
     * @return where its bytes start, from the document's start (a string: after its opening quote).
     */
    public int start(final int token)
    {
        return starts[token];
    }

    /**
     * @param token a token index.
     * @return where its bytes end, exclusive (a string: at its closing quote).
     */
    public int end(final int token)
    {
        return ends[token];
    }

    /**
     * @param token a string or key token.
     * @return true when it contains escapes (its bytes are not its text as they are).
     */
    public boolean escaped(final int token)
    {
        return flags[token] != 0;
    }

    /**
     * @param path a compiled path.
     * @return the token of the value at that path in the last accepted document, or -1 when there is none.
     */
    public int find(final JsonPath path)
    {
        return find(0, path);
    }

    /**
     * @param from the token to start from (an object or array).
     * @param path a compiled path, relative to {@code from}.
     * @return the token of the value at that path, or -1 when there is none.
     */
    public int find(final int from, final JsonPath path)
    {
        if (from < 0 || from >= tokenCount)
        {
            return NOT_FOUND;
        }
        int token = from;
        for (int segment = 0, segments = path.length(); segment < segments; segment++)
        {
            final int kind = kinds[token];
            if (kind == OBJECT)
            {
                token = member(token, path.key(segment));
            }
            else if (kind == ARRAY)
            {
                token = element(token, path.index(segment));
            }
            else
            {
                return NOT_FOUND;
            }
            if (token < 0)
            {
                return NOT_FOUND;
            }
        }
        return token;
    }

    /**
     * @param object an object token.
     * @param key    a member name's UTF-8 bytes.
     * @return the value token of the last member with that name, or -1.
     */
    public int member(final int object, final byte[] key)
    {
        int found = NOT_FOUND;
        final int end = nexts[object];
        for (int member = object + 1; member < end; member = nexts[member + 1])
        {
            if (keyEquals(member, key))
            {
                found = member + 1;
            }
        }
        return found;
    }

    /**
     * @param array an array token.
     * @param index an element index.
     * @return the element's token, or -1 when the array is shorter (or index is negative).
     */
    public int element(final int array, final int index)
    {
        if (index < 0)
        {
            return NOT_FOUND;
        }
        final int end = nexts[array];
        int element = array + 1;
        for (int i = 0; i < index && element < end; i++)
        {
            element = nexts[element];
        }
        return element < end ? element : NOT_FOUND;
    }

    /**
     * @param token a string or key token.
     * @param utf8  bytes to compare with.
     * @return true when the string, escapes resolved, equals the bytes.
     */
    public boolean textEquals(final int token, final byte[] utf8)
    {
        return keyEquals(token, utf8);
    }

    private boolean keyEquals(final int token, final byte[] key)
    {
        final int start = starts[token];
        final int rawLength = ends[token] - start;
        if (flags[token] == 0)
        {
            if (rawLength != key.length)
            {
                return false;
            }
            for (int i = 0; i < rawLength; i++)
            {
                if (at(start + i) != key[i])
                {
                    return false;
                }
            }
            return true;
        }
        // An escape never makes a string longer than its raw bytes; a key longer than the scratch cannot match.
        if (rawLength < key.length)
        {
            return false;
        }
        text(token, scratch);
        if (scratch.truncated() || scratch.length() != key.length)
        {
            return false;
        }
        final byte[] bytes = scratch.bytes();
        for (int i = 0; i < key.length; i++)
        {
            if (bytes[i] != key[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The token's text into {@code out}: a string's or key's UTF-8 bytes with escapes resolved; for
     * any other kind its bytes as they are in the document (a number's literal, {@code true},
     * a container's whole JSON text).
     *
     * @param token a token index.
     * @param out   receives the text; cleared first.
     * @return {@code out}.
     */
    public EventText text(final int token, final EventText out)
    {
        final int start = starts[token];
        final int end = ends[token];
        if (flags[token] == 0)
        {
            return out.set(segment, base + start, end - start);
        }
        out.clear();
        int position = start;
        while (position < end)
        {
            final byte b = at(position);
            if (b != '\\')
            {
                out.append(b);
                position++;
                continue;
            }
            final byte e = at(position + 1);
            position += 2;
            switch (e)
            {
                case 'b' -> out.append((byte)'\b');
                case 'f' -> out.append((byte)'\f');
                case 'n' -> out.append((byte)'\n');
                case 'r' -> out.append((byte)'\r');
                case 't' -> out.append((byte)'\t');
                case 'u' ->
                {
                    int codePoint = hex4(position);
                    position += 4;
                    if (codePoint >= 0xD800 && codePoint <= 0xDBFF)
                    {
                        codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (hex4(position + 2) - 0xDC00);
                        position += 6;
                    }
                    appendUtf8(out, codePoint);
                }
                default -> out.append(e);
            }
        }
        return out;
    }

    private static void appendUtf8(final EventText out, final int codePoint)
    {
        if (codePoint < 0x80)
        {
            out.append((byte)codePoint);
        }
        else if (codePoint < 0x800)
        {
            out.append((byte)(0xC0 | (codePoint >> 6)));
            out.append((byte)(0x80 | (codePoint & 0x3F)));
        }
        else if (codePoint < 0x10000)
        {
            out.append((byte)(0xE0 | (codePoint >> 12)));
            out.append((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
            out.append((byte)(0x80 | (codePoint & 0x3F)));
        }
        else
        {
            out.append((byte)(0xF0 | (codePoint >> 18)));
            out.append((byte)(0x80 | ((codePoint >> 12) & 0x3F)));
            out.append((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
            out.append((byte)(0x80 | (codePoint & 0x3F)));
        }
    }

    /**
     * @param token a token index.
     * @return true for {@link #TRUE}, false otherwise.
     */
    public boolean bool(final int token)
    {
        return kinds[token] == TRUE;
    }

    /**
     * @param token a token index.
     * @return an {@link #INTEGER}'s value; a {@link #DECIMAL}'s value rounded toward zero (saturating
     * at the long range); 0 for any other kind.
     */
    public long integer(final int token)
    {
        final int kind = kinds[token];
        if (kind == DECIMAL)
        {
            return (long)decimal(token);
        }
        if (kind != INTEGER)
        {
            return 0;
        }
        int position = starts[token];
        final int end = ends[token];
        final boolean negative = at(position) == '-';
        if (negative)
        {
            position++;
        }
        // Accumulated negatively so that Long.MIN_VALUE fits.
        long value = 0;
        while (position < end)
        {
            value = value * 10 - (at(position++) - '0');
        }
        return negative ? value : -value;
    }

    /**
     * @param token a token index.
     * @return an {@link #INTEGER}'s or {@link #DECIMAL}'s value as a double (see the class comment
     * on exactness; infinite beyond the double range); NaN for any other kind.
     */
    public double decimal(final int token)
    {
        final int kind = kinds[token];
        if (kind != DECIMAL && kind != INTEGER)
        {
            return Double.NaN;
        }
        int position = starts[token];
        final int end = ends[token];
        final boolean negative = at(position) == '-';
        if (negative)
        {
            position++;
        }
        long significand = 0;
        int digits = 0;
        int exponent = 0;
        boolean inexact = false;
        byte b = 0;
        while (position < end && isDigit(b = at(position)))
        {
            final int digit = b - '0';
            if (digits < MAX_SIGNIFICAND_DIGITS)
            {
                significand = significand * 10 + digit;
                if (significand != 0)
                {
                    digits++;
                }
            }
            else
            {
                exponent++;
                inexact |= digit != 0;
            }
            position++;
        }
        if (position < end && b == '.')
        {
            position++;
            while (position < end && isDigit(b = at(position)))
            {
                final int digit = b - '0';
                if (digits < MAX_SIGNIFICAND_DIGITS)
                {
                    significand = significand * 10 + digit;
                    exponent--;
                    if (significand != 0)
                    {
                        digits++;
                    }
                }
                else
                {
                    inexact |= digit != 0;
                }
                position++;
            }
        }
        if (position < end)
        {
            // An exponent: the grammar was checked by parse, so e/E, an optional sign, digits.
            position++;
            boolean negativeExponent = false;
            b = at(position);
            if (b == '-' || b == '+')
            {
                negativeExponent = b == '-';
                position++;
            }
            int written = 0;
            while (position < end)
            {
                final int digit = at(position++) - '0';
                if (written < 100_000)
                {
                    written = written * 10 + digit;
                }
            }
            exponent += negativeExponent ? -written : written;
        }
        final double value = scale(significand, exponent, inexact);
        return negative ? -value : value;
    }

    private static double scale(final long significand, final int exponent, final boolean inexact)
    {
        if (significand == 0)
        {
            return 0.0;
        }
        if (!inexact && significand < MAX_SAFE_SIGNIFICAND && exponent >= -MAX_EXACT_POWER && exponent <= MAX_EXACT_POWER)
        {
            // Clinger's fast path: both operands exact, so the one rounding is IEEE's correct rounding.
            return exponent >= 0 ? significand * POWERS_OF_TEN[exponent] : significand / POWERS_OF_TEN[-exponent];
        }
        final double value = significand;
        if (exponent >= 0)
        {
            if (exponent > MAX_POWER + 20)
            {
                return Double.POSITIVE_INFINITY;
            }
            return exponent <= MAX_POWER ? value * POWERS_OF_TEN[exponent] :
                value * POWERS_OF_TEN[MAX_POWER] * POWERS_OF_TEN[exponent - MAX_POWER];
        }
        if (exponent < -MAX_POWER - 20 - 20)
        {
            return 0.0;
        }
        if (exponent >= -MAX_POWER)
        {
            return value / POWERS_OF_TEN[-exponent];
        }
        return value / POWERS_OF_TEN[MAX_POWER] / POWERS_OF_TEN[-exponent - MAX_POWER];
    }

    private static double[] powersOfTen()
    {
        final double[] powers = new double[MAX_POWER + 1];
        for (int i = 0; i <= MAX_POWER; i++)
        {
            powers[i] = Double.parseDouble("1e" + i);
        }
        return powers;
    }

    // ---------------------------------------------------------------------------------------- tools

    /**
     * Reports every scalar of the last accepted document under {@code json.<path>} (see the class
     * comment). For tools: allocates the names.
     */
    @Override
    public void visitFields(final EventFieldVisitor visitor)
    {
        if (tokenCount == 0)
        {
            return;
        }
        final StringBuilder name = new StringBuilder(FIELD_ROOT);
        final int[] containers = new int[maxDepth];
        final int[] nameLengths = new int[maxDepth];
        final int[] elementCounts = new int[maxDepth];
        final EventText text = new EventText(Math.max(16, length));
        int depth = 0;
        int token = 0;
        while (token < tokenCount)
        {
            while (depth > 0 && nexts[containers[depth - 1]] <= token)
            {
                depth--;
            }
            if (depth > 0)
            {
                final int container = containers[depth - 1];
                name.setLength(nameLengths[depth - 1]);
                name.append('.');
                if (kinds[container] == OBJECT)
                {
                    name.append(text(token, text).toString());
                    token++;
                }
                else
                {
                    name.append(elementCounts[depth - 1]++);
                }
            }
            final int kind = kinds[token];
            if (kind == OBJECT || kind == ARRAY)
            {
                containers[depth] = token;
                nameLengths[depth] = name.length();
                elementCounts[depth] = 0;
                depth++;
            }
            else
            {
                report(visitor, name.toString(), token, text);
            }
            token++;
        }
    }

    private void report(final EventFieldVisitor visitor, final String name, final int token, final EventText text)
    {
        switch (kinds[token])
        {
            case STRING -> visitor.text(name, text(token, text));
            case INTEGER -> visitor.integer(name, integer(token));
            case DECIMAL -> visitor.decimal(name, decimal(token));
            case TRUE -> visitor.bool(name, true);
            case FALSE -> visitor.bool(name, false);
            default ->
            {
                // null: no value, as an absent field (class comment).
            }
        }
    }
}
