package dev.sluice.regional;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes an event body into an NDJSON line in a readable form: a JSON object as itself (checked
 * against RFC 8259 and copied without its insignificant whitespace, so that a pretty-printed
 * document cannot break the line), or text as a JSON string. Each method writes as it checks and
 * returns -1 when the body does not qualify, leaving the bytes it wrote for the caller to
 * overwrite with another form: nothing is allocated and the body is read once.
 * <p>
 * Bodies come from gateways and are checked again here, because a malformed one must not turn
 * the line, or the file, into something a JSON reader rejects.
 * <p>
 * Agent thread only (holds the container stack of the object being checked).
 */
final class EventBodyJson
{
    /**
     * Deepest nesting of an embedded object; a deeper one is written as a string instead.
     */
    static final int MAX_DEPTH = 256;

    /**
     * Most bytes {@link #putString} writes per body byte: a control character becomes a six-byte {@code u00XX} escape.
     */
    static final int STRING_BYTES_PER_BODY_BYTE = 6;

    private static final byte[] HEX = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f' };

    /** One bit per open container: set for an object, clear for an array. */
    private final long[] objectStack = new long[MAX_DEPTH / Long.SIZE];

    /** Bytes the last {@link #copyKey} wrote. */
    private int keyOutputLength;

    /**
     * Copies a body that is exactly one JSON object (whitespace around it allowed), without the
     * whitespace between its tokens.
     *
     * @param src    the body.
     * @param offset where it starts in {@code src}.
     * @param length its length.
     * @param dst    where to write.
     * @param index  where to write in {@code dst}; room for {@code length} bytes is needed.
     * @return bytes written (at most {@code length}), or -1 when the body is not one valid JSON object.
     */
    int putObject(final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int index)
    {
        final int end = offset + length;
        int p = skipWhitespace(src, offset, end);
        if (p >= end || '{' != src.getByte(p))
        {
            return -1;
        }
        int o = index;
        int depth = 0;
        boolean expectValue = true;
        while (true)
        {
            if (expectValue)
            {
                p = skipWhitespace(src, p, end);
                if (p >= end)
                {
                    return -1;
                }
                final byte c = src.getByte(p);
                if ('{' == c || '[' == c)
                {
                    if (MAX_DEPTH == depth)
                    {
                        return -1;
                    }
                    final boolean isObject = '{' == c;
                    setObject(depth++, isObject);
                    dst.putByte(o++, c);
                    p = skipWhitespace(src, p + 1, end);
                    if (p >= end)
                    {
                        return -1;
                    }
                    final byte next = src.getByte(p);
                    if ((isObject && '}' == next) || (!isObject && ']' == next))
                    {
                        dst.putByte(o++, next);
                        p++;
                        depth--;
                        expectValue = false;
                        continue;
                    }
                    if (isObject)
                    {
                        final int keyEnd = copyKey(src, p, end, dst, o);
                        if (keyEnd < 0)
                        {
                            return -1;
                        }
                        o += keyOutputLength;
                        p = keyEnd;
                    }
                    continue;
                }
                final int valueEnd = scalarEnd(src, p, end);
                if (valueEnd < 0)
                {
                    return -1;
                }
                dst.putBytes(o, src, p, valueEnd - p);
                o += valueEnd - p;
                p = valueEnd;
                expectValue = false;
            }
            else
            {
                p = skipWhitespace(src, p, end);
                if (0 == depth)
                {
                    return p == end ? o - index : -1;
                }
                if (p >= end)
                {
                    return -1;
                }
                final byte c = src.getByte(p);
                final boolean inObject = isObject(depth - 1);
                if (',' == c)
                {
                    dst.putByte(o++, c);
                    p++;
                    if (inObject)
                    {
                        p = skipWhitespace(src, p, end);
                        final int keyEnd = copyKey(src, p, end, dst, o);
                        if (keyEnd < 0)
                        {
                            return -1;
                        }
                        o += keyOutputLength;
                        p = keyEnd;
                    }
                    expectValue = true;
                }
                else if ((inObject && '}' == c) || (!inObject && ']' == c))
                {
                    dst.putByte(o++, c);
                    p++;
                    depth--;
                }
                else
                {
                    return -1;
                }
            }
        }
    }

