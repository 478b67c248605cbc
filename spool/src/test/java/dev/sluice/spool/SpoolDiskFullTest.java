package dev.sluice.spool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A spool on a real, small, full file system: a 1 MiB tmpfs mounted for each test. A full disk
 * must end in the overflow rule's counted outcome, never an exception or a crash (a mapping
 * without blocks would be a SIGBUS), and the spool must work again once space returns.
 * <p>
 * Needs root and mount(8). Without them the tests are skipped, unless the system property
 * {@code sluice.netns.required} is true (the launcher's {@code ./sluice test}, and so CI, sets
 * it), where they fail instead.
 */
@Timeout(120)
class SpoolDiskFullTest
{
    private static final String REQUIRED_PROP_NAME = "sluice.netns.required";
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final long MAX_BYTES_ABOVE_THE_DISK = 64L * 1024 * 1024;

    @TempDir
    Path directory;

    private Path mountPoint;
    private final TestRecords records = new TestRecords();
    private final List<Throwable> errors = new ArrayList<>();

    @BeforeEach
    void mountSmallTmpfs() throws IOException, InterruptedException
    {
        final String missing = missingPrerequisite();
        if (null != missing)
        {
            if (Boolean.getBoolean(REQUIRED_PROP_NAME))
            {
                fail("the disk-full tests need " + missing + " (" + REQUIRED_PROP_NAME +
                    "=true: ./sluice test runs them as root)");
            }
            Assumptions.abort("disk-full tests skipped: they need " + missing);
        }
        mountPoint = Files.createDirectories(directory.resolve("tmpfs"));
        final String failure = run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "sluice-spool-test", mountPoint.toString());
        if (null != failure)
        {
            mountPoint = null;
            if (Boolean.getBoolean(REQUIRED_PROP_NAME))
            {
                fail("cannot mount a tmpfs for the disk-full tests: " + failure);
            }
            Assumptions.abort("disk-full tests skipped: cannot mount a tmpfs: " + failure);
        }
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException
    {
        if (null != mountPoint)
        {
            if (null != run("umount", mountPoint.toString()))
            {
                run("umount", "-l", mountPoint.toString());
            }
        }
    }

    private SpoolConfig config(final OverflowRule rule)
    {
        return new SpoolConfig()
            .directory(mountPoint.resolve("spool"))
            .segmentLength(SEGMENT_LENGTH)
            .maxBytes(MAX_BYTES_ABOVE_THE_DISK)
            .overflowRule(rule)
            .fsyncPolicy(FsyncPolicy.EVERY_N_RECORDS)
            .errorHandler(errors::add);
    }

