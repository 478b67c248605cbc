package dev.sluice.regional;

import dev.sluice.regional.sink.DataKind;
import dev.sluice.regional.sink.Sink;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one {@link Sink} (Kafka) from the core's durable NDJSON recording rather than from the
 * frames as they arrive: the sink only ever sees records the core has forced to disk and
 * acknowledged, a batch it refuses (Kafka slow or down, its buffer full) is simply offered again
 * later, and after a crash the feed starts again from its cursor. The file never waits for the sink.
 * <p>
 * Two positions in the file: the <em>cursor</em>, before which the sink has delivered every record
 * (persisted with the core's state at each durability point), and the <em>read position</em>, up
 * to which records have been offered; the feed reads no further than the durable length the core
 * last recorded. Lines are grouped back into their batches (a batch's lines are contiguous: the
 * core writes a batch at once) by stream and sequence ({@link RecordingLine}) and offered a batch
 * at a time. Each offered batch waits in a queue until the sink reports its stream delivered up to
 * its sequence; the cursor then moves past it. A sink that restarts from the cursor is offered
 * again what it may already hold: each record carries its place in the file (its origin) so that
 * the sink can skip it ({@link Sink#appendRecord}).
 * <p>
 * A line that is not a record of the core's writer (the file damaged within its durable length) is
 * reported once, counted and skipped. Allocates nothing in the steady state.
 * <p>
 * The core's agent thread only.
 */
final class SinkFeed implements AutoCloseable
{
    private static final int QUEUE_CAPACITY = 1 << 16;
    private static final int BATCHES_PER_CYCLE = 256;
    private static final long REFUSED_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int INITIAL_LINES = 1024;
    private static final int MAX_BUFFER_LENGTH = 1 << 30;
    private static final DataKind[] KINDS = DataKind.values();

    private final Path file;
    private final Sink sink;
    private final StreamTable streams;
    private final RegionalCounters counters;
    private final ErrorHandler errorHandler;
    private ByteBuffer byteBuffer;
    private UnsafeBuffer buffer;
    private final RecordingLine line = new RecordingLine();

    /** Offered batches waiting for delivery, in file order. */
    private final int[] queuedStreams = new int[QUEUE_CAPACITY];
    private final long[] queuedSequences = new long[QUEUE_CAPACITY];
    private final long[] queuedEnds = new long[QUEUE_CAPACITY];
    private long queueHead;
    private long queueTail;

    /** Lines of the batch being offered: start in the buffer, kind ordinal. */
    private int[] lineStarts = new int[INITIAL_LINES];
    private int[] lineEnds = new int[INITIAL_LINES];
    private byte[] lineKinds = new byte[INITIAL_LINES];

    private FileChannel channel;
    /** File position of the buffer's first byte, and how many bytes it holds. */
    private long bufferPosition;
    private int bufferLimit;
    private long cursor;
    private volatile long publishedCursor;
    private long readPosition;
    private long durableLength;
    private long retryAtNs;
    private boolean reportedUnreadable;

    /**
     * @param file         the core's NDJSON recording.
     * @param bufferLength bytes read at a time; at least the largest batch's lines (the writer's buffer).
     * @param sink         the sink fed.
     * @param streams      the core's streams, by which the sink knows each record's stream.
     * @param cursor       where to start: the persisted cursor, or where the sink was added.
     * @param counters     the core's counters (unreadable lines).
     * @param errorHandler told once about unreadable lines and about read errors.
     */
    SinkFeed(
        final Path file,
        final int bufferLength,
        final Sink sink,
        final StreamTable streams,
        final long cursor,
        final RegionalCounters counters,
        final ErrorHandler errorHandler)
    {
        this.file = file;
        this.sink = sink;
        this.streams = streams;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.byteBuffer = ByteBuffer.allocateDirect(bufferLength);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.cursor = cursor;
        this.publishedCursor = cursor;
        this.readPosition = cursor;
        this.bufferPosition = cursor;
        this.durableLength = cursor;
    }

    /**
     * The core made the file durable up to here: the feed may offer records up to it.
     *
     * @param length the durable length recorded in the core's state.
     */
    void durableLength(final long length)
    {
        durableLength = Math.max(durableLength, length);
    }

    /**
     * @return where every record before has been delivered by the sink; persisted with the core's state.
     */
    long cursor()
    {
        return cursor;
    }

    /**
     * @return the cursor as last published for other threads (the counters file).
     */
    long publishedCursor()
    {
        return publishedCursor;
    }

    /**
     * @return true while durable records wait to be offered.
     */
    boolean hasUnoffered()
    {
        return readPosition < durableLength;
    }

    /**
     * @return the sink fed.
     */
    Sink sink()
    {
        return sink;
    }

    /**
     * Moves the cursor past delivered batches and offers the next ones.
     *
     * @param nowNs the duty cycle's time.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        int workCount = advanceCursor();
        if (nowNs - retryAtNs < 0)
        {
            return workCount;
        }

        for (int i = 0; i < BATCHES_PER_CYCLE && readPosition < durableLength && queueTail - queueHead < QUEUE_CAPACITY; i++)
        {
            final int offered = offerNextBatch(nowNs);
            if (offered <= 0)
            {
                break;
            }
            workCount++;
        }

        return workCount;
    }

    private int advanceCursor()
    {
        int advanced = 0;
        while (queueHead < queueTail)
        {
            final int index = (int)(queueHead & (QUEUE_CAPACITY - 1));
            final StreamState stream = streams.stream(queuedStreams[index]);
            if (sink.deliveredSequence(stream.sinkStream()) < queuedSequences[index])
            {
                break;
            }
            cursor = queuedEnds[index];
            queueHead++;
            advanced++;
        }
        if (queueHead == queueTail)
        {
            // Nothing in flight: skipped lines (unreadable) move the cursor too.
            cursor = Math.max(cursor, readPosition);
        }
        if (cursor != publishedCursor)
        {
            publishedCursor = cursor;
        }

        return advanced;
    }

    /**
     * Finds the batch at the read position and offers it.
     *
     * @return 1 when offered (or the buffer refilled, or unreadable bytes skipped), 0 when the sink
     * refused or no whole line is durable yet, -1 on a read error.
     */
    private int offerNextBatch(final long nowNs)
    {
        if (readPosition < bufferPosition || readPosition >= bufferPosition + bufferLimit)
        {
            return refill() ? 1 : -1;
        }

        final UnsafeBuffer buffer = this.buffer;
        final int first = (int)(readPosition - bufferPosition);
        int start = first;
        int lines = 0;
        long bytes = 0;
        StreamState stream = null;
        long sequence = 0;
        boolean complete = false;
        while (start < bufferLimit)
        {
            final int end = indexOfNewline(start);
            if (end < 0)
            {
                break;
            }
            if (!line.parse(buffer, start, end))
            {
                if (0 == lines)
                {
                    skipUnreadable(start, end + 1);
                    return 1;
                }
                complete = true;
                break;
            }
            final StreamState lineStream =
                streams.intern(line.key(), 0, StreamTable.GATEWAY_ID_LENGTH, line.workerIndex());
            if (0 == lines)
            {
                stream = lineStream;
                sequence = line.sequence();
            }
            else if (lineStream != stream || line.sequence() != sequence)
            {
                complete = true;
                break;
            }
            addLine(lines++, start, end, line.kind().ordinal());
            bytes += end - start;
            start = end + 1;
        }

        if (!complete && bufferPosition + start < durableLength)
        {
            // The batch may go on past what is buffered: read more (moving it to the front), or make
            // room for a batch larger than the buffer.
            if (first > 0 || (bufferPosition + bufferLimit < durableLength && bufferLimit < buffer.capacity()))
            {
                return refill() ? 1 : -1;
            }
            if (bufferLimit < buffer.capacity())
            {
                // Every durable byte is buffered and the last line has no newline yet.
                return 0;
            }
            if (buffer.capacity() >= MAX_BUFFER_LENGTH)
            {
                skipUnreadable(first, bufferLimit);
                return 1;
            }
            grow();
            return refill() ? 1 : -1;
        }
        if (0 == lines)
        {
            return 0;
        }

        if (!sink.offerBatch(stream.sinkStream(), sequence, lines, bytes))
        {
            retryAtNs = nowNs + REFUSED_PAUSE_NS;
            return 0;
        }
        for (int i = 0; i < lines; i++)
        {
            final int lineStart = lineStarts[i];
            sink.appendRecord(KINDS[lineKinds[i]], bufferPosition + lineStart, buffer, lineStart, lineEnds[i] - lineStart);
        }
        sink.commitBatch();

        final long end = bufferPosition + start;
        final int index = (int)(queueTail & (QUEUE_CAPACITY - 1));
        queuedStreams[index] = stream.sinkStream().id();
        queuedSequences[index] = sequence;
        queuedEnds[index] = end;
        queueTail++;
        readPosition = end;

        return 1;
    }

    /**
     * Keeps the buffered bytes from the read position on (moved to the front) and reads after them
     * as many as fit, up to the durable length.
     */
    private boolean refill()
    {
        if (readPosition < bufferPosition || readPosition >= bufferPosition + bufferLimit)
        {
            bufferPosition = readPosition;
            bufferLimit = 0;
        }
        else if (readPosition > bufferPosition)
        {
            final int kept = (int)(bufferPosition + bufferLimit - readPosition);
            buffer.putBytes(0, buffer, (int)(readPosition - bufferPosition), kept);
            bufferPosition = readPosition;
            bufferLimit = kept;
        }

        try
        {
            if (null == channel)
            {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            final long limit = Math.min(durableLength, bufferPosition + byteBuffer.capacity());
            while (bufferPosition + bufferLimit < limit)
            {
                byteBuffer.clear().position(bufferLimit).limit((int)(limit - bufferPosition));
                final int read = channel.read(byteBuffer, bufferPosition + bufferLimit);
                if (read < 0)
                {
                    throw new IOException("it ends at " + (bufferPosition + bufferLimit) +
                        ", before its durable length " + durableLength);
                }
                bufferLimit += read;
            }
            return true;
        }
        catch (final IOException ex)
        {
            errorHandler.onError(new IOException("the sink feed cannot read the recording " + file +
                "; it tries again in a second", ex));
            retryAtNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            return false;
        }
    }

    /** A batch larger than the buffer (never within the writer's bounds): double it, keeping its bytes. */
    private void grow()
    {
        final ByteBuffer grown = ByteBuffer.allocateDirect(byteBuffer.capacity() * 2);
        final UnsafeBuffer grownBuffer = new UnsafeBuffer(grown);
        grownBuffer.putBytes(0, buffer, 0, bufferLimit);
        byteBuffer = grown;
        buffer = grownBuffer;
    }

    private int indexOfNewline(final int from)
    {
        final UnsafeBuffer buffer = this.buffer;
        for (int i = from, limit = bufferLimit; i < limit; i++)
        {
            if ('\n' == buffer.getByte(i))
            {
                return i;
            }
        }

        return -1;
    }

    private void addLine(final int index, final int start, final int end, final int kind)
    {
        if (index == lineStarts.length)
        {
            lineStarts = Arrays.copyOf(lineStarts, index * 2);
            lineEnds = Arrays.copyOf(lineEnds, index * 2);
            lineKinds = Arrays.copyOf(lineKinds, index * 2);
        }
        lineStarts[index] = start;
        lineEnds[index] = end;
        lineKinds[index] = (byte)kind;
    }

    /** Skips bytes [start, end) of the buffer that are no record, reporting the first time. */
    private void skipUnreadable(final int start, final int end)
    {
        final long from = bufferPosition + start;
        readPosition = bufferPosition + Math.min(bufferLimit, end);
        counters.onSinkFeedUnreadable(readPosition - from);
        if (!reportedUnreadable)
        {
            reportedUnreadable = true;
            errorHandler.onError(new IOException("the recording " + file + " holds bytes at " + from +
                " that are no record of the core's writer; the sink skips them (counted sink_feed_unreadable)"));
        }
    }

    /**
     * Closes the file; the sink is closed by its owner.
     */
    public void close()
    {
        CloseHelper.quietClose(channel);
    }
}
