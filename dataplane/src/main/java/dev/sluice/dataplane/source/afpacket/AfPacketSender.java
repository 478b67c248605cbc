package dev.sluice.dataplane.source.afpacket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends whole Ethernet frames out of one interface through an AF_PACKET socket: the injector of
 * the AF_PACKET tests and of {@code perf/}'s receive benchmark. The socket can be made inside a
 * named network namespace ({@code ip netns add NAME}), where it stays while the rest of the
 * process lives in its own; the frames then arrive on the veth peer outside. Called by one
 * thread at a time.
 * <p>
 * Opened by {@link #open(String, String)}, it makes one {@code send()} syscall per frame (some
 * 0.8 M frames/s on a small VM). Opened with a TX ring ({@link #openWithTxRing}), it copies frames
 * into a {@code PACKET_TX_RING} (TPACKET_V2 slots, marked {@code TP_STATUS_SEND_REQUEST}) and one
 * {@code send()} transmits every queued slot: {@link #flush()} after the last frame, and whenever
 * {@link #send} finds the ring full. The kernel walks the ring in order, so slots are filled in
 * order and never skipped.
 */
public final class AfPacketSender implements AutoCloseable
{
    /** {@code TPACKET_ALIGN(sizeof(struct tpacket2_hdr))}: where a TX slot's frame starts. */
    static final int TX_DATA_OFFSET = 32;
    private static final int TX_LEN_OFFSET = 4;
    private static final int TX_BLOCK_SIZE_BYTES = 1 << 16;
    private static final int TPACKET_ALIGNMENT = 16;
    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment callState;
    private final int fd;
    private final String interfaceName;
    private MemorySegment txRing;
    private long txRingAddress;
    private int txFrameSizeBytes;
    private int txFramesPerBlock;
    private int txFrameCount;
    private int txCursor;
    private int txQueued;
    private boolean closed;

    private AfPacketSender(final Arena arena, final MemorySegment callState, final int fd, final String interfaceName)
    {
        this.arena = arena;
        this.callState = callState;
        this.fd = fd;
        this.interfaceName = interfaceName;
    }

    /**
     * A sender whose frames go through a TX ring of {@code frameCount} slots, each holding a frame
     * of up to {@code maxFrameBytes}.
     *
     * @param networkNamespace a name under {@code /var/run/netns}, or null for this process's namespace
     */
    public static AfPacketSender openWithTxRing(
        final String networkNamespace, final String interfaceName, final int frameCount, final int maxFrameBytes)
        throws IOException
    {
        if (frameCount < 1 || maxFrameBytes < 14 || maxFrameBytes > TX_BLOCK_SIZE_BYTES - TX_DATA_OFFSET)
        {
            throw new IllegalArgumentException("TX ring: frameCount must be at least 1 and maxFrameBytes in 14.." +
                (TX_BLOCK_SIZE_BYTES - TX_DATA_OFFSET) + ", got " + frameCount + " and " + maxFrameBytes);
        }
        final AfPacketSender sender = open(networkNamespace, interfaceName);
        try
        {
            sender.mapTxRing(frameCount, maxFrameBytes);
        }
        catch (final IOException | RuntimeException ex)
        {
            sender.close();
            throw ex;
        }
        return sender;
    }

    private void mapTxRing(final int frameCount, final int maxFrameBytes) throws IOException
    {
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment value = scratch.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, Libc.TPACKET_V2);
            if (Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, value, 4) != 0)
            {
                throw AfPacketSource.failure(interfaceName, "setsockopt(PACKET_VERSION, TPACKET_V2)", Libc.errno(callState), null);
            }
            // Straight to the driver: a qdisc only adds a queue in front of the veth. Older kernels lack it: no harm.
            value.set(ValueLayout.JAVA_INT, 0, 1);
            Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, value, 4);

            final int frameSize = align(TX_DATA_OFFSET + maxFrameBytes, TPACKET_ALIGNMENT);
            final int framesPerBlock = TX_BLOCK_SIZE_BYTES / frameSize;
            final int blocks = (frameCount + framesPerBlock - 1) / framesPerBlock;
            final MemorySegment request = scratch.allocate(16, 4);
            request.set(ValueLayout.JAVA_INT, 0, TX_BLOCK_SIZE_BYTES);
            request.set(ValueLayout.JAVA_INT, 4, blocks);
            request.set(ValueLayout.JAVA_INT, 8, frameSize);
            request.set(ValueLayout.JAVA_INT, 12, blocks * framesPerBlock);
            if (Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_TX_RING, request, 16) != 0)
            {
                throw AfPacketSource.failure(interfaceName, "setsockopt(PACKET_TX_RING)", Libc.errno(callState),
                    blocks + " blocks of " + TX_BLOCK_SIZE_BYTES + " bytes, frames of " + frameSize);
            }
            final long length = (long)TX_BLOCK_SIZE_BYTES * blocks;
            final long address = Libc.mmap(callState, length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            if (address == Libc.MAP_FAILED)
            {
                throw AfPacketSource.failure(interfaceName, "mmap of the " + length + "-byte TX ring", Libc.errno(callState), null);
            }
            txRingAddress = address;
            txRing = MemorySegment.ofAddress(address).reinterpret(length);
            txFrameSizeBytes = frameSize;
            txFramesPerBlock = framesPerBlock;
            txFrameCount = blocks * framesPerBlock;
        }
    }

    private static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * @param networkNamespace a name under {@code /var/run/netns}, or null for this process's namespace
     */
    public static AfPacketSender open(final String networkNamespace, final String interfaceName) throws IOException
    {
        if (networkNamespace == null)
        {
            return openHere(interfaceName);
        }
        // setns(CLONE_NEWNET) moves only the calling thread; a short-lived thread makes the socket there and ends.
        final AtomicReference<Object> result = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try (Arena scratch = Arena.ofConfined())
            {
                final MemorySegment callState = Libc.newCallState(scratch);
                final int nsFd = Libc.open(callState, scratch.allocateFrom("/var/run/netns/" + networkNamespace),
                    Libc.O_RDONLY | Libc.O_CLOEXEC);
                if (nsFd < 0)
                {
                    throw AfPacketSource.failure(interfaceName, "open network namespace '" + networkNamespace + "'",
                        Libc.errno(callState), "create it with: ip netns add " + networkNamespace);
                }
                final int entered = Libc.setns(callState, nsFd, Libc.CLONE_NEWNET);
                final int errno = Libc.errno(callState);
                Libc.close(callState, nsFd);
                if (entered != 0)
                {
                    throw AfPacketSource.failure(interfaceName, "setns into '" + networkNamespace + "'", errno,
                        "entering a network namespace needs CAP_SYS_ADMIN");
                }
                result.set(openHere(interfaceName));
            }
            catch (final IOException | RuntimeException ex)
            {
                result.set(ex);
            }
        }, "af-packet-sender-setns");
        thread.start();
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a sender in " + networkNamespace, ex);
        }
        final Object outcome = result.get();
        if (outcome instanceof AfPacketSender sender)
        {
            return sender;
        }
        if (outcome instanceof IOException ex)
        {
            throw ex;
        }
        throw (RuntimeException)outcome;
    }

    private static AfPacketSender openHere(final String interfaceName) throws IOException
    {
        final int ifIndex = Libc.ifNameToIndex(interfaceName);
        if (ifIndex == 0)
        {
            throw new IOException("af-packet sender: no network interface named '" + interfaceName +
                "' in this network namespace");
        }
        final Arena arena = Arena.ofShared();
        final MemorySegment callState = Libc.newCallState(arena);
        final int fd = Libc.socket(callState, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            final int errno = Libc.errno(callState);
            arena.close();
            throw AfPacketSource.failure(interfaceName, "socket(AF_PACKET, SOCK_RAW)", errno,
                "sending needs root or CAP_NET_RAW");
        }
        final MemorySegment address = arena.allocate(Libc.SOCKADDR_LL);
        address.set(java.lang.foreign.ValueLayout.JAVA_SHORT, Libc.SOCKADDR_LL_FAMILY_OFFSET, (short)Libc.AF_PACKET);
        address.set(java.lang.foreign.ValueLayout.JAVA_INT, Libc.SOCKADDR_LL_IFINDEX_OFFSET, ifIndex);
        if (Libc.bind(callState, fd, address, (int)Libc.SOCKADDR_LL.byteSize()) != 0)
        {
            final int errno = Libc.errno(callState);
            Libc.close(callState, fd);
            arena.close();
            throw AfPacketSource.failure(interfaceName, "bind", errno, null);
        }
        return new AfPacketSender(arena, callState, fd, interfaceName);
    }

    /**
     * Sends one frame, or with a TX ring queues it into the next slot (sent at the next
     * {@link #flush()}, or when the ring is full); allocation-free.
     *
     * @return true when the kernel took it (or the ring did), false when its queue was full
     *         (ENOBUFS, EAGAIN) or every ring slot is still in flight: call again
     * @throws IllegalStateException for any other error, or a frame too long for the TX ring's slots
     */
    public boolean send(final MemorySegment frame, final long offset, final int length)
    {
        if (txRing != null)
        {
            return queue(frame, offset, length);
        }
        final long sent = Libc.send(callState, fd, frame.asSlice(offset, length), length, 0);
        if (sent == length)
        {
            return true;
        }
        return retryable(Libc.errno(callState));
    }

    private boolean queue(final MemorySegment frame, final long offset, final int length)
    {
        if (length > txFrameSizeBytes - TX_DATA_OFFSET)
        {
            throw new IllegalStateException("af-packet sender on " + interfaceName + ": a " + length +
                "-byte frame does not fit the TX ring's " + (txFrameSizeBytes - TX_DATA_OFFSET) + "-byte slots");
        }
        final long slot = slotOffset(txCursor);
        int status = (int)INT_HANDLE.getAcquire(txRing, slot);
        if (status != Libc.TP_STATUS_AVAILABLE)
        {
            flush();
            status = (int)INT_HANDLE.getAcquire(txRing, slot);
            if ((status & Libc.TP_STATUS_WRONG_FORMAT) != 0)
            {
                throw new IllegalStateException("af-packet sender on " + interfaceName +
                    ": the kernel refused a frame in the TX ring (TP_STATUS_WRONG_FORMAT)");
            }
            if (status != Libc.TP_STATUS_AVAILABLE)
            {
                return false;
            }
        }
        MemorySegment.copy(frame, offset, txRing, slot + TX_DATA_OFFSET, length);
        txRing.set(ValueLayout.JAVA_INT, slot + TX_LEN_OFFSET, length);
        INT_HANDLE.setRelease(txRing, slot, Libc.TP_STATUS_SEND_REQUEST);
        txCursor = txCursor + 1 == txFrameCount ? 0 : txCursor + 1;
        txQueued++;
        if (txQueued == txFrameCount)
        {
            flush();
        }
        return true;
    }

    private long slotOffset(final int frame)
    {
        return (long)(frame / txFramesPerBlock) * TX_BLOCK_SIZE_BYTES + (long)(frame % txFramesPerBlock) * txFrameSizeBytes;
    }

    /**
     * With a TX ring: one {@code send()} that transmits every queued slot and returns once the kernel
     * has let go of them; nothing without a ring.
     *
     * @return false when the kernel's queue was full (the slots stay queued for the next flush)
     */
    public boolean flush()
    {
        if (txRing == null || txQueued == 0)
        {
            return true;
        }
        if (Libc.send(callState, fd, MemorySegment.NULL, 0, 0) >= 0)
        {
            txQueued = 0;
            return true;
        }
        return retryable(Libc.errno(callState));
    }

    /** Slots of the TX ring, 0 without one. */
    public int txRingFrames()
    {
        return txFrameCount;
    }

    private boolean retryable(final int errno)
    {
        if (errno == Libc.ENOBUFS || errno == Libc.EAGAIN || errno == Libc.EINTR)
        {
            return false;
        }
        throw new IllegalStateException(AfPacketSource.failure(interfaceName, "send", errno, null).getMessage());
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (txRing != null)
            {
                Libc.munmap(callState, txRingAddress, txRing.byteSize());
            }
            Libc.close(callState, fd);
            arena.close();
        }
    }
}
