package dev.sluice.spool;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static dev.sluice.spool.SpoolLayout.BYTE_ORDER;
import static dev.sluice.spool.SpoolLayout.FORMAT_VERSION;
import static dev.sluice.spool.SpoolLayout.RECORD_CRC_OFFSET;
import static dev.sluice.spool.SpoolLayout.RECORD_FRAME_LENGTH_OFFSET;
import static dev.sluice.spool.SpoolLayout.RECORD_HEADER_LENGTH;
import static dev.sluice.spool.SpoolLayout.RECORD_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_CRC_COVERED_LENGTH;
import static dev.sluice.spool.SpoolLayout.SEGMENT_CRC_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_FIRST_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_HEADER_LENGTH;
import static dev.sluice.spool.SpoolLayout.SEGMENT_LENGTH_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_MAGIC;
import static dev.sluice.spool.SpoolLayout.SEGMENT_MAGIC_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_VERSION_OFFSET;

/**
 * One segment file, mapped whole: its records are written and read in place. Records between
 * {@link SpoolLayout#SEGMENT_HEADER_LENGTH} and {@link #appendPosition()} are valid, with
 * sequences {@link #firstSequence} to {@link #lastSequence()}, contiguous.
 * <p>
 * The spool's owning thread.
 */
final class Segment
{
    private static final byte[] NO_BYTES = new byte[0];

    final Path path;
    final long firstSequence;
    final int length;
    private final MappedByteBuffer mapped;
    private final ByteBuffer checksumView;
    private final UnsafeBuffer buffer;
    private int appendPosition;
    private int records;
    private int syncedPosition;
    private int recoveredDataEnd;
    private boolean writable;
    private boolean closed;

    private Segment(
        final Path path,
        final long firstSequence,
        final int length,
        final MappedByteBuffer mapped,
        final int appendPosition,
        final int records,
        final boolean writable)
    {
        this.path = path;
        this.firstSequence = firstSequence;
        this.length = length;
        this.mapped = mapped;
        this.checksumView = mapped.duplicate();
        this.buffer = new UnsafeBuffer(mapped);
        this.appendPosition = appendPosition;
        this.records = records;
        this.syncedPosition = appendPosition;
        this.writable = writable;
    }

