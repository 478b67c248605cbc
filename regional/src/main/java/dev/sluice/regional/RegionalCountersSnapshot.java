package dev.sluice.regional;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Immutable copy of a regional core's counters, taken by {@link RegionalCounters#snapshot()}.
 * <p>
 * Immutable; any thread.
 *
 * @param region           region of the core.
 * @param batches          batches accepted and written.
 * @param records          records of every kind written.
 * @param packetRecords    packet summaries written.
 * @param flowRecords      flow records written.
 * @param frameRecords     frames written.
 * @param eventRecords     events written.
 * @param bytesReceived    bytes of every consumed frame.
 * @param duplicates       duplicate batches dropped.
 * @param gaps             sequences missing between accepted batches.
 * @param rejectedFrames   frames that were not valid batches.
 * @param misrouted        batches addressed to another region.
 * @param outputBytes      NDJSON bytes handed to the output file.
 * @param pcapngBytes      pcapng bytes handed to the frame file.
 * @param outputErrors     failed attempts to write either file.
 * @param rejectedByReason rejected frames by reason, every reason present.
 * @param streams          per (gateway, destination, worker) stream, in order of first appearance.
 */
public record RegionalCountersSnapshot(
    String region,
    long batches,
    long records,
    long packetRecords,
    long flowRecords,
    long frameRecords,
    long eventRecords,
    long bytesReceived,
    long duplicates,
    long gaps,
    long rejectedFrames,
    long misrouted,
    long outputBytes,
    long pcapngBytes,
    long outputErrors,
    Map<RejectReason, Long> rejectedByReason,
    List<Stream> streams)
{
    /**
     * Copies the collections so the snapshot stays immutable.
     */
    public RegionalCountersSnapshot
    {
        rejectedByReason = Map.copyOf(rejectedByReason);
        streams = List.copyOf(streams);
    }

    /**
     * Counters of one stream.
     *
     * @param gatewayId         gateway that sends the stream.
     * @param destinationRegion region the stream is addressed to.
     * @param workerIndex       the gateway worker that sends the stream (each numbers its own batches).
     * @param batches           batches accepted.
     * @param records           records written.
     * @param gaps              sequences missing between accepted batches.
     * @param duplicates        duplicate batches dropped.
     * @param lastSequence      highest sequence accepted, 0 before the first.
     */
    public record Stream(
        String gatewayId,
        String destinationRegion,
        int workerIndex,
        long batches,
        long records,
        long gaps,
        long duplicates,
        long lastSequence)
    {
    }

    /**
     * Finds the counters of worker 0's stream (a single-worker gateway's only stream).
     *
     * @param gatewayId         gateway that sends the stream.
     * @param destinationRegion region the stream is addressed to.
     * @return its counters, or empty when no batch of it has been seen.
     */
    public Optional<Stream> stream(final String gatewayId, final String destinationRegion)
    {
        return stream(gatewayId, destinationRegion, 0);
    }

    /**
     * Finds the counters of one stream.
     *
     * @param gatewayId         gateway that sends the stream.
     * @param destinationRegion region the stream is addressed to.
     * @param workerIndex       the gateway worker that sends it.
     * @return its counters, or empty when no batch of it has been seen.
     */
    public Optional<Stream> stream(final String gatewayId, final String destinationRegion, final int workerIndex)
    {
        for (final Stream stream : streams)
        {
            if (stream.gatewayId().equals(gatewayId) && stream.destinationRegion().equals(destinationRegion) &&
                stream.workerIndex() == workerIndex)
            {
                return Optional.of(stream);
            }
        }

        return Optional.empty();
    }

    /**
     * Frames rejected for one reason.
     *
     * @param reason the reason.
     * @return count, 0 when none.
     */
    public long rejected(final RejectReason reason)
    {
        return rejectedByReason.getOrDefault(reason, 0L);
    }
}
