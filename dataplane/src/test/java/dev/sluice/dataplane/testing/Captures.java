package dev.sluice.dataplane.testing;

import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a capture file through {@link CaptureFileSource} and {@link PacketDecoder} the way a
 * worker does, burst by burst, and keeps a copy of every packet.
 * <p>
 * Stateless; any thread.
 */
public final class Captures
{
    private Captures()
    {
    }

    /** What a whole capture decoded to, and what stopped the source early, if anything. */
    public record Decoded(List<DecodedCopy> packets, String problem)
    {
    }

    public static Decoded decode(final Path file)
    {
        return decode(file, PacketBurst.DEFAULT_CAPACITY);
    }

    public static Decoded decode(final Path file, final int burstCapacity)
    {
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(burstCapacity, 1);
            final PacketDecoder decoder = new PacketDecoder();
            final List<DecodedCopy> packets = new ArrayList<>();
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                burst.resetStageState();
                decoder.decode(burst);
                for (int i = 0; i < count; i++)
                {
                    packets.add(DecodedCopy.of(burst, i, packets.size() + 1));
                }
            }
            return new Decoded(packets, source.problem());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
