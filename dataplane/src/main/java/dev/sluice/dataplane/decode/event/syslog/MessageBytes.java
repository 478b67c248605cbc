package dev.sluice.dataplane.decode.event.syslog;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of the message being parsed. Its first {@value #WINDOW_BYTES} bytes (the header
 * and structured data of nearly every message) are copied once into a heap window, which the
 * parser reads byte by byte faster than through the segment's per-access bounds and liveness
 * checks (in {@code SyslogParseThroughput}, alternated on a nearly idle machine: 190-220
 * against 250-320 ns of CPU per RFC 5424 event, see perf/RESULTS.md); bytes past the window are read from the segment where they lie, and fields keep
 * offsets into the message, not into the window.
 * <p>
 * Shared by one {@link SyslogParser} and its {@link SyslogTimestamp}; one thread.
 */
final class MessageBytes
{
    /** How much of each message is copied: a header with long fields and a few SD elements fit. */
    static final int WINDOW_BYTES = 1024;

    private static final long NON_ASCII_MASK = 0x8080_8080_8080_8080L;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = NON_ASCII_MASK;
    /** The smallest printable US-ASCII byte ({@code !}), the RFC's PRINTUSASCII range starting there. */
    private static final long FIRST_PRINTABLE = '!' * ONES;
    private static final long DEL = 0x7F * ONES;
    private static final long EQUALS = '=' * ONES;
    private static final long CLOSE_BRACKET = ']' * ONES;
    private static final long QUOTE = '"' * ONES;
    private static final long BACKSLASH = '\\' * ONES;
    private static final VarHandle WINDOW_LONG =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Padded by a long so that 8 bytes can be read from any position inside the window; the
     * bytes past {@link #windowLength} (left over from earlier messages) are masked off.
     */
    private final byte[] window = new byte[WINDOW_BYTES + Long.BYTES];
    private int windowLength;
    private MemorySegment segment;
    private long base;

    /**
     * @param segment holds the message.
     * @param base    where it starts.
     * @param length  its length, inside the segment.
     */
    void wrap(final MemorySegment segment, final long base, final int length)
    {
        this.segment = segment;
        this.base = base;
        windowLength = Math.min(length, WINDOW_BYTES);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, base, window, 0, windowLength);
    }

    /**
     * @param position from the message's start, inside the message.
     * @return the byte there, sign-extended (bytes above 0x7F are negative).
     */
    int at(final int position)
    {
        return position < windowLength ? window[position] : segment.get(ValueLayout.JAVA_BYTE, base + position);
    }

    /**
     * @param position from the message's start; the 8 bytes from there must be inside the message.
     * @return true when all 8 are ASCII.
     */
    boolean asciiLong(final int position)
    {
        return (segment.get(ValueLayout.JAVA_LONG_UNALIGNED, base + position) & NON_ASCII_MASK) == 0;
    }

    /**
     * @param position from the message's start.
     * @param count    how many bytes from there.
     * @return true when those bytes are all in the window, so {@link #windowLong} may read them.
     */
    boolean inWindow(final int position, final int count)
    {
        return position + count <= windowLength;
    }

    /**
     * @param position from the message's start, inside the window.
     * @return the 8 bytes from there, the first in the lowest bits; those past the window are garbage.
     */
    long windowLong(final int position)
    {
        return (long)WINDOW_LONG.get(window, position);
    }

    /**
     * @param from where to start, from the message's start.
     * @param end  where to stop, at most the message's length.
     * @return the first position in [{@code from}, {@code end}) whose byte is not printable US-ASCII
     * ({@code !} to {@code ~}), or {@code end}.
     */
    int firstNonPrintable(final int from, final int end)
    {
        int p = from;
        final int limit = Math.min(end, windowLength);
        while (p < limit)
        {
            final long word = (long)WINDOW_LONG.get(window, p);
            final long found = inWindow(nonPrintable(word), limit - p);
            if (found != 0)
            {
                return p + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            p += Long.BYTES;
        }
        p = Math.max(from, Math.min(p, limit));
        while (p < end)
        {
            final int c = at(p);
            if (c < '!' || c > '~')
            {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * @param from where to start, from the message's start.
     * @param end  where to stop, at most the message's length.
     * @return the first position in [{@code from}, {@code end}) whose byte cannot be in an SD-NAME
     * (not printable US-ASCII, or one of {@code = ] "}), or {@code end}.
     */
    int sdNameEnd(final int from, final int end)
    {
        int p = from;
        final int limit = Math.min(end, windowLength);
        while (p < limit)
        {
            final long word = (long)WINDOW_LONG.get(window, p);
            final long stops = nonPrintable(word) | zeroBytes(word ^ EQUALS) | zeroBytes(word ^ CLOSE_BRACKET) |
                zeroBytes(word ^ QUOTE);
            final long found = inWindow(stops, limit - p);
            if (found != 0)
            {
                return p + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            p += Long.BYTES;
        }
        p = Math.max(from, Math.min(p, limit));
        while (p < end)
        {
            final int c = at(p);
            if (c < '!' || c > '~' || c == '=' || c == ']' || c == '"')
            {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * @param from where to start, from the message's start.
     * @param end  where to stop, at most the message's length.
     * @return the first position in [{@code from}, {@code end}) holding {@code " \ ]} (what ends or
     * escapes an SD-PARAM value, or is forbidden in it), or {@code end}.
     */
    int valueStop(final int from, final int end)
    {
        int p = from;
        final int limit = Math.min(end, windowLength);
        while (p < limit)
        {
            final long word = (long)WINDOW_LONG.get(window, p);
            final long stops = zeroBytes(word ^ QUOTE) | zeroBytes(word ^ BACKSLASH) | zeroBytes(word ^ CLOSE_BRACKET);
            final long found = inWindow(stops, limit - p);
            if (found != 0)
            {
                return p + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            p += Long.BYTES;
        }
        p = Math.max(from, Math.min(p, limit));
        while (p < end)
        {
            final int c = at(p);
            if (c == '"' || c == '\\' || c == ']')
            {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * The high bit of each byte of {@code word} that is zero. Exact for the lowest such byte, which is
     * all the scans use: a borrow can only flag bytes above a real zero.
     */
    private static long zeroBytes(final long word)
    {
        return (word - ONES) & ~word & HIGH_BITS;
    }

    /** The high bit of each byte below {@code !}, at or above 0x7F (lowest one exact, as {@link #zeroBytes}). */
    private static long nonPrintable(final long word)
    {
        return ((word - FIRST_PRINTABLE) & ~word & HIGH_BITS) | (word & HIGH_BITS) | zeroBytes(word ^ DEL);
    }

    /** {@code found} without the bytes at or past {@code remaining} (those past the message or the window). */
    private static long inWindow(final long found, final int remaining)
    {
        return remaining >= Long.BYTES ? found : found & ((1L << (remaining << 3)) - 1);
    }
}
