package dev.sluice.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a process appending to a spool with SIGKILL ({@link Process#destroyForcibly()}) at a
 * random moment, reopens the spool, and checks what survived: every record the child had been
 * told was appended, a continuous run of sequences whose payloads are exactly what the
 * deterministic generator makes, no damage but at the tail, and nothing unacknowledged missing.
 * Several rounds on the same directory, so each child recovers what the previous one left and
 * the fsync policies take turns. The kill moments come from a seeded {@link Random}
 * ({@code -Dsluice.spool.crash.seed} repeats a run).
 */
@Timeout(600)
class SpoolCrashTest
{
    private static final int ROUNDS = 8;
    private static final int SEGMENT_LENGTH = 64 * 1024;
    private static final long SEED_DEFAULT = 0x5EED_5900_1L;
    private static final Set<ScanProblem> TAIL_PROBLEMS = Set.of(ScanProblem.CHECKSUM_MISMATCH,
        ScanProblem.RECORD_TRUNCATED, ScanProblem.FRAME_LENGTH_INVALID, ScanProblem.DATA_AFTER_END,
        ScanProblem.INCOMPLETE_SEGMENT);
    private static final FsyncPolicy[] POLICIES = {
        FsyncPolicy.NEVER, FsyncPolicy.EVERY_N_RECORDS, FsyncPolicy.INTERVAL, FsyncPolicy.EVERY_RECORD };

    @TempDir
    Path directory;

    @Test
    void killedWhileAppendingKeepsEveryAppendedRecord() throws Exception
    {
        final long seed = Long.getLong("sluice.spool.crash.seed", SEED_DEFAULT);
        final Random random = new Random(seed);
        final Path spoolDirectory = directory.resolve("spool");
        long totalTailProblems = 0;
        long lastSequence = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final FsyncPolicy policy = POLICIES[round % POLICIES.length];
            final String where = "seed " + seed + ", round " + round + " (" + policy + ")";
            final Path errors = directory.resolve("child-" + round + ".err");
            final Process child = start(spoolDirectory, policy, errors);
            final AtomicLong reported = new AtomicLong();
            final List<String> unexpected = new ArrayList<>();
            try
            {
                final BufferedReader output = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                final String opened = output.readLine();
                assertNotNull(opened, where + ": the child printed nothing; stderr: " + Files.readString(errors));
                assertEquals("open " + lastSequence, opened, where + ": the child resumes after the last sequence");
                final String first = output.readLine();
                assertTrue(null != first && first.startsWith("appended "), where + ": " + first);
                reported.set(Long.parseLong(first.substring("appended ".length())));

                final Thread reader = Thread.ofPlatform().daemon().start(() -> readReports(output, reported, unexpected));
                Thread.sleep(random.nextInt(20, 400));
                child.destroyForcibly();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), where + ": the child ends once killed");
                reader.join(TimeUnit.SECONDS.toMillis(60));
            }
            finally
            {
                child.destroyForcibly();
            }
            assertEquals(List.of(), unexpected, where + ": stderr " + Files.readString(errors));

            try (Spool spool = Spool.open(new SpoolConfig().directory(spoolDirectory).segmentLength(SEGMENT_LENGTH)
                .maxBytes(64L * SEGMENT_LENGTH).fsyncPolicy(FsyncPolicy.NEVER)))
            {
                final SpoolRecoveryReport report = spool.recoveryReport();
                System.out.println(where + ": killed after " + reported.get() + "; " + report);
                for (final SpoolRecoveryReport.Problem problem : report.problems())
                {
                    assertTrue(TAIL_PROBLEMS.contains(problem.problem()), where + ": " + report);
                    assertTrue(problem.file().getFileName().toString().compareTo(
                        SpoolLayout.segmentFileName(spool.firstSequence())) >= 0, where + ": " + report);
                    totalTailProblems++;
                }
                assertTrue(spool.lastSequence() >= reported.get(),
                    where + ": every reported append survives, last " + spool.lastSequence() + " < " + reported.get());
                assertTrue(spool.lastSequence() > lastSequence, where + ": the child appended");
                assertTrue(spool.acknowledgedSequence() < spool.lastSequence(), where);
                assertTrue(spool.firstSequence() <= spool.acknowledgedSequence() + 1,
                    where + ": nothing unacknowledged missing: first " + spool.firstSequence() + ", acknowledged " +
                    spool.acknowledgedSequence());

                final List<Long> sequences = TestRecords.readAll(spool, spool.firstSequence());
                assertEquals(spool.lastSequence() - spool.firstSequence() + 1, sequences.size(), where);
                for (int i = 0; i < sequences.size(); i++)
                {
                    assertEquals(spool.firstSequence() + i, sequences.get(i), where + ": continuous");
                }
                lastSequence = spool.lastSequence();
            }
        }
        System.out.println("seed " + seed + ": " + ROUNDS + " kills, " + lastSequence + " records, " +
            totalTailProblems + " torn tails found and truncated");
    }

    private static void readReports(final BufferedReader output, final AtomicLong reported, final List<String> unexpected)
    {
        try
        {
            String line;
            while (null != (line = output.readLine()))
            {
                if (line.startsWith("appended "))
                {
                    reported.set(Long.parseLong(line.substring("appended ".length())));
                }
                else
                {
                    synchronized (unexpected)
                    {
                        unexpected.add(line);
                    }
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // A line cut by the kill: the reports before it stand.
        }
    }

    private static Process start(final Path spoolDirectory, final FsyncPolicy policy, final Path errors) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!argument.startsWith("-javaagent") && !argument.startsWith("-agentlib") &&
                !argument.startsWith("-agentpath"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(SpoolCrashChild.class.getName());
        command.add(spoolDirectory.toString());
        command.add(policy.name());
        command.add(Integer.toString(SEGMENT_LENGTH));
        return new ProcessBuilder(command)
            .redirectError(errors.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    }
}
