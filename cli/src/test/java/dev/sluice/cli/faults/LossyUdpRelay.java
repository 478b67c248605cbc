package dev.sluice.cli.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay that loses datagrams on purpose, for fault tests: this kernel has no netem, so loss,
 * partitions and flapping links come from here. A sender sends to {@link #port()}; the relay
 * forwards to the target from a socket of its own, and forwards what the target sends back (an
 * Aeron receiver's status messages and NAKs) to the last sender. Each direction drops a seeded
 * fraction of datagrams, so a test is repeatable; {@link #partition(boolean)} drops everything in
 * both directions until lifted, which is also how a test flaps the link.
 * <p>
 * One thread of its own relays; the controls and counters may be used from any thread.
 */
public final class LossyUdpRelay implements AutoCloseable
{
    private static final int MAX_DATAGRAM = 65_536;

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final Selector selector;
    private final SocketAddress target;
    private final SplittableRandom random;
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private volatile double forwardLoss;
    private volatile double returnLoss;
    private volatile boolean partitioned;
    private volatile boolean running = true;
    private SocketAddress lastSender;

    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong returned = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong partitionDropped = new AtomicLong();

    /**
     * Starts relaying from {@code listen} to {@code target}.
     *
     * @param listen      where senders send (port 0: any free port, see {@link #port()}).
     * @param target      where datagrams go.
     * @param forwardLoss fraction of datagrams towards the target dropped, 0 to 1.
     * @param returnLoss  fraction of datagrams from the target back to the sender dropped, 0 to 1.
     * @param seed        seed of the drop decisions.
     */
    public LossyUdpRelay(
        final InetSocketAddress listen,
        final InetSocketAddress target,
        final double forwardLoss,
        final double returnLoss,
        final long seed)
    {
        this.target = target;
        this.random = new SplittableRandom(seed);
        lossRates(forwardLoss, returnLoss);
        try
        {
            selector = Selector.open();
            front = DatagramChannel.open().bind(listen);
            // Any address: the kernel picks the source by the route to the target, so the target can answer.
            back = DatagramChannel.open().bind(new InetSocketAddress(0));
            front.configureBlocking(false).register(selector, SelectionKey.OP_READ, Boolean.TRUE);
            back.configureBlocking(false).register(selector, SelectionKey.OP_READ, Boolean.FALSE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the relay's sockets on " + listen, ex);
        }
        thread = new Thread(this::run, "lossy-udp-relay-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /** The port senders send to. */
    public int port()
    {
        try
        {
            return ((InetSocketAddress)front.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Changes the loss of each direction from now on. */
    public void lossRates(final double forwardLoss, final double returnLoss)
    {
        if (forwardLoss < 0 || forwardLoss > 1 || returnLoss < 0 || returnLoss > 1)
        {
            throw new IllegalArgumentException("loss rates are fractions from 0 to 1, got " + forwardLoss + " and " + returnLoss);
        }
        this.forwardLoss = forwardLoss;
        this.returnLoss = returnLoss;
    }

    /** Drops every datagram in both directions while {@code partitioned} is true. */
    public void partition(final boolean partitioned)
    {
        this.partitioned = partitioned;
    }

    public boolean isPartitioned()
    {
        return partitioned;
    }

    /** Datagrams delivered to the target. */
    public long forwarded()
    {
        return forwarded.get();
    }

    /** Datagrams delivered back to the sender. */
    public long returned()
    {
        return returned.get();
    }

    /** Datagrams dropped by the loss rates, both directions. */
    public long lost()
    {
        return lost.get();
    }

    /** Datagrams dropped by a partition, both directions. */
    public long partitionDropped()
    {
        return partitionDropped.get();
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5_000);
            selector.close();
            front.close();
            back.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (running)
            {
                if (selector.select(100) == 0)
                {
                    continue;
                }
                for (final SelectionKey key : selector.selectedKeys())
                {
                    final boolean fromSender = (Boolean)key.attachment();
                    relay(fromSender ? front : back, fromSender);
                }
                selector.selectedKeys().clear();
            }
        }
        catch (final ClosedSelectorException ex)
        {
            // closed while selecting: done
        }
        catch (final IOException ex)
        {
            if (running)
            {
                throw new UncheckedIOException("relay to " + target + " failed", ex);
            }
        }
    }

    private void relay(final DatagramChannel from, final boolean fromSender) throws IOException
    {
        while (true)
        {
            buffer.clear();
            final SocketAddress source = from.receive(buffer);
            if (null == source)
            {
                return;
            }
            if (fromSender)
            {
                lastSender = source;
            }
            if (partitioned)
            {
                partitionDropped.incrementAndGet();
                continue;
            }
            if (random.nextDouble() < (fromSender ? forwardLoss : returnLoss))
            {
                lost.incrementAndGet();
                continue;
            }
            buffer.flip();
            // Counted before the send, so whoever receives the datagram finds it counted already.
            if (fromSender)
            {
                forwarded.incrementAndGet();
                back.send(buffer, target);
            }
            else if (null != lastSender)
            {
                returned.incrementAndGet();
                front.send(buffer, lastSender);
            }
        }
    }
}
