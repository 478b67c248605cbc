package dev.sluice.dataplane.source;

import java.io.IOException;

/**
 * Opens one {@link PacketSource} per worker: a capture file per worker, a DPDK receive queue
 * per worker, or a socket per worker in one AF_PACKET fanout group. The gateway asks for
 * {@link #workerCount()} sources at assembly, before any worker thread starts, and closes the
 * factory after every source it opened is closed (a DPDK port or EAL outlives its queues).
 * <p>
 * How packets are spread over the workers is the factory's business (RSS, fanout, one file
 * each), but a packet must reach exactly one worker.
 */
public interface PacketSources extends AutoCloseable
{
    /** Short description for logs, e.g. {@code dpdk:net_pcap0 (2 queues)}. */
    String describe();

    /** Number of workers, and of sources this factory opens; at least 1. */
    int workerCount();

    /**
     * Opens the source read by worker {@code workerIndex} (0-based, below {@link #workerCount()}).
     * Called once per index, on the assembling thread.
     *
     * @throws IOException when the source cannot be opened; the message says what to do.
     */
    PacketSource open(int workerIndex) throws IOException;

    /** Releases what the sources shared (a port, an EAL, a ring); called after every source closed. */
    @Override
    default void close()
    {
    }
}
