package dev.sluice.dataplane.source;

import dev.sluice.dataplane.pipeline.PacketBurst;

/**
 * Where a worker's packets come from: a capture file, a DPDK queue, an AF_PACKET ring.
 * A source hands out bursts of descriptors that point at packet bytes where they already are;
 * it never copies them. Called only by the worker thread that owns it.
 */
public interface PacketSource extends AutoCloseable
{
    /** Short name for counters and logs, e.g. {@code pcap:demo.pcap}. */
    String name();

    /**
     * Fills slots {@code [0, n)} of the burst's source fields (data, offset, lengths,
     * timestamp, link type), sets {@code burst.count(n)} and returns n; 0 when nothing is
     * available right now.
     */
    int poll(PacketBurst burst);

    /**
     * Gives back the buffers of the last polled burst once every stage is done with them.
     * Each buffer is released exactly once; sources over memory they do not own (a mapped
     * file) have nothing to do.
     */
    default void release(final PacketBurst burst)
    {
    }

    /**
     * Called by the worker on its own thread before its first poll (after the thread is pinned),
     * so a source can bind per-thread state, e.g. register the thread with DPDK so that mbuf
     * allocation and free use the thread's mempool cache. A source must still work when this is
     * never called (tests drive workers from their own thread).
     */
    default void onWorkerStart()
    {
    }

    /** Called by the worker on its own thread after its last poll and release, before {@link #close()}. */
    default void onWorkerStop()
    {
    }

    /**
     * Packets this source took in but dropped itself, never handing them out, since it was
     * opened (a running total): DPDK frames that span several mbufs, for example. The worker
     * counts the growth of this total as received and {@code dropped{multi_segment}}, so the
     * gateway's accounting still balances. Sources that hand out everything return 0.
     */
    default long droppedBySource()
    {
        return 0;
    }

    /**
     * Packets the device or kernel discarded before this source could hand them out (an
     * AF_PACKET ring that was full, a NIC queue that overflowed), in total since open. The gateway
     * never received them, so they stand outside its {@code received = forwarded + ...} balance;
     * they say how much traffic the host lost in front of the gateway. May make a syscall: the
     * worker asks once every {@code GatewayWorker.SOURCE_DROPS_POLL_INTERVAL} polls, not per burst.
     *
     * @return the running total; 0 for sources that cannot lose packets (a capture file).
     */
    default long sourceDrops()
    {
        return 0;
    }

    /** True when a finite source (a capture file) has handed out everything it will. */
    boolean isExhausted();

    @Override
    void close();
}
