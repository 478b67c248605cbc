package dev.sluice.regional;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * An embedded media driver with a unique directory in /dev/shm, and an Aeron client on it.
 * <p>
 * Test thread only.
 */
final class TestDriver implements AutoCloseable
{
    static final int TERM_LENGTH = 1024 * 1024;

    final MediaDriver driver;
    final Aeron aeron;

    TestDriver()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/sluice-regional-test-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .ipcTermBufferLength(TERM_LENGTH)
            .publicationTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
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
     * Runs {@code work} until {@code done} holds, failing with {@code what} after 20 s.
     */
    static void until(final BooleanSupplier done, final Runnable work, final String what)
    {
        final long deadlineNs = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            work.run();
            Thread.onSpinWait();
        }
    }
}
