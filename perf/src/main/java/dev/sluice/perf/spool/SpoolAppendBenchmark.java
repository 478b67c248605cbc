package dev.sluice.perf.spool;

import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
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
 * Append throughput of a spool per fsync policy, for records of 1 KiB and 16 KiB, reported per
 * record:
 * <ul>
 *   <li>{@code spoolAppend}: {@link Spool#append} into 64 MiB segments (the default), the owner
 *       acknowledging everything every {@value #ACKNOWLEDGE_EVERY} records so segments roll and
 *       are trimmed as in service;</li>
 *   <li>{@code fileChannelWrite} (baseline, same run): the same payload bytes written with
 *       {@link FileChannel#write(ByteBuffer, long)} to one file, no header, no checksum, no
 *       pre-allocation, forced ({@code fdatasync}) on the same schedule as the policy; every
 *       {@value #BASELINE_FILE_BYTES} bytes (a segment's length) the file is forced (unless
 *       {@code NEVER}), deleted and a new one started, as the spool rolls and trims. (Overwriting one file in place instead would
 *       reuse pages already in the page cache and measure something no log does: appends to
 *       new pages cost mostly the kernel's page allocation.)</li>
 * </ul>
 * Files live in {@code -Dsluice.perf.dir} (default {@code java.io.tmpdir}): put it on the disk
 * whose flush cost matters. Run: {@code perf/run-jmh.sh SpoolAppendBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpoolAppendBenchmark
{
    static final int ACKNOWLEDGE_EVERY = 1024;
    static final long BASELINE_FILE_BYTES = SpoolConfig.SEGMENT_LENGTH_DEFAULT;

    @Param({ "1024", "16384" })
    int recordLength;

    @Param({ "NEVER", "EVERY_N_RECORDS", "INTERVAL", "EVERY_RECORD" })
    String fsync;

    private Path directory;
    private Spool spool;
    private UnsafeBuffer payload;
    private ByteBuffer plain;
    private FileChannel channel;
    private FsyncPolicy policy;
    private long position;
    private int unsynced;
    private long firstUnsyncedNs;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory(
            Path.of(System.getProperty("sluice.perf.dir", System.getProperty("java.io.tmpdir"))), "sluice-spool-bench");
        policy = FsyncPolicy.valueOf(fsync);
        spool = Spool.open(new SpoolConfig().directory(directory.resolve("spool")).fsyncPolicy(policy));
        final ByteBuffer bytes = ByteBuffer.allocateDirect(recordLength);
        for (int i = 0; i < recordLength; i++)
        {
            bytes.put(i, (byte)(i * 31 + 7));
        }
        payload = new UnsafeBuffer(bytes);
        plain = bytes.duplicate();
        channel = newPlainFile();
    }

    private FileChannel newPlainFile() throws IOException
    {
        final Path file = directory.resolve("plain.log");
        Files.deleteIfExists(file);
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
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
    public long spoolAppend()
    {
        final long sequence = spool.append(payload, 0, recordLength);
        if (sequence < 0)
        {
            throw new IllegalStateException("append refused: " + sequence + " " + spool.counters());
        }
        if (0 == sequence % ACKNOWLEDGE_EVERY)
        {
            spool.acknowledge(sequence);
        }
        return sequence;
    }

    @Benchmark
    public long fileChannelWrite() throws IOException
    {
        plain.clear();
        while (plain.hasRemaining())
        {
            position += channel.write(plain, position);
        }
        switch (policy)
        {
            case EVERY_RECORD -> channel.force(false);
            case EVERY_N_RECORDS ->
            {
                if (++unsynced >= SpoolConfig.FSYNC_EVERY_RECORDS_DEFAULT)
                {
                    channel.force(false);
                    unsynced = 0;
                }
            }
            case INTERVAL ->
            {
                final long nowNs = System.nanoTime();
                if (0 == unsynced++)
                {
                    firstUnsyncedNs = nowNs;
                }
                else if (nowNs - firstUnsyncedNs >= SpoolConfig.FSYNC_INTERVAL_NS_DEFAULT)
                {
                    channel.force(false);
                    unsynced = 0;
                }
            }
            case NEVER ->
            {
            }
        }
        if (position >= BASELINE_FILE_BYTES)
        {
            if (FsyncPolicy.NEVER != policy)
            {
                // As the spool forces a segment before it rolls to the next.
                channel.force(false);
            }
            channel.close();
            channel = newPlainFile();
            position = 0;
        }
        return position;
    }
}
