package dev.sluice.protocol.accounting;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a process's counters file every {@link CountersFile#WRITE_INTERVAL_MS}, off the data path:
 * it runs beside the gateway's conductor or the core's agent (an Agrona {@code CompositeAgent}).
 * The final write at a clean stop is the owner's ({@link Writer#write(boolean)} with {@code true}),
 * after its workers have stopped. A failed write is reported to the error handler and retried at
 * the next interval. Runs on the thread of the agent it is composed with.
 */
public final class CountersFileAgent implements Agent
{
    /** Takes a snapshot of the counters and replaces the file with it. */
    @FunctionalInterface
    public interface Writer
    {
        /**
         * @param stopped true for the last write of a clean stop
         */
        void write(boolean stopped) throws IOException;
    }

    private final String roleName;
    private final Writer writer;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private long nextWriteMs;

    public CountersFileAgent(
        final String roleName, final Writer writer, final EpochClock clock, final ErrorHandler errorHandler)
    {
        this.roleName = roleName;
        this.writer = writer;
        this.clock = clock;
        this.errorHandler = errorHandler;
    }

    @Override
    public int doWork()
    {
        final long nowMs = clock.time();
        if (nowMs < nextWriteMs)
        {
            return 0;
        }
        nextWriteMs = nowMs + CountersFile.WRITE_INTERVAL_MS;
        try
        {
            writer.write(false);
        }
        catch (final IOException ex)
        {
            errorHandler.onError(new UncheckedIOException("cannot write the counters file", ex));
        }
        return 1;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
