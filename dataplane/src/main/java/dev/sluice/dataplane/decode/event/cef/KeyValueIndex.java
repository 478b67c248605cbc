package dev.sluice.dataplane.decode.event.cef;

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
