package dev.sluice.spool;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.sluice.spool.SpoolLayout.ACK_CRC_COVERED_LENGTH;
import static dev.sluice.spool.SpoolLayout.ACK_CRC_OFFSET;
import static dev.sluice.spool.SpoolLayout.ACK_FILE_LENGTH;
import static dev.sluice.spool.SpoolLayout.ACK_GENERATION_OFFSET;
import static dev.sluice.spool.SpoolLayout.ACK_MAGIC;
import static dev.sluice.spool.SpoolLayout.ACK_MAGIC_OFFSET;
import static dev.sluice.spool.SpoolLayout.ACK_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.ACK_SLOT_LENGTH;
import static dev.sluice.spool.SpoolLayout.ACK_SLOT_OFFSETS;
import static dev.sluice.spool.SpoolLayout.BYTE_ORDER;

/**
 * The acknowledged sequence, kept across restarts in a small file of two checksummed slots
 * (layout in {@link SpoolLayout}). Each write goes to the slot not holding the newest value,
 * with the next generation, in place: one {@code pwrite} of 32 bytes, no file created or
 * renamed, so acknowledging allocates nothing. A write torn by a crash damages only the slot
 * being written, whose checksum then fails, and the other slot still holds the previous value.
 * <p>
 * The file is created at its full length when the spool opens, so a write never needs a new
 * block and cannot fail for a full disk.
 * <p>
 * The spool's owning thread.
 */
final class AckFile implements AutoCloseable
{
    private final FileChannel channel;
    private final ByteBuffer slot = ByteBuffer.allocateDirect(ACK_SLOT_LENGTH).order(BYTE_ORDER);
    private final UnsafeBuffer slotBuffer = new UnsafeBuffer(slot);
    private final RecordChecksum checksum = new RecordChecksum();
    private long generation;
    private long acknowledged;
    private boolean valid;
    private boolean empty;

    private AckFile(final FileChannel channel)
    {
        this.channel = channel;
    }

    /**
     * Opens the file, creating it filled with zeros when missing, and reads the newest valid slot.
     *
     * @param path the file.
     * @return the file, open.
     * @throws IOException when it cannot be read or created.
     */
    static AckFile open(final Path path) throws IOException
    {
        final FileChannel channel = FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            final AckFile file = new AckFile(channel);
            final ByteBuffer content = ByteBuffer.allocate(ACK_FILE_LENGTH);
            while (content.hasRemaining() && channel.read(content, content.position()) > 0)
            {
                // read until the end of the file or of the buffer
            }
            content.flip();
            file.parse(content);
            if (channel.size() < ACK_FILE_LENGTH)
            {
                final ByteBuffer zeros = ByteBuffer.allocate((int)(ACK_FILE_LENGTH - channel.size()));
                long position = channel.size();
                while (zeros.hasRemaining())
                {
                    position += channel.write(zeros, position);
                }
            }
            return file;
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /**
     * Reads the newest valid slot from a file's content. Untrusted bytes: any content ends in
     * a value or "none found", never an exception.
     *
     * @param content the file's bytes, position 0, limit the file's length (a heap buffer).
     */
    void parse(final ByteBuffer content)
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(content, 0, content.limit());
        generation = 0;
        acknowledged = 0;
        valid = false;
        empty = true;
        for (int i = 0; i < bytes.capacity(); i++)
        {
            if (0 != bytes.getByte(i))
            {
                empty = false;
                break;
            }
        }
        for (final int slotOffset : ACK_SLOT_OFFSETS)
        {
            if (slotOffset + ACK_SLOT_LENGTH > bytes.capacity())
            {
                continue;
            }
            final long slotGeneration = bytes.getLong(slotOffset + ACK_GENERATION_OFFSET, BYTE_ORDER);
            final long slotSequence = bytes.getLong(slotOffset + ACK_SEQUENCE_OFFSET, BYTE_ORDER);
            if (ACK_MAGIC == bytes.getLong(slotOffset + ACK_MAGIC_OFFSET, BYTE_ORDER) &&
                slotGeneration > 0 && slotSequence >= 0 &&
                bytes.getInt(slotOffset + ACK_CRC_OFFSET, BYTE_ORDER) ==
                    checksum.compute(content, slotOffset, ACK_CRC_COVERED_LENGTH) &&
                (!valid || slotGeneration > generation))
            {
                valid = true;
                generation = slotGeneration;
                acknowledged = slotSequence;
            }
        }
    }

    /**
     * @return the acknowledged sequence read or last written, 0 when none.
     */
    long acknowledged()
    {
        return acknowledged;
    }

    /**
     * @return true when the file held a valid slot at open, or one was written since.
     */
    boolean valid()
    {
        return valid;
    }

    /**
     * @return true when the file held only zeros (or nothing) at open: a new spool.
     */
    boolean empty()
    {
        return empty;
    }

    /**
     * Writes {@code sequence} to the other slot.
     *
     * @param sequence the acknowledged sequence.
     * @throws IOException when the write fails; the previous value stays readable.
     */
    void write(final long sequence) throws IOException
    {
        final long nextGeneration = generation + 1;
        slotBuffer.putLong(ACK_MAGIC_OFFSET, ACK_MAGIC, BYTE_ORDER);
        slotBuffer.putLong(ACK_GENERATION_OFFSET, nextGeneration, BYTE_ORDER);
        slotBuffer.putLong(ACK_SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        slotBuffer.putInt(ACK_CRC_OFFSET, checksum.compute(slot, 0, ACK_CRC_COVERED_LENGTH), BYTE_ORDER);
        slotBuffer.putInt(ACK_CRC_OFFSET + Integer.BYTES, 0, BYTE_ORDER);

        final long position = ACK_SLOT_OFFSETS[(int)(nextGeneration & 1)];
        slot.clear();
        while (slot.hasRemaining())
        {
            channel.write(slot, position + slot.position());
        }
        generation = nextGeneration;
        acknowledged = sequence;
        valid = true;
    }

    /**
     * Forces the file's content to the storage device.
     *
     * @throws IOException when the force fails.
     */
    void force() throws IOException
    {
        channel.force(false);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
