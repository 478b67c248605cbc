package dev.sluice.dataplane.source.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Every downcall into {@code libsluice_dpdk.so} (native/src/main/c/sluice_dpdk.c), the shim over
 * DPDK's inline fast path. The handles are {@code static final} and called with
 * {@code invokeExact} so the JIT binds them like direct calls; the fast-path leaf calls (rx fill,
 * bulk free) are {@link Linker.Option#critical(boolean) critical}: they never block or call back.
 * <p>
 * The shim is found in the directory named by the system property {@value #NATIVE_DIR_PROP_NAME}
 * (the launcher and Surefire set it to native/target/native). When it or DPDK is missing the
 * handles stay null and {@link #ensureAvailable()} throws an error that names the fix.
 * Thread safe: the handles are immutable.
 */
public final class DpdkLibrary
{
    /** System property naming the directory that holds {@value #SHIM_FILE_NAME}. */
    public static final String NATIVE_DIR_PROP_NAME = "sluice.native.dir";
    public static final String SHIM_FILE_NAME = "libsluice_dpdk.so";
    /** What to do when the shim cannot be used; part of every such error. */
    public static final String INSTALL_HINT =
        "install DPDK's development files (apt-get install libdpdk-dev pkg-config gcc) and rebuild " +
        "(./sluice build, or mvn -o -B compile -pl native), which builds native/target/native/" + SHIM_FILE_NAME;
    /** The shim's ABI version this class binds. */
    public static final int ABI_VERSION = 2;

    /** Per-packet flag from rx fill: the RSS hash is the device's. */
    public static final int RX_RSS_VALID = 1;
    /** Per-packet flag from rx fill: the timestamp is the device's, not the host clock. */
    public static final int RX_TIMESTAMP_FROM_DEVICE = 2;

    private static final String LOAD_ERROR;
    private static final SymbolLookup LOOKUP;

    static
    {
        SymbolLookup lookup = null;
        String error = null;
        try
        {
            final Path shim = locate(System.getProperty(NATIVE_DIR_PROP_NAME));
            lookup = load(shim);
        }
        catch (final DpdkException ex)
        {
            error = ex.getMessage();
        }
        LOOKUP = lookup;
        LOAD_ERROR = error;
    }

    private static final MethodHandle ABI_VERSION$MH = handle("sluice_dpdk_abi_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ERRNO$MH = handle("sluice_dpdk_errno", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR$MH = handle("sluice_dpdk_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle EAL_INIT$MH = handle("sluice_dpdk_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EAL_LOG$MH = handle("sluice_dpdk_eal_log", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle THREAD_REGISTER$MH = handle("sluice_dpdk_thread_register", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle THREAD_UNREGISTER$MH = handle("sluice_dpdk_thread_unregister", FunctionDescriptor.ofVoid());
    private static final MethodHandle DEV_PROBE$MH = handle("sluice_dpdk_dev_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle VDEV_REMOVE$MH = handle("sluice_dpdk_vdev_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle POOL_CREATE$MH = handle(
        "sluice_dpdk_pool_create", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_INT));
    private static final MethodHandle POOL_AVAILABLE$MH = handle("sluice_dpdk_pool_available", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle POOL_IN_USE$MH = handle("sluice_dpdk_pool_in_use", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle POOL_FREE$MH = handle("sluice_dpdk_pool_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle PORT_BY_NAME$MH = handle("sluice_dpdk_port_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle PORT_COUNT$MH = handle("sluice_dpdk_port_count", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle PORT_DRIVER$MH = handle(
        "sluice_dpdk_port_driver", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    private static final MethodHandle PORT_MAX_QUEUES$MH = handle("sluice_dpdk_port_max_queues", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle PORT_CONFIGURE$MH = handle(
        "sluice_dpdk_port_configure", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT));
    private static final MethodHandle RX_QUEUE_SETUP$MH = handle(
        "sluice_dpdk_rx_queue_setup", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle TX_QUEUE_SETUP$MH = handle(
        "sluice_dpdk_tx_queue_setup", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT));
    private static final MethodHandle PORT_START$MH = handle("sluice_dpdk_port_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle PORT_STOP$MH = handle("sluice_dpdk_port_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle PORT_CLOSE$MH = handle("sluice_dpdk_port_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle LINK$MH = handle("sluice_dpdk_link", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle XSTATS_COUNT$MH = handle("sluice_dpdk_xstats_count", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle XSTATS_NAMES$MH = handle(
        "sluice_dpdk_xstats_names", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    private static final MethodHandle XSTATS_VALUES$MH = handle(
        "sluice_dpdk_xstats_values", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    private static final MethodHandle XSTATS_NAME_SIZE$MH = handle("sluice_dpdk_xstats_name_size", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TX_BURST$MH = handle(
        "sluice_dpdk_tx_burst", FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT),
        Linker.Option.critical(false));
    /*
     * The two fast-path handles take their array pointers as plain 64-bit addresses (JAVA_LONG, the
     * same in the C calling convention as a pointer), not as ADDRESS segments: for every segment
     * argument of a shared arena a downcall acquires and releases the arena's session, two atomic
     * operations each, which for rx fill's eight arrays measured ~7 ns per packet at a burst of 32.
     * The wrappers pass segment.address(); their callers keep the segments alive (DpdkSource frees
     * its arena only in close(), on the polling thread, and never polls after it).
     */
    private static final MethodHandle FREE_BULK$MH = handle(
        "sluice_dpdk_free_bulk", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT), Linker.Option.critical(false));
    private static final MethodHandle RX_FILL$MH = handle(
        "sluice_dpdk_rx_fill",
        FunctionDescriptor.of(
            JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.critical(false));

    /*
     * The same function for DpdkSource's poll: addresses, lengths and timestamps go straight into
     * the PacketBurst's Java arrays (heap segments, allowed by critical(true): the call cannot reach
     * a safepoint, so the GC cannot move them meanwhile), so the source copies nothing per packet.
     * The C types match the arrays: uint64_t/long[], uint32_t/int[], int64_t/long[].
     */
    private static final MethodHandle RX_FILL_HEAP$MH = handle(
        "sluice_dpdk_rx_fill",
        FunctionDescriptor.of(
            JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG,
            JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        Linker.Option.critical(true));

    private DpdkLibrary()
    {
    }

    /**
     * The shim's path in {@code nativeDir}, checked to exist.
     *
     * @param nativeDir the directory, normally the value of {@value #NATIVE_DIR_PROP_NAME}; null when unset.
     * @throws DpdkException naming the package to install and the rebuild when the shim is not there.
     */
    public static Path locate(final String nativeDir) throws DpdkException
    {
        if (nativeDir == null || nativeDir.isBlank())
        {
            throw new DpdkException("the DPDK source needs the native shim, but -D" + NATIVE_DIR_PROP_NAME +
                " is not set (the ./sluice launcher sets it to native/target/native); " + INSTALL_HINT);
        }
        final Path shim = Path.of(nativeDir).resolve(SHIM_FILE_NAME);
        if (!Files.isRegularFile(shim))
        {
            throw new DpdkException("the DPDK source is disabled: " + shim + " does not exist (DPDK was not found when " +
                "the native module was built); " + INSTALL_HINT);
        }
        return shim;
    }

    /** Opens the shim (and through it DPDK's shared libraries) for the life of the process. */
    public static SymbolLookup load(final Path shim) throws DpdkException
    {
        try
        {
            return SymbolLookup.libraryLookup(shim, Arena.global());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DpdkException("cannot load " + shim + " (" + ex.getMessage() + "): DPDK's shared libraries are " +
                "missing or differ from those it was built against; " + INSTALL_HINT, ex);
        }
        catch (final IllegalCallerException ex)
        {
            throw new DpdkException("native access is not enabled: run java with --enable-native-access=ALL-UNNAMED " +
                "(the ./sluice launcher does)", ex);
        }
    }

    /** True when the shim loaded and matches this class. */
    public static boolean isAvailable()
    {
        return LOAD_ERROR == null && abiVersion() == ABI_VERSION;
    }

    /** Why the shim is unusable, or null when it is usable. */
    public static String unavailableReason()
    {
        if (LOAD_ERROR != null)
        {
            return LOAD_ERROR;
        }
        final int version = abiVersion();
        return version == ABI_VERSION ? null :
            "the native shim has ABI version " + version + ", this build expects " + ABI_VERSION + "; rebuild it " +
            "(mvn -o -B compile -pl native)";
    }

    /** Throws the reason the shim is unusable, if it is. */
    public static void ensureAvailable() throws DpdkException
    {
        final String reason = unavailableReason();
        if (reason != null)
        {
            throw new DpdkException(reason);
        }
    }

    private static MethodHandle handle(final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
    {
        if (LOOKUP == null)
        {
            return null;
        }
        final MemorySegment symbol = LOOKUP.find(name).orElse(null);
        return symbol == null ? null : Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
    }

    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (t instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException(t);
    }

    static int abiVersion()
    {
        if (ABI_VERSION$MH == null)
        {
            return -1;
        }
        try
        {
            return (int)ABI_VERSION$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int errno()
    {
        try
        {
            return (int)ERRNO$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** DPDK's text for an errno-style code (either sign). */
    static String strerror(final int error)
    {
        try
        {
            final MemorySegment text = (MemorySegment)STRERROR$MH.invokeExact(error);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int ealInit(final int argc, final MemorySegment argv)
    {
        try
        {
            return (int)EAL_INIT$MH.invokeExact(argc, argv);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** What the EAL logged during the last init (also echoed to stderr). */
    static String ealLog()
    {
        try
        {
            final MemorySegment text = (MemorySegment)EAL_LOG$MH.invokeExact();
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** rte_thread_register for the calling thread: its lcore id, or -errno; see sluice_dpdk_thread_register. */
    static int threadRegister() throws DpdkException
    {
        if (THREAD_REGISTER$MH == null)
        {
            throw new DpdkException("the native shim predates sluice_dpdk_thread_register; rebuild it (mvn -o -B compile -pl native)");
        }
        try
        {
            return (int)THREAD_REGISTER$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static void threadUnregister()
    {
        try
        {
            THREAD_UNREGISTER$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int devProbe(final MemorySegment devargs)
    {
        try
        {
            return (int)DEV_PROBE$MH.invokeExact(devargs);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int vdevRemove(final MemorySegment name)
    {
        try
        {
            return (int)VDEV_REMOVE$MH.invokeExact(name);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static MemorySegment poolCreate(
        final MemorySegment name, final int mbufs, final int cache, final short dataRoom, final int socket)
    {
        try
        {
            return (MemorySegment)POOL_CREATE$MH.invokeExact(name, mbufs, cache, dataRoom, socket);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int poolAvailable(final MemorySegment pool)
    {
        try
        {
            return (int)POOL_AVAILABLE$MH.invokeExact(pool);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int poolInUse(final MemorySegment pool)
    {
        try
        {
            return (int)POOL_IN_USE$MH.invokeExact(pool);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static void poolFree(final MemorySegment pool)
    {
        try
        {
            POOL_FREE$MH.invokeExact(pool);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portByName(final MemorySegment name)
    {
        try
        {
            return (int)PORT_BY_NAME$MH.invokeExact(name);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portCount()
    {
        try
        {
            return (int)PORT_COUNT$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portDriver(final short port, final MemorySegment name, final int capacity)
    {
        try
        {
            return (int)PORT_DRIVER$MH.invokeExact(port, name, capacity);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portMaxQueues(final short port)
    {
        try
        {
            return (int)PORT_MAX_QUEUES$MH.invokeExact(port);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portConfigure(final short port, final short rxQueues, final short txQueues)
    {
        try
        {
            return (int)PORT_CONFIGURE$MH.invokeExact(port, rxQueues, txQueues);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int rxQueueSetup(final short port, final short queue, final short descriptors, final MemorySegment pool)
    {
        try
        {
            return (int)RX_QUEUE_SETUP$MH.invokeExact(port, queue, descriptors, pool);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int txQueueSetup(final short port, final short queue, final short descriptors)
    {
        try
        {
            return (int)TX_QUEUE_SETUP$MH.invokeExact(port, queue, descriptors);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portStart(final short port)
    {
        try
        {
            return (int)PORT_START$MH.invokeExact(port);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portStop(final short port)
    {
        try
        {
            return (int)PORT_STOP$MH.invokeExact(port);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int portClose(final short port)
    {
        try
        {
            return (int)PORT_CLOSE$MH.invokeExact(port);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int link(final short port, final MemorySegment speedMbps)
    {
        try
        {
            return (int)LINK$MH.invokeExact(port, speedMbps);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int xstatsCount(final short port)
    {
        try
        {
            return (int)XSTATS_COUNT$MH.invokeExact(port);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int xstatsNames(final short port, final MemorySegment names, final int count)
    {
        try
        {
            return (int)XSTATS_NAMES$MH.invokeExact(port, names, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int xstatsValues(final short port, final MemorySegment values, final int count)
    {
        try
        {
            return (int)XSTATS_VALUES$MH.invokeExact(port, values, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int xstatsNameSize()
    {
        try
        {
            return (int)XSTATS_NAME_SIZE$MH.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int txBurst(final short port, final short queue, final MemorySegment mbufs, final short count)
    {
        try
        {
            return (short)TX_BURST$MH.invokeExact(port, queue, mbufs, count) & 0xFFFF;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * As {@link #rxFill}, with the addresses, data lengths, packet lengths and timestamps written
     * into heap segments over Java arrays (MemorySegment.ofArray of a long[], int[], int[], long[]
     * with room for {@code count}). Fast path: DpdkSource's poll.
     */
    static int rxFillHeap(
        final short port,
        final short queue,
        final short count,
        final long timestampScale,
        final MemorySegment mbufs,
        final MemorySegment addresses,
        final MemorySegment dataLengths,
        final MemorySegment packetLengths,
        final MemorySegment rssHashes,
        final MemorySegment flags,
        final MemorySegment timestamps,
        final MemorySegment multiSegmentDrops)
    {
        try
        {
            return (int)RX_FILL_HEAP$MH.invokeExact(
                port, queue, count, timestampScale, mbufs.address(), addresses, dataLengths, packetLengths,
                rssHashes.address(), flags.address(), timestamps, multiSegmentDrops.address());
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * rte_pktmbuf_free_bulk over the first {@code count} pointers in {@code mbufs}. Fast path.
     * Public for tools and benchmarks that hold mbufs themselves (perf's DpdkRxBenchmark fills a
     * pool's mbufs); every pointer must be an mbuf this process received and has not freed yet.
     */
    public static void freeBulk(final MemorySegment mbufs, final int count)
    {
        try
        {
            FREE_BULK$MH.invokeExact(mbufs.address(), count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * One rx burst described into the caller's native arrays; see sluice_dpdk_rx_fill. Fast path.
     * Public for tools and benchmarks that hold mbufs outside a {@link DpdkSource}: each array
     * needs room for {@code count} entries, and every mbuf received must be freed once with
     * {@link #freeBulk(MemorySegment, int)}.
     */
    public static int rxFill(
        final short port,
        final short queue,
        final short count,
        final long timestampScale,
        final MemorySegment mbufs,
        final MemorySegment addresses,
        final MemorySegment dataLengths,
        final MemorySegment packetLengths,
        final MemorySegment rssHashes,
        final MemorySegment flags,
        final MemorySegment timestamps,
        final MemorySegment multiSegmentDrops)
    {
        try
        {
            return (int)RX_FILL$MH.invokeExact(
                port, queue, count, timestampScale, mbufs.address(), addresses.address(), dataLengths.address(),
                packetLengths.address(), rssHashes.address(), flags.address(), timestamps.address(), multiSegmentDrops.address());
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

}
