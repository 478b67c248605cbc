package dev.sluice.regional;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The regional core's durable state: the durable length of each output file and each stream's last
 * durable sequence, written and forced after the files are forced and before the core
 * acknowledges. At a restart the core truncates its files to these lengths (the records after them
 * were never acknowledged: the gateways replay them) and starts each stream after its durable
 * sequence, so a replayed batch is a counted duplicate, never a second copy in the recording.
 * <p>
 * Two slots written in turn, each checksummed and numbered by a generation: a write torn by a power
 * loss damages only the slot being written, and {@link #open} takes the valid slot of the highest
 * generation. A write allocates nothing while the streams fit the slots; a new stream beyond their
 * capacity rewrites the file with larger slots (atomically: temporary file, force, rename).
 * <pre>
 *   file:  magic (int) | slot length (int) | slot 0 | slot 1
 *   slot:  0 crc32c of bytes [4, length) (int)
 *          4 length (int)
 *          8 generation (long)
 *         16 NDJSON file length (long)
 *         24 pcapng file length (long)
 *         32 stream count (int), 4 bytes padding
 *         40 entries of 64 bytes: stream key (50 bytes, as {@link StreamTable} builds it), padding,
 *            durable sequence (long) at 56
 * </pre>
 * Little-endian. A file of the first format (magic "SLS1": no sink cursor, entries at 40) is still
 * read, with no sink cursor. Agent thread only.
 */
final class CoreStateFile implements AutoCloseable
{
    static final int MAGIC = 0x534C5332; // "SLS2"
    static final int MAGIC_WITHOUT_SINK_CURSOR = 0x534C5331; // "SLS1"
    static final int FILE_HEADER_LENGTH = 8;
    static final int SLOT_HEADER_LENGTH = 48;
    private static final int SLOT_HEADER_LENGTH_WITHOUT_SINK_CURSOR = 40;
    /** The sink cursor of a state written without a sink, or by a core that had none. */
    static final long NO_SINK_CURSOR = -1;
    static final int ENTRY_LENGTH = 64;
    static final int ENTRY_SEQUENCE_OFFSET = 56;
    private static final int INITIAL_CAPACITY = 64;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** What a valid slot held; null fields when the file was new. */
    record Snapshot(
        long generation, long ndjsonLength, long pcapngLength, long sinkCursor, List<byte[]> keys, long[] sequences)
    {
    }

    private final Path file;
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private ByteBuffer slotBuffer;
    private final UnsafeBuffer slot = new UnsafeBuffer(0, 0);
    private int capacity;
    /** True when the next write replaces the whole file (new, or slots too small). */
    private boolean rewrite;
    private long generation;
    private final Snapshot recovered;

    private CoreStateFile(final Path file, final Snapshot recovered, final int capacity, final boolean rewrite)
        throws IOException
    {
        this.file = file;
        this.recovered = recovered;
        this.generation = null == recovered ? 0 : recovered.generation();
        allocate(capacity);
        if (rewrite)
        {
            this.rewrite = true;
        }
        else
        {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }

    /**
     * Opens the state file, reading the valid slot of the highest generation.
     *
     * @param file the state file; created when missing.
     * @return the open file; {@link #recovered()} says what it held.
     * @throws IOException if it cannot be read, or holds no valid slot (damaged beyond both slots).
     */
    static CoreStateFile open(final Path file) throws IOException
    {
        if (!Files.exists(file))
        {
            return new CoreStateFile(file, null, INITIAL_CAPACITY, true);
        }
        final byte[] bytes = Files.readAllBytes(file);
        final Snapshot snapshot = read(bytes);
        if (null == snapshot)
        {
            throw new IOException("the regional core's state file " + file + " holds no valid copy (both slots damaged);" +
                " move it away to start without dedupe state (replayed batches will then be recorded again)");
        }
        final ByteBuffer header = ByteBuffer.wrap(bytes).order(ORDER);
        final int capacity = Math.max(0, header.getInt(4) - SLOT_HEADER_LENGTH) / ENTRY_LENGTH;
        // A file of the first format is replaced by one of this format at the first write.
        return new CoreStateFile(
            file, snapshot, Math.max(capacity, snapshot.keys().size()), header.getInt(0) != MAGIC);
    }

    /**
     * Parses a state file's bytes: the valid slot of the highest generation, or null when there is none.
     * Never throws on bad input (the format is read back at recovery, so it is fuzzed).
     *
     * @param bytes the file.
     * @return the snapshot, or null.
     */
    static Snapshot read(final byte[] bytes)
    {
        if (bytes.length < FILE_HEADER_LENGTH)
        {
            return null;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ORDER);
        final int magic = buffer.getInt(0);
        if (magic != MAGIC && magic != MAGIC_WITHOUT_SINK_CURSOR)
        {
            return null;
        }
        final int headerLength = magic == MAGIC ? SLOT_HEADER_LENGTH : SLOT_HEADER_LENGTH_WITHOUT_SINK_CURSOR;
        final int slotLength = buffer.getInt(4);
        if (slotLength < headerLength || (slotLength - headerLength) % ENTRY_LENGTH != 0)
        {
            return null;
        }
        Snapshot best = null;
        for (int i = 0; i < 2; i++)
        {
            final long offset = FILE_HEADER_LENGTH + (long)i * slotLength;
            if (offset + headerLength > bytes.length)
            {
                continue;
            }
            final Snapshot candidate = readSlot(bytes, (int)offset, slotLength, headerLength);
            if (null != candidate && (null == best || candidate.generation() > best.generation()))
            {
                best = candidate;
            }
        }
        return best;
    }

    private static Snapshot readSlot(final byte[] bytes, final int offset, final int slotLength, final int headerLength)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ORDER);
        final int length = buffer.getInt(offset + 4);
        if (length < headerLength || length > slotLength || (long)offset + length > bytes.length)
        {
            return null;
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset + 4, length - 4);
        if ((int)crc.getValue() != buffer.getInt(offset))
        {
            return null;
        }
        final int count = buffer.getInt(offset + 32);
        if (count < 0 || headerLength + (long)count * ENTRY_LENGTH != length)
        {
            return null;
        }
        final List<byte[]> keys = new ArrayList<>(count);
        final long[] sequences = new long[count];
        for (int i = 0; i < count; i++)
        {
            final int entry = offset + headerLength + i * ENTRY_LENGTH;
            final byte[] key = new byte[StreamTable.KEY_LENGTH];
            System.arraycopy(bytes, entry, key, 0, key.length);
            keys.add(key);
            sequences[i] = buffer.getLong(entry + ENTRY_SEQUENCE_OFFSET);
        }
        final long sinkCursor = headerLength == SLOT_HEADER_LENGTH ? buffer.getLong(offset + 40) : NO_SINK_CURSOR;
        return new Snapshot(
            buffer.getLong(offset + 8),
            buffer.getLong(offset + 16),
            buffer.getLong(offset + 24),
            sinkCursor < 0 ? NO_SINK_CURSOR : sinkCursor,
            keys,
            sequences);
    }

    /**
     * @return what the file held at open; null when it was new.
     */
    Snapshot recovered()
    {
        return recovered;
    }

    /**
     * Writes the next generation into the older slot and forces it.
     *
     * @param ndjsonLength durable length of the NDJSON file.
     * @param pcapngLength durable length of the pcapng file.
     * @param streams      the streams; each one's {@link StreamState#durableSequence()} is written.
     * @param sinkCursor   how far the sink has delivered the NDJSON file, {@link #NO_SINK_CURSOR} without one.
     * @throws IOException if the write or the force fails; the other slot still holds the previous state.
     */
    void write(final long ndjsonLength, final long pcapngLength, final StreamTable streams, final long sinkCursor)
        throws IOException
    {
        final int count = streams.size();
        if (count > capacity)
        {
            allocate(Math.max(count, capacity * 2));
            rewrite = true;
        }
        final long next = generation + 1;
        final UnsafeBuffer slot = this.slot;
        final int length = SLOT_HEADER_LENGTH + count * ENTRY_LENGTH;
        slot.putInt(4, length, ORDER);
        slot.putLong(8, next, ORDER);
        slot.putLong(16, ndjsonLength, ORDER);
        slot.putLong(24, pcapngLength, ORDER);
        slot.putInt(32, count, ORDER);
        slot.putInt(36, 0, ORDER);
        slot.putLong(40, sinkCursor, ORDER);
        for (int i = 0; i < count; i++)
        {
            final StreamState stream = streams.stream(i);
            final int entry = SLOT_HEADER_LENGTH + i * ENTRY_LENGTH;
            slot.putBytes(entry, stream.key());
            slot.setMemory(entry + StreamTable.KEY_LENGTH, ENTRY_SEQUENCE_OFFSET - StreamTable.KEY_LENGTH, (byte)0);
            slot.putLong(entry + ENTRY_SEQUENCE_OFFSET, stream.durableSequence(), ORDER);
        }
        final ByteBuffer byteBuffer = slotBuffer;
        byteBuffer.clear().position(4).limit(length);
        crc.reset();
        crc.update(byteBuffer);
        slot.putInt(0, (int)crc.getValue(), ORDER);

        if (rewrite)
        {
            replaceFile(length);
            rewrite = false;
        }
        else
        {
            writeSlot(channel, FILE_HEADER_LENGTH + (next & 1) * (long)slotLength(), length);
            channel.force(false);
        }
        generation = next;
    }

    private int slotLength()
    {
        return SLOT_HEADER_LENGTH + capacity * ENTRY_LENGTH;
    }

    private void allocate(final int capacity)
    {
        this.capacity = capacity;
        slotBuffer = ByteBuffer.allocateDirect(slotLength()).order(ORDER);
        slot.wrap(slotBuffer);
    }

    private void writeSlot(final FileChannel out, final long position, final int length) throws IOException
    {
        final ByteBuffer byteBuffer = slotBuffer;
        byteBuffer.clear().limit(length);
        long written = 0;
        while (byteBuffer.hasRemaining())
        {
            written += out.write(byteBuffer, position + written);
        }
    }

    /**
     * Writes a whole new file holding the slot just built in both slots, forces it and renames it
     * over the old one: a crash leaves either file, each with a valid slot. Rare (a new file, or
     * more streams than the slots hold), so it may allocate.
     */
    private void replaceFile(final int length) throws IOException
    {
        CloseHelper.quietClose(channel);
        channel = null;
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ORDER);
            header.putInt(MAGIC).putInt(slotLength()).flip();
            while (header.hasRemaining())
            {
                out.write(header);
            }
            writeSlot(out, FILE_HEADER_LENGTH, length);
            writeSlot(out, FILE_HEADER_LENGTH + (long)slotLength(), length);
            out.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    Path file()
    {
        return file;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(channel);
    }
}
