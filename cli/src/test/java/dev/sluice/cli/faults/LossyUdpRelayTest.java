package dev.sluice.cli.faults;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fault tests' relay: loses what it is told to, both ways, and Aeron gets through it whole. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LossyUdpRelayTest
{
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path directory;

    @Test
    void forwardsEveryDatagramBothWaysWithoutLoss() throws IOException
    {
        try (DatagramChannel target = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
            LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress(LOOPBACK, 0), address(target), 0, 0, 1);
            DatagramChannel sender = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)))
        {
            target.socket().setSoTimeout(2_000);
            sender.socket().setSoTimeout(2_000);
            final InetSocketAddress relayAddress = new InetSocketAddress(LOOPBACK, relay.port());
            for (int i = 0; i < 500; i++)
            {
                sender.send(ByteBuffer.wrap(new byte[]{ (byte)i }), relayAddress);
                final ByteBuffer received = ByteBuffer.allocate(16);
                final var from = receive(target, received);
                assertEquals((byte)i, received.get(0));
                target.send(ByteBuffer.wrap(new byte[]{ (byte)~i }), from);
                final ByteBuffer reply = ByteBuffer.allocate(16);
                receive(sender, reply);
                assertEquals((byte)~i, reply.get(0));
            }
            assertEquals(500, relay.forwarded());
            assertEquals(500, relay.returned());
            assertEquals(0, relay.lost());
        }
    }

    @Test
    void losesTheSeededFractionAndEverythingWhilePartitioned() throws Exception
    {
        try (DatagramChannel target = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
            LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress(LOOPBACK, 0), address(target), 0.3, 0, 42);
            DatagramChannel sender = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)))
        {
            final InetSocketAddress relayAddress = new InetSocketAddress(LOOPBACK, relay.port());
            target.socket().setReceiveBufferSize(1 << 20);
            target.socket().setSoTimeout(200);
            for (int i = 0; i < 1_000; i++)
            {
                sender.send(ByteBuffer.wrap(new byte[]{ (byte)i }), relayAddress);
                if (i % 100 == 99)
                {
                    final long sentSoFar = i + 1;
                    waitFor(() -> relay.forwarded() + relay.lost() == sentSoFar);
                }
            }
            int received = 0;
            while (null != tryReceive(target))
            {
                received++;
            }
            assertEquals(relay.forwarded(), received);
            assertEquals(1_000, relay.forwarded() + relay.lost());
            assertTrue(relay.lost() > 250 && relay.lost() < 350, "lost of 1000 at 30%: " + relay.lost());

            relay.partition(true);
            for (int i = 0; i < 50; i++)
            {
                sender.send(ByteBuffer.wrap(new byte[]{ 1 }), relayAddress);
            }
            assertNull(tryReceive(target));
            waitFor(() -> relay.partitionDropped() == 50);
            relay.partition(false);
            relay.lossRates(0, 0);
            sender.send(ByteBuffer.wrap(new byte[]{ 2 }), relayAddress);
            final ByteBuffer after = tryReceive(target);
            assertEquals(2, null == after ? -1 : after.get(0));
        }
    }

    @Test
    void aeronDeliversEveryMessageInOrderThroughThirtyPercentLossBothWays() throws Exception
    {
        final int targetPort;
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)))
        {
            targetPort = address(probe).getPort();
        }
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            LossyUdpRelay relay = new LossyUdpRelay(
                new InetSocketAddress(LOOPBACK, 0), new InetSocketAddress(LOOPBACK, targetPort), 0.3, 0.3, 7);
            Subscription subscription = aeron.addSubscription("aeron:udp?endpoint=localhost:" + targetPort, 77);
            Publication publication = aeron.addPublication("aeron:udp?endpoint=localhost:" + relay.port(), 77))
        {
            final int messages = 5_000;
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final long[] next = { 0 };
            int sent = 0;
            while (next[0] < messages)
            {
                if (sent < messages)
                {
                    message.putLong(0, sent);
                    if (publication.offer(message, 0, 64) > 0)
                    {
                        sent++;
                    }
                }
                subscription.poll((buffer, offset, length, header) ->
                {
                    assertEquals(next[0], buffer.getLong(offset), "in order, none missing");
                    next[0]++;
                }, 100);
                Thread.onSpinWait();
            }
            assertEquals(messages, next[0]);
            assertTrue(relay.lost() > 0, "the relay lost datagrams: " + relay.lost());
        }
    }

    private static InetSocketAddress address(final DatagramChannel channel) throws IOException
    {
        return (InetSocketAddress)channel.getLocalAddress();
    }

    private static java.net.SocketAddress receive(final DatagramChannel channel, final ByteBuffer into) throws IOException
    {
        final java.net.DatagramPacket packet = new java.net.DatagramPacket(into.array(), into.capacity());
        channel.socket().receive(packet);
        return packet.getSocketAddress();
    }

    private static ByteBuffer tryReceive(final DatagramChannel channel) throws IOException
    {
        final ByteBuffer into = ByteBuffer.allocate(16);
        try
        {
            receive(channel, into);
            return into;
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
    }

    private static void waitFor(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        while (!condition.getAsBoolean())
        {
            Thread.sleep(5);
        }
    }
}
