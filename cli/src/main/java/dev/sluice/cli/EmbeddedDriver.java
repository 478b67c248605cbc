package dev.sluice.cli;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

/**
 * The Aeron client of one tier process: connected to an external media driver when the user
 * names its directory, otherwise to a media driver embedded in this process (each embedded
 * driver gets a directory of its own, so several tiers can run on one host). Main thread.
 */
final class EmbeddedDriver implements AutoCloseable
{
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
            return new EmbeddedDriver(null, Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory)));
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