    /**
     * Creates a segment file: allocated, mapped, header written, then renamed from a temporary
     * name to its own, so a segment file with its final name always has its header.
     *
     * @param directory     the spool's directory.
     * @param firstSequence sequence its first record will have.
     * @param length        file length.
     * @param sync          force the header and the directory entry to the device.
     * @param checksum      scratch checksum.
     * @return the segment, writable and empty.
     * @throws IOException when the file cannot be created or its blocks allocated (a full file
     *                     system); nothing is left behind.
     */
    static Segment create(
        final Path directory,
        final long firstSequence,
        final int length,
        final boolean sync,
        final RecordChecksum checksum) throws IOException
    {
        final String name = SpoolLayout.segmentFileName(firstSequence);
        final Path temporary = directory.resolve(name + SpoolLayout.TEMPORARY_SUFFIX);
        final Path path = directory.resolve(name);
        if (Files.exists(path))
        {
            // rename(2) would replace it: a segment's records are never overwritten by a new one.
            throw new IOException("segment " + path + " already exists");
        }
        MappedByteBuffer mapped = null;
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                FileAllocator.allocate(temporary, channel, length);
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            }
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, SEGMENT_HEADER_LENGTH);
            header.putLong(SEGMENT_MAGIC_OFFSET, SEGMENT_MAGIC, BYTE_ORDER);
            header.putInt(SEGMENT_VERSION_OFFSET, FORMAT_VERSION, BYTE_ORDER);
            header.putInt(SEGMENT_LENGTH_OFFSET, length, BYTE_ORDER);
            header.putLong(SEGMENT_FIRST_SEQUENCE_OFFSET, firstSequence, BYTE_ORDER);
            header.putInt(SEGMENT_CRC_OFFSET, checksum.compute(mapped.duplicate(), 0, SEGMENT_CRC_COVERED_LENGTH), BYTE_ORDER);
            if (sync)
            {
                mapped.force(0, SEGMENT_HEADER_LENGTH);
            }
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
            if (sync)
            {
                forceDirectory(directory);
            }
            return new Segment(path, firstSequence, length, mapped, SEGMENT_HEADER_LENGTH, 0, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (null != mapped)
            {
                IoUtil.unmap(mapped);
            }
            try
            {
                Files.deleteIfExists(temporary);
            }
            catch (final IOException deleteEx)
            {
                ex.addSuppressed(deleteEx);
            }
            throw ex;
        }
    }

    /**
     * A segment found by recovery.
     *
     * @param path           its file.
     * @param mapped         the file's mapping, at least {@code length} bytes when writable.
     * @param scan           what the scanner found.
     * @param writable       whether records may be appended after the valid prefix.
     * @return the segment.
     */
    static Segment recovered(final Path path, final MappedByteBuffer mapped, final SegmentScan scan, final boolean writable)
    {
        final Segment segment =
            new Segment(path, scan.firstSequence, scan.declaredLength, mapped, scan.validEnd, scan.records, writable);
        segment.recoveredDataEnd = scan.dataEnd;
        return segment;
    }

    /**
     * Makes a recovered segment the one appended to: its bytes after the valid prefix are zeroed
     * (the discarded tail), and it is writable when its file has its full length.
     *
     * @return true when it is writable.
     */
    boolean reopenForAppend()
    {
        zero(appendPosition, recoveredDataEnd);
        recoveredDataEnd = appendPosition;
        writable = mapped.capacity() >= length;
        return writable;
    }

    /**
     * Forces every valid record to the device, recovered ones included (after a kill -9 they
     * may still be only in the page cache).
     */
    void forceAll()
    {
        mapped.force(0, appendPosition);
        syncedPosition = appendPosition;
    }

    /**
     * Forces a directory's entries (a created, renamed or deleted file) to the device.
     *
     * @param directory the directory.
     * @throws IOException when it fails.
     */
    static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /**
     * @return sequence of the last record, {@code firstSequence - 1} when empty.
     */
    long lastSequence()
    {
        return firstSequence + records - 1;
    }

    int records()
    {
        return records;
    }

    int appendPosition()
    {
        return appendPosition;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * @param sequence      sequence the record would have.
     * @param alignedLength the record's aligned frame length.
     * @return true when the record can go next in this segment.
     */
    boolean canAppend(final long sequence, final int alignedLength)
    {
        return writable && sequence == firstSequence + records && alignedLength <= length - appendPosition;
    }

    /**
     * Writes a record after the last one. {@link #canAppend} must have said yes.
     *
     * @param sequence the record's sequence.
     * @param source   payload bytes.
     * @param offset   where they start.
     * @param payloadLength how many.
     * @param checksum scratch checksum.
     */
    void append(
        final long sequence,
        final DirectBuffer source,
        final int offset,
        final int payloadLength,
        final RecordChecksum checksum)
    {
        final int position = appendPosition;
        final int frameLength = RECORD_HEADER_LENGTH + payloadLength;
        buffer.putBytes(position + RECORD_HEADER_LENGTH, source, offset, payloadLength);
        buffer.putInt(position + RECORD_FRAME_LENGTH_OFFSET, frameLength, BYTE_ORDER);
        buffer.putLong(position + RECORD_SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putInt(position + RECORD_CRC_OFFSET,
            checksum.compute(checksumView, position + RECORD_FRAME_LENGTH_OFFSET, frameLength - RECORD_FRAME_LENGTH_OFFSET),
            BYTE_ORDER);
        appendPosition = position + SpoolLayout.align(frameLength);
        records++;
    }

    /**
     * Offset of the first record whose sequence is at or above {@code sequence}, or
     * {@link #appendPosition()} when there is none: hops from header to header.
     *
     * @param sequence the sequence looked for.
     * @return an offset of a record or the append position.
     */
    int offsetOf(final long sequence)
    {
        if (sequence <= firstSequence)
        {
            return SEGMENT_HEADER_LENGTH;
        }
        int offset = SEGMENT_HEADER_LENGTH;
        long current = firstSequence;
        while (offset < appendPosition && current < sequence)
        {
            offset += SpoolLayout.align(buffer.getInt(offset + RECORD_FRAME_LENGTH_OFFSET, BYTE_ORDER));
            current++;
        }
        return offset;
    }

    /**
     * @return true when records were appended since the last {@link #force()}.
     */
    boolean hasUnsynced()
    {
        return syncedPosition < appendPosition;
    }

    /**
     * Forces the records appended since the last force to the device (msync of their pages).
     *
     * @throws java.io.UncheckedIOException when msync fails.
     */
    void force()
    {
        if (syncedPosition < appendPosition)
        {
            mapped.force(syncedPosition, appendPosition - syncedPosition);
            syncedPosition = appendPosition;
        }
    }

    /**
     * Zeros {@code [from, to)}: the discarded tail after the valid prefix, so later appends and
     * recoveries see a clean end.
     */
    void zero(final int from, final int to)
    {
        if (to > from)
        {
            buffer.setMemory(from, to - from, (byte)0);
            mapped.force(from, to - from);
        }
    }

    /**
     * No more appends go here.
     */
    void seal()
    {
        writable = false;
    }

    /**
     * Unmaps the file. Records read from it before are no longer accessible.
     */
    void close()
    {
        if (!closed)
        {
            closed = true;
            writable = false;
            // A stray read after unmapping then fails a bounds check instead of crashing the JVM.
            buffer.wrap(NO_BYTES);
            IoUtil.unmap(mapped);
        }
    }

    @Override
    public String toString()
    {
        return path.getFileName() + "[" + firstSequence + ".." + lastSequence() + ", " + appendPosition + "/" + length + "]";
    }
}
