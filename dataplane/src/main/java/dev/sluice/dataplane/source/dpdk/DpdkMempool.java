package dev.sluice.dataplane.source.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of packet buffers (rte_pktmbuf_pool_create) that a port's receive queues fill.
 * Created without a per-lcore cache: the dataplane's workers are Java threads, not EAL lcores,
 * so DPDK would bypass a cache for them anyway, and the free count then stays exact.
 * Created and closed on the assembling thread; {@link #available()} may be read from any thread.
 */
public final class DpdkMempool implements AutoCloseable
{
    /** Data room per mbuf: RTE_MBUF_DEFAULT_BUF_SIZE (2048 bytes of packet after 128 of headroom). */
    public static final int DEFAULT_DATA_ROOM_BYTES = 2048 + 128;
    /** Longest mempool name DPDK accepts is RTE_MEMPOOL_NAMESIZE - 1 (26) characters. */
    private static final int MAX_NAME_LENGTH = 26;
    /** RTE_MEMPOOL_CACHE_MAX_SIZE. */
    private static final int MAX_CACHE_SIZE = 512;
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final String name;
    private final int size;
    private MemorySegment pool;

    private DpdkMempool(final String name, final int size, final MemorySegment pool)
    {
        this.name = name;
        this.size = size;
        this.pool = pool;
    }

    /**
     * Creates a pool of {@code mbufs} buffers with {@code dataRoomBytes} each (headroom included).
     * DPDK sizes rings best at 2^n - 1 buffers (e.g. 8191).
     */
    public static DpdkMempool create(final int mbufs, final int dataRoomBytes) throws DpdkException
    {
        return create(mbufs, dataRoomBytes, 0);
    }

    /**
     * As {@link #create(int, int)}, with a per-lcore cache of {@code cacheSize} mbufs (0..512):
     * used only by threads that are EAL lcores or registered with {@link DpdkEal#registerThread()};
     * the free count then excludes mbufs sitting in caches.
     */
    public static DpdkMempool create(final int mbufs, final int dataRoomBytes, final int cacheSize) throws DpdkException
    {
        if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE)
        {
            throw new DpdkException("mempool cache must be 0.." + MAX_CACHE_SIZE + " mbufs: " + cacheSize);
        }
        DpdkLibrary.ensureAvailable();
        if (DpdkEal.current() == null)
        {
            throw new IllegalStateException("DPDK's EAL must be initialised before a mempool is created");
        }
        if (mbufs < 64 || dataRoomBytes < 256 || dataRoomBytes > 65535)
        {
            throw new DpdkException("mempool needs at least 64 mbufs and a data room of 256..65535 bytes: " +
                mbufs + " mbufs, " + dataRoomBytes + " bytes");
        }
        final String name = "sluice_rx_" + NEXT_ID.getAndIncrement();
        if (name.length() > MAX_NAME_LENGTH)
        {
            throw new DpdkException("too many mempools created in this process");
        }
        final MemorySegment pool;
        try (Arena arena = Arena.ofConfined())
        {
            pool = DpdkLibrary.poolCreate(arena.allocateFrom(name), mbufs, cacheSize, (short)dataRoomBytes, -1);
        }
        if (pool.equals(MemorySegment.NULL))
        {
            final int error = DpdkLibrary.errno();
            throw new DpdkException("cannot create a mempool of " + mbufs + " mbufs x " + dataRoomBytes + " bytes: " +
                DpdkLibrary.strerror(error) + " (rte_errno " + error + "); give the EAL more memory (-m <MB>, or more " +
                "hugepages) or lower mbufs");
        }
        return new DpdkMempool(name, mbufs, pool);
    }

    public String name()
    {
        return name;
    }

    /** Number of mbufs the pool was created with. */
    public int size()
    {
        return size;
    }

    /** Free mbufs now (rte_mempool_avail_count). */
    public int available()
    {
        return DpdkLibrary.poolAvailable(pointer());
    }

    /** Mbufs handed out now (rte_mempool_in_use_count): held by queues, sources or stages. */
    public int inUse()
    {
        return DpdkLibrary.poolInUse(pointer());
    }

    MemorySegment pointer()
    {
        if (pool == null)
        {
            throw new IllegalStateException("mempool " + name + " is closed");
        }
        return pool;
    }

    /** Frees the pool; every port using it must be closed first. */
    @Override
    public void close()
    {
        if (pool != null)
        {
            DpdkLibrary.poolFree(pool);
            pool = null;
        }
    }
}
