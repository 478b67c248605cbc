package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.protocol.codec.DataBatchEncoder;
import io.aeron.ExclusivePublication;


/**
 * One outbound stream of this gateway: its destination region, Aeron publication, batch
 * sequence and counters, plus the progress egress has made through the current burst.
 * Owned by the worker thread that sends on it.
 */
public final class DestinationStream implements AutoCloseable
{
    private final int index;
    private final String region;
    /** The region name NUL-padded to the width of the SBE field. */
    final byte[] paddedRegion;
    private final ExclusivePublication publication;
    private final StreamSequence sequence;
    private final DestinationCounters counters;

    /** True from the first claim refused for want of a subscriber until a claim succeeds again. */
    boolean notConnected;
    /**
     * Nanosecond time the stream was first found without a subscriber; meaningful only while
     * {@link #notConnected}, because any value, 0 included, is a valid clock reading.
     */
    long notConnectedSinceNs;
    /** True once the stream has been without a subscriber for longer than the configured timeout. */
    boolean unavailable;

    public DestinationStream(
        final int index,
        final String region,
        final ExclusivePublication publication,
        final StreamSequence sequence,
        final DestinationCounters counters)
    {
        this.index = index;
        this.region = region;
        this.paddedRegion = BatchWriter.ascii(region, DataBatchEncoder.destinationRegionLength(), "destination region");
        this.publication = publication;
        this.sequence = sequence;
        this.counters = counters;
    }

    /** Position of this destination in {@code PacketBurst#delivery}. */
    public int index()
    {
        return index;
    }

    public String region()
    {
        return region;
    }

    public ExclusivePublication publication()
    {
        return publication;
    }

    public StreamSequence sequence()
    {
        return sequence;
    }

    public DestinationCounters counters()
    {
        return counters;
    }

    public boolean isUnavailable()
    {
        return unavailable;
    }

    @Override
    public void close()
    {
        publication.close();
        sequence.close();
        counters.close();
    }
}
