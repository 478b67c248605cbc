package dev.sluice.cli.faults;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A child process for the fault network's own test: echoes every datagram to its sender. Prints
 * {@code ready} once bound. Usage: {@code UdpEcho ADDRESS PORT}.
 */
public final class UdpEcho
{
    private UdpEcho()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(args[0], Integer.parseInt(args[1]))))
        {
            System.out.println("ready");
            System.out.flush();
            final ByteBuffer buffer = ByteBuffer.allocate(2048);
            while (true)
            {
                buffer.clear();
                final SocketAddress from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            }
        }
    }
}
