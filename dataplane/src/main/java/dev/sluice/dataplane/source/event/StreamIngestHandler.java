package dev.sluice.dataplane.source.event;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;

/**
 * Frames a TCP stream into messages and copies each into the ingest ring: syslog with RFC 6587 octet
 * counting ({@code LEN SP MSG}) or LF framing (non-transparent), chosen per connection by its first
 * byte (a digit: octet counting); JSON lines always by LF. A trailing CR before the LF is not part of
 * the message; empty lines are skipped.
 * <p>
 * Too long a message ({@code oversize}) is skipped and the connection carries on with the next frame:
 * octet counting skips the counted bytes, LF framing discards up to the next LF. A frame that cannot be
 * delimited (an octet count that is not digits and a space, or over 9 digits) is counted
 * {@code malformed_frame} and closes the connection, with a log line: nothing after it can be trusted.
 * At the end of a stream, an unterminated last line is a message (as rsyslog takes it); a partial
 * octet-counted frame is {@code malformed_frame}. A connection closed while paused keeps its frames until
 * the ring has room.
 * <p>
 * Backpressure: when the ring is full the connection stops reading (auto-read off) and keeps the
 * frames it already holds; the ring wakes it once the consumer has drained half of it. Nothing is
 * lost and the order is kept. One instance per connection; its event loop only.
 */
final class StreamIngestHandler extends ChannelInboundHandlerAdapter
{
    private static final System.Logger LOG = System.getLogger(StreamIngestHandler.class.getName());

    private static final int FRAMING_UNKNOWN = 0;
    private static final int FRAMING_OCTET_COUNTING = 1;
    private static final int FRAMING_LF = 2;
    /** RFC 6587 MSG-LEN is a NONZERO-DIGIT followed by digits; nine fit an int with room to spare. */
    private static final int MAX_LENGTH_DIGITS = 9;

    private final RingPublisher publisher;
    private final IngestCounters counters;
    private final EventRing ring;
    private final int typeId;
    private final int maxMessageBytes;
    private final boolean detectOctetCounting;
    private final int flags;
    private final String listenerName;
    private final Runnable wakeUp = this::onWakeUp;
    private final Runnable resume = this::onResume;

    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private byte[] peerAddress;
    private int peerPort;
    private int framing;
    private boolean paused;
    private boolean discardingLine;
    private long skipBytes;
    private boolean closed;
    private boolean inputEnded;

