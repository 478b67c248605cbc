package dev.sluice.cli.faults;

import dev.sluice.cli.faults.FaultNetwork.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fault network works: a child JVM in each namespace answers across its link, and a link taken down carries nothing until it is up again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultNetworkTest
{
    private static final int ECHO_PORT = 40_123;

    @TempDir
    Path directory;

    @Test
    void eachSideAnswersAcrossItsLinkUnlessTheLinkIsDown() throws Exception
    {
        try (FaultNetwork network = FaultNetwork.create())
        {
            for (final Side side : Side.values())
            {
                final Path log = directory.resolve(side + ".log");
                network.javaIn(side, UdpEcho.class, log, network.address(side), Integer.toString(ECHO_PORT));
                waitForLine(log, "ready");
                try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(network.hostAddress(side), 0)))
                {
                    channel.socket().setSoTimeout(500);
                    final InetSocketAddress echo = new InetSocketAddress(network.address(side), ECHO_PORT);
                    assertTrue(answers(channel, echo, 10), side + " answers");
                    network.link(side, false);
                    assertFalse(answers(channel, echo, 2), side + " is cut off while its link is down");
                    network.link(side, true);
                    assertTrue(answers(channel, echo, 10), side + " answers again");
                }
            }
        }
    }

    private static boolean answers(final DatagramChannel channel, final InetSocketAddress echo, final int attempts)
        throws IOException
    {
        // A link that just came up may lose the first datagrams while the neighbour is resolved.
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            channel.send(ByteBuffer.wrap(new byte[]{ 42 }), echo);
            try
            {
                final java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[16], 16);
                channel.socket().receive(packet);
                return packet.getData()[0] == 42;
            }
            catch (final SocketTimeoutException ex)
            {
                // try again
            }
            catch (final java.net.PortUnreachableException ex)
            {
                return false;
            }
        }
        return false;
    }

    private static void waitForLine(final Path log, final String line) throws IOException, InterruptedException
    {
        while (!Files.exists(log) || !Files.readString(log).contains(line))
        {
            Thread.sleep(20);
        }
    }
}
