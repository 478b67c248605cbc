package dev.sluice.regional;

import dev.sluice.regional.sink.OriginCheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a sink reading back what it delivered whether a record is one of this core's: the NDJSON
 * recording holds exactly its bytes at its origin, followed by the line's newline.
 * <p>
 * Opens the file for each question (it is asked only while a sink reads back, at start and before
 * a resend); positional reads make it safe on the sink's thread while the core writes.
 */
final class RecordingOriginCheck implements OriginCheck
{
    private final Path file;

    RecordingOriginCheck(final Path file)
    {
        this.file = file;
    }

    /**
     * {@inheritDoc}
     */
    public boolean holds(final long origin, final byte[] record, final int length)
    {
        if (origin < 0 || !Files.exists(file))
        {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer line = ByteBuffer.allocate(length + 1);
            while (line.hasRemaining())
            {
                if (channel.read(line, origin + line.position()) < 0)
                {
                    return false;
                }
            }
            return '\n' == line.get(length) && line.flip().limit(length).equals(ByteBuffer.wrap(record, 0, length));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the recording " + file + " to check a record read back", ex);
        }
    }
}
