package dev.sluice.dataplane.anonymize;

import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies an event's text with every whole occurrence of some values replaced by their
 * pseudonyms: the user name of {@code cef.suser}, a VIN, an IMSI. An event leaves the site as
 * its text, and a value a parser found in one field is usually written elsewhere too (the user
 * of {@code suser=alice} is in {@code msg=login failed for alice}), so replacing every
 * occurrence protects more than rewriting the field alone, and needs no per-format writer.
 * <p>
 * <b>Whole occurrences.</b> A value matches where its bytes are found with no letter or digit
 * just before or just after, so {@code bob} is replaced in {@code user=bob;} and in
 * {@code "bob"} but not inside {@code bobby}. The scan is linear in the text times the number of
 * values (at most {@link #MAX_VALUES}); no regular expression.
 * <p>
 * <b>Fail closed.</b> A value's field holds it after the format's escapes are resolved; if the
 * text writes it escaped ({@code al\u0069ce} in JSON), the bytes are not found.
 * {@link #allFound()} then says false, and the caller must not send the result where the value
 * may not go raw. Values are matched longest first, so a value inside another (a user name that
 * is an e-mail's local part) does not split it.
 * <p>
 * Worker thread only; allocates nothing per call.
 */
public final class TextValueReplacer
{
    /** Values one event may have replaced. */
    public static final int MAX_VALUES = 16;
    /** Bytes of values and replacements one event may hold. */
    public static final int ARENA_BYTES = 8 * 1024;

    private static final boolean[] WORD = new boolean[256];

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            WORD[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            WORD[c] = true;
            WORD[c - 'a' + 'A'] = true;
        }
    }

    private final byte[] arena = new byte[ARENA_BYTES];
    private final int[] valueOffset = new int[MAX_VALUES];
    private final int[] valueLength = new int[MAX_VALUES];
    private final int[] replacementOffset = new int[MAX_VALUES];
    private final int[] replacementLength = new int[MAX_VALUES];
    private final int[] found = new int[MAX_VALUES];
    private final int[] spanStart = new int[MAX_VALUES];
    private final int[] spanLength = new int[MAX_VALUES];
    private final int[] spanReplacementOffset = new int[MAX_VALUES];
    private final int[] spanReplacementLength = new int[MAX_VALUES];
    private int values;
    private int spans;
    private int spansMissed;
    private int arenaUsed;
    private int replaced;

    /** Forgets the values of the previous event. */
    public void clear()
    {
        values = 0;
        spans = 0;
        arenaUsed = 0;
        replaced = 0;
    }

    /** @return values and spans added since {@link #clear()}. */
    public int values()
    {
        return values + spans;
    }

    /**
     * Replaces exactly the bytes {@code [start, start + length)} of the text (a field whose place
     * the parser knows, such as a JSON number), rather than every equal text. The replacement is
     * the {@code replacementLength} bytes the caller wrote at {@link #arenaFree()}.
     *
     * @return false when there is no room (the caller fails closed).
     */
    public boolean addSpan(final int start, final int length, final int replacementLength)
    {
        if (spans == MAX_VALUES || arenaUsed + replacementLength > ARENA_BYTES)
        {
            return false;
        }
        int at = spans;
        while (at > 0 && spanStart[at - 1] > start)
        {
            spanStart[at] = spanStart[at - 1];
            spanLength[at] = spanLength[at - 1];
            spanReplacementOffset[at] = spanReplacementOffset[at - 1];
            spanReplacementLength[at] = spanReplacementLength[at - 1];
            at--;
        }
        spanStart[at] = start;
        spanLength[at] = length;
        spanReplacementOffset[at] = arenaUsed;
        spanReplacementLength[at] = replacementLength;
        arenaUsed += replacementLength;
        spans++;
        return true;
    }

    /**
     * @return true when a value added since {@link #clear()} has exactly these bytes: its every
     * whole occurrence is replaced already, so a span over one needs no replacement of its own.
     */
    public boolean hasValue(final byte[] bytes, final int offset, final int length)
    {
        for (int v = 0; v < values; v++)
        {
            if (equal(arena, valueOffset[v], valueLength[v], bytes, offset, length))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The arena where the next value's replacement may be written by the caller (a pseudonymizer
     * writes straight into it): from {@link #arenaFree()} to {@link #ARENA_BYTES}.
     */
    public byte[] arena()
    {
        return arena;
    }

    /** @return the first free index of {@link #arena()}. */
    public int arenaFree()
    {
        return arenaUsed;
    }

    /**
     * Copies a value (a field's text, one byte per char as {@code EventText} reads it) into the arena,
     * where its replacement is written next.
     *
     * @return the arena index just after the value, where the replacement goes; -1 when the value
     * is empty, or there is no room (the event then cannot be transformed: fail closed).
     */
    public int beginValue(final CharSequence value)
    {
        final int length = value.length();
        if (0 == length || values == MAX_VALUES || arenaUsed + length > ARENA_BYTES)
        {
            return -1;
        }
        for (int i = 0; i < length; i++)
        {
            arena[arenaUsed + i] = (byte)value.charAt(i);
        }
        valueOffset[values] = arenaUsed;
        valueLength[values] = length;
        return arenaUsed + length;
    }

    /**
     * Completes the value begun last: its replacement is the {@code length} bytes the caller wrote
     * at the index {@link #beginValue} returned. A value equal to one added before is kept once.
     */
    public void endValue(final int length)
    {
        final int offset = valueOffset[values] + valueLength[values];
        for (int v = 0; v < values; v++)
        {
            if (equal(arena, valueOffset[v], valueLength[v], arena, valueOffset[values], valueLength[values]))
            {
                return;
            }
        }
        replacementOffset[values] = offset;
        replacementLength[values] = length;
        arenaUsed = offset + length;
        values++;
        sortLongestFirst();
    }

    /**
     * Copies {@code source[offset, offset + length)} to {@code target} at {@code targetOffset},
     * every whole occurrence of each value replaced.
     *
     * @return bytes written, or -1 when they would pass {@code targetLimit}.
     */
    public int rewrite(
        final MemorySegment source,
        final long offset,
        final int length,
        final MutableDirectBuffer target,
        final int targetOffset,
        final int targetLimit)
    {
        replaced = 0;
        for (int v = 0; v < values; v++)
        {
            found[v] = 0;
        }
        int out = targetOffset;
        int i = 0;
        int nextSpan = 0;
        spansMissed = 0;
        while (i < length)
        {
            while (nextSpan < spans && spanStart[nextSpan] < i)
            {
                // Inside a value already replaced: that span cannot be rewritten as asked.
                nextSpan++;
                spansMissed++;
            }
            if (nextSpan < spans && spanStart[nextSpan] == i)
            {
                final int replacementBytes = spanReplacementLength[nextSpan];
                if (out + replacementBytes > targetLimit || i + spanLength[nextSpan] > length)
                {
                    return -1;
                }
                target.putBytes(out, arena, spanReplacementOffset[nextSpan], replacementBytes);
                out += replacementBytes;
                i += spanLength[nextSpan];
                nextSpan++;
                replaced++;
                continue;
            }
            final int match = 0 == values || (i > 0 && isWord(source.get(ValueLayout.JAVA_BYTE, offset + i - 1))) ?
                -1 : matchAt(source, offset, length, i);
            if (match >= 0)
            {
                final int replacementBytes = replacementLength[match];
                if (out + replacementBytes > targetLimit)
                {
                    return -1;
                }
                target.putBytes(out, arena, replacementOffset[match], replacementBytes);
                out += replacementBytes;
                i += valueLength[match];
                found[match]++;
                replaced++;
            }
            else
            {
                if (out >= targetLimit)
                {
                    return -1;
                }
                target.putByte(out++, source.get(ValueLayout.JAVA_BYTE, offset + i));
                i++;
            }
        }
        return out - targetOffset;
    }

    /** @return occurrences replaced by the last {@link #rewrite}. */
    public int replaced()
    {
        return replaced;
    }

    /** @return true when the last {@link #rewrite} found every value at least once (spans are always found). */
    public boolean allFound()
    {
        if (spansMissed > 0)
        {
            return false;
        }
        for (int v = 0; v < values; v++)
        {
            if (0 == found[v])
            {
                return false;
            }
        }
        return true;
    }

    private int matchAt(final MemorySegment source, final long offset, final int length, final int at)
    {
        final byte first = source.get(ValueLayout.JAVA_BYTE, offset + at);
        for (int v = 0; v < values; v++)
        {
            final int valueBytes = valueLength[v];
            if (arena[valueOffset[v]] != first || at + valueBytes > length)
            {
                continue;
            }
            if (at + valueBytes < length && isWord(source.get(ValueLayout.JAVA_BYTE, offset + at + valueBytes)))
            {
                continue;
            }
            boolean same = true;
            for (int k = 1; k < valueBytes && same; k++)
            {
                same = arena[valueOffset[v] + k] == source.get(ValueLayout.JAVA_BYTE, offset + at + k);
            }
            if (same)
            {
                return v;
            }
        }
        return -1;
    }

    private static boolean isWord(final byte b)
    {
        return WORD[b & 0xFF];
    }

    private static boolean equal(
        final byte[] a, final int aOffset, final int aLength, final byte[] b, final int bOffset, final int bLength)
    {
        if (aLength != bLength)
        {
            return false;
        }
        for (int i = 0; i < aLength; i++)
        {
            if (a[aOffset + i] != b[bOffset + i])
            {
                return false;
            }
        }
        return true;
    }

    /** Insertion step: the value added last moves before every shorter one. */
    private void sortLongestFirst()
    {
        for (int v = values - 1; v > 0 && valueLength[v] > valueLength[v - 1]; v--)
        {
            swap(valueOffset, v);
            swap(valueLength, v);
            swap(replacementOffset, v);
            swap(replacementLength, v);
        }
    }

    private static void swap(final int[] a, final int v)
    {
        final int t = a[v];
        a[v] = a[v - 1];
        a[v - 1] = t;
    }
}