    StreamIngestHandler(
        final RingPublisher publisher,
        final IngestCounters counters,
        final EventRing ring,
        final int typeId,
        final int maxMessageBytes,
        final boolean detectOctetCounting,
        final boolean tls,
        final String listenerName)
    {
        this.publisher = publisher;
        this.counters = counters;
        this.ring = ring;
        this.typeId = typeId;
        this.maxMessageBytes = maxMessageBytes;
        this.detectOctetCounting = detectOctetCounting;
        this.flags = tls ? IngestRecord.FLAG_TLS : 0;
        this.listenerName = listenerName;
        this.framing = detectOctetCounting ? FRAMING_UNKNOWN : FRAMING_LF;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        this.ctx = ctx;
        final InetSocketAddress remote = (InetSocketAddress)ctx.channel().remoteAddress();
        peerAddress = remote.getAddress().getAddress();
        peerPort = remote.getPort();
        counters.onConnection();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf in) || closed)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(
            ctx.alloc(), cumulation == null ? Unpooled.EMPTY_BUFFER : cumulation, in);
        if (!paused)
        {
            drain();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        inputEnded = true;
        if (!paused)
        {
            drain();
            if (!paused)
            {
                finish();
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        // A paused connection keeps its frames until the ring has room (onResume), even once closed.
        if (!paused)
        {
            finish();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.log(System.Logger.Level.WARNING, "ingest listener " + listenerName + ": closing the connection from " +
            ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }

    /** The peer closed and every complete frame is out: what is left is a last message or a broken frame. */
    private void finish()
    {
        if (!closed && !inputEnded)
        {
            releaseCumulation();
            closed = true;
            return;
        }
        if (!closed && skipBytes == 0 && !discardingLine)
        {
            endOfStream();
        }
        releaseCumulation();
        closed = true;
    }

    private void endOfStream()
    {
        if (cumulation == null || !cumulation.isReadable())
        {
            return;
        }
        final int length = cumulation.readableBytes();
        if (framing == FRAMING_LF)
        {
            int messageLength = length;
            if (cumulation.getByte(cumulation.readerIndex() + messageLength - 1) == '\r')
            {
                messageLength--;
            }
            if (messageLength > 0)
            {
                counters.onReceived(messageLength);
                if (publisher.publish(typeId, cumulation, cumulation.readerIndex(), messageLength, peerAddress, peerPort,
                    flags))
                {
                    counters.onAccepted();
                }
                else
                {
                    counters.onDropped(IngestDropReason.RING_FULL);
                }
            }
        }
        else
        {
            counters.onReceivedAndDropped(length, IngestDropReason.MALFORMED_FRAME);
        }
        cumulation.skipBytes(length);
    }

    /** Frames and publishes what the buffer holds, until it runs out or the ring is full. */
    private void drain()
    {
        final ByteBuf buffer = cumulation;
        if (buffer == null)
        {
            return;
        }
        boolean more = true;
        while (more && buffer.isReadable())
        {
            if (skipBytes > 0)
            {
                final int skip = (int)Math.min(skipBytes, buffer.readableBytes());
                buffer.skipBytes(skip);
                skipBytes -= skip;
                continue;
            }
            if (framing == FRAMING_UNKNOWN)
            {
                final byte first = buffer.getByte(buffer.readerIndex());
                framing = first >= '0' && first <= '9' ? FRAMING_OCTET_COUNTING : FRAMING_LF;
            }
            more = framing == FRAMING_OCTET_COUNTING ? nextOctetCountedFrame(buffer) : nextLine(buffer);
        }
        if (buffer.isReadable())
        {
            buffer.discardSomeReadBytes();
        }
        else
        {
            releaseCumulation();
        }
    }

    /**
     * @return true to look for another frame; false when more bytes are needed, the ring is full or the
     * connection is closing.
     */
    private boolean nextOctetCountedFrame(final ByteBuf buffer)
    {
        final int start = buffer.readerIndex();
        final int readable = buffer.readableBytes();
        final int scanLimit = Math.min(readable, MAX_LENGTH_DIGITS + 1);
        int length = 0;
        int digits = 0;
        int spaceAt = -1;
        for (int i = 0; i < scanLimit; i++)
        {
            final byte b = buffer.getByte(start + i);
            if (b == ' ')
            {
                spaceAt = i;
                break;
            }
            if (b < '0' || b > '9' || (digits == 0 && b == '0'))
            {
                return malformed("octet count has a byte other than a digit: 0x" + Integer.toHexString(b & 0xFF));
            }
            length = length * 10 + (b - '0');
            digits++;
        }
        if (spaceAt < 0)
        {
            if (readable > MAX_LENGTH_DIGITS)
            {
                return malformed("octet count longer than " + MAX_LENGTH_DIGITS + " digits");
            }
            return false;
        }
        if (digits == 0)
        {
            return malformed("octet count missing before the space");
        }
        final int headerLength = spaceAt + 1;
        if (length > maxMessageBytes)
        {
            counters.onReceivedAndDropped(length, IngestDropReason.OVERSIZE);
            buffer.skipBytes(headerLength);
            skipBytes = length;
            return true;
        }
        if (readable - headerLength < length)
        {
            return false;
        }
        if (!publish(buffer, start + headerLength, length))
        {
            return false;
        }
        buffer.skipBytes(headerLength + length);
        return true;
    }

    private boolean nextLine(final ByteBuf buffer)
    {
        final int start = buffer.readerIndex();
        final int lineFeed = buffer.indexOf(start, buffer.writerIndex(), (byte)'\n');
        if (discardingLine)
        {
            if (lineFeed < 0)
            {
                buffer.skipBytes(buffer.readableBytes());
                return false;
            }
            buffer.readerIndex(lineFeed + 1);
            discardingLine = false;
            return true;
        }
        if (lineFeed < 0)
        {
            final int readable = buffer.readableBytes();
            if (readable > maxMessageBytes)
            {
                counters.onReceivedAndDropped(readable, IngestDropReason.OVERSIZE);
                buffer.skipBytes(readable);
                discardingLine = true;
            }
            return false;
        }
        int length = lineFeed - start;
        if (length > 0 && buffer.getByte(lineFeed - 1) == '\r')
        {
            length--;
        }
        if (length > maxMessageBytes)
        {
            counters.onReceivedAndDropped(length, IngestDropReason.OVERSIZE);
        }
        else if (length > 0 && !publish(buffer, start, length))
        {
            return false;
        }
        buffer.readerIndex(lineFeed + 1);
        return true;
    }

    private boolean publish(final ByteBuf buffer, final int index, final int length)
    {
        if (publisher.publish(typeId, buffer, index, length, peerAddress, peerPort, flags))
        {
            counters.onReceived(length);
            counters.onAccepted();
            return true;
        }
        pause();
        return false;
    }

    private boolean malformed(final String why)
    {
        counters.onReceivedAndDropped(cumulation.readableBytes(), IngestDropReason.MALFORMED_FRAME);
        LOG.log(System.Logger.Level.WARNING, "ingest listener " + listenerName + ": closing the connection from " +
            ctx.channel().remoteAddress() + ": malformed RFC 6587 frame (" + why + ")");
        cumulation.skipBytes(cumulation.readableBytes());
        closed = true;
        ctx.close();
        return false;
    }

    private void pause()
    {
        paused = true;
        counters.onBackpressurePause();
        ctx.channel().config().setAutoRead(false);
        ring.awaitSpace(wakeUp);
    }

    /** On the consumer's thread (or a producer's): hands the resume to this connection's event loop. */
    private void onWakeUp()
    {
        try
        {
            ctx.executor().execute(resume);
        }
        catch (final RejectedExecutionException ex)
        {
            // The ingest is stopping: its event loops take no more work, and the held frames go with them.
        }
    }

    private void onResume()
    {
        if (closed || !paused)
        {
            return;
        }
        paused = false;
        drain();
        if (!paused)
        {
            if (inputEnded)
            {
                finish();
            }
            else
            {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private void releaseCumulation()
    {
        if (cumulation != null)
        {
            cumulation.release();
            cumulation = null;
        }
    }
}
