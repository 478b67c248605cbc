package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The key and value ranges of one message's key=value pairs (a CEF extension, LEEF attributes),
 * built once per parse into preallocated arrays so that lookups by key read the message in place
 * and allocate nothing. Offsets are from the message's start; values are raw (escapes unresolved),
 * with a flag saying whether a value holds a backslash so that decoding can copy plain values in
 * one go. One thread.
 */
final class KeyValueIndex
{
    final int[] keyOffset;
    final int[] keyLength;
    final int[] valueOffset;
    final int[] valueLength;
    final boolean[] escaped;
    private int count;

    /**
     * @param capacity the most pairs one message may have.
     */
    KeyValueIndex(final int capacity)
    {
        keyOffset = new int[capacity];
        keyLength = new int[capacity];
        valueOffset = new int[capacity];
        valueLength = new int[capacity];
        escaped = new boolean[capacity];
    }

    void clear()
    {
        count = 0;
    }

    int count()
    {
        return count;
    }

    int capacity()
    {
        return keyOffset.length;
    }

    /**
     * @return false when the index is full (the pair is not added).
     */
    boolean add(final int keyAt, final int keyBytes, final int valueAt, final int valueBytes, final boolean hasEscape)
    {
        if (count == keyOffset.length)
        {
            return false;
        }
        keyOffset[count] = keyAt;
        keyLength[count] = keyBytes;
        valueOffset[count] = valueAt;
        valueLength[count] = valueBytes;
        escaped[count] = hasEscape;
        count++;
        return true;
    }

    /**
     * @param segment holds the message.
     * @param base    where the message starts in {@code segment}.
     * @param key     the key, compared byte for char (keys are ASCII).
     * @return the index of the first pair with that key, or -1.
     */
    /**
     * @param out receives pair {@code i}'s key, read in place.
     * @return {@code out}.
     */
    EventText key(final int i, final MemorySegment segment, final long base, final EventText out)
    {
        return out.set(segment, base + keyOffset[i], keyLength[i]);
    }

    /**
     * Reads the value of the first pair with {@code key} as an address into {@code address}; an
     * escaped value is never an address.
     *
     * @return 4 or 6 when the key is present and its whole value is an address, else 0.
     */
    int address(final MemorySegment segment, final long base, final CharSequence key, final AddressText address)
    {
        final int i = find(segment, base, key);
        if (i < 0 || escaped[i])
        {
            address.parse(segment, base, 0);
            return 0;
        }
        return address.parse(segment, base + valueOffset[i], valueLength[i]);
    }

    /**
     * A header field of CEF or LEEF with {@code \|} and {@code \\} resolved: both escape the
     * header's separator the same way.
     *
     * @return {@code out}.
     */
    static EventText pipeEscapedText(
        final MemorySegment segment, final long base, final int from, final int length, final EventText out)
    {
        out.clear();
        final int end = from + length;
        for (int i = from; i < end; i++)
        {
            byte b = segment.get(ValueLayout.JAVA_BYTE, base + i);
            if ('\\' == b && i + 1 < end)
            {
                final byte next = segment.get(ValueLayout.JAVA_BYTE, base + i + 1);
                if ('|' == next || '\\' == next)
                {
                    b = next;
                    i++;
                }
            }
            out.append(b);
        }
        return out;
    }

    int find(final MemorySegment segment, final long base, final CharSequence key)
    {
        final int keyChars = key.length();
        for (int i = 0; i < count; i++)
        {
            if (keyLength[i] == keyChars && keyEquals(segment, base + keyOffset[i], key, keyChars))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean keyEquals(final MemorySegment segment, final long at, final CharSequence key, final int chars)
    {
        for (int k = 0; k < chars; k++)
        {
            if ((segment.get(ValueLayout.JAVA_BYTE, at + k) & 0xFF) != key.charAt(k))
            {
                return false;
            }
        }
        return true;
    }
}
