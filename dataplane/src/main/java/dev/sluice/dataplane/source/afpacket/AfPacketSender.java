package dev.sluice.dataplane.source.afpacket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends whole Ethernet frames out of one interface through an AF_PACKET socket: the injector of
 * the AF_PACKET tests and of {@code perf/}'s receive benchmark. The socket can be made inside a
 * named network namespace ({@code ip netns add NAME}), where it stays while the rest of the
 * process lives in its own; the frames then arrive on the veth peer outside. One syscall per
 * frame. Called by one thread at a time.
 */
public final class AfPacketSender implements AutoCloseable
{
    private final Arena arena;
    private final MemorySegment callState;
    private final int fd;
    private final String interfaceName;
    private boolean closed;

    private AfPacketSender(final Arena arena, final MemorySegment callState, final int fd, final String interfaceName)
    {
        this.arena = arena;
        this.callState = callState;
        this.fd = fd;
        this.interfaceName = interfaceName;
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
     * Sends one frame; allocation-free.
     *
     * @return true when the kernel took it, false when its queue was full (ENOBUFS, EAGAIN)
     * @throws IllegalStateException for any other error
     */
    public boolean send(final MemorySegment frame, final long offset, final int length)
    {
        final long sent = Libc.send(callState, fd, frame.asSlice(offset, length), length, 0);
        if (sent == length)
        {
            return true;
        }
        final int errno = Libc.errno(callState);
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
            Libc.close(callState, fd);
            arena.close();
        }
    }
}
