package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyFileWatcherTest
{
    private static final long INTERVAL_MS = 500;

    @TempDir
    Path dir;

    private long nowMs = 10_000;

    @Test
    void deliversTextOnceItHasLookedTheSameForAnInterval() throws IOException
    {
        final Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "rules: []\n");
        final PolicyFileWatcher watcher = new PolicyFileWatcher(file, INTERVAL_MS);

        assertEquals(PolicyFileWatcher.Outcome.NONE, watcher.poll(nowMs));
        assertEquals(PolicyFileWatcher.Outcome.NONE, watcher.poll(nowMs + INTERVAL_MS - 1), "before the interval");
        assertEquals(PolicyFileWatcher.Outcome.CHANGED, poll(watcher));
        assertEquals("rules: []\n", watcher.text());
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
    }

    @Test
    void halfWrittenFileIsNotDeliveredUntilItSettles() throws IOException
    {
        final Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "rules:\n");
        final PolicyFileWatcher watcher = new PolicyFileWatcher(file, INTERVAL_MS);
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));

        // The writer is still going: each poll sees another size, so nothing is delivered.
        Files.writeString(file, "  - when: ip.src == 10.0.0.1\n", StandardOpenOption.APPEND);
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
        Files.writeString(file, "    then: drop\n", StandardOpenOption.APPEND);
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));

        assertEquals(PolicyFileWatcher.Outcome.CHANGED, poll(watcher));
        assertEquals("rules:\n  - when: ip.src == 10.0.0.1\n    then: drop\n", watcher.text());
    }

    @Test
    void rewriteWithTheSameTextIsNotDeliveredAgain() throws IOException
    {
        final Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "rules: []\n");
        final PolicyFileWatcher watcher = new PolicyFileWatcher(file, INTERVAL_MS);
        poll(watcher);
        assertEquals(PolicyFileWatcher.Outcome.CHANGED, poll(watcher));

        Files.writeString(file, "rules: []\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));

        Files.writeString(file, "rules: [x]\n");
        poll(watcher);
        assertEquals(PolicyFileWatcher.Outcome.CHANGED, poll(watcher));
        assertEquals("rules: [x]\n", watcher.text());
    }

    @Test
    void missingFileIsReportedOnceAndPickedUpWhenItAppears() throws IOException
    {
        final Path file = dir.resolve("later.yaml");
        final PolicyFileWatcher watcher = new PolicyFileWatcher(file, INTERVAL_MS);
        assertEquals(PolicyFileWatcher.Outcome.ERROR, poll(watcher));
        assertTrue(watcher.error().contains("does not exist"), watcher.error());
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));

        Files.writeString(file, "rules: []\n");
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
        assertEquals(PolicyFileWatcher.Outcome.CHANGED, poll(watcher));
    }

    @Test
    void fileThatIsNotUtf8IsAnErrorOncePerChange() throws IOException
    {
        final Path file = dir.resolve("binary.yaml");
        Files.write(file, new byte[]{ 'a', (byte)0xC3, (byte)0x28, '\n' });
        final PolicyFileWatcher watcher = new PolicyFileWatcher(file, INTERVAL_MS);
        poll(watcher);
        assertEquals(PolicyFileWatcher.Outcome.ERROR, poll(watcher));
        assertTrue(watcher.error().contains("UTF-8"), watcher.error());
        assertEquals(PolicyFileWatcher.Outcome.NONE, poll(watcher));
    }

    private PolicyFileWatcher.Outcome poll(final PolicyFileWatcher watcher)
    {
        nowMs += INTERVAL_MS;
        return watcher.poll(nowMs);
    }
}
