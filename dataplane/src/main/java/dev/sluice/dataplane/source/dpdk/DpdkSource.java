package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.PacketSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One DPDK receive queue as a {@link PacketSource}. A poll is one downcall (the shim's rx fill)
 * that receives up to a burst of mbufs and writes their descriptors (address, lengths, timestamp)
 * straight into the {@link PacketBurst}'s arrays; the descriptors point into mbuf memory, so
 * packet bytes are read where the device put them and never copied.
 * <p>
 * Zero allocation per burst: every descriptor's segment is the same {@link #ALL_MEMORY} segment
 * and its offset is the mbuf data's absolute address, so no segment is created per packet (a
 * reinterpret per mbuf would allocate). The mbufs of the last burst are held until
 * {@link #release(PacketBurst)} frees them with one bulk call; each is freed exactly once.
 * Multi-segment mbufs (packets longer than the mempool's data room) are freed by the shim and
 * counted in {@link #multiSegmentDrops()}, never handed to stages that read packets as one run;
 * the gateway's worker counts them as received and {@code dropped{multi_segment}}
 * ({@link #droppedBySource()}). Size mbuf-data-room above the largest frame.
 * <p>
 * Opened on the assembling thread, then polled, released and closed by its worker thread only.
 * When its pool has a per-lcore cache, {@link #onWorkerStart()} registers the worker thread with
 * DPDK so the rx refill and the bulk free use that thread's cache rather than the shared ring;
 * without it (a test polling from its own thread) the pool's ring serves it, just slower.
 */
public final class DpdkSource implements PacketSource
{
    /**
     * The whole address space as one segment: descriptors address mbuf data by absolute address.
     * Bounds come from each descriptor's captured length, as for every source.
     */
    public static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Most packets one poll takes from the queue. */
    public static final int DEFAULT_MAX_BURST = 256;
    private static final System.Logger LOG = System.getLogger(DpdkSource.class.getName());

    private final DpdkPort port;
    private final short portId;
    private final short queue;
    private final long timestampScale;
    private final int maxBurst;
    private final boolean registerWorkerThread;
    private final String name;
    private final Arena arena;
    private final MemorySegment mbufs;
    private final MemorySegment rssHashes;
    private final MemorySegment flags;
    private final MemorySegment multiSegmentDropCount;
    /** The burst whose arrays the heap segments below wrap; re-wrapped when poll is handed another. */
    private PacketBurst boundBurst;
    private MemorySegment burstOffsets;
    private MemorySegment burstCapturedLengths;
    private MemorySegment burstWireLengths;
    private MemorySegment burstTimestamps;
    private int held;
    private long packetsReceived;
    private long bytesReceived;
    private boolean closed;
    /** The thread {@link #onWorkerStart()} registered with DPDK, unregistered by {@link #onWorkerStop()}. */
    private Thread registeredThread;

    /** A source over rx queue {@code queue} of {@code port}, taking up to {@code maxBurst} packets a poll. */
    public DpdkSource(final DpdkPort port, final int queue, final int maxBurst)
    {
        this(port, queue, maxBurst, false);
    }

    /**
     * As {@link #DpdkSource(DpdkPort, int, int)}; with {@code registerWorkerThread} the worker's
     * thread becomes a DPDK lcore in {@link #onWorkerStart()} (worth it when the pool has a cache).
     */
    public DpdkSource(final DpdkPort port, final int queue, final int maxBurst, final boolean registerWorkerThread)
    {
        if (queue < 0 || queue >= port.rxQueues())
        {
            throw new IllegalArgumentException("port " + port.name() + " has rx queues 0.." + (port.rxQueues() - 1) +
                ": " + queue);
        }
        if (maxBurst < 1 || maxBurst > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("burst must be 1.." + Short.MAX_VALUE + ": " + maxBurst);
        }
        this.port = port;
        this.portId = port.id();
        this.queue = (short)queue;
        this.timestampScale = port.timestampScaleNs();
        this.maxBurst = maxBurst;
        this.registerWorkerThread = registerWorkerThread;
        this.name = "dpdk:" + port.name() + "/" + queue;
        // Shared, not confined: the source is opened on the assembling thread and used by its worker.
        this.arena = Arena.ofShared();
        this.mbufs = arena.allocate(ADDRESS, maxBurst);
        this.rssHashes = arena.allocate(JAVA_INT, maxBurst);
        this.flags = arena.allocate(JAVA_INT, maxBurst);
        this.multiSegmentDropCount = arena.allocate(JAVA_LONG);
    }

    @Override
    public String name()
    {
        return name;
    }

    public DpdkPort port()
    {
        return port;
    }

    public int queue()
    {
        return queue;
    }

    /**
     * Registers the worker thread with DPDK (when asked to at construction), so mbuf allocation and
     * free go through the thread's mempool cache. A failure (every lcore id taken) is logged and
     * the worker runs unregistered, over the shared ring: a slower worker beats none.
     */
    @Override
    public void onWorkerStart()
    {
        final DpdkEal eal = DpdkEal.current();
        if (!registerWorkerThread || closed || registeredThread != null || eal == null)
        {
            return;
        }
        try
        {
            final int lcore = eal.registerThread();
            registeredThread = Thread.currentThread();
            LOG.log(System.Logger.Level.INFO, name + " polled by thread " + registeredThread.getName() +
                " as DPDK lcore " + lcore + " (mbufs through its mempool cache)");
        }
        catch (final DpdkException ex)
        {
            LOG.log(System.Logger.Level.WARNING, name + " polls without a mempool cache: " + ex.getMessage());
        }
    }

    /** Frees what is still held (into this thread's cache), then gives the thread's lcore id back. */
    @Override
    public void onWorkerStop()
    {
        if (registeredThread == Thread.currentThread())
        {
            if (held != 0 && !closed)
            {
                freeHeld();
            }
            registeredThread = null;
            // Mbufs left in this lcore's cache stay counted as free and serve the next thread given this lcore id.
            DpdkEal.current().unregisterThread();
        }
    }

    /** True while the worker thread is registered with DPDK by {@link #onWorkerStart()}. */
    public boolean workerThreadRegistered()
    {
        return registeredThread != null;
    }

    @Override
    public int poll(final PacketBurst burst)
    {
        if (closed)
        {
            burst.count(0);
            return 0;
        }
        if (held != 0)
        {
            // The worker always releases before polling again; freeing here keeps a careless caller from leaking.
            freeHeld();
        }
        if (burst != boundBurst)
        {
            bind(burst);
        }
        final int wanted = Math.min(burst.capacity(), maxBurst);
        // The shim writes offsets (absolute addresses), lengths and timestamps straight into the burst's arrays.
        final int count = DpdkLibrary.rxFillHeap(
            portId, queue, (short)wanted, timestampScale, mbufs, burstOffsets, burstCapturedLengths, burstWireLengths,
            rssHashes, flags, burstTimestamps, multiSegmentDropCount);
        final MemorySegment[] data = burst.data;
        final int[] linkType = burst.linkType;
        final int[] capturedLength = burst.capturedLength;
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            // Stores only when a slot changes: in steady state every slot already holds these.
            if (data[i] != ALL_MEMORY)
            {
                data[i] = ALL_MEMORY;
            }
            if (linkType[i] != LinkType.ETHERNET)
            {
                linkType[i] = LinkType.ETHERNET;
            }
            bytes += capturedLength[i];
        }
        held = count;
        packetsReceived += count;
        bytesReceived += bytes;
        burst.count(count);
        return count;
    }

    /** Wraps the burst's source arrays once (a heap segment per array), so polls allocate nothing. */
    private void bind(final PacketBurst burst)
    {
        boundBurst = burst;
        burstOffsets = MemorySegment.ofArray(burst.offset);
        burstCapturedLengths = MemorySegment.ofArray(burst.capturedLength);
        burstWireLengths = MemorySegment.ofArray(burst.wireLength);
        burstTimestamps = MemorySegment.ofArray(burst.timestampNs);
    }

    /** Frees the mbufs of the last burst, once. */
    @Override
    public void release(final PacketBurst burst)
    {
        if (held != 0)
        {
            freeHeld();
        }
    }

    private void freeHeld()
    {
        DpdkLibrary.freeBulk(mbufs, held);
        held = 0;
    }

    /** A live port is never exhausted (a net_pcap vdev simply stops delivering at the file's end). */
    @Override
    public boolean isExhausted()
    {
        return closed;
    }

    /** The RSS hash of slot {@code index} of the last burst, valid when {@link #rssValid(int)}. */
    public int rssHash(final int index)
    {
        return rssHashes.getAtIndex(JAVA_INT, index);
    }

    public boolean rssValid(final int index)
    {
        return (flags.getAtIndex(JAVA_INT, index) & DpdkLibrary.RX_RSS_VALID) != 0;
    }

    /** True when slot {@code index}'s timestamp came from the device rather than the host clock. */
    public boolean deviceTimestamp(final int index)
    {
        return (flags.getAtIndex(JAVA_INT, index) & DpdkLibrary.RX_TIMESTAMP_FROM_DEVICE) != 0;
    }

    /** Mbufs of the last burst not yet released. */
    public int held()
    {
        return held;
    }

    public long packetsReceived()
    {
        return packetsReceived;
    }

    public long bytesReceived()
    {
        return bytesReceived;
    }

    /** Packets dropped because they spanned several mbufs (longer than the mempool's data room). */
    public long multiSegmentDrops()
    {
        return closed ? 0 : multiSegmentDropCount.get(JAVA_LONG, 0);
    }

    @Override
    public long droppedBySource()
    {
        return multiSegmentDrops();
    }

    /** Frees whatever is still held and the descriptor arrays. */
    @Override
    public void close()
    {
        if (!closed)
        {
            if (held != 0)
            {
                freeHeld();
            }
            closed = true;
            arena.close();
        }
    }
}
