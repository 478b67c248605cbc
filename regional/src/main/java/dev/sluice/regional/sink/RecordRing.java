package dev.sluice.regional.sink;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records a sink holds from the moment the caller offers them until they are delivered: an
 * off-heap byte ring with one writer (the caller's thread) and one reader (the sink's thread).
 * Unlike a queue, reading does not free an entry; the reader frees entries in order with
 * {@link #release(long)} once they are delivered, so a record can be sent again after a failure
 * and the ring's capacity bounds everything not yet delivered.
 * <p>
 * The writer reserves room for a whole batch ({@link #tryReserve}), appends its entries and
 * publishes them together with {@link #commit()}; the reader sees only whole batches.
 * <p>
 * An entry, 8-byte aligned; positions grow for ever and are masked into the buffer. Each header
 * field is naturally aligned, so none straddles the end of the buffer; the record bytes may wrap.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     record length (bytes)                     |
 *  +---------------------------------------------------------------+
 *  |             data kind ordinal, -1 for a batch marker          |
 *  +---------------------------------------------------------------+
 *  |                        batch sequence                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          stream id                            |
 *  +---------------------------------------------------------------+
 *  |                  flags (1: last entry of batch)               |
 *  +---------------------------------------------------------------+
 *  |              origin (the record's place in the core's log)    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  record bytes, padded to 8 ...                |
 *  +---------------------------------------------------------------+
 * </pre>
 * Writer methods on the caller's thread only, reader methods on the sink's thread only.
 */
final class RecordRing
{
    static final int HEADER_LENGTH = 32;
    static final int ALIGNMENT = 8;
    static final int LAST_OF_BATCH = 1;

    /**
     * Kind of an entry that carries no record: it stands for a batch whose records are not sent
     * (an empty batch), so that its sequence is delivered in its turn.
     */
    static final int NO_KIND = -1;

    /**
     * Smallest capacity accepted.
     */
    static final int MIN_CAPACITY = 4096;

    private static final int LENGTH_OFFSET = 0;
    private static final int KIND_OFFSET = 4;
    private static final int SEQUENCE_OFFSET = 8;
    private static final int STREAM_OFFSET = 16;
    private static final int FLAGS_OFFSET = 20;
    private static final int ORIGIN_OFFSET = 24;

    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final AtomicLong headPosition = new AtomicLong();
    private final AtomicLong tailPosition = new AtomicLong();

    private long writePosition;
    private long lastEntryPosition = -1;
    private long cachedHeadPosition;

    /**
     * @param capacity bytes, a power of two of at least {@link #MIN_CAPACITY}.
     */
    RecordRing(final int capacity)
    {
        if (!BitUtil.isPowerOfTwo(capacity) || capacity < MIN_CAPACITY)
        {
            throw new IllegalArgumentException(
                "ring capacity must be a power of two of at least " + MIN_CAPACITY + ", was " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
    }

    int capacity()
    {
        return capacity;
    }

    /**
     * Bytes an entry takes for a record of a length, header and padding included.
     *
     * @param recordLength record bytes.
     * @return entry bytes.
     */
    static int entryLength(final int recordLength)
    {
        return BitUtil.align(HEADER_LENGTH + recordLength, ALIGNMENT);
    }

    /**
     * Most bytes the entries of a batch can take.
     *
     * @param recordCount records of the batch.
     * @param lengthBound most bytes of its records together.
     * @return bytes to reserve; a batch of no records still takes one marker entry.
     */
    static long batchLengthBound(final int recordCount, final long lengthBound)
    {
        return 0 == recordCount ? HEADER_LENGTH : (long)recordCount * (HEADER_LENGTH + ALIGNMENT - 1) + lengthBound;
    }

    // ---------------------------------------------------------------- writer (the caller's thread)

    /**
     * Is there room for this many more bytes of entries after those appended so far?
     *
     * @param length bytes to fit.
     * @return true when they fit now; room only grows until the writer appends.
     */
    boolean tryReserve(final long length)
    {
        if (capacity - (writePosition - cachedHeadPosition) >= length)
        {
            return true;
        }
        cachedHeadPosition = headPosition.getAcquire();

        return capacity - (writePosition - cachedHeadPosition) >= length;
    }

    /**
     * Appends an entry, unpublished until {@link #commit()}. Room must have been reserved.
     *
     * @param streamId the stream's id.
     * @param sequence the batch's sequence.
     * @param kind     the record's {@link DataKind} ordinal, or {@link #NO_KIND}.
     * @param origin   the record's place in the caller's log ({@link Sink#appendRecord}).
     * @param src      holding the record.
     * @param offset   of the record in src.
     * @param length   of the record.
     */
    void append(
        final int streamId,
        final long sequence,
        final int kind,
        final long origin,
        final DirectBuffer src,
        final int offset,
        final int length)
    {
        final UnsafeBuffer buffer = this.buffer;
        final long position = writePosition;
        buffer.putInt(index(position + LENGTH_OFFSET), length);
        buffer.putInt(index(position + KIND_OFFSET), kind);
        buffer.putLong(index(position + SEQUENCE_OFFSET), sequence);
        buffer.putInt(index(position + STREAM_OFFSET), streamId);
        buffer.putInt(index(position + FLAGS_OFFSET), 0);
        buffer.putLong(index(position + ORIGIN_OFFSET), origin);

        if (length > 0)
        {
            final int start = index(position + HEADER_LENGTH);
            final int first = Math.min(length, capacity - start);
            buffer.putBytes(start, src, offset, first);
            if (first < length)
            {
                buffer.putBytes(0, src, offset + first, length - first);
            }
        }

        lastEntryPosition = position;
        writePosition = position + entryLength(length);
    }

    /**
     * Appends an entry with no record, standing for a batch none of whose records is sent.
     *
     * @param streamId the stream's id.
     * @param sequence the batch's sequence.
     */
    void appendMarker(final int streamId, final long sequence)
    {
        append(streamId, sequence, NO_KIND, -1, buffer, 0, 0);
    }

    /**
     * Has an entry been appended since the last commit?
     *
     * @return true when the open batch has an entry.
     */
    boolean hasUncommitted()
    {
        return writePosition != tailPosition.getPlain();
    }

    /**
     * Marks the last entry appended as the end of its batch and publishes every entry appended
     * since the last commit to the reader.
     */
    void commit()
    {
        buffer.putInt(index(lastEntryPosition + FLAGS_OFFSET), LAST_OF_BATCH);
        tailPosition.setRelease(writePosition);
    }

    // ---------------------------------------------------------------- reader (the sink's thread)

    /**
     * Position after the last committed entry.
     *
     * @return the tail position.
     */
    long tail()
    {
        return tailPosition.getAcquire();
    }

    int recordLength(final long position)
    {
        return buffer.getInt(index(position + LENGTH_OFFSET));
    }

    int kind(final long position)
    {
        return buffer.getInt(index(position + KIND_OFFSET));
    }

    long sequence(final long position)
    {
        return buffer.getLong(index(position + SEQUENCE_OFFSET));
    }

    int streamId(final long position)
    {
        return buffer.getInt(index(position + STREAM_OFFSET));
    }

    long origin(final long position)
    {
        return buffer.getLong(index(position + ORIGIN_OFFSET));
    }

    boolean isLastOfBatch(final long position)
    {
        return 0 != (buffer.getInt(index(position + FLAGS_OFFSET)) & LAST_OF_BATCH);
    }

    /**
     * Bytes the entry at a position takes.
     *
     * @param position of a committed entry.
     * @return its length with header and padding.
     */
    int entryLengthAt(final long position)
    {
        return entryLength(recordLength(position));
    }

    /**
     * Copies an entry's record out.
     *
     * @param position of a committed entry.
     * @param dst      at least {@link #recordLength} long.
     */
    void copyRecord(final long position, final byte[] dst)
    {
        final int length = recordLength(position);
        final int start = index(position + HEADER_LENGTH);
        final int first = Math.min(length, capacity - start);
        buffer.getBytes(start, dst, 0, first);
        if (first < length)
        {
            buffer.getBytes(0, dst, first, length - first);
        }
    }

    /**
     * Frees every entry before a position for the writer.
     *
     * @param position the new head: the position after the last delivered entry.
     */
    void release(final long position)
    {
        headPosition.setRelease(position);
    }

    private int index(final long position)
    {
        return (int)position & mask;
    }
}
