package dev.sluice.dataplane.decode.event.syslog;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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

    private final byte[] window = new byte[WINDOW_BYTES];
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
}
