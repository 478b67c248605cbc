package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.residency.EventResidencyPlan;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The events an event worker has decided to forward and egress has not yet sent: each one's
 * kind, time and body (the text as received), the body with its addresses rewritten when some
 * destination needs that, and per destination whether it goes raw, transformed or not at all
 * ({@link EventResidencyPlan#RAW}, {@link EventResidencyPlan#TRANSFORM},
 * {@link EventResidencyPlan#BLOCK}). Bodies are copied here from the ingest ring (the ring's
 * memory is reused once a message is read), so the ring keeps flowing while egress waits on a
 * slow destination. Preallocated; worker thread only.
 * <p>
 * Filling: {@link #begin}, write the raw body at {@link #writeOffset()} then {@link #endRaw},
 * optionally the rewritten body then {@link #endTransformed}, then set {@link #delivery} and
 * {@link #commit}; an event not committed is forgotten by the next {@link #begin}.
 */
public final class EventBatch
{
    /** {@link #transformedOffset} of an event without a rewritten body. */
    public static final int NONE = -1;

    private final UnsafeBuffer bytes;
    private final MemorySegment segment;
    private final int maxEventBytes;
    private final int capacity;

    public final short[] kind;
    public final long[] timestampNs;
    public final int[] rawOffset;
    public final int[] rawLength;
    public final int[] transformedOffset;
    public final int[] transformedLength;
    /** [destination][event]: how the event may go there. */
    public final byte[][] delivery;

    private int count;
    private int writeOffset;

    /**
     * @param capacity      the most events held at once.
     * @param maxEventBytes the longest body an event has as received: a batch that has less room
     *                      left is full. Its rewritten body may not fit after it; the worker then
     *                      sends the batch and stages the event again into the empty area.
     * @param destinations  how many destinations each event is decided for.
     */
    public EventBatch(final int capacity, final int maxEventBytes, final int destinations)
    {
        this.capacity = capacity;
        this.maxEventBytes = maxEventBytes;
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(areaBytes(maxEventBytes), 64);
        bytes = new UnsafeBuffer(memory);
        segment = MemorySegment.ofBuffer(memory);
        kind = new short[capacity];
        timestampNs = new long[capacity];
        rawOffset = new int[capacity];
        rawLength = new int[capacity];
        transformedOffset = new int[capacity];
        transformedLength = new int[capacity];
        delivery = new byte[destinations][capacity];
    }

    /**
     * The staging area's size for events of at most {@code maxEventBytes} as received: four of
     * the largest (a rewrite makes a text at most a few times longer), and at least 1 MiB so a
     * batch of small events is large. A power of two.
     */
    public static int areaBytes(final int maxEventBytes)
    {
        return BitUtil.findNextPositivePowerOfTwo(Math.max(4 * maxEventBytes, 1 << 20));
    }

    /** True when no event is staged. */
    public boolean isEmpty()
    {
        return count == 0;
    }

    /** Events staged. */
    public int count()
    {
        return count;
    }

    /** True when another event of the largest size might not fit: send before staging more. */
    public boolean isFull()
    {
        return count == capacity || bytes.capacity() - writeOffset < maxEventBytes;
    }

    public UnsafeBuffer bytes()
    {
        return bytes;
    }

    /** The same memory as {@link #bytes()}, for copies from other segments. */
    public MemorySegment segment()
    {
        return segment;
    }

    /** Where the next body is written. */
    public int writeOffset()
    {
        return writeOffset;
    }

    /** The end of the room the next body may use. */
    public int writeLimit()
    {
        return bytes.capacity();
    }

    /** Starts staging an event; returns its index. Only when not {@link #isFull()}. */
    public int begin(final int eventKind, final long eventTimestampNs)
    {
        final int i = count;
        kind[i] = (short)eventKind;
        timestampNs[i] = eventTimestampNs;
        rawOffset[i] = writeOffset;
        rawLength[i] = 0;
        transformedOffset[i] = NONE;
        transformedLength[i] = 0;
        return i;
    }

    /** The raw body of event {@code i} is the {@code length} bytes written at {@link #writeOffset()}. */
    public void endRaw(final int i, final int length)
    {
        rawOffset[i] = writeOffset;
        rawLength[i] = length;
        writeOffset += length;
    }

    /** The rewritten body of event {@code i} is the {@code length} bytes written at {@link #writeOffset()}. */
    public void endTransformed(final int i, final int length)
    {
        transformedOffset[i] = writeOffset;
        transformedLength[i] = length;
        writeOffset += length;
    }

    /** Event {@code i}, begun last, is staged. */
    public void commit(final int i)
    {
        count = i + 1;
    }

    /** Forgets event {@code i}, begun last, and the bytes written for it. */
    public void abandon(final int i)
    {
        writeOffset = rawOffset[i];
    }

    /** Empties the batch once every destination has taken (or dropped) its events. */
    public void clear()
    {
        count = 0;
        writeOffset = 0;
    }

    /** The body offset of event {@code i} for a destination with {@code decision}. */
    public int bodyOffset(final int i, final byte decision)
    {
        return EventResidencyPlan.TRANSFORM == decision && transformedOffset[i] != NONE ? transformedOffset[i] : rawOffset[i];
    }

    /** The body length of event {@code i} for a destination with {@code decision}. */
    public int bodyLength(final int i, final byte decision)
    {
        return EventResidencyPlan.TRANSFORM == decision && transformedOffset[i] != NONE ? transformedLength[i] : rawLength[i];
    }
}
