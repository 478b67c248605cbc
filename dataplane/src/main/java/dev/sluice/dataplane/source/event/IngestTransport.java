package dev.sluice.dataplane.source.event;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The Netty transports event ingest can run on, best first: io_uring, epoll, NIO. {@link #select}
 * picks the best one this kernel and JVM support, or the one asked for, and says why. Any thread.
 */
public enum IngestTransport
{
    /** Linux io_uring (kernel 5.14 or newer, not disabled by {@code kernel.io_uring_disabled}). */
    IO_URING("io_uring"),
    /** Linux epoll. */
    EPOLL("epoll"),
    /** Java NIO selectors: everywhere, slowest. */
    NIO("nio");

    /** System property forcing a transport: {@code auto} (default), {@code io_uring}, {@code epoll} or {@code nio}. */
    public static final String TRANSPORT_PROP_NAME = "sluice.ingest.transport";
    public static final String TRANSPORT_DEFAULT = "auto";
    public static final String AUTO = "auto";

    private final String keyword;

    IngestTransport(final String keyword)
    {
        this.keyword = keyword;
    }

    /**
     * @return the transport's name in configuration and in the log.
     */
    public String keyword()
    {
        return keyword;
    }

    /**
     * The transport chosen and why, for the one log line at start.
     *
     * @param transport the transport to use.
     * @param reason    why it was chosen, naming what is unavailable and the cause.
     */
    public record Selection(IngestTransport transport, String reason)
    {
    }

    /**
     * @param keyword {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}.
     * @return the transport, or null for {@code auto} or an unknown name.
     */
    public static IngestTransport byKeyword(final String keyword)
    {
        for (final IngestTransport transport : values())
        {
            if (transport.keyword.equals(keyword))
            {
                return transport;
            }
        }
        return null;
    }

    /**
     * @return true when this transport works here.
     */
    public boolean isAvailable()
    {
        return switch (this)
        {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /**
     * @return why the transport does not work here, or null when it does.
     */
    public Throwable unavailabilityCause()
    {
        return switch (this)
        {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    /**
     * Picks a transport.
     *
     * @param requested {@code auto} (or null) for the best available; otherwise the transport's keyword.
     * @return the selection with its reason.
     * @throws IllegalArgumentException when the name is unknown or the named transport is unavailable here.
     */
    public static Selection select(final String requested)
    {
        if (requested == null || AUTO.equals(requested))
        {
            if (IO_URING.isAvailable())
            {
                return new Selection(IO_URING, "io_uring available");
            }
            final String noUring = "io_uring unavailable: " + causeText(IO_URING);
            if (EPOLL.isAvailable())
            {
                return new Selection(EPOLL, noUring);
            }
            return new Selection(NIO, noUring + "; epoll unavailable: " + causeText(EPOLL));
        }
        final IngestTransport transport = byKeyword(requested);
        if (transport == null)
        {
            throw new IllegalArgumentException(
                "unknown ingest transport '" + requested + "': use auto, io_uring, epoll or nio");
        }
        if (!transport.isAvailable())
        {
            throw new IllegalArgumentException(
                "ingest transport " + requested + " was asked for (" + TRANSPORT_PROP_NAME + " or configuration) but is " +
                "unavailable here: " + causeText(transport) + "; use auto to fall back to epoll or nio");
        }
        return new Selection(transport, "asked for in configuration or -D" + TRANSPORT_PROP_NAME);
    }

    private static String causeText(final IngestTransport transport)
    {
        final Throwable cause = transport.unavailabilityCause();
        if (cause == null)
        {
            return "no cause given";
        }
        final Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage() +
            (root != cause ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
    }

    /**
     * @return the event loops' I/O handler for this transport.
     */
    IoHandlerFactory ioHandlerFactory()
    {
        return switch (this)
        {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerChannel> serverSocketChannel()
    {
        return switch (this)
        {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    Class<? extends DatagramChannel> datagramChannel()
    {
        return switch (this)
        {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }
}
