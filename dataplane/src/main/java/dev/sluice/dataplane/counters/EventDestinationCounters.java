package dev.sluice.dataplane.counters;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * What became of the events forwarded towards one destination:
 * {@code raw + transformed + blocked + not_routed} is every forwarded event, decided once by
 * residency ({@code not_routed}: its rule routes it to other regions), and
 * {@code raw + transformed = sent + dropped{destination_unavailable} + dropped{too_large} +
 * dropped{spool_full} + in_flight}.
 * Batches, bytes, back pressure and the stream's last sequence are in the stream's
 * {@link DestinationCounters}. Written by the event worker, read from any thread.
 */
public final class EventDestinationCounters implements AutoCloseable
{
    private final String region;
    private final AtomicCounter raw;
    private final AtomicCounter transformed;
    private final AtomicCounter blocked;
    private final AtomicCounter sent;
    private final AtomicCounter droppedUnavailable;
    private final AtomicCounter droppedTooLarge;
    private final AtomicCounter droppedSpoolFull;
    private final AtomicCounter notRouted;

    /**
     * @param workerName the event worker's role name, part of every label.
     */
    public EventDestinationCounters(final CounterFactory factory, final String region, final String workerName)
    {
        this.region = region;
        final String prefix = "sluice destination " + region + " " + workerName + " events_";
        raw = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "raw");
        transformed = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "transformed");
        blocked = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "blocked");
        sent = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "sent");
        droppedUnavailable = factory.newCounter(
            CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "dropped{destination_unavailable}");
        droppedTooLarge = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "dropped{too_large}");
        droppedSpoolFull = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "dropped{spool_full}");
        notRouted = factory.newCounter(CounterTypes.EVENT_DESTINATION_COUNTER_TYPE_ID, prefix + "not_routed");
    }

    public String region()
    {
        return region;
    }

    /** Residency decisions of one staged batch of events. */
    public void addDecisions(final long rawCount, final long transformedCount, final long blockedCount)
    {
        addDecisions(rawCount, transformedCount, blockedCount, 0);
    }

    /** Decisions of one staged batch of events, with those routed elsewhere. */
    public void addDecisions(final long rawCount, final long transformedCount, final long blockedCount, final long notRoutedCount)
    {
        addIfNonZero(raw, rawCount);
        addIfNonZero(transformed, transformedCount);
        addIfNonZero(blocked, blockedCount);
        addIfNonZero(notRouted, notRoutedCount);
    }

    public void onSent(final int events)
    {
        sent.getAndAddRelease(events);
    }

    public void onDroppedUnavailable(final long events)
    {
        addIfNonZero(droppedUnavailable, events);
    }

    /** An event longer than one message on the destination's publication can carry. */
    public void onTooLarge()
    {
        droppedTooLarge.incrementRelease();
    }

    /** Events of a batch the destination's full spool dropped under its overflow rule (drop-newest). */
    public void onDroppedSpoolFull(final int events)
    {
        droppedSpoolFull.getAndAddRelease(events);
    }

    private static void addIfNonZero(final AtomicCounter counter, final long delta)
    {
        if (delta != 0)
        {
            counter.getAndAddRelease(delta);
        }
    }

    /** Any thread. */
    public Snapshot snapshot()
    {
        return new Snapshot(region, raw.getAcquire(), transformed.getAcquire(), blocked.getAcquire(), sent.getAcquire(),
            droppedUnavailable.getAcquire(), droppedTooLarge.getAcquire(), droppedSpoolFull.getAcquire(), notRouted.getAcquire());
    }

    @Override
    public void close()
    {
        raw.close();
        transformed.close();
        blocked.close();
        sent.close();
        droppedUnavailable.close();
        droppedTooLarge.close();
        droppedSpoolFull.close();
        notRouted.close();
    }

    /** One destination's event outcomes at one moment. */
    public record Snapshot(
        String region,
        long raw,
        long transformed,
        long blocked,
        long sent,
        long droppedUnavailable,
        long droppedTooLarge,
        long droppedSpoolFull,
        long notRouted)
    {
        /** The snapshot of a gateway built before {@code route}: nothing routed elsewhere. */
        public Snapshot(
            final String region, final long raw, final long transformed, final long blocked, final long sent,
            final long droppedUnavailable, final long droppedTooLarge, final long droppedSpoolFull)
        {
            this(region, raw, transformed, blocked, sent, droppedUnavailable, droppedTooLarge, droppedSpoolFull, 0);
        }

        /** Forwarded events decided for this destination: {@code raw + transformed + blocked + not_routed}. */
        public long decided()
        {
            return raw + transformed + blocked + notRouted;
        }

        /** Events allowed to this destination and not yet sent or dropped (held by egress). */
        public long inFlight()
        {
            return raw + transformed - sent - droppedUnavailable - droppedTooLarge - droppedSpoolFull;
        }

        @Override
        public String toString()
        {
            return region + ": raw=" + raw + " transformed=" + transformed + " blocked=" + blocked + " sent=" + sent +
                " dropped{destination_unavailable}=" + droppedUnavailable + " dropped{too_large}=" + droppedTooLarge +
                " dropped{spool_full}=" + droppedSpoolFull + " not_routed=" + notRouted;
        }
    }
}
