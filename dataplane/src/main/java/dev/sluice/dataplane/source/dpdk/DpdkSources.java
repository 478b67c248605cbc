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
    private DpdkMempool mempool;
    private DpdkPort port;

    /**
     * @param ealArgs       EAL arguments for the process, e.g. {@code --no-huge -m 256 --no-pci}
     * @param device        a virtual device with its arguments ({@code net_pcap0,rx_pcap=/x.pcap}) or a port name
     * @param queues        rx queues, one per worker
     * @param mbufs         mempool size; at least queues x (rxDescriptors + maxBurst)
     * @param dataRoomBytes mbuf data room including headroom
     * @param rxDescriptors descriptors per rx queue
     * @param maxBurst      packets per poll
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
        if (queues < 1)
        {
            throw new IllegalArgumentException("queues must be at least 1: " + queues);
        }
        if ((long)queues * (rxDescriptors + maxBurst) > mbufs)
        {
            throw new IllegalArgumentException(mbufs + " mbufs cannot fill " + queues + " queues of " + rxDescriptors +
                " descriptors plus a burst of " + maxBurst + " each: raise mbufs to at least " +
                (long)queues * (rxDescriptors + maxBurst));
        }
        this.ealArgs = List.copyOf(ealArgs);
        this.device = device;
        this.queues = queues;
        this.mbufs = mbufs;
        this.dataRoomBytes = dataRoomBytes;
        this.rxDescriptors = rxDescriptors;
        this.maxBurst = maxBurst;
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
            mempool = DpdkMempool.create(mbufs, dataRoomBytes);
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
        return new DpdkSource(port, workerIndex, maxBurst);
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
