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
    /** The stream's spool, or null when batches go straight to the publication (and are dropped when it is unavailable). */
    StreamSpool spool;

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

    /**
     * Gives the stream a spool: from now on every batch is appended to it and sent from it, numbered
     * with the spool's sequence, and nothing is dropped for want of a subscriber. The stream owns
     * the spool and closes it. Call before the first batch.
     */
    public DestinationStream spool(final StreamSpool spool)
    {
        spool.continueAfter(sequence.lastUsed());
        spool.attach(publication, counters);
        this.spool = spool;
        return this;
    }

    /** The stream's spool, or null. */
    public StreamSpool spool()
    {
        return spool;
    }

    @Override
    public void close()
    {
        if (spool != null)
        {
            spool.close();
        }
        publication.close();
        sequence.close();
        counters.close();
    }
}
