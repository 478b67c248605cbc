package dev.sluice.dataplane.egress;

import java.util.List;

/**
 * What every sender does with a worker's streams, one per destination: keep them in destination
 * order, and drive their spools (acknowledgements, fsync policy, replay, sending) each duty cycle.
 * Worker thread only.
 */
final class DestinationStreams
{
    private DestinationStreams()
    {
    }

    /** The streams as an array indexed by destination; refuses a list out of destination order. */
    static DestinationStream[] inDestinationOrder(final List<DestinationStream> streams)
    {
        final DestinationStream[] ordered = streams.toArray(new DestinationStream[0]);
        for (int i = 0; i < ordered.length; i++)
        {
            if (ordered[i].index() != i)
            {
                throw new IllegalArgumentException("destination " + ordered[i].region() + " has index " +
                    ordered[i].index() + " but is at position " + i);
            }
        }
        return ordered;
    }

    /** Duty-cycle work of the spooled streams; returns the work done. */
    static int doSpoolWork(final DestinationStream[] streams, final long nowNs)
    {
        int work = 0;
        for (final DestinationStream stream : streams)
        {
            if (stream.spool != null)
            {
                work += stream.spool.doWork(nowNs);
            }
        }
        return work;
    }

    /** True when no spooled stream holds a batch it has not offered to its publication yet. */
    static boolean haveSentAll(final DestinationStream[] streams)
    {
        for (final DestinationStream stream : streams)
        {
            if (stream.spool != null && !stream.spool.hasSentAll())
            {
                return false;
            }
        }
        return true;
    }
}
