package dev.sluice.dataplane.counters;

import io.aeron.Aeron;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * The flow aggregation counters of one worker: flows created, flow records emitted by end
 * reason ({@code flows_emitted{evicted}} counts the evictions of a full table), the packets and
 * bytes those records carry, and the table's occupancy. They balance as
 * {@code flows_created = sum(flows_emitted{reason}) + flow_table_open}, and once every flow has
 * ended the packets in the records equal the source's {@code aggregated} counter.
 * <p>
 * Written once per duty cycle by the worker ({@link #add}); read from any thread.
 */
public final class FlowCounters implements AutoCloseable
{
    /** Labels of the end reasons, indexed by the wire's {@code FlowEndReason} value. */
    private static final String[] END_REASON_LABELS =
        {"idle_timeout", "active_timeout", "tcp_fin", "tcp_rst", "evicted", "flushed"};

    /** Number of end reasons: the length of the array {@link #add} takes. */
    public static final int END_REASONS = END_REASON_LABELS.length;

    private final String workerName;
    private final AtomicCounter created;
    private final AtomicCounter[] emitted;
    private final AtomicCounter packetsEmitted;
    private final AtomicCounter bytesEmitted;
    private final AtomicCounter tableOpen;
    private final AtomicCounter tableCapacity;

    public FlowCounters(final Aeron aeron, final String workerName)
    {
        this(aeron::addCounter, workerName);
    }

    public FlowCounters(final CounterFactory factory, final String workerName)
    {
        this.workerName = workerName;
        created = counter(factory, "flows_created");
        emitted = new AtomicCounter[END_REASONS];
        for (int reason = 0; reason < END_REASONS; reason++)
        {
            emitted[reason] = counter(factory, "flows_emitted{" + END_REASON_LABELS[reason] + "}");
        }
        packetsEmitted = counter(factory, "flow_packets_emitted");
        bytesEmitted = counter(factory, "flow_bytes_emitted");
        tableOpen = counter(factory, "flow_table_open");
        tableCapacity = counter(factory, "flow_table_capacity");
    }

    private AtomicCounter counter(final CounterFactory factory, final String name)
    {
        return factory.newCounter(CounterTypes.FLOW_COUNTER_TYPE_ID, "sluice flows " + workerName + " " + name);
    }

    public String workerName()
    {
        return workerName;
    }

    /**
     * Adds one duty cycle's flow outcomes and sets the table's occupancy. Worker thread only.
     *
     * @param flowsCreated      flows started
     * @param emittedByReason   records emitted, indexed by end reason ({@link #END_REASONS} entries)
     * @param packets           packets (both directions) in those records
     * @param bytes             wire bytes (both directions) in those records
     * @param open              flows open in the table now
     * @param capacity          the table's capacity (0 when the policy aggregates nothing)
     */
    public void add(
        final long flowsCreated,
        final long[] emittedByReason,
        final long packets,
        final long bytes,
        final int open,
        final int capacity)
    {
        addIfNonZero(created, flowsCreated);
        for (int reason = 0; reason < END_REASONS; reason++)
        {
            addIfNonZero(emitted[reason], emittedByReason[reason]);
        }
        addIfNonZero(packetsEmitted, packets);
        addIfNonZero(bytesEmitted, bytes);
        tableOpen.setRelease(open);
        tableCapacity.setRelease(capacity);
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
        final long[] byReason = new long[END_REASONS];
        for (int reason = 0; reason < END_REASONS; reason++)
        {
            byReason[reason] = emitted[reason].getAcquire();
        }
        return new Snapshot(
            workerName,
            created.getAcquire(),
            byReason[0],
            byReason[1],
            byReason[2],
            byReason[3],
            byReason[4],
            byReason[5],
            packetsEmitted.getAcquire(),
            bytesEmitted.getAcquire(),
            tableOpen.getAcquire(),
            tableCapacity.getAcquire());
    }

    @Override
    public void close()
    {
        created.close();
        for (final AtomicCounter counter : emitted)
        {
            counter.close();
        }
        packetsEmitted.close();
        bytesEmitted.close();
        tableOpen.close();
        tableCapacity.close();
    }

    /** Flow outcomes of one worker at one moment. */
    public record Snapshot(
        String workerName,
        long created,
        long emittedIdleTimeout,
        long emittedActiveTimeout,
        long emittedTcpFin,
        long emittedTcpRst,
        long emittedEvicted,
        long emittedFlushed,
        long packetsEmitted,
        long bytesEmitted,
        long tableOpen,
        long tableCapacity)
    {
        /**
         * Several workers' flow counters added up under one name; the tables' occupancy and
         * capacity add up too (each worker has its own table).
         */
        public static Snapshot sum(final String workerName, final List<Snapshot> snapshots)
        {
            long created = 0;
            long idleTimeout = 0;
            long activeTimeout = 0;
            long tcpFin = 0;
            long tcpRst = 0;
            long evicted = 0;
            long flushed = 0;
            long packets = 0;
            long bytes = 0;
            long open = 0;
            long capacity = 0;
            for (final Snapshot snapshot : snapshots)
            {
                created += snapshot.created;
                idleTimeout += snapshot.emittedIdleTimeout;
                activeTimeout += snapshot.emittedActiveTimeout;
                tcpFin += snapshot.emittedTcpFin;
                tcpRst += snapshot.emittedTcpRst;
                evicted += snapshot.emittedEvicted;
                flushed += snapshot.emittedFlushed;
                packets += snapshot.packetsEmitted;
                bytes += snapshot.bytesEmitted;
                open += snapshot.tableOpen;
                capacity += snapshot.tableCapacity;
            }
            return new Snapshot(
                workerName, created, idleTimeout, activeTimeout, tcpFin, tcpRst, evicted, flushed, packets, bytes, open,
                capacity);
        }

        /** Flow records emitted, every reason. */
        public long emitted()
        {
            return emittedIdleTimeout + emittedActiveTimeout + emittedTcpFin + emittedTcpRst + emittedEvicted + emittedFlushed;
        }

        /** Flows ended early because the table was full. */
        public long evictions()
        {
            return emittedEvicted;
        }

        /** flows_created = emitted + open. */
        public boolean balances()
        {
            return created == emitted() + tableOpen;
        }
    }
}
