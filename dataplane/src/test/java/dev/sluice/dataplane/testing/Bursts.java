package dev.sluice.dataplane.testing;

import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Loads Ethernet frames into a burst the way a source would, and runs the decoder, so stage
 * tests start from what the classify stage sees in a worker.
 * <p>
 * Stateless; any thread (each with its own burst).
 */
public final class Bursts
{
    /** Capture time of the first packet of a burst; packet i is stamped {@code BASE_TIMESTAMP_NS + i}. */
    public static final long BASE_TIMESTAMP_NS = 1_700_000_000_123_456_789L;

    private Bursts()
    {
    }

    /** Fills slots {@code [0, packets.size())} with whole captured Ethernet frames, resets stage state and decodes. */
    public static PacketBurst decoded(final PacketBurst burst, final List<byte[]> packets)
    {
        return decoded(burst, packets, BASE_TIMESTAMP_NS);
    }

    public static PacketBurst decoded(final PacketBurst burst, final List<byte[]> packets, final long firstTimestampNs)
    {
        final int count = packets.size();
        for (int i = 0; i < count; i++)
        {
            final byte[] bytes = packets.get(i);
            burst.data[i] = MemorySegment.ofArray(bytes);
            burst.offset[i] = 0;
            burst.capturedLength[i] = bytes.length;
            burst.wireLength[i] = bytes.length;
            burst.timestampNs[i] = firstTimestampNs + i;
            burst.linkType[i] = LinkType.ETHERNET;
        }
        burst.count(count);
        burst.resetStageState();
        new PacketDecoder().decode(burst);
        return burst;
    }

    public static PacketBurst decoded(final int maxDestinations, final byte[]... packets)
    {
        return decoded(new PacketBurst(Math.max(1, packets.length), maxDestinations), List.of(packets));
    }
}
