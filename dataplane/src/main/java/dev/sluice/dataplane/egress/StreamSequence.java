package dev.sluice.dataplane.egress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The batch sequence of one (gateway, destination, worker) stream: starts at 1 and is never reused,
 * not even across restarts or a kill -9.
 * <p>
 * Making every sequence durable would cost an fsync per batch, so the stream reserves blocks:
 * before handing out a sequence beyond the reserved limit it durably raises the limit by
 * {@code reservationBlock}. A clean {@link #close()} records the exact last sequence, so the
 * next run continues without a hole; after a crash the next run starts above the old
 * reservation, and the regional core sees a gap rather than a reused number.
 * <p>
 * Raising the limit happens on the data path, so it allocates nothing: the file holds one
 * fixed-length record (numbers zero-padded to 19 digits) that is rewritten in place through a
 * channel kept open, then forced. {@link #open} replaces the whole file atomically (write a
 * temporary file, rename it over), which also rewrites a file in any older layout. A write torn
 * by power loss leaves a file that {@link #open} refuses with a clear error, never one that
 * reads as a lower number.
 * <p>
 * Owned by the single thread that encodes the stream's batches.
 */
public final class StreamSequence implements AutoCloseable
{
    public static final long RESERVATION_BLOCK_DEFAULT = 65_536;

    private static final String RESERVED_THROUGH = "reserved-through";
    private static final String LAST_USED = "last-used";
    private static final String CLEAN_CLOSE = "clean-close";

    /** Digits of each number in the record: enough for any positive long, so every record has one length. */
    private static final int NUMBER_DIGITS = 19;
    private static final byte[] LAST_USED_PREFIX = (LAST_USED + "=").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESERVED_THROUGH_PREFIX = (RESERVED_THROUGH + "=").getBytes(StandardCharsets.US_ASCII);
    /** A blank line pads "true" to the length of "false", so either record overwrites the other exactly. */
    private static final byte[] CLEAN_CLOSE_LINE = (CLEAN_CLOSE + "=true\n\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IN_USE_LINE = (CLEAN_CLOSE + "=false\n").getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_LENGTH = LAST_USED_PREFIX.length + NUMBER_DIGITS + 1 +
        RESERVED_THROUGH_PREFIX.length + NUMBER_DIGITS + 1 + IN_USE_LINE.length;

    private final Path file;
    private final long reservationBlock;
    private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD_LENGTH);
    private FileChannel channel;
    private long lastUsed;
    private long reservedThrough;

    private StreamSequence(final Path file, final long reservationBlock, final long lastUsed, final long reservedThrough)
    {
        this.file = file;
        this.reservationBlock = reservationBlock;
        this.lastUsed = lastUsed;
        this.reservedThrough = reservedThrough;
    }

    /**
     * Opens (or creates) the sequence file of a stream. The file is marked "in use" at once, so
     * that a crash from here on is recognised at the next open.
     */
    public static StreamSequence open(final Path file, final long reservationBlock)
    {
        if (reservationBlock < 1)
        {
            throw new IllegalArgumentException("reservationBlock must be >= 1: " + reservationBlock);
        }
        long lastUsed = 0;
        if (Files.exists(file))
        {
            final Properties stored = read(file);
            final long storedLastUsed = parse(file, stored, LAST_USED);
            final long storedReserved = parse(file, stored, RESERVED_THROUGH);
            final boolean clean = Boolean.parseBoolean(stored.getProperty(CLEAN_CLOSE, "false"));
            lastUsed = clean ? storedLastUsed : Math.max(storedLastUsed, storedReserved);
        }
        final StreamSequence sequence = new StreamSequence(file, reservationBlock, lastUsed, lastUsed);
        sequence.replaceFile();
        try
        {
            sequence.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open stream sequence file " + file + ": " + ex.getMessage(), ex);
        }
        return sequence;
    }

    /**
     * The sequence the next batch will carry, made durable (reserved) before it is returned,
     * so a batch can be encoded with it. It is used only once {@link #markUsed(long)} is
     * called, which lets a failed claim retry with the same number and leave no hole.
     */
    public long peekNext()
    {
        final long next = lastUsed + 1;
        if (next > reservedThrough)
        {
            reservedThrough = lastUsed + reservationBlock;
            rewrite(false);
        }
        return next;
    }

    /** Records that the batch carrying {@code sequence} (from {@link #peekNext()}) was committed. */
    public void markUsed(final long sequence)
    {
        if (sequence != lastUsed + 1)
        {
            throw new IllegalStateException("sequence " + sequence + " used out of order after " + lastUsed);
        }
        lastUsed = sequence;
    }

    /** The last sequence handed out, 0 when none. */
    public long lastUsed()
    {
        return lastUsed;
    }

    /** Records the exact last sequence, so the next run continues without a gap. Idempotent. */
    @Override
    public void close()
    {
        if (channel != null)
        {
            rewrite(true);
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot close stream sequence file " + file + ": " + ex.getMessage(), ex);
            }
            finally
            {
                channel = null;
            }
        }
    }

    /** Rewrites the record in place and forces it to the device; allocates nothing unless it fails. */
    private void rewrite(final boolean cleanClose)
    {
        final ByteBuffer record = format(cleanClose);
        try
        {
            while (record.hasRemaining())
            {
                channel.write(record, record.position());
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot store stream sequence in " + file + ": " + ex.getMessage(), ex);
        }
    }

    private ByteBuffer format(final boolean cleanClose)
    {
        final ByteBuffer record = this.record;
        record.clear();
        record.put(LAST_USED_PREFIX);
        putNumber(record, lastUsed);
        record.put(RESERVED_THROUGH_PREFIX);
        putNumber(record, reservedThrough);
        record.put(cleanClose ? CLEAN_CLOSE_LINE : IN_USE_LINE);
        return record.flip();
    }

    /** {@code value} as NUMBER_DIGITS zero-padded decimal digits and a newline. */
    private static void putNumber(final ByteBuffer record, final long value)
    {
        final int end = record.position() + NUMBER_DIGITS;
        long remaining = value;
        for (int i = end - 1; i >= end - NUMBER_DIGITS; i--)
        {
            record.put(i, (byte)('0' + remaining % 10));
            remaining /= 10;
        }
        record.position(end);
        record.put((byte)'\n');
    }

    /** Writes the record to a new file and renames it over the old one, so no reader sees a mixture. */
    private void replaceFile()
    {
        final ByteBuffer record = format(false);
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try
        {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel temporaryChannel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
            {
                while (record.hasRemaining())
                {
                    temporaryChannel.write(record);
                }
                temporaryChannel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot store stream sequence in " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static Properties read(final Path file)
    {
        final Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII))
        {
            properties.load(reader);
            return properties;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read stream sequence file " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static long parse(final Path file, final Properties properties, final String key)
    {
        // A missing or negative value is damage (a truncated or zeroed file), not "nothing used yet":
        // reading it as 0 would restart the stream at 1 and reuse numbers the regional cores have seen.
        final String value = properties.getProperty(key);
        long parsed = -1;
        NumberFormatException cause = null;
        try
        {
            parsed = value == null ? -1 : Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            cause = ex;
        }
        if (parsed < 0)
        {
            throw new IllegalStateException(
                file + ": '" + key + "' is " + (value == null ? "missing" : "not a non-negative number (" + value + ")") +
                "; the sequence cannot be recovered safely. " +
                "Set it above the last sequence the regional cores have seen, or remove the file to restart at 1.", cause);
        }
        return parsed;
    }
}
