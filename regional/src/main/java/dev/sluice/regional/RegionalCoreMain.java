package dev.sluice.regional;

import dev.sluice.protocol.accounting.CountersFileAgent;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;

/**
 * Runs a {@link RegionalCore} on its own thread under an {@link AgentRunner} with the context's
 * idle strategy, with the writer of its counters file beside it. Command-line parsing belongs to the CLI, which fills a {@link RegionalCoreContext}
 * and calls {@link #launch(RegionalCoreContext)}.
 * <p>
 * {@link #launch} and {@link #close()} may be called from any thread; {@link #core()} only to read
 * its thread-safe accessors ({@link RegionalCore#counters()} and the like).
 */
public final class RegionalCoreMain implements AutoCloseable
{
    private final RegionalCore core;
    private final AgentRunner runner;

    private RegionalCoreMain(final RegionalCoreContext ctx)
    {
        core = new RegionalCore(ctx);
        runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, new CompositeAgent(
            core,
            new CountersFileAgent("counters-file", core.countersFile(), SystemEpochClock.INSTANCE, ctx.errorHandler())));
    }

    /**
     * Concludes the context if needed, creates the core and starts its agent thread.
     *
     * @param ctx settings; owned by the core from here on.
     * @return the running core, to be closed.
     */
    public static RegionalCoreMain launch(final RegionalCoreContext ctx)
    {
        final RegionalCoreMain main = new RegionalCoreMain(ctx);
        AgentRunner.startOnThread(main.runner);

        return main;
    }

    /**
     * The running core.
     *
     * @return the core.
     */
    public RegionalCore core()
    {
        return core;
    }

    /**
     * Counters of the running core, readable from any thread.
     *
     * @return the counters.
     */
    public RegionalCounters counters()
    {
        return core.counters();
    }

    /**
     * Stops the agent thread, which flushes and closes the output file, the subscription and the
     * context on its way out. Waits for the thread to finish, then writes the counters file a
     * last time, marked as a clean stop.
     */
    public void close()
    {
        CloseHelper.close(runner);
        try
        {
            core.countersFile().write(true);
        }
        catch (final IOException ex)
        {
            core.context().errorHandler().onError(ex);
        }
    }
}
