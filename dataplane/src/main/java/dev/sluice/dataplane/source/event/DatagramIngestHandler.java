package dev.sluice.dataplane.source.event;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * One datagram, one message: syslog over UDP, NetFlow/IPFIX export packets. A full ring drops the
 * datagram (counted {@code ring_full}); UDP has no way to make the sender wait. The listener's event
 * loop only.
 */
final class DatagramIngestHandler extends SimpleChannelInboundHandler<DatagramPacket>
{
    private final RingPublisher publisher;
    private final IngestCounters counters;
    private final int typeId;
    private final int maxMessageBytes;
    private final boolean trimTrailingLineFeed;

    DatagramIngestHandler(
        final RingPublisher publisher,
        final IngestCounters counters,
        final int typeId,
        final int maxMessageBytes,
        final boolean trimTrailingLineFeed)
    {
        super(true);
        this.publisher = publisher;
        this.counters = counters;
        this.typeId = typeId;
        this.maxMessageBytes = maxMessageBytes;
        this.trimTrailingLineFeed = trimTrailingLineFeed;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
    {
        final ByteBuf content = packet.content();
        final int start = content.readerIndex();
        int length = content.readableBytes();
        counters.onReceived(length);
        if (length > maxMessageBytes)
        {
            // The receive buffer holds one byte more than the maximum, so a longer datagram shows as too long.
            counters.onDropped(IngestDropReason.OVERSIZE);
            return;
        }
        if (trimTrailingLineFeed)
        {
            while (length > 0 && isLineEnd(content.getByte(start + length - 1)))
            {
                length--;
            }
        }
        if (length == 0)
        {
            counters.onDropped(IngestDropReason.EMPTY);
            return;
        }
        final InetSocketAddress sender = packet.sender();
        if (publisher.publish(typeId, content, start, length, sender.getAddress().getAddress(), sender.getPort(), 0))
        {
            counters.onAccepted();
        }
        else
        {
            counters.onDropped(IngestDropReason.RING_FULL);
        }
    }

    private static boolean isLineEnd(final byte b)
    {
        return b == '\n' || b == '\r' || b == 0;
    }
}
