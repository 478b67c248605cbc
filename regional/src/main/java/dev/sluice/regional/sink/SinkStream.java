package dev.sluice.regional.sink;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One (gateway, destination region, worker) stream as sinks see it: a dense id that sinks index
 * their per-stream state by, the names it was built from, and the record key that keeps the
 * stream's records together downstream ({@code <gateway>/<destination>/<worker>}, ASCII), built
 * once so that no record builds it again.
 * <p>
 * Immutable; any thread. Whoever numbers the streams (the core's stream table) gives each one id,
 * starting at 0 and without gaps, so sinks can keep arrays rather than maps.
 */
public final class SinkStream
{
    private final int id;
    private final String gatewayId;
    private final String destinationRegion;
    private final int workerIndex;
    private final byte[] key;

    /**
     * @param id                dense id, 0 for the first stream, unique among the streams offered to one sink.
     * @param gatewayId         the gateway that numbers the stream's batches.
     * @param destinationRegion the region the batches are for.
     * @param workerIndex       the gateway's worker that numbers them (0..65535).
     */
    public SinkStream(final int id, final String gatewayId, final String destinationRegion, final int workerIndex)
    {
        if (id < 0)
        {
            throw new IllegalArgumentException("stream id must be >= 0, was " + id);
        }
        if (workerIndex < 0 || workerIndex > 0xFFFF)
        {
            throw new IllegalArgumentException("workerIndex must be 0..65535, was " + workerIndex);
        }
        this.id = id;
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
        this.destinationRegion = Objects.requireNonNull(destinationRegion, "destinationRegion");
        this.workerIndex = workerIndex;
        this.key = (gatewayId + '/' + destinationRegion + '/' + workerIndex).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @return dense id of the stream.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the gateway that numbers the stream's batches.
     */
    public String gatewayId()
    {
        return gatewayId;
    }

    /**
     * @return the region the batches are for.
     */
    public String destinationRegion()
    {
        return destinationRegion;
    }

    /**
     * @return the gateway worker that numbers the batches.
     */
    public int workerIndex()
    {
        return workerIndex;
    }

    /**
     * The record key, shared: never modify it.
     *
     * @return {@code <gateway>/<destination>/<worker>} in ASCII.
     */
    byte[] key()
    {
        return key;
    }

    /**
     * @return the key as text, for messages and tests.
     */
    public String keyText()
    {
        return new String(key, StandardCharsets.US_ASCII);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SinkStream{id=" + id + ", key=" + keyText() + "}";
    }
}
