package dev.sluice.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

/**
 * An embedded media driver (shared threading, unique directory deleted on start and shutdown, small terms)
 * with one Aeron client. Created and closed by the test thread.
 */
final class TestMediaDriver implements AutoCloseable
{
    /** Terms small enough for many drivers on a shared machine; the largest message is 1/8 of a term. */
    static final int TERM_LENGTH_BYTES = 256 * 1024;

    private final MediaDriver driver;
    private final Aeron aeron;

    TestMediaDriver()
    {
        final Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sluice-cp-test-" + UUID.randomUUID());
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .publicationTermBufferLength(TERM_LENGTH_BYTES)
            .ipcTermBufferLength(TERM_LENGTH_BYTES)
            .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100));
        driver = MediaDriver.launch(driverContext);
        try
        {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
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

    String aeronDirectoryName()
    {
        return driver.aeronDirectoryName();
    }

    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    /**
     * A UDP port free right now on localhost, so parallel builds on this machine do not collide on fixed ports.
     */
    static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
