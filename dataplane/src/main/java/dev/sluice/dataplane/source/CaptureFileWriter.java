package dev.sluice.dataplane.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic little-endian pcap file with microsecond or nanosecond timestamps and one
 * link type, as tcpdump would; for tests, the demo traffic generator and quarantine dumps.
 * Not on the data path: it buffers through a heap buffer and throws on I/O errors.
 * <p>
 * Called by one thread at a time.
 */
public final class CaptureFileWriter implements AutoCloseable
{
    /** Timestamp precision of the records, which also selects the file's magic number. */
    public enum Precision
    {
        MICROSECONDS(CaptureFileSource.PCAP_MAGIC_MICROSECONDS, 1_000L),
        NANOSECONDS(CaptureFileSource.PCAP_MAGIC_NANOSECONDS, 1L);

        final int magic;
        final long nanosPerTick;

        Precision(final int magic, final long nanosPerTick)
        {
            this.magic = magic;
            this.nanosPerTick = nanosPerTick;
        }
    }

    /** Snapshot length written in the file header. */
    public static final int SNAP_LENGTH = CaptureFileSource.MAX_CAPTURED_LENGTH;

    private static final short VERSION_MAJOR = 2;
    private static final short VERSION_MINOR = 4;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final WritableByteChannel channel;
    private final Precision precision;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long packetsWritten;
    private boolean closed;

    /**
     * Writes the pcap file header to {@code channel}; the writer closes the channel on {@link #close()}.
     */
    public CaptureFileWriter(final WritableByteChannel channel, final int linkType, final Precision precision)
        throws IOException
    {
        this.channel = channel;
        this.precision = precision;
        buffer.putInt(precision.magic)
            .putShort(VERSION_MAJOR)
            .putShort(VERSION_MINOR)
            .putInt(0)
            .putInt(0)
            .putInt(SNAP_LENGTH)
            .putInt(linkType);
    }

    /** Creates (or truncates) {@code file} and writes the pcap file header. */
    public static CaptureFileWriter create(final Path file, final int linkType, final Precision precision)
        throws IOException
    {
        final FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try
        {
            return new CaptureFileWriter(channel, linkType, precision);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /** Writes a packet captured whole. */
    public void write(final long timestampNs, final byte[] packet) throws IOException
    {
        write(timestampNs, packet, 0, packet.length, packet.length);
    }

    /**
     * Writes one record: {@code capturedLength} bytes of {@code packet} from {@code offset},
     * for a packet that was {@code wireLength} bytes long on the wire.
     */
    public void write(
        final long timestampNs,
        final byte[] packet,
        final int offset,
        final int capturedLength,
        final int wireLength) throws IOException
    {
        if (timestampNs < 0)
        {
            throw new IllegalArgumentException("pcap timestamps start at the epoch: " + timestampNs);
        }
        if (capturedLength < 0 || capturedLength > SNAP_LENGTH || wireLength < 0)
        {
            throw new IllegalArgumentException("bad lengths: captured=" + capturedLength + " wire=" + wireLength);
        }
        final long seconds = timestampNs / NANOS_PER_SECOND;
        if (seconds > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("timestamp beyond what pcap can hold: " + timestampNs);
        }
        if (buffer.remaining() < CaptureFileSource.PCAP_RECORD_HEADER_LENGTH)
        {
            flush();
        }
        buffer.putInt((int)seconds)
            .putInt((int)((timestampNs % NANOS_PER_SECOND) / precision.nanosPerTick))
            .putInt(capturedLength)
            .putInt(wireLength);
        int written = 0;
        while (written < capturedLength)
        {
            if (!buffer.hasRemaining())
            {
                flush();
            }
            final int chunk = Math.min(buffer.remaining(), capturedLength - written);
            buffer.put(packet, offset + written, chunk);
            written += chunk;
        }
        packetsWritten++;
    }

    public long packetsWritten()
    {
        return packetsWritten;
    }

    /** Writes out what is buffered. */
    public void flush() throws IOException
    {
        buffer.flip();
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException
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
                channel.close();
            }
        }
    }
}
