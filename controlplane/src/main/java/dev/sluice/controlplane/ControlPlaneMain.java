package dev.sluice.controlplane;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;

/**
 * A running control plane: its agent on a dedicated {@link AgentRunner} thread named
 * {@value ControlPlane#ROLE_NAME}. Launched and closed by one thread (the process's main thread or a
 * test); {@link #controlPlane()}'s thread-safe accessors may be used from any thread meanwhile.
 */
public final class ControlPlaneMain implements AutoCloseable
{
    private final ControlPlaneContext context;
    private final ControlPlane controlPlane;
    private final AgentRunner runner;

    private ControlPlaneMain(final ControlPlaneContext context)
    {
        this.context = context;
        try
        {
            controlPlane = new ControlPlane(context);
            runner = new AgentRunner(context.idleStrategy(), context.errorHandler(), null, controlPlane);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(context);
            throw ex;
        }
    }

    /**
     * Conclude the context, create the control plane and start it on its own thread.
     *
     * @param context settings; concluded here, and closed by {@link #close()}.
     * @return the running control plane.
     */
    public static ControlPlaneMain launch(final ControlPlaneContext context)
    {
        final ControlPlaneMain main = new ControlPlaneMain(context.conclude());
        AgentRunner.startOnThread(main.runner);
        return main;
    }

    /**
     * @return the agent, for its fleet snapshot, current version and counters.
     */
    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    /**
     * @return the concluded context.
     */
    public ControlPlaneContext context()
    {
        return context;
    }

    /**
     * Stop the agent thread (which closes the agent's publications, subscription and counters), then the
     * context (policy store lock, and the Aeron client if the context connected it).
     */
    public void close()
    {
        CloseHelper.closeAll(runner, context);
    }
}
