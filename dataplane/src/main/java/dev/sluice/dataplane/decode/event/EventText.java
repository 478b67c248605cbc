package dev.sluice.dataplane.decode.event;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable text value a parser fills with a field's bytes after resolving escapes (a syslog
 * structured-data value, a CEF extension value, a JSON string), so the data path compares text
 * without a String per event.
 * <p>
 * As a {@link CharSequence} each byte is one char (ISO-8859-1 view): ASCII compares as
 * itself and a UTF-8 sequence compares byte for byte, which is what policy string tests over
 * UTF-8 input need. {@link #toString()} decodes UTF-8 for tools. Bytes beyond the capacity are
 * dropped and {@link #truncated()} says so. Valid until refilled; one thread.
 */
public final class EventText implements CharSequence
{
    private final byte[] bytes;
    private int length;
    private boolean truncated;

    /**
     * @param capacity the most bytes a value keeps.
     */
    public EventText(final int capacity)
    {
        bytes = new byte[capacity];
    }

    /** Empties the value before appending. */
    public EventText clear()
    {
        length = 0;
        truncated = false;
        return this;
    }

    /**
     * @param value one byte to append.
     */
    public void append(final byte value)
    {
        if (length < bytes.length)
        {
            bytes[length++] = value;
        }
        else
        {
            truncated = true;
        }
    }

    /**
     * Replaces the value with bytes copied from a segment.
     *
     * @param segment holds the bytes.
     * @param offset  where they start.
     * @param count   how many.
     * @return this.
     */
    public EventText set(final MemorySegment segment, final long offset, final int count)
    {
        clear();
        final int copied = Math.min(count, bytes.length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, bytes, 0, copied);
        length = copied;
        truncated = copied < count;
        return this;
    }

    /**
     * @return the array holding the value's bytes (its first {@link #length()} bytes); do not keep it.
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * @return true when the value was longer than the capacity and its tail was dropped.
     */
    public boolean truncated()
    {
        return truncated;
    }

    /**
     * @param other text to compare with, char by char.
     * @return true when both hold the same chars.
     */
    public boolean contentEquals(final CharSequence other)
    {
        if (other.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if ((bytes[i] & 0xFF) != other.charAt(i))
            {
                return false;
            }
        }
        return true;
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
        final EventText copy = new EventText(end - start);
        System.arraycopy(bytes, start, copy.bytes, 0, end - start);
        copy.length = end - start;
        return copy;
    }

    /** Decodes the bytes as UTF-8 (malformed sequences become U+FFFD): for tools, allocates. */
    @Override
    public String toString()
    {
        return new String(Arrays.copyOf(bytes, length), StandardCharsets.UTF_8);
    }
}
