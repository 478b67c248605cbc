package dev.sluice.dataplane.source.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of packet buffers (rte_pktmbuf_pool_create) that a port's receive queues fill.
 * Optionally with a per-lcore cache: threads registered with DPDK ({@link DpdkEal#registerThread()},
 * as the gateway's workers are) then allocate and free mbufs mostly from their own cache instead
 * of the shared ring; unregistered threads bypass the cache and use the ring directly. The free
 * count (rte_mempool_avail_count) adds every lcore's cache to the ring's count, so it stays exact
 * once nothing is in flight.
 * Created and closed on the assembling thread; {@link #available()} may be read from any thread.
 */
public final class DpdkMempool implements AutoCloseable
{
    /** Data room per mbuf: RTE_MBUF_DEFAULT_BUF_SIZE (2048 bytes of packet after 128 of headroom). */
    public static final int DEFAULT_DATA_ROOM_BYTES = 2048 + 128;
    /** Longest mempool name DPDK accepts is RTE_MEMPOOL_NAMESIZE - 1 (26) characters. */
    private static final int MAX_NAME_LENGTH = 26;
    /** RTE_MEMPOOL_CACHE_MAX_SIZE. */
    public static final int MAX_CACHE_SIZE = 512;
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final String name;
    private final int size;
    private final int cacheSize;
    private MemorySegment pool;

    private DpdkMempool(final String name, final int size, final int cacheSize, final MemorySegment pool)
    {
        this.name = name;
        this.size = size;
        this.cacheSize = cacheSize;
        this.pool = pool;
    }

    /**
     * Why DPDK would refuse a cache of {@code cacheSize} for a pool of {@code mbufs}, or null:
     * at most RTE_MEMPOOL_CACHE_MAX_SIZE, and its flush threshold (1.5 x the cache) at most the pool.
     */
    public static String cacheProblem(final int mbufs, final int cacheSize)
    {
        if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE)
        {
            return "mempool cache must be 0.." + MAX_CACHE_SIZE + " mbufs: " + cacheSize;
        }
        if ((long)cacheSize * 3 / 2 > mbufs)
        {
            return "a mempool cache of " + cacheSize + " needs at least 1.5 x as many mbufs (" +
                (long)cacheSize * 3 / 2 + "), the pool has " + mbufs;
        }
        return null;
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
        final String cacheProblem = cacheProblem(mbufs, cacheSize);
        if (cacheProblem != null)
        {
            throw new DpdkException(cacheProblem);
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
        return new DpdkMempool(name, mbufs, cacheSize, pool);
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

    /** Mbufs each registered lcore may keep in its cache; 0 when the pool has no cache. */
    public int cacheSize()
    {
        return cacheSize;
    }

    /** Free mbufs now, in the ring and in every lcore's cache (rte_mempool_avail_count). */
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
