package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.decode.event.can.CanDatabase;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of event ingest: the ring, the transport, the I/O threads and the listeners. Fluent;
 * {@link #conclude()} fills defaults and reports every problem at once. Configured on one thread
 * before {@link EventIngest#start}; not changed afterwards.
 */
public final class EventIngestConfig
{
    /** Property for the I/O thread count. */
    public static final String IO_THREADS_PROP_NAME = "sluice.ingest.io.threads";
    public static final int IO_THREADS_DEFAULT = 1;

    private int ringCapacityBytes = EventRing.CAPACITY_BYTES_DEFAULT;
    private String transport = System.getProperty(IngestTransport.TRANSPORT_PROP_NAME, IngestTransport.TRANSPORT_DEFAULT);
    private int ioThreads = Integer.getInteger(IO_THREADS_PROP_NAME, IO_THREADS_DEFAULT);
    private final List<IngestListener> listeners = new ArrayList<>();
    private CounterFactory counterFactory;
    private EpochNanoClock clock;
    private CanDatabase canDatabase;
    private boolean concluded;

    /**
     * @param ringCapacityBytes the ring's data capacity, a power of two.
     * @return this.
     */
    public EventIngestConfig ringCapacityBytes(final int ringCapacityBytes)
    {
        this.ringCapacityBytes = ringCapacityBytes;
        return this;
    }

    public int ringCapacityBytes()
    {
        return ringCapacityBytes;
    }

    /**
     * @param transport {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}; the default comes from
     *                  {@link IngestTransport#TRANSPORT_PROP_NAME}.
     * @return this.
     */
    public EventIngestConfig transport(final String transport)
    {
        this.transport = transport;
        return this;
    }

    public String transport()
    {
        return transport;
    }

    /**
     * @param ioThreads the Netty event loops shared by every listener.
     * @return this.
     */
    public EventIngestConfig ioThreads(final int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    public int ioThreads()
    {
        return ioThreads;
    }

    /**
     * @param listener one more listener; its index in the ring header is its position in this list.
     * @return this.
     */
    public EventIngestConfig listener(final IngestListener listener)
    {
        listeners.add(listener);
        return this;
    }

    public List<IngestListener> listeners()
    {
        return listeners;
    }

    /**
     * @param canDatabase the DBC that decodes CAN signals of candump lines, or null for none.
     * @return this.
     */
    public EventIngestConfig canDatabase(final CanDatabase canDatabase)
    {
        this.canDatabase = canDatabase;
        return this;
    }

    /** The DBC that decodes CAN signals, or null. */
    public CanDatabase canDatabase()
    {
        return canDatabase;
    }

    /**
     * @param counterFactory where the listeners' counters live.
     * @return this.
     */
    public EventIngestConfig counterFactory(final CounterFactory counterFactory)
    {
        this.counterFactory = counterFactory;
        return this;
    }

    public CounterFactory counterFactory()
    {
        return counterFactory;
    }

    /**
     * @param clock gives the receive time of each message; default {@link OffsetEpochNanoClock}.
     * @return this.
     */
    public EventIngestConfig clock(final EpochNanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public EpochNanoClock clock()
    {
        return clock;
    }

    /**
     * Fills defaults and checks every setting, reporting all problems in one exception.
     *
     * @return this.
     * @throws IllegalArgumentException naming every problem.
     */
    public EventIngestConfig conclude()
    {
        if (concluded)
        {
            return this;
        }
        final List<String> errors = new ArrayList<>();
        if (ringCapacityBytes <= 0 || Integer.bitCount(ringCapacityBytes) != 1)
        {
            errors.add("ingest ring capacity must be a power of two bytes, e.g. 8388608 (8 MiB); got " + ringCapacityBytes);
        }
        if (ioThreads <= 0)
        {
            errors.add("ingest I/O threads must be at least 1, got " + ioThreads);
        }
        if (!IngestTransport.AUTO.equals(transport) && IngestTransport.byKeyword(transport) == null)
        {
            errors.add("unknown ingest transport '" + transport + "': use auto, io_uring, epoll or nio");
        }
        if (counterFactory == null)
        {
            errors.add("ingest needs a counter factory (the gateway's Aeron counters, or a CountersManager in tests)");
        }
        if (listeners.isEmpty())
        {
            errors.add("ingest needs at least one listener");
        }
        if (listeners.size() > 0xFFFF)
        {
            errors.add("at most 65535 ingest listeners, got " + listeners.size());
        }
        // Agrona's limit: one record's payload at most an eighth of the capacity, the ingest header included.
        final int ringMaxMessageLength = Math.max(0, (ringCapacityBytes >> 3) - IngestRecord.HEADER_LENGTH);
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++)
        {
            final IngestListener listener = listeners.get(i);
            final String where = "listener " + i + (listener.name() != null ? " (" + listener.name() + ")" : "");
            listener.validate(where, ringMaxMessageLength, errors);
            if (listener.name() != null && !names.add(listener.name()))
            {
                errors.add(where + ": another listener has the name " + listener.name());
            }
        }
        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException("event ingest configuration: " + String.join("; ", errors));
        }
        if (clock == null)
        {
            clock = new OffsetEpochNanoClock();
        }
        concluded = true;
        return this;
    }
}
