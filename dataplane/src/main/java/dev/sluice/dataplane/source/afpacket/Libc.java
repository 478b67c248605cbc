package dev.sluice.dataplane.source.afpacket;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls an AF_PACKET socket needs, bound through FFM with no native library of our
 * own: socket, bind, setsockopt, getsockopt, mmap, munmap, poll, send, close, if_nametoindex
 * and setns. Every call that can fail captures {@code errno} in a caller-supplied segment
 * ({@link #newCallState(Arena)}) so the error is read before anything else can overwrite it.
 * <p>
 * Constants are Linux x86-64/arm64 values from {@code <linux/if_packet.h>}, {@code <sys/socket.h>}
 * and {@code <sys/mman.h>}. Stateless; any thread.
 */
public final class Libc
{
    // ---------------------------------------------------------------- sockets
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOCK_NONBLOCK = 0x800;
    /** {@code ETH_P_ALL} (0x0003): every protocol. */
    public static final short ETH_P_ALL = 0x0003;
    /** {@code ETH_P_ALL} in network byte order, as socket() and sockaddr_ll want it. */
    public static final short ETH_P_ALL_NETWORK_ORDER = Short.reverseBytes(ETH_P_ALL);
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;

    // ---------------------------------------------------------------- SOL_PACKET options
    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_RESERVE = 12;
    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_IGNORE_OUTGOING = 23;

    public static final int PACKET_MR_PROMISC = 1;

    public static final int TPACKET_V2 = 1;
    public static final int TPACKET_V3 = 2;

    public static final int PACKET_FANOUT_HASH = 0;
    public static final int PACKET_FANOUT_LB = 1;
    public static final int PACKET_FANOUT_CPU = 2;
    public static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;

    // ---------------------------------------------------------------- block and frame status bits
    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    /** TX ring: the slot is free for user space. */
    public static final int TP_STATUS_AVAILABLE = 0;
    /** TX ring: user space filled the slot; the next send() transmits it. */
    public static final int TP_STATUS_SEND_REQUEST = 1;
    /** TX ring: the kernel refused the frame in the slot (bad length) and stopped there. */
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;
    public static final int TP_STATUS_LOSING = 1 << 2;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    public static final int TP_FT_REQ_FILL_RXHASH = 1;

    // ---------------------------------------------------------------- mmap and poll
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_LOCKED = 0x2000;
    /** mmap's {@code MAP_FAILED}, {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;

    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;

    // ---------------------------------------------------------------- errno values named in messages
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENODEV = 19;
    public static final int ENOBUFS = 105;
    public static final int ENETDOWN = 100;

    /**
     * {@code struct sockaddr_ll}: family, protocol (network order), ifindex, hatype, pkttype,
     * halen, addr[8]; 20 bytes.
     */
    public static final MemoryLayout SOCKADDR_LL = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sll_family"),
        ValueLayout.JAVA_SHORT.withName("sll_protocol"),
        ValueLayout.JAVA_INT.withName("sll_ifindex"),
        ValueLayout.JAVA_SHORT.withName("sll_hatype"),
        ValueLayout.JAVA_BYTE.withName("sll_pkttype"),
        ValueLayout.JAVA_BYTE.withName("sll_halen"),
        MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sll_addr"));
    public static final long SOCKADDR_LL_FAMILY_OFFSET = 0;
    public static final long SOCKADDR_LL_PROTOCOL_OFFSET = 2;
    public static final long SOCKADDR_LL_IFINDEX_OFFSET = 4;

    /** {@code struct tpacket_req3}: block_size, block_nr, frame_size, frame_nr, retire_blk_tov, sizeof_priv, feature_req_word. */
    public static final long TPACKET_REQ3_LENGTH = 28;

    /** {@code struct tpacket_stats_v3}: tp_packets, tp_drops, tp_freeze_q_cnt. */
    public static final long TPACKET_STATS_V3_LENGTH = 12;

    /** {@code struct packet_mreq}: mr_ifindex, mr_type (short), mr_alen (short), mr_address[8]. */
    public static final long PACKET_MREQ_LENGTH = 16;

    /** {@code struct pollfd}: fd, events, revents. */
    public static final long POLLFD_LENGTH = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
        CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET$MH = errnoHandle("socket",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND$MH = errnoHandle("bind",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT$MH = errnoHandle("setsockopt",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT$MH = errnoHandle("getsockopt",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle MMAP$MH = errnoHandle("mmap",
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP$MH = errnoHandle("munmap",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL$MH = errnoHandle("poll",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND$MH = errnoHandle("send",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE$MH = errnoHandle("close",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN$MH = errnoHandle("open",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS$MH = errnoHandle("setns",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX$MH = LINKER.downcallHandle(
        find("if_nametoindex"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle STRERROR$MH = LINKER.downcallHandle(
        find("strerror"), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETPID$MH = LINKER.downcallHandle(
        find("getpid"), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private Libc()
    {
    }

    /** A segment for the {@code errno} each call captures; one per thread, reused for every call. */
    public static MemorySegment newCallState(final Arena arena)
    {
        return arena.allocate(CALL_STATE);
    }

    /** The errno the last call through {@code callState} captured. */
    public static int errno(final MemorySegment callState)
    {
        return (int)ERRNO_HANDLE.get(callState, 0L);
    }

    public static int socket(final MemorySegment callState, final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET$MH.invokeExact(callState, domain, type, protocol);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static int bind(final MemorySegment callState, final int fd, final MemorySegment address, final int length)
    {
        try
        {
            return (int)BIND$MH.invokeExact(callState, fd, address, length);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static int setsockopt(
        final MemorySegment callState,
        final int fd,
        final int level,
        final int option,
        final MemorySegment value,
        final int length)
    {
        try
        {
            return (int)SETSOCKOPT$MH.invokeExact(callState, fd, level, option, value, length);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** {@code length} is an in/out {@code socklen_t}. */
    public static int getsockopt(
        final MemorySegment callState,
        final int fd,
        final int level,
        final int option,
        final MemorySegment value,
        final MemorySegment length)
    {
        try
        {
            return (int)GETSOCKOPT$MH.invokeExact(callState, fd, level, option, value, length);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** Returns the mapping's address, or {@link #MAP_FAILED}. */
    public static long mmap(
        final MemorySegment callState,
        final long lengthBytes,
        final int protection,
        final int flags,
        final int fd,
        final long offset)
    {
        try
        {
            final MemorySegment result =
                (MemorySegment)MMAP$MH.invokeExact(callState, MemorySegment.NULL, lengthBytes, protection, flags, fd, offset);
            return result.address();
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static int munmap(final MemorySegment callState, final long address, final long lengthBytes)
    {
        try
        {
            return (int)MUNMAP$MH.invokeExact(callState, MemorySegment.ofAddress(address), lengthBytes);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** {@code pollFds} holds {@code count} {@code struct pollfd}. */
    public static int poll(final MemorySegment callState, final MemorySegment pollFds, final long count, final int timeoutMs)
    {
        try
        {
            return (int)POLL$MH.invokeExact(callState, pollFds, count, timeoutMs);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static long send(
        final MemorySegment callState, final int fd, final MemorySegment buffer, final long length, final int flags)
    {
        try
        {
            return (long)SEND$MH.invokeExact(callState, fd, buffer, length, flags);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static int close(final MemorySegment callState, final int fd)
    {
        try
        {
            return (int)CLOSE$MH.invokeExact(callState, fd);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** {@code path} is a NUL-terminated string. */
    public static int open(final MemorySegment callState, final MemorySegment path, final int flags)
    {
        try
        {
            return (int)OPEN$MH.invokeExact(callState, path, flags);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** Moves the calling thread into the namespace {@code fd} refers to (network namespaces: per thread). */
    public static int setns(final MemorySegment callState, final int fd, final int namespaceType)
    {
        try
        {
            return (int)SETNS$MH.invokeExact(callState, fd, namespaceType);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** The interface's index, or 0 when no interface has that name (in the calling thread's network namespace). */
    public static int ifNameToIndex(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)IF_NAMETOINDEX$MH.invokeExact(arena.allocateFrom(name));
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    /** The C library's text for an errno, e.g. "Operation not permitted". */
    public static String strerror(final int errno)
    {
        try
        {
            final MemorySegment text = (MemorySegment)STRERROR$MH.invokeExact(errno);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    public static int getpid()
    {
        try
        {
            return (int)GETPID$MH.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw rethrow(ex);
        }
    }

    private static MethodHandle errnoHandle(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(find(name), descriptor, ERRNO);
    }

    private static MemorySegment find(final String name)
    {
        return LIBC.find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("libc has no '" + name + "': the AF_PACKET source needs Linux with glibc or musl"));
    }

    private static RuntimeException rethrow(final Throwable ex)
    {
        if (ex instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
        throw new IllegalStateException(ex);
    }
}
