package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.egress.StreamSpool;
import dev.sluice.dataplane.pipeline.EventWorker;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.source.event.EventIngest;
import dev.sluice.dataplane.source.event.EventIngestConfig;
import dev.sluice.dataplane.source.event.EventRing;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.ArrayList;
import java.util.List;

/**
 * The event side of a gateway: the ingest listeners (Netty) and the ring they fill, the event
 * worker that drains it, and the worker's streams to every destination, each with its own
 * sequence file, counters and (unless the destination turns it off) spool, in
 * {@code <spool-dir>/<region>/}{@value #WORKER_INDEX}{@code /}. The worker's batches carry {@link #WORKER_INDEX}, apart from the
 * packet workers' indexes, so the regional core checks the event stream's sequence on its own
 * and adding packet workers never renumbers it. Assembled with the gateway; closed by it.
 */
final class GatewayEvents implements AutoCloseable
{
    /** Opens (recovering) the spool of one worker's stream to a destination. */
    @FunctionalInterface
    interface SpoolOpener
    {
        StreamSpool open(GatewayContext.Destination destination, int workerIndex, ExclusivePublication publication);
    }

    /** The event worker's role name (and thread name). */
    static final String ROLE_NAME = "events-0";
    /** The event worker's index in every batch it sends: above any packet worker's. */
    static final int WORKER_INDEX = 0x8000;

    private final EventIngestConfig config;
    private final EventRing ring;
    private final EventWorker worker;
    private final EventCounters counters;
    private final RejectSamples rejects = new RejectSamples();
    private final List<DestinationStream> streams = new ArrayList<>();
    private final List<EventDestinationCounters> destinationCounters = new ArrayList<>();
    private final List<AutoCloseable> built = new ArrayList<>();
    private EventIngest ingest;

    /**
     * Builds the worker and its streams; the listeners are bound by {@link #startIngest()}.
     *
     * @param keys   the worker's keys: instances of its own in every key ring.
     * @param spools opens the spool of a destination whose spool is enabled.
     */
    GatewayEvents(
        final GatewayContext context,
        final Aeron aeron,
        final PolicyHolder policyHolder,
        final WorkerKeys keys,
        final SpoolOpener spools)
    {
        config = context.eventIngest();
        final CounterFactory counterFactory = aeron::addCounter;
        if (null == config.counterFactory())
        {
            config.counterFactory(counterFactory);
        }
        try
        {
            ring = built(new EventRing(config.ringCapacityBytes()));
            counters = built(new EventCounters(counterFactory, ROLE_NAME));
            for (final GatewayContext.Destination destination : context.destinations())
            {
                final ExclusivePublication publication =
                    built(aeron.addExclusivePublication(destination.channel(), destination.streamId()));
                final StreamSequence sequence = built(StreamSequence.open(
                    context.stateDirectory().resolve(sequenceFileName(context.gatewayId(), destination.region())),
                    StreamSequence.RESERVATION_BLOCK_DEFAULT));
                final DestinationCounters streamCounters =
                    built(new DestinationCounters(counterFactory, destination.region(), ROLE_NAME));
                final DestinationStream stream =
                    new DestinationStream(streams.size(), destination.region(), publication, sequence, streamCounters);
                if (destination.spool().enabled())
                {
                    // Closed with the stream (close() closes the streams), not on its own.
                    stream.spool(spools.open(destination, WORKER_INDEX, publication));
                }
                streams.add(stream);
                destinationCounters.add(
                    built(new EventDestinationCounters(counterFactory, destination.region(), ROLE_NAME)));
            }
            final EventSender sender = new EventSender(
                streams,
                destinationCounters,
                context.gatewayId(),
                context.site(),
                context.region(),
                WORKER_INDEX,
                context.notConnectedTimeoutNs(),
                // Not SystemEpochNanoClock: its Instant is not always scalar-replaced, and this runs per batch.
                new OffsetEpochNanoClock(),
                EventWorker.maxEventBytes(ring.maxMessageLength()));
            worker = new EventWorker(
                ROLE_NAME,
                ring,
                policyHolder,
                config.canDatabase(),
                sender,
                counters,
                rejects,
                new SystemNanoClock(),
                keys);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private <T extends AutoCloseable> T built(final T resource)
    {
        built.add(resource);
        return resource;
    }

    /** The event stream's sequence file for {@code region}. */
    static String sequenceFileName(final String gatewayId, final String region)
    {
        return "stream-" + gatewayId + "-" + region + "-" + ROLE_NAME + ".seq";
    }

    /** Binds every listener; messages then flow into the ring. */
    void startIngest()
    {
        ingest = EventIngest.start(config, ring);
    }

    /** Closes the listeners: no new message enters the ring. Idempotent. */
    void stopIngest()
    {
        CloseHelper.close(ingest);
    }

    EventWorker worker()
    {
        return worker;
    }

    EventRing ring()
    {
        return ring;
    }

    /** The running ingest, or null before {@link #startIngest()}. */
    EventIngest ingest()
    {
        return ingest;
    }

    EventCounters counters()
    {
        return counters;
    }

    RejectSamples rejects()
    {
        return rejects;
    }

    List<EventDestinationCounters> destinationCounters()
    {
        return destinationCounters;
    }

    List<DestinationStream> streams()
    {
        return streams;
    }

    /** Stops the listeners first (no new messages), then gives back the rest, newest first. */
    @Override
    public void close()
    {
        CloseHelper.close(ingest);
        CloseHelper.closeAll(streams);
        CloseHelper.closeAll(built.reversed());
    }
}
