package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The ring between the Netty event loops (many producers) and a dataplane worker (one consumer):
 * an Agrona {@link ManyToOneRingBuffer} over direct memory. Each record is one message: its type id
 * is the {@link EventFormat#typeId()} of the listener's format, or {@link #NDJSON_BATCH_TYPE_ID} for an
 * HTTP batch; its payload is an {@link IngestRecord} header followed by the message bytes.
 * <p>
 * Backpressure: a producer that finds no room parks a wake-up with {@link #awaitSpace}; the consumer
 * runs the wake-ups once at least {@link #resumeFreeBytes()} are free again, so a paused TCP connection
 * resumes without anyone spinning.
 * <p>
 * Producers: any thread ({@link #claim}, {@link #commit}, {@link #abort}, {@link #awaitSpace}).
 * Consumer: one thread ({@link #read}).
 */
public final class EventRing implements AutoCloseable
{
    /**
     * Type id of an NDJSON batch from the HTTP listener: the whole request body as one record, so the
     * batch is accepted all or nothing. {@link #read} splits it into lines and hands each non-blank
     * line to the handler as {@link EventFormat#JSON}, with {@link IngestRecord#FLAG_BATCH} set.
     * Above every {@link EventFormat} type id.
     */
    public static final int NDJSON_BATCH_TYPE_ID = 64;

    /** Default data capacity: 8 MiB. */
    public static final int CAPACITY_BYTES_DEFAULT = 8 * 1024 * 1024;

    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final Arena arena;
    private final MemorySegment segment;
    private final ManyToOneRingBuffer ringBuffer;
    private final int resumeFreeBytes;
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final IngestRecord readHeader = new IngestRecord();
    private final Dispatcher dispatcher = new Dispatcher();

    /**
     * @param capacityBytes data capacity, a power of two (the ring's trailer is added on top).
     */
    public EventRing(final int capacityBytes)
    {
        if (capacityBytes <= 0 || Integer.bitCount(capacityBytes) != 1)
        {
            throw new IllegalArgumentException(
                "ingest ring capacity must be a power of two bytes, e.g. 8388608 (8 MiB); got " + capacityBytes);
        }
        arena = Arena.ofShared();
        segment = arena.allocate(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH, 64);
        final ByteBuffer byteBuffer = segment.asByteBuffer();
        ringBuffer = new ManyToOneRingBuffer(new UnsafeBuffer(byteBuffer));
        resumeFreeBytes = capacityBytes / 2;
    }

    /**
     * @return the memory of the whole ring; record offsets from {@link #claim} index into it.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * @return the data capacity in bytes.
     */
    public int capacity()
    {
        return ringBuffer.capacity();
    }

    /**
     * @return the largest message, header excluded, one record can carry.
     */
    public int maxMessageLength()
    {
        return ringBuffer.maxMsgLength() - IngestRecord.HEADER_LENGTH;
    }

    /**
     * @return free bytes at which parked producers are woken: half the capacity, so a resumed
     * connection has room for many messages rather than one.
     */
    public int resumeFreeBytes()
    {
        return resumeFreeBytes;
    }

    /**
     * @return bytes currently held by records not yet read (approximate while producers write).
     */
    public int usedBytes()
    {
        return ringBuffer.size();
    }

    /**
     * Claims room for one record: header plus message. Any producer thread.
     *
     * @param typeId        an {@link EventFormat#typeId()} or {@link #NDJSON_BATCH_TYPE_ID}.
     * @param messageLength the message's length, at most {@link #maxMessageLength()}.
     * @return the offset in {@link #segment()} of the record's header, or -1 when the ring is full.
     */
    public int claim(final int typeId, final int messageLength)
    {
        final int index = ringBuffer.tryClaim(typeId, IngestRecord.HEADER_LENGTH + messageLength);
        return index > 0 ? index : -1;
    }

    /**
     * Publishes a claimed record to the consumer.
     *
     * @param recordOffset what {@link #claim} returned.
     */
    public void commit(final int recordOffset)
    {
        ringBuffer.commit(recordOffset);
    }

    /**
     * Gives a claimed record up; the consumer skips it.
     *
     * @param recordOffset what {@link #claim} returned.
     */
    public void abort(final int recordOffset)
    {
        ringBuffer.abort(recordOffset);
    }

    /**
     * Parks a wake-up until the consumer has freed {@link #resumeFreeBytes()}. Any producer thread;
     * the wake-up runs once, on the consumer's thread (or on the caller's, if room appeared meanwhile),
     * so it should only hand work to its own event loop.
     *
     * @param wakeUp run once when there is room again.
     */
    public void awaitSpace(final Runnable wakeUp)
    {
        waiters.add(wakeUp);
        // The consumer may have drained between the failed claim and the add: look again, or nobody wakes us.
        if (freeBytes() >= resumeFreeBytes)
        {
            wakeWaiters();
        }
    }

    /**
     * @return producers parked in {@link #awaitSpace} and not yet woken.
     */
    public int waitingProducers()
    {
        return waiters.size();
    }

    /**
     * Hands up to {@code limit} records to {@code handler}, an NDJSON batch as one call per line, then
     * wakes parked producers when there is room. Allocation-free. The consumer thread only.
     *
     * @param handler receives each message.
     * @param limit   the most records (not lines) to read.
     * @return records read.
     */
    public int read(final EventHandler handler, final int limit)
    {
        dispatcher.handler = handler;
        final int records = ringBuffer.read(dispatcher, limit);
        dispatcher.handler = null;
        if (!waiters.isEmpty() && freeBytes() >= resumeFreeBytes)
        {
            wakeWaiters();
        }
        return records;
    }

    private int freeBytes()
    {
        return ringBuffer.capacity() - ringBuffer.size();
    }

    private void wakeWaiters()
    {
        Runnable wakeUp;
        while ((wakeUp = waiters.poll()) != null)
        {
            wakeUp.run();
        }
    }

    /**
     * Releases the ring's memory. Call once no producer or consumer uses it any more.
     */
    @Override
    public void close()
    {
        waiters.clear();
        arena.close();
    }

    /** Agrona's handler: turns a ring record into {@link EventHandler} calls. */
    private final class Dispatcher implements MessageHandler
    {
        private EventHandler handler;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final IngestRecord header = readHeader.wrap(segment, index);
            final long messageOffset = index + IngestRecord.HEADER_LENGTH;
            final int messageLength = length - IngestRecord.HEADER_LENGTH;
            if (msgTypeId == NDJSON_BATCH_TYPE_ID)
            {
                onBatch(header, messageOffset, messageLength);
                return;
            }
            final EventFormat format = EventFormat.byTypeId(msgTypeId);
            if (format != null)
            {
                handler.onEvent(format, header, segment, messageOffset, messageLength);
            }
        }

        private void onBatch(final IngestRecord header, final long offset, final int length)
        {
            final long end = offset + length;
            long lineStart = offset;
            while (lineStart < end)
            {
                long lineEnd = lineStart;
                while (lineEnd < end && segment.get(ValueLayout.JAVA_BYTE, lineEnd) != LF)
                {
                    lineEnd++;
                }
                long contentEnd = lineEnd;
                if (contentEnd > lineStart && segment.get(ValueLayout.JAVA_BYTE, contentEnd - 1) == CR)
                {
                    contentEnd--;
                }
                if (!isBlank(lineStart, contentEnd))
                {
                    handler.onEvent(EventFormat.JSON, header, segment, lineStart, (int)(contentEnd - lineStart));
                }
                lineStart = lineEnd + 1;
            }
        }

        private boolean isBlank(final long start, final long end)
        {
            for (long i = start; i < end; i++)
            {
                final byte b = segment.get(ValueLayout.JAVA_BYTE, i);
                if (b != ' ' && b != '\t')
                {
                    return false;
                }
            }
            return true;
        }
    }
}
