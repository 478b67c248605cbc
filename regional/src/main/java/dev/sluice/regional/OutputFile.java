package dev.sluice.regional;

import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One output file of a regional core: an off-heap buffer that writers render into, appended to the
 * file through a {@link FileChannel} held under an exclusive {@link FileLock}, so two cores cannot
 * interleave their output in one file.
 * <p>
 * A writer reserves room for a whole batch with {@link #ensureCapacity(long)}, renders at
 * {@link #limit()} into {@link #buffer()} and advances the limit with {@link #limit(int)}.
 * {@link #flush()} hands the bytes to the operating system (the page cache) without {@code fsync}:
 * a killed process loses only what was not yet flushed.
 * <p>
 * Agent thread only.
 */
final class OutputFile implements AutoCloseable
{
    /**
     * Largest buffer an output grows to for one batch.
     */
    static final int MAX_BUFFER_LENGTH = 1 << 30;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final RegionalCounters counters;
    private final RegionalCounter bytesCounter;
    private final ErrorHandler errorHandler;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private ByteBuffer byteBuffer;
    private int limit;
    private int writtenPosition;
    private boolean failing;
    private boolean closed;

    private OutputFile(
        final Path file,
        final FileChannel channel,
        final FileLock lock,
        final int bufferLength,
        final RegionalCounters counters,
        final RegionalCounter bytesCounter,
        final ErrorHandler errorHandler)
    {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.counters = counters;
        this.bytesCounter = bytesCounter;
        this.errorHandler = errorHandler;
        byteBuffer = ByteBuffer.allocateDirect(bufferLength);
        buffer.wrap(byteBuffer);
    }

    /**
     * Opens (creating if needed) a file for exclusive append, positioned at its end.
     *
     * @param file         the file.
     * @param bufferLength initial buffer length in bytes.
     * @param counters     where written bytes and errors are counted.
     * @param bytesCounter the total that counts this file's bytes.
     * @param errorHandler told about the first of a run of failed writes.
     * @return the output.
     * @throws IOException if the file cannot be opened or another writer holds it.
     */
    static OutputFile open(
        final Path file,
        final int bufferLength,
        final RegionalCounters counters,
        final RegionalCounter bytesCounter,
        final ErrorHandler errorHandler) throws IOException
    {
        final FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                throw new IOException("another regional core in this process is writing " + file, ex);
            }
            if (null == lock)
            {
                throw new IOException("another process is writing " + file);
            }
            channel.position(channel.size());

            return new OutputFile(file, channel, lock, bufferLength, counters, bytesCounter, errorHandler);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
    }

    Path file()
    {
        return file;
    }

    /**
     * The locked channel, for repairs a writer makes when it opens; never used once records flow.
     *
     * @return the channel.
     */
    FileChannel channel()
    {
        return channel;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Index in {@link #buffer()} where the next byte goes.
     *
     * @return the index.
     */
    int limit()
    {
        return limit;
    }

    /**
     * Marks the bytes up to an index as rendered.
     *
     * @param limit index after the last rendered byte.
     */
    void limit(final int limit)
    {
        this.limit = limit;
    }

    boolean hasPending()
    {
        return limit > writtenPosition;
    }

    /**
     * Makes room for a batch, flushing and, for a batch larger than the buffer, growing it.
     *
     * @param lengthBytes upper bound of the batch's bytes, at most {@link #MAX_BUFFER_LENGTH}.
     * @return false when the room cannot be made now because the file cannot be written.
     */
    boolean ensureCapacity(final long lengthBytes)
    {
        if (buffer.capacity() - limit >= lengthBytes)
        {
            return true;
        }

        if (!flush())
        {
            return false;
        }

        if (buffer.capacity() < lengthBytes)
        {
            // Rare: one batch larger than the whole buffer. Grow once; the old buffer is empty.
            byteBuffer = ByteBuffer.allocateDirect(BitUtil.findNextPositivePowerOfTwo((int)lengthBytes));
            buffer.wrap(byteBuffer);
        }

        return true;
    }

    /**
     * Writes every buffered byte to the file.
     *
     * @return true when the buffer is now empty, false when the write failed (counted; the first
     * failure of a run is reported) and the bytes stay buffered for the next attempt.
     */
    boolean flush()
    {
        if (limit == writtenPosition)
        {
            limit = 0;
            writtenPosition = 0;
            return true;
        }

        final ByteBuffer byteBuffer = this.byteBuffer;
        byteBuffer.limit(limit).position(writtenPosition);
        try
        {
            while (byteBuffer.hasRemaining())
            {
                channel.write(byteBuffer);
            }
            counters.onOutputWritten(bytesCounter, limit - writtenPosition);
            limit = 0;
            writtenPosition = 0;
            failing = false;

            return true;
        }
        catch (final IOException ex)
        {
            final int position = byteBuffer.position();
            counters.onOutputWritten(bytesCounter, position - writtenPosition);
            counters.onOutputError();
            writtenPosition = position;
            if (!failing)
            {
                failing = true;
                errorHandler.onError(new IOException("cannot write " + file, ex));
            }

            return false;
        }
    }

    /**
     * Forces what was written to the device ({@code fsync} of the data, not of the metadata
     * beyond the length): the step that makes records durable against a power loss before the core
     * acknowledges them.
     *
     * @return true when forced; false when the force failed (counted and reported once per run of
     * failures, like a write).
     */
    boolean force()
    {
        try
        {
            channel.force(false);
            return true;
        }
        catch (final IOException ex)
        {
            counters.onOutputError();
            if (!failing)
            {
                failing = true;
                errorHandler.onError(new IOException("cannot force " + file + " to the device", ex));
            }
            return false;
        }
    }

    /**
     * Bytes the file holds up to the last byte written: after a successful {@link #flush()} and
     * {@link #force()}, the file's durable length.
     *
     * @return the channel's position.
     */
    long writtenLength()
    {
        try
        {
            return channel.position();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Flushes what is buffered and releases the file. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                flush();
            }
            finally
            {
                CloseHelper.closeAll(errorHandler, lock, channel);
            }
        }
    }
}