    /**
     * Writes a body that is valid UTF-8 as the contents of a JSON string (without the quotes):
     * quote, backslash and control characters escaped, every other character as its UTF-8 bytes.
     *
     * @param src    the body.
     * @param offset where it starts in {@code src}.
     * @param length its length.
     * @param dst    where to write.
     * @param index  where to write in {@code dst}; room for {@code STRING_BYTES_PER_BODY_BYTE * length} bytes is needed.
     * @return bytes written, or -1 when the body is not valid UTF-8 (overlong forms, surrogates and
     * code points above U+10FFFF are not).
     */
    static int putString(final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int index)
    {
        final int end = offset + length;
        int o = index;
        int p = offset;
        while (p < end)
        {
            final int b = src.getByte(p) & 0xFF;
            if (b >= 0x80)
            {
                final int sequenceLength = utf8SequenceLength(src, p, end);
                if (sequenceLength < 0)
                {
                    return -1;
                }
                dst.putBytes(o, src, p, sequenceLength);
                o += sequenceLength;
                p += sequenceLength;
                continue;
            }
            p++;
            if (b >= 0x20 && '"' != b && '\\' != b)
            {
                dst.putByte(o++, (byte)b);
                continue;
            }
            dst.putByte(o++, (byte)'\\');
            switch (b)
            {
                case '"', '\\' -> dst.putByte(o++, (byte)b);
                case '\n' -> dst.putByte(o++, (byte)'n');
                case '\r' -> dst.putByte(o++, (byte)'r');
                case '\t' -> dst.putByte(o++, (byte)'t');
                case '\b' -> dst.putByte(o++, (byte)'b');
                case '\f' -> dst.putByte(o++, (byte)'f');
                default ->
                {
                    dst.putByte(o++, (byte)'u');
                    dst.putByte(o++, (byte)'0');
                    dst.putByte(o++, (byte)'0');
                    dst.putByte(o++, HEX[b >>> 4]);
                    dst.putByte(o++, HEX[b & 0xF]);
                }
            }
        }
        return o - index;
    }

