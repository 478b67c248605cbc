package dev.sluice.dataplane.testing;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * An embedded media driver (shared threading) with a unique directory under {@code target/},
 * deleted on start and shutdown, and an Aeron client connected to it.
 * <p>
 * Test thread only.
 */
public final class TestMediaDriver implements AutoCloseable
{
    /** Term length of publications that do not name one in their channel. */
    public static final int TERM_LENGTH = 1024 * 1024;

    private static final long WAIT_LIMIT_NS = 20_000_000_000L;

    public final MediaDriver driver;
    public final Aeron aeron;

    public TestMediaDriver()
    {
        final Path directory = Path.of("target", "aeron", "driver-" + UUID.randomUUID()).toAbsolutePath();
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .ipcTermBufferLength(TERM_LENGTH)
            .publicationTermBufferLength(TERM_LENGTH)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    /** Runs {@code work} until {@code done} holds, failing with {@code what} after 20 s. */
    public static void until(final BooleanSupplier done, final Runnable work, final String what)
    {
        final long deadlineNs = System.nanoTime() + WAIT_LIMIT_NS;
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
