package dev.sluice.dataplane.classify;

import java.util.Arrays;

/**
 * A reusable {@link CharSequence} over ASCII bytes copied out of a packet (a DNS name, a TLS
 * server name), so the policy can compare text without a String per item. Valid until it is
 * filled again. Worker thread only.
 */
final class AsciiText implements CharSequence
{
    private final byte[] bytes;
    private int length;

    AsciiText(final int capacity)
    {
        bytes = new byte[capacity];
    }

    /** The array to copy into; call {@link #length(int)} with the number of bytes copied. */
    byte[] bytes()
    {
        return bytes;
    }

    AsciiText length(final int length)
    {
        this.length = Math.max(0, length);
        return this;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public char charAt(final int index)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException(index);
        }
        return (char)(bytes[index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return toString().subSequence(start, end);
    }

    @Override
    public String toString()
    {
        return new String(Arrays.copyOf(bytes, length), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
