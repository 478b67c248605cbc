package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.counters.CounterTypes;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one ingest listener: {@code received = accepted + dropped{reason}} once no message
 * is pending in a paused connection, with {@code bytes} received and {@code connections} accepted beside
 * them. A message is counted received when it is framed (a datagram, a line, an octet-counted frame,
 * an HTTP request). Written by any event loop thread (atomic adds), read from any thread.
 */
public final class IngestCounters implements AutoCloseable
{
    private final String listenerName;
    private final AtomicCounter received;
    private final AtomicCounter accepted;
    private final AtomicCounter bytes;
    private final AtomicCounter connections;
    private final AtomicCounter backpressurePauses;
    private final AtomicCounter[] dropped;

    /**
     * @param factory      where the counters live.
     * @param listenerName the listener's name, part of every label ({@code sluice ingest NAME received}).
     */
    public IngestCounters(final CounterFactory factory, final String listenerName)
    {
        this.listenerName = listenerName;
        final String prefix = "sluice ingest " + listenerName + " ";
        received = factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "received");
        accepted = factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "accepted");
        bytes = factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "bytes");
        connections = factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "connections");
        backpressurePauses = factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "backpressure_pauses");
        final IngestDropReason[] reasons = IngestDropReason.values();
        dropped = new AtomicCounter[reasons.length];
        for (final IngestDropReason reason : reasons)
        {
            dropped[reason.ordinal()] =
                factory.newCounter(CounterTypes.INGEST_COUNTER_TYPE_ID, prefix + "dropped{" + reason.label() + "}");
        }
    }

    public String listenerName()
    {
        return listenerName;
    }

    /** One message framed, of {@code length} bytes. */
    void onReceived(final int length)
    {
        received.increment();
        bytes.getAndAdd(length);
    }

    void onAccepted()
    {
        accepted.increment();
    }

    void onDropped(final IngestDropReason reason)
    {
        dropped[reason.ordinal()].increment();
    }

    /** A message received and dropped at once. */
    void onReceivedAndDropped(final int length, final IngestDropReason reason)
    {
        onReceived(length);
        onDropped(reason);
    }

    void onConnection()
    {
        connections.increment();
    }

    /** A connection stopped reading because the ring was full. */
    void onBackpressurePause()
    {
        backpressurePauses.increment();
    }

    /**
     * @return messages received so far, without a snapshot's allocation; any thread.
     */
    public long receivedCount()
    {
        return received.get();
    }

    /**
     * @return the counters' values now; any thread.
     */
    public Snapshot snapshot()
    {
        final Map<IngestDropReason, Long> byReason = new EnumMap<>(IngestDropReason.class);
        for (final IngestDropReason reason : IngestDropReason.values())
        {
            final long value = dropped[reason.ordinal()].get();
            if (value != 0)
            {
                byReason.put(reason, value);
            }
        }
        return new Snapshot(
            listenerName, received.get(), accepted.get(), Map.copyOf(byReason), bytes.get(), connections.get(),
            backpressurePauses.get());
    }

    @Override
    public void close()
    {
        received.close();
        accepted.close();
        bytes.close();
        connections.close();
        backpressurePauses.close();
        for (final AtomicCounter counter : dropped)
        {
            counter.close();
        }
    }

    /** One listener's counters at one moment. */
    public record Snapshot(
        String listenerName,
        long received,
        long accepted,
        Map<IngestDropReason, Long> droppedByReason,
        long bytes,
        long connections,
        long backpressurePauses)
    {
        public long dropped()
        {
            long sum = 0;
            for (final long value : droppedByReason.values())
            {
                sum += value;
            }
            return sum;
        }

        public long dropped(final IngestDropReason reason)
        {
            return droppedByReason.getOrDefault(reason, 0L);
        }

        /** True when every message received has an outcome: {@code received = accepted + dropped}. */
        public boolean balances()
        {
            return received == accepted + dropped();
        }
    }
}
