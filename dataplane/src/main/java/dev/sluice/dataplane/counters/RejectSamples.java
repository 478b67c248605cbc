package dev.sluice.dataplane.counters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded sample of the messages a worker rejected, kept for operators to inspect: the last
 * {@link #SLOTS} rejections, each with its reason, the byte offset where parsing stopped and up to
 * {@link #SAMPLE_BYTES} bytes of the message. Recording copies into preallocated arrays (no
 * allocation); the worker records, any thread reads (both under this object's monitor, which only
 * rejections and readers take, so the accepted path never touches it).
 */
public final class RejectSamples
{
    /** Rejections kept; older ones are overwritten. */
    public static final int SLOTS = 32;
    /** Bytes of each rejected message kept. */
    public static final int SAMPLE_BYTES = 256;

    private final String[] reasons = new String[SLOTS];
    private final int[] positions = new int[SLOTS];
    private final int[] lengths = new int[SLOTS];
    private final long[] receivedNs = new long[SLOTS];
    private final byte[][] bytes = new byte[SLOTS][SAMPLE_BYTES];
    private final int[] kept = new int[SLOTS];
    private long recorded;

    /**
     * @param reason   {@code <format>:<reason>}.
     * @param position where parsing stopped, from the message's start.
     */
    public synchronized void record(
        final String reason,
        final int position,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receivedAtNs)
    {
        final int slot = (int)(recorded++ % SLOTS);
        reasons[slot] = reason;
        positions[slot] = position;
        lengths[slot] = length;
        receivedNs[slot] = receivedAtNs;
        final int keep = Math.min(length, SAMPLE_BYTES);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, bytes[slot], 0, keep);
        kept[slot] = keep;
    }

    /** Rejections recorded since start (not only those still kept). */
    public synchronized long recorded()
    {
        return recorded;
    }

    /** The rejections still kept, oldest first. Any thread; allocates. */
    public synchronized List<Sample> samples()
    {
        final int count = (int)Math.min(recorded, SLOTS);
        final List<Sample> samples = new ArrayList<>(count);
        for (long n = recorded - count; n < recorded; n++)
        {
            final int slot = (int)(n % SLOTS);
            samples.add(new Sample(reasons[slot], positions[slot], lengths[slot], receivedNs[slot],
                printable(bytes[slot], kept[slot])));
        }
        return samples;
    }

    /** The bytes as text an operator can read: printable ASCII as is, anything else as {@code \xNN}. */
    private static String printable(final byte[] data, final int length)
    {
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final int b = data[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\')
            {
                text.append((char)b);
            }
            else
            {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.toString();
    }

    /**
     * One rejected message.
     *
     * @param reason     {@code <format>:<reason>}.
     * @param position   the byte offset where parsing stopped.
     * @param length     the message's whole length.
     * @param receivedNs when ingest received it, epoch nanoseconds.
     * @param text       its first {@link #SAMPLE_BYTES} bytes, non-printable bytes as {@code \xNN}.
     */
    public record Sample(String reason, int position, int length, long receivedNs, String text)
    {
        @Override
        public String toString()
        {
            return reason + " at byte " + position + " of " + length + ": " + text;
        }
    }
}
