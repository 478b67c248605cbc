package dev.sluice.cli;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

/**
 * The Aeron client of one tier process: connected to an external media driver when the user
 * names its directory, otherwise to a media driver embedded in this process (each embedded
 * driver gets a directory of its own, so several tiers can run on one host). Main thread.
 * <p>
 * An Aeron client cannot move to a new driver: when an external driver stops answering (killed,
 * say), the tier exits at once with {@link #EXIT_DRIVER_LOST}, and its supervisor starts it again
 * with the driver. At once, not after a clean stop: moments after the timeout the client unmaps the
 * driver's files under the tier's threads (a clean stop crashed the JVM there), and an exit now is
 * the kill -9 every tier already recovers from (the spools keep what was accepted; the core cuts
 * its files back to what it made durable).
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

    /** @param aeronDirectory an external driver's directory, or null to embed one */
    static EmbeddedDriver connect(final String aeronDirectory)
    {
        if (aeronDirectory != null)
        {
            return new EmbeddedDriver(null, Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectory)
                .errorHandler((error) ->
                {
                    if (error instanceof DriverTimeoutException)
                    {
                        System.err.println("sluice: the media driver at " + aeronDirectory + " stopped answering (" +
                            error.getMessage() + "); exiting " + EXIT_DRIVER_LOST +
                            " for the supervisor to restart this tier with the driver");
                        System.err.flush();
                        Runtime.getRuntime().halt(EXIT_DRIVER_LOST);
                    }
                    Aeron.Configuration.DEFAULT_ERROR_HANDLER.onError(error);
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
