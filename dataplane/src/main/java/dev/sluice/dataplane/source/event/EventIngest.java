package dev.sluice.dataplane.source.event;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochNanoClock;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's event listeners on Netty: binds every configured listener on one event loop group of
 * the best transport (io_uring, else epoll, else NIO; see {@link IngestTransport}) and copies each
 * message once into the {@link EventRing} that a dataplane worker drains.
 * <p>
 * {@link #start} and {@link #close} from one thread (the gateway's); {@link #counters} and
 * {@link #localAddress} from any. Close the ingest before the ring: event loops write into it until
 * they stop.
 */
public final class EventIngest implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(EventIngest.class.getName());
    private static final long QUIET_PERIOD_MS = 0;
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    private final EventIngestConfig config;
    private final EventRing ring;
    private final IngestTransport.Selection transport;
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final List<IngestCounters> counters = new ArrayList<>();
    private volatile boolean shuttingDown;

    private EventIngest(final EventIngestConfig config, final EventRing ring, final IngestTransport.Selection transport)
    {
        this.config = config;
        this.ring = ring;
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(
            config.ioThreads(), new DefaultThreadFactory("sluice-ingest", true), transport.transport().ioHandlerFactory());
    }

    /**
     * Binds every listener; on any failure closes what it opened and throws.
     *
     * @param config the settings; concluded here.
     * @param ring   where messages go; must outlive the ingest.
     * @return the running ingest.
     * @throws IllegalArgumentException for a bad configuration (every problem at once).
     * @throws IllegalStateException    when a listener cannot bind or its TLS files cannot be read.
     */
    public static EventIngest start(final EventIngestConfig config, final EventRing ring)
    {
        config.conclude();
        if (ring.capacity() != config.ringCapacityBytes())
        {
            throw new IllegalArgumentException("the ring's capacity " + ring.capacity() +
                " is not the configured ingest ring capacity " + config.ringCapacityBytes());
        }
        final IngestTransport.Selection selection = IngestTransport.select(config.transport());
        LOG.log(System.Logger.Level.INFO, "event ingest on the " + selection.transport().keyword() + " transport (" +
            selection.reason() + ")");
        final EventIngest ingest = new EventIngest(config, ring, selection);
        try
        {
            final List<IngestListener> listeners = config.listeners();
            for (int i = 0; i < listeners.size(); i++)
            {
                ingest.bind(i, listeners.get(i));
            }
        }
        catch (final RuntimeException ex)
        {
            ingest.close();
            throw ex;
        }
        return ingest;
    }

    /**
     * @return the transport in use.
     */
    public IngestTransport transport()
    {
        return transport.transport();
    }

    /**
     * @param listenerIndex a listener's position in the configuration.
     * @return the address it is bound to (with the real port when configured with 0).
     */
    public InetSocketAddress localAddress(final int listenerIndex)
    {
        return (InetSocketAddress)channels.get(listenerIndex).localAddress();
    }

    /**
     * @return each listener as {@code name (kind) address}, for a log line.
     */
    public String describeListeners()
    {
        final List<String> descriptions = new ArrayList<>(channels.size());
        final List<IngestListener> listeners = config.listeners();
        for (int i = 0; i < channels.size(); i++)
        {
            descriptions.add(listeners.get(i).name() + " (" + listeners.get(i).kind().keyword() + ") " + localAddress(i));
        }
        return String.join(", ", descriptions);
    }

    /**
     * @param listenerIndex a listener's position in the configuration.
     * @return its counters.
     */
    public IngestCounters counters(final int listenerIndex)
    {
        return counters.get(listenerIndex);
    }

    /**
     * @return true once {@link #shutDown()} or {@link #close()} began: HTTP answers 503.
     */
    public boolean isShuttingDown()
    {
        return shuttingDown;
    }

    /**
     * Starts refusing new HTTP batches (503 with Retry-After) while the listeners stay bound, so clients
     * back off before the sockets close.
     */
    public void shutDown()
    {
        shuttingDown = true;
    }

    private void bind(final int index, final IngestListener listener)
    {
        final IngestCounters listenerCounters = new IngestCounters(config.counterFactory(), listener.name());
        counters.add(listenerCounters);
        final InetSocketAddress address = new InetSocketAddress(listener.bindAddress(), listener.port());
        final Channel channel;
        try
        {
            channel = listener.kind().isStream() ?
                bindStream(index, listener, listenerCounters, address) :
                bindDatagram(index, listener, listenerCounters, address);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding ingest listener " + listener.name(), ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("ingest listener " + listener.name() + " (" + listener.kind().keyword() +
                ") cannot listen on " + address + ": " + ex.getMessage() +
                "; pick a free port, or another bind address", ex);
        }
        channels.add(channel);
        LOG.log(System.Logger.Level.INFO, "ingest listener " + listener.name() + " (" + listener.kind().keyword() +
            (listener.isTls() ? ", TLS" : "") + ") on " + channel.localAddress());
    }

    private Channel bindDatagram(
        final int index,
        final IngestListener listener,
        final IngestCounters listenerCounters,
        final InetSocketAddress address) throws InterruptedException
    {
        final int typeId = listener.kind().format().typeId();
        final RingPublisher publisher = new RingPublisher(ring, config.clock(), index);
        final Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(transport.transport().datagramChannel())
            // One byte over the maximum: a longer datagram arrives truncated to it and is counted oversize.
            .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(listener.maxMessageBytes() + 1))
            .handler(new ChannelInitializer<DatagramChannel>()
            {
                @Override
                protected void initChannel(final DatagramChannel ch)
                {
                    ch.pipeline().addLast(new DatagramIngestHandler(publisher, listenerCounters, typeId,
                        listener.maxMessageBytes(), listener.kind() == ListenerKind.SYSLOG_UDP));
                }
            });
        if (listener.receiveBufferBytes() > 0)
        {
            bootstrap.option(ChannelOption.SO_RCVBUF, listener.receiveBufferBytes());
        }
        return bootstrap.bind(address).sync().channel();
    }

    private Channel bindStream(
        final int index,
        final IngestListener listener,
        final IngestCounters listenerCounters,
        final InetSocketAddress address) throws Exception
    {
        final SslContext sslContext = listener.isTls() ? sslContext(listener) : null;
        final EpochNanoClock clock = config.clock();
        final ListenerKind kind = listener.kind();
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(transport.transport().serverSocketChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    final ChannelPipeline pipeline = ch.pipeline();
                    if (sslContext != null)
                    {
                        pipeline.addLast("tls", sslContext.newHandler(ch.alloc()));
                    }
                    final RingPublisher publisher = new RingPublisher(ring, clock, index);
                    if (kind == ListenerKind.HTTP_NDJSON)
                    {
                        pipeline.addLast("http", new HttpServerCodec());
                        pipeline.addLast("aggregate",
                            new CountingHttpObjectAggregator(listener.maxMessageBytes(), listenerCounters));
                        pipeline.addLast("ingest", new HttpIngestHandler(publisher, listenerCounters,
                            EventIngest.this::isShuttingDown, listener.retryAfterSeconds(), sslContext != null));
                    }
                    else
                    {
                        pipeline.addLast("ingest", new StreamIngestHandler(publisher, listenerCounters, ring,
                            kind.format().typeId(), listener.maxMessageBytes(), kind == ListenerKind.SYSLOG_TCP,
                            sslContext != null, listener.name()));
                    }
                }
            });
        if (listener.receiveBufferBytes() > 0)
        {
            bootstrap.childOption(ChannelOption.SO_RCVBUF, listener.receiveBufferBytes());
        }
        return bootstrap.bind(address).sync().channel();
    }

    private static SslContext sslContext(final IngestListener listener)
    {
        try
        {
            return SslContextBuilder.forServer(listener.tlsCertificateFile().toFile(), listener.tlsKeyFile().toFile())
                .build();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("ingest listener " + listener.name() + ": cannot load TLS certificate " +
                listener.tlsCertificateFile() + " and key " + listener.tlsKeyFile() + ": " + ex.getMessage() +
                " (the key must be PKCS#8 PEM, BEGIN PRIVATE KEY; convert with openssl pkcs8 -topk8 -nocrypt)", ex);
        }
    }

    /**
     * Closes every listener and stops the event loops, waiting for them; the ring is then free to close.
     */
    @Override
    public void close()
    {
        shuttingDown = true;
        for (final Channel channel : channels)
        {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(QUIET_PERIOD_MS, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        CloseHelper.closeAll(counters);
    }
}
