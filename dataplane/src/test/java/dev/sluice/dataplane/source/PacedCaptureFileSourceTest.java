package dev.sluice.dataplane.source;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A paced replay hands out packets at the set rate, on a clock the test moves by hand. */
class PacedCaptureFileSourceTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path directory;

    private long nowNs = 5_000 * MS;

    @Test
    void handsOutPacketsAtTheRateAndCarriesFractionsOver() throws IOException
    {
        try (PacedCaptureFileSource source = paced(1_000, 100))
        {
            final PacketBurst burst = new PacketBurst(64, 1);
            assertEquals(0, source.poll(burst), "no credit at the start");
            assertEquals(0, burst.count());

            nowNs += 10 * MS;
            assertEquals(10, source.poll(burst), "1,000 packets/s for 10 ms");
            nowNs += MS / 2;
            assertEquals(0, source.poll(burst), "half a packet's time earns nothing yet");
            nowNs += MS / 2;
            assertEquals(1, source.poll(burst), "the half carried over");

            long total = 11;
            for (int i = 0; i < 89; i++)
            {
                nowNs += MS;
                total += source.poll(burst);
            }
            assertEquals(100, total);
            nowNs += MS;
            assertEquals(0, source.poll(burst), "the capture is at its end");
            assertTrue(source.isExhausted());
        }
    }

    @Test
    void aLongStallEarnsAtMostOneBurst() throws IOException
    {
        try (PacedCaptureFileSource source = paced(1_000, 500))
        {
            final PacketBurst burst = new PacketBurst(32, 1);
            nowNs += TimeUnit.HOURS.toNanos(1);
            assertEquals(32, source.poll(burst), "capped at the burst");
            assertEquals(0, source.poll(burst), "the cap is not a backlog: nothing more without time");
            assertFalse(source.isExhausted());
        }
    }

    @Test
    void aRateBelowOneIsRefused() throws IOException
    {
        final CaptureFileSource capture = CaptureFileSource.open(capture(1));
        try
        {
            assertThrows(IllegalArgumentException.class, () -> new PacedCaptureFileSource(capture, 0, () -> nowNs));
        }
        finally
        {
            capture.close();
        }
    }

    private PacedCaptureFileSource paced(final long packetsPerSecond, final int packets) throws IOException
    {
        return new PacedCaptureFileSource(CaptureFileSource.open(capture(packets)), packetsPerSecond, () -> nowNs);
    }

    private Path capture(final int packets) throws IOException
    {
        final Path file = directory.resolve("paced-" + packets + ".pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int i = 0; i < packets; i++)
            {
                writer.write(1_700_000_000_000_000_000L + i, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000 + i % 1000, 443, 0x002));
            }
        }
        return file;
    }
}