    @Test
    void pauseWaitsForSpaceAndResumesWhenItReturns() throws IOException
    {
        final long held;
        try (Spool spool = Spool.open(config(OverflowRule.PAUSE)))
        {
            long sequence = appendUntilRefused(spool, 1, Spool.DISK_FULL);
            assertEquals(Spool.DISK_FULL, spool.append(records.payload(sequence), 0, TestRecords.length(sequence)),
                "still full: refused again, no exception");
            final SpoolCounters counters = spool.counters();
            assertEquals(2, counters.get(SpoolCounter.DISK_FULL_BACK_PRESSURED));
            assertEquals(2, counters.get(SpoolCounter.SEGMENT_CREATE_FAILURES));
            assertEquals(0, counters.dropped());
            assertEquals(1, errors.size(), "one error per episode, not per refused append: " + errors);
            assertTrue(errors.getFirst().getMessage().contains("No space left on device"), errors.toString());
            assertTrue(spool.bytesUsed() < 1024 * 1024);
            assertEquals(LongStream.range(1, sequence).boxed().toList(), TestRecords.readAll(spool, 1));

            // Acknowledgements free whole segments: appends resume.
            spool.acknowledge(sequence / 2);
            sequence = appendUntilRefused(spool, sequence, Spool.DISK_FULL);

            // Another file takes the space, then goes: appends resume again.
            final Path filler = mountPoint.resolve("filler");
            spool.acknowledge(sequence - 1);
            fill(filler);
            final long refusedWhileFull = appendUntilRefused(spool, sequence, Spool.DISK_FULL);
            Files.delete(filler);
            sequence = appendUntilRefused(spool, refusedWhileFull, Spool.DISK_FULL);
            assertTrue(sequence - refusedWhileFull > 100, "space returned: " + (sequence - refusedWhileFull) + " appended");
            held = sequence - 1;
            assertEquals(0, counters.dropped());
        }
        try (Spool spool = Spool.open(config(OverflowRule.PAUSE)))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            assertEquals(held, spool.lastSequence());
            final long first = spool.acknowledgedSequence() + 1;
            assertEquals(LongStream.rangeClosed(first, held).boxed().toList(), TestRecords.readAll(spool, first));
        }
    }

    @Test
    void dropNewestCountsTheRecordsADiskFullRefuses()
    {
        try (Spool spool = Spool.open(config(OverflowRule.DROP_NEWEST)))
        {
            final long sequence = appendUntilRefused(spool, 1, Spool.DROPPED_DISK_FULL);
            assertEquals(Spool.DROPPED_DISK_FULL, spool.append(records.payload(sequence), 0, TestRecords.length(sequence)));
            assertEquals(2, spool.counters().get(SpoolCounter.DROPPED_DISK_FULL));
            assertEquals(2, spool.counters().dropped());
            assertEquals(LongStream.range(1, sequence).boxed().toList(), TestRecords.readAll(spool, 1));

            spool.acknowledge(sequence - 1);
            records.append(spool, sequence);
        }
    }

    @Test
    void dropOldestMakesRoomOnAFullDisk()
    {
        try (Spool spool = Spool.open(config(OverflowRule.DROP_OLDEST)))
        {
            final long last = 2_000;
            for (long sequence = 1; sequence <= last; sequence++)
            {
                records.append(spool, sequence);
            }
            final SpoolCounters counters = spool.counters();
            assertTrue(counters.get(SpoolCounter.SEGMENT_CREATE_FAILURES) > 0, "the disk filled: " + counters);
            assertEquals(spool.firstSequence() - 1, counters.get(SpoolCounter.DROPPED_OVERFLOW_OLDEST));
            assertEquals(0, counters.get(SpoolCounter.DROPPED_DISK_FULL));
            assertEquals(LongStream.rangeClosed(spool.firstSequence(), last).boxed().toList(),
                TestRecords.readAll(spool, spool.firstSequence()));
            assertEquals(counters.get(SpoolCounter.APPENDED),
                counters.get(SpoolCounter.DROPPED_OVERFLOW_OLDEST) + spool.pendingRecords());
        }
    }

    @Test
    void segmentAllocationReportsAFullDiskEitherWay() throws IOException
    {
        final Path file = mountPoint.resolve("big");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            final IOException fallocate = assertThrows(IOException.class, () -> FileAllocator.allocate(file, channel, 4 << 20));
            assertTrue(fallocate.getMessage().contains("No space left on device"), fallocate.getMessage());
            final IOException zeroFill = assertThrows(IOException.class, () -> FileAllocator.zeroFill(channel, 4 << 20));
            assertTrue(zeroFill.getMessage().contains("No space left on device"), zeroFill.getMessage());
        }
    }

    /**
     * Appends the test records from {@code sequence} on until one is refused with {@code expected}.
     *
     * @return the sequence refused (the next to append).
     */
    private long appendUntilRefused(final Spool spool, final long from, final long expected)
    {
        long sequence = from;
        while (true)
        {
            final long outcome = spool.append(records.payload(sequence), 0, TestRecords.length(sequence));
            if (outcome < 0)
            {
                assertEquals(expected, outcome, "refused at " + sequence + ": " + spool.counters());
                return sequence;
            }
            assertEquals(sequence, outcome);
            sequence++;
            assertTrue(sequence - from < 1_000_000, "the disk fills");
        }
    }

    private static void fill(final Path filler) throws IOException
    {
        final byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler))
        {
            while (true)
            {
                out.write(block);
            }
        }
        catch (final IOException ex)
        {
            if (!String.valueOf(ex.getMessage()).contains("No space left on device"))
            {
                throw ex;
            }
        }
    }

    private static String missingPrerequisite()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            return "root (mounting a tmpfs)";
        }
        for (final String path : List.of("/usr/bin/mount", "/bin/mount", "/usr/sbin/mount", "/sbin/mount"))
        {
            if (Files.isExecutable(Path.of(path)))
            {
                return null;
            }
        }
        return "mount(8) (util-linux)";
    }

    /**
     * Runs a command; returns null when it succeeded, else what it printed.
     */
    private static String run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return String.join(" ", command) + ": did not finish";
        }
        return 0 == process.exitValue() ? null : String.join(" ", command) + ": exit " + process.exitValue() + ": " + output;
    }
}
