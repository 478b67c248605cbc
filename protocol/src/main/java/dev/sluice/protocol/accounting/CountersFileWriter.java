package dev.sluice.protocol.accounting;

import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the gateway's and the core's counters files share: the file, the run's start, the atomic
 * replace, and the fields that open every file (kind, run start, time written, clean stop). A
 * subclass adds its own counters. Writes are serialised: the periodic agent and the closing thread
 * may both write.
 */
public abstract class CountersFileWriter implements CountersFileAgent.Writer
{
    private final Path file;
    private final EpochClock clock;
    private final long runStartedAtMs;

    protected CountersFileWriter(final Path file, final EpochClock clock)
    {
        this.file = file;
        this.clock = clock;
        this.runStartedAtMs = clock.time();
    }

    public Path file()
    {
        return file;
    }

    @Override
    public synchronized void write(final boolean stopped) throws IOException
    {
        CountersFile.writeAtomically(file, text(stopped));
    }

    /** The file's text now. */
    protected abstract String text(boolean stopped);

    /** Opens the file's object with the fields every counters file starts with. */
    protected JsonText header(final String kind, final boolean stopped)
    {
        return new JsonText().beginObject()
            .field(CountersFile.KIND, kind)
            .field(CountersFile.RUN_STARTED_AT, Instant.ofEpochMilli(runStartedAtMs).toString())
            .field(CountersFile.WRITTEN_AT, Instant.ofEpochMilli(clock.time()).toString())
            .field(CountersFile.STOPPED, stopped);
    }
}
