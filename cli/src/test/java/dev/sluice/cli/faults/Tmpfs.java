package dev.sluice.cli.faults;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small tmpfs for a disk that fills up; needs root, like {@link FaultNetwork}. */
final class Tmpfs
{
    private Tmpfs()
    {
    }

    /** Mounts a tmpfs of {@code bytes} on {@code mountPoint} (created), or skips (fails on CI) without root. */
    static Path mount(final Path mountPoint, final long bytes) throws IOException, InterruptedException
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            if (Boolean.getBoolean(FaultNetwork.REQUIRED_PROP_NAME))
            {
                throw new IllegalStateException("the spool disk-full fault test needs root to mount a tmpfs (" +
                    FaultNetwork.REQUIRED_PROP_NAME + "=true)");
            }
            Assumptions.abort("the spool disk-full fault test needs root to mount a tmpfs");
        }
        Files.createDirectories(mountPoint);
        FaultNetwork.run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "sluice-fault-spool", mountPoint.toString());
        return mountPoint;
    }

    static void unmount(final Path mountPoint) throws IOException, InterruptedException
    {
        FaultNetwork.run("umount", "-l", mountPoint.toString());
    }
}
