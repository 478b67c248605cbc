package dev.sluice.cli;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Aeron client of one tier process: connected to an external media driver when the user
 * names its directory, otherwise to a media driver embedded in this process (each embedded
 * driver gets a directory of its own, so several tiers can run on one host). Main thread.
 * <p>
 * An Aeron client cannot move to a new driver: when an external driver stops answering (killed,
 * say), the tier is told ({@code onDriverLost}) so it stops cleanly and exits with
 * {@link #EXIT_DRIVER_LOST}, and its supervisor starts it again with the driver. Nothing accepted
 * is lost meanwhile: the spools hold it.
 */
final class EmbeddedDriver implements AutoCloseable
{
    /** The exit status of a tier whose external media driver stopped answering. */
    static final int EXIT_DRIVER_LOST = 3;


    private final MediaDriver driver;
    private final Aeron aeron;

    private EmbeddedDriver(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * @param aeronDirectory an external driver's directory, or null to embed one
     * @param onDriverLost   run once, on the client's thread, when the external driver stops answering
     */
    static EmbeddedDriver connect(final String aeronDirectory, final Runnable onDriverLost)
    {
        if (aeronDirectory != null)
        {
            final AtomicBoolean lost = new AtomicBoolean();
            return new EmbeddedDriver(null, Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectory)
                .errorHandler((error) ->
                {
                    if (error instanceof DriverTimeoutException && lost.compareAndSet(false, true))
                    {
                        System.err.println("sluice: the media driver at " + aeronDirectory + " stopped answering (" +
                            error.getMessage() + "); stopping so the supervisor restarts this tier with the driver");
                        onDriverLost.run();
                    }
                    else if (!lost.get())
                    {
                        Aeron.Configuration.DEFAULT_ERROR_HANDLER.onError(error);
                    }
                })));
        }
        final MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try
        {
            return new EmbeddedDriver(driver, Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())));
        }
        catch (final RuntimeException ex)
        {
            driver.close();
            throw ex;
        }
    }

    Aeron aeron()
    {
        return aeron;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