    /**
     * @return the length of the well-formed UTF-8 sequence of 2 to 4 bytes at {@code p} (RFC 3629
     * table 3-7), or -1.
     */
    static int utf8SequenceLength(final DirectBuffer src, final int p, final int end)
    {
        final int b0 = src.getByte(p) & 0xFF;
        final int length;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF)
        {
            length = 2;
        }
        else if (b0 >= 0xE0 && b0 <= 0xEF)
        {
            length = 3;
            if (0xE0 == b0)
            {
                min2 = 0xA0;
            }
            else if (0xED == b0)
            {
                max2 = 0x9F;
            }
        }
        else if (b0 >= 0xF0 && b0 <= 0xF4)
        {
            length = 4;
            if (0xF0 == b0)
            {
                min2 = 0x90;
            }
            else if (0xF4 == b0)
            {
                max2 = 0x8F;
            }
        }
        else
        {
            return -1;
        }
        if (end - p < length)
        {
            return -1;
        }
        final int b1 = src.getByte(p + 1) & 0xFF;
        if (b1 < min2 || b1 > max2)
        {
            return -1;
        }
        for (int k = 2; k < length; k++)
        {
            if ((src.getByte(p + k) & 0xC0) != 0x80)
            {
                return -1;
            }
        }
        return length;
    }

    /**
     * Copies a member's name and the colon after it (without the whitespace between them).
     *
     * @return the input position after the colon, or -1; the bytes written are in {@link #keyOutputLength}.
     */
    private int copyKey(final DirectBuffer src, final int p, final int end, final MutableDirectBuffer dst, final int o)
    {
        if (p >= end || '"' != src.getByte(p))
        {
            return -1;
        }
        final int stringEnd = stringEnd(src, p, end);
        if (stringEnd < 0)
        {
            return -1;
        }
        final int colon = skipWhitespace(src, stringEnd, end);
        if (colon >= end || ':' != src.getByte(colon))
        {
            return -1;
        }
        final int keyLength = stringEnd - p;
        dst.putBytes(o, src, p, keyLength);
        dst.putByte(o + keyLength, (byte)':');
        keyOutputLength = keyLength + 1;
        return colon + 1;
    }

    /** @return the position after the scalar (string, number, literal) at {@code p}, or -1. */
    private static int scalarEnd(final DirectBuffer src, final int p, final int end)
    {
        final byte c = src.getByte(p);
        return switch (c)
        {
            case '"' -> stringEnd(src, p, end);
            case 't' -> literalEnd(src, p, end, 't', 'r', 'u', 'e');
            case 'f' -> literalEnd(src, p + 1, end, 'a', 'l', 's', 'e'); // the 'f' matched: then "alse"
            case 'n' -> literalEnd(src, p, end, 'n', 'u', 'l', 'l');
            default -> numberEnd(src, p, end);
        };
    }

    private static int literalEnd(final DirectBuffer src, final int p, final int end,
        final char c0, final char c1, final char c2, final char c3)
    {
        if (end - p < 4 || c0 != src.getByte(p) || c1 != src.getByte(p + 1) || c2 != src.getByte(p + 2) ||
            c3 != src.getByte(p + 3))
        {
            return -1;
        }
        return p + 4;
    }

    /** @return the position after the string whose opening quote is at {@code p}, or -1. */
    private static int stringEnd(final DirectBuffer src, final int p, final int end)
    {
        int i = p + 1;
        while (i < end)
        {
            final int b = src.getByte(i) & 0xFF;
            if ('"' == b)
            {
                return i + 1;
            }
            if (b < 0x20)
            {
                return -1;
            }
            if ('\\' == b)
            {
                if (i + 1 >= end)
                {
                    return -1;
                }
                final byte escaped = src.getByte(i + 1);
                switch (escaped)
                {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' ->
                    {
                        if (end - i < 6)
                        {
                            return -1;
                        }
                        for (int k = 2; k < 6; k++)
                        {
                            if (!isHexDigit(src.getByte(i + k)))
                            {
                                return -1;
                            }
                        }
                        i += 6;
                    }
                    default ->
                    {
                        return -1;
                    }
                }
            }
            else if (b >= 0x80)
            {
                final int sequenceLength = utf8SequenceLength(src, i, end);
                if (sequenceLength < 0)
                {
                    return -1;
                }
                i += sequenceLength;
            }
            else
            {
                i++;
            }
        }
        return -1;
    }

    /** @return the position after the number at {@code p} ({@code -? int frac? exp?}), or -1. */
    private static int numberEnd(final DirectBuffer src, final int p, final int end)
    {
        int i = p;
        if (i < end && '-' == src.getByte(i))
        {
            i++;
        }
        if (i >= end)
        {
            return -1;
        }
        if ('0' == src.getByte(i))
        {
            i++;
        }
        else
        {
            final int digits = digitsEnd(src, i, end);
            if (digits == i)
            {
                return -1;
            }
            i = digits;
        }
        if (i < end && '.' == src.getByte(i))
        {
            final int digits = digitsEnd(src, i + 1, end);
            if (digits == i + 1)
            {
                return -1;
            }
            i = digits;
        }
        if (i < end && ('e' == src.getByte(i) || 'E' == src.getByte(i)))
        {
            i++;
            if (i < end && ('+' == src.getByte(i) || '-' == src.getByte(i)))
            {
                i++;
            }
            final int digits = digitsEnd(src, i, end);
            if (digits == i)
            {
                return -1;
            }
            i = digits;
        }
        return i;
    }

    private static int digitsEnd(final DirectBuffer src, final int p, final int end)
    {
        int i = p;
        while (i < end && src.getByte(i) >= '0' && src.getByte(i) <= '9')
        {
            i++;
        }
        return i;
    }

    private static boolean isHexDigit(final byte b)
    {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static int skipWhitespace(final DirectBuffer src, final int p, final int end)
    {
        int i = p;
        while (i < end)
        {
            final byte b = src.getByte(i);
            if (' ' != b && '\t' != b && '\n' != b && '\r' != b)
            {
                break;
            }
            i++;
        }
        return i;
    }

    private void setObject(final int depth, final boolean isObject)
    {
        final long bit = 1L << (depth & 63);
        if (isObject)
        {
            objectStack[depth >>> 6] |= bit;
        }
        else
        {
            objectStack[depth >>> 6] &= ~bit;
        }
    }

    private boolean isObject(final int depth)
    {
        return (objectStack[depth >>> 6] & (1L << (depth & 63))) != 0;
    }
}
