package dev.sluice.perf.spool;

import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.RecordHandler;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
import dev.sluice.spool.SpoolCursor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Replay throughput, reported per record, over {@value #SPOOLED_BYTES} bytes of records of 1 KiB
 * and 16 KiB written before measuring (so in the page cache, as a replay soon after a reconnect
 * finds them):
 * <ul>
 *   <li>{@code spoolReplay}: a {@link SpoolCursor} delivering one record per call to a handler
 *       that reads the payload's first and last long (a zero-copy view of the mapped segment),
 *       starting over at the end;</li>
 *   <li>{@code fileChannelRead} (baseline, same run): the same payload bytes read back to back from
 *       one file with {@link FileChannel#read(ByteBuffer, long)} into a direct buffer, the same
 *       two longs read.</li>
 * </ul>
 * Run: {@code perf/run-jmh.sh SpoolReplayBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpoolReplayBenchmark
{
    static final long SPOOLED_BYTES = 256L * 1024 * 1024;

    @Param({ "1024", "16384" })
    int recordLength;

    private Path directory;
    private Spool spool;
    private SpoolCursor cursor;
    private FileChannel channel;
    private ByteBuffer readBuffer;
    private UnsafeBuffer readView;
    private long records;
    private long position;
    private final Reader reader = new Reader();

    /**
     * Reads two longs of each payload, as a consumer that looks at the record would.
     */
    static final class Reader implements RecordHandler
    {
        long sum;

        @Override
        public void onRecord(final long sequence, final DirectBuffer buffer, final int offset, final int length)
        {
            sum += buffer.getLong(offset) + buffer.getLong(offset + length - Long.BYTES);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory(
            Path.of(System.getProperty("sluice.perf.dir", System.getProperty("java.io.tmpdir"))), "sluice-spool-replay");
        spool = Spool.open(new SpoolConfig().directory(directory.resolve("spool")).fsyncPolicy(FsyncPolicy.NEVER)
            .maxBytes(2 * SPOOLED_BYTES));
        channel = FileChannel.open(directory.resolve("plain.log"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        final ByteBuffer bytes = ByteBuffer.allocateDirect(recordLength);
        for (int i = 0; i < recordLength; i++)
        {
            bytes.put(i, (byte)(i * 31 + 7));
        }
        final UnsafeBuffer payload = new UnsafeBuffer(bytes);
        records = SPOOLED_BYTES / recordLength;
        long filePosition = 0;
        for (long i = 0; i < records; i++)
        {
            if (spool.append(payload, 0, recordLength) < 0)
            {
                throw new IllegalStateException("append refused " + spool.counters());
            }
            bytes.clear();
            while (bytes.hasRemaining())
            {
                filePosition += channel.write(bytes, filePosition);
            }
        }
        cursor = spool.newCursor(1);
        readBuffer = ByteBuffer.allocateDirect(recordLength);
        readView = new UnsafeBuffer(readBuffer);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        spool.close();
        channel.close();
        try (var paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    @Benchmark
    public long spoolReplay()
    {
        if (0 == cursor.poll(reader, 1))
        {
            cursor.seek(1);
            cursor.poll(reader, 1);
        }
        return reader.sum;
    }

    @Benchmark
    public long fileChannelRead() throws IOException
    {
        readBuffer.clear();
        while (readBuffer.hasRemaining())
        {
            final int read = channel.read(readBuffer, position + readBuffer.position());
            if (read < 0)
            {
                throw new IllegalStateException("end of file at " + position);
            }
        }
        reader.sum += readView.getLong(0) + readView.getLong(recordLength - Long.BYTES);
        position += recordLength;
        if (position >= records * recordLength)
        {
            position = 0;
        }
        return reader.sum;
    }
}
