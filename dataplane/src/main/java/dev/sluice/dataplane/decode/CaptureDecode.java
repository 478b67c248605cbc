package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes a whole capture file as a worker does, burst by burst through
 * {@link CaptureFileSource} and {@link PacketDecoder}, hands every packet to a listener as a
 * {@link DecodedPacket}, and sums up what happened: the core of {@code sluice decode} and of
 * the differential test against tshark, so both see the same values through the same code.
 * A capture that is damaged or cut short is read up to the damage; the summary says where.
 * <p>
 * A tool path: the summary allocates. Any thread; each run uses its own burst and decoder.
 */
public final class CaptureDecode
{
    /** Receives every packet of the capture in file order. */
    @FunctionalInterface
    public interface PacketListener
    {
        /**
         * @param number the packet's 1-based position in the capture.
         * @param packet positioned on the packet; valid only during the call.
         */
        void onPacket(long number, DecodedPacket packet);
    }

    /**
     * What a run found.
     *
     * @param packets            packets read from the capture.
     * @param decoded            packets the decoder did not drop.
     * @param dropsByReason      dropped packets by reason.
     * @param tunnelsByType      packets by outermost tunnel type ({@code tunnel.type}).
     * @param problem            what stopped the source before the end of the file, or null.
     * @param problemOffsetBytes file offset of the damage, or -1.
     * @param positionBytes      file offset reached.
     * @param sizeBytes          file size.
     */
    public record Summary(
        Path file,
        long packets,
        long decoded,
        Map<DropReason, Long> dropsByReason,
        Map<String, Long> tunnelsByType,
        String problem,
        long problemOffsetBytes,
        long positionBytes,
        long sizeBytes)
    {
        public Summary
        {
            dropsByReason = Collections.unmodifiableMap(new EnumMap<>(dropsByReason));
            tunnelsByType = Collections.unmodifiableMap(new TreeMap<>(tunnelsByType));
        }

        /** True when the whole file was read. */
        public boolean complete()
        {
            return null == problem;
        }

        /** The summary for people, one line each. */
        public List<String> describe()
        {
            final List<String> lines = new ArrayList<>();
            lines.add("packets: " + packets + ", decoded: " + decoded + ", dropped: " + (packets - decoded));
            dropsByReason.forEach((reason, count) ->
                lines.add("  dropped " + reason.label() + ": " + count + " (" + reason.description() + ")"));
            if (tunnelsByType.isEmpty())
            {
                lines.add("tunnels: none");
            }
            else
            {
                final List<String> tunnels = new ArrayList<>();
                tunnelsByType.forEach((type, count) -> tunnels.add(type + " " + count));
                lines.add("tunnels (outermost): " + String.join(", ", tunnels));
            }
            if (complete())
            {
                lines.add("read the whole file: " + sizeBytes + " bytes");
            }
            else
            {
                lines.add("stopped at byte " + problemOffsetBytes + " of " + sizeBytes + " after " + packets +
                    " packets: " + problem);
            }
            return lines;
        }
    }

    private CaptureDecode()
    {
    }

    /**
     * Decodes {@code file}, calling {@code listener} for every packet.
     *
     * @throws IOException when the file cannot be read or is not a pcap or pcapng capture.
     */
    public static Summary run(final Path file, final PacketListener listener) throws IOException
    {
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            final PacketDecoder decoder = new PacketDecoder();
            final DecodedPacket packet = new DecodedPacket();
            final DropReason[] reasons = DropReason.values();
            final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
            final Map<String, Long> tunnels = new TreeMap<>();
            long packets = 0;
            long decoded = 0;
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                burst.resetStageState();
                decoder.decode(burst);
                for (int i = 0; i < count; i++)
                {
                    packet.wrap(burst, i);
                    packets++;
                    if (packet.isDropped())
                    {
                        drops.merge(reasons[packet.dropReasonOrdinal()], 1L, Long::sum);
                    }
                    else
                    {
                        decoded++;
                    }
                    if (null != packet.tunnelTypeName())
                    {
                        tunnels.merge(packet.tunnelTypeName(), 1L, Long::sum);
                    }
                    listener.onPacket(packets, packet);
                }
            }
            return new Summary(file, packets, decoded, drops, tunnels, source.problem(), source.problemOffsetBytes(),
                source.positionBytes(), source.sizeBytes());
        }
    }
}
