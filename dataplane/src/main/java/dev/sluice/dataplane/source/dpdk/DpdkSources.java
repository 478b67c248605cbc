package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.source.PacketSources;

import java.io.IOException;
import java.util.List;

/**
 * One DPDK port, one rx queue per worker. The EAL (once per process), the mempool and the port
 * are set up when the first source is opened, so that loading a configuration touches no
 * device; {@link #close()} closes the port and frees the mempool after every source is closed.
 * Called on the assembling thread.
 */
public final class DpdkSources implements PacketSources
{
    private final List<String> ealArgs;
    private final String device;
    private final int queues;
    private final int mbufs;
    private final int dataRoomBytes;
    private final int rxDescriptors;
    private final int maxBurst;
    private final int mempoolCache;
    private DpdkMempool mempool;
    private DpdkPort port;

    /** Per-lcore mempool cache the gateway configures unless told otherwise (source.dpdk.mempool-cache). */
    public static final int DEFAULT_MEMPOOL_CACHE = 256;

    /**
     * As {@link #DpdkSources(List, String, int, int, int, int, int, int)} with a mempool without
     * a per-lcore cache.
     */
    public DpdkSources(
        final List<String> ealArgs,
        final String device,
        final int queues,
        final int mbufs,
        final int dataRoomBytes,
        final int rxDescriptors,
        final int maxBurst)
    {
        this(ealArgs, device, queues, mbufs, dataRoomBytes, rxDescriptors, maxBurst, 0);
    }

    /**
     * @param ealArgs       EAL arguments for the process, e.g. {@code --no-huge -m 256 --no-pci}
     * @param device        a virtual device with its arguments ({@code net_pcap0,rx_pcap=/x.pcap}) or a port name
     * @param queues        rx queues, one per worker
     * @param mbufs         mempool size; at least {@link #mbufsNeeded}
     * @param dataRoomBytes mbuf data room including headroom
     * @param rxDescriptors descriptors per rx queue
     * @param maxBurst      packets per poll
     * @param mempoolCache  mbufs each worker keeps in its own mempool cache (0..512, at most mbufs / 1.5);
     *                      0 for none; the workers register with DPDK when it is not 0
     */
    public DpdkSources(
        final List<String> ealArgs,
        final String device,
        final int queues,
        final int mbufs,
        final int dataRoomBytes,
        final int rxDescriptors,
        final int maxBurst,
        final int mempoolCache)
    {
        if (queues < 1)
        {
            throw new IllegalArgumentException("queues must be at least 1: " + queues);
        }
        final String cacheProblem = DpdkMempool.cacheProblem(mbufs, mempoolCache);
        if (cacheProblem != null)
        {
            throw new IllegalArgumentException(cacheProblem);
        }
        final long needed = mbufsNeeded(queues, rxDescriptors, maxBurst, mempoolCache);
        if (needed > mbufs)
        {
            throw new IllegalArgumentException(mbufs + " mbufs cannot fill " + queues + " queues of " + rxDescriptors +
                " descriptors plus a burst of " + maxBurst + (mempoolCache == 0 ? "" : " and a cache of " + mempoolCache) +
                " each: raise mbufs to at least " + needed);
        }
        this.ealArgs = List.copyOf(ealArgs);
        this.device = device;
        this.queues = queues;
        this.mbufs = mbufs;
        this.dataRoomBytes = dataRoomBytes;
        this.rxDescriptors = rxDescriptors;
        this.maxBurst = maxBurst;
        this.mempoolCache = mempoolCache;
    }

    /**
     * Mbufs the pool needs so no queue starves: each queue's descriptors, the burst its worker
     * holds, and what its worker's cache keeps.
     */
    public static long mbufsNeeded(final int queues, final int rxDescriptors, final int maxBurst, final int mempoolCache)
    {
        return (long)queues * ((long)rxDescriptors + maxBurst + mempoolCache);
    }

    /** Defaults for the data room, descriptors and burst. */
    public DpdkSources(final List<String> ealArgs, final String device, final int queues, final int mbufs)
    {
        this(ealArgs, device, queues, mbufs, DpdkMempool.DEFAULT_DATA_ROOM_BYTES, DpdkPort.DEFAULT_RX_DESCRIPTORS,
            DpdkSource.DEFAULT_MAX_BURST);
    }

    @Override
    public String describe()
    {
        return "dpdk:" + DpdkPort.portName(device) + " (" + queues + (queues == 1 ? " queue" : " queues") +
            (port != null && port.rss() ? ", RSS" : "") + ")";
    }

    @Override
    public int workerCount()
    {
        return queues;
    }

    @Override
    public PacketSource open(final int workerIndex) throws IOException
    {
        if (workerIndex < 0 || workerIndex >= queues)
        {
            throw new IllegalArgumentException("worker index must be 0.." + (queues - 1) + ": " + workerIndex);
        }
        if (port == null)
        {
            DpdkEal.init(ealArgs);
            mempool = DpdkMempool.create(mbufs, dataRoomBytes, mempoolCache);
            try
            {
                port = DpdkPort.open(device, queues, rxDescriptors, mempool);
            }
            catch (final DpdkException ex)
            {
                mempool.close();
                mempool = null;
                throw ex;
            }
        }
        return new DpdkSource(port, workerIndex, maxBurst, mempoolCache != 0);
    }

    /** The device as DPDK is given it: a virtual device with its arguments, or a port name. */
    public String device()
    {
        return device;
    }

    /** The port, once the first source is open (null before). */
    public DpdkPort port()
    {
        return port;
    }

    /** The mempool, once the first source is open (null before). */
    public DpdkMempool mempool()
    {
        return mempool;
    }

    @Override
    public void close()
    {
        if (port != null)
        {
            port.close();
            port = null;
        }
        if (mempool != null)
        {
            mempool.close();
            mempool = null;
        }
    }
}
