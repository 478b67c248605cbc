package dev.sluice.dataplane.source.event;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * HTTP POST of an NDJSON batch: the whole body becomes one ring record
 * ({@link EventRing#NDJSON_BATCH_TYPE_ID}), so a batch is accepted all or nothing, and the answer is
 * {@code 200} only once that record is committed. A full ring answers {@code 429}, a stopping gateway
 * {@code 503}, both with {@code Retry-After}; an empty body {@code 400}; another method {@code 405}; an
 * unparsable request {@code 400} (and close). Too large a body is answered {@code 413} by
 * {@link CountingHttpObjectAggregator}. Counters count requests: one batch is one message.
 * One instance per connection; its event loop only.
 */
final class HttpIngestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private final RingPublisher publisher;
    private final IngestCounters counters;
    private final BooleanSupplier shuttingDown;
    private final String retryAfterSeconds;
    private final int flags;
    private byte[] peerAddress;
    private int peerPort;

    HttpIngestHandler(
        final RingPublisher publisher,
        final IngestCounters counters,
        final BooleanSupplier shuttingDown,
        final int retryAfterSeconds,
        final boolean tls)
    {
        this.publisher = publisher;
        this.counters = counters;
        this.shuttingDown = shuttingDown;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
        this.flags = IngestRecord.FLAG_BATCH | (tls ? IngestRecord.FLAG_TLS : 0);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        final InetSocketAddress remote = (InetSocketAddress)ctx.channel().remoteAddress();
        peerAddress = remote.getAddress().getAddress();
        peerPort = remote.getPort();
        counters.onConnection();
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final ByteBuf body = request.content();
        final int length = body.readableBytes();
        counters.onReceived(length);
        if (request.decoderResult().isFailure())
        {
            counters.onDropped(IngestDropReason.BAD_REQUEST);
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n", false, true);
            return;
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            counters.onDropped(IngestDropReason.BAD_REQUEST);
            final FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "POST an NDJSON batch\n");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            send(ctx, request, response, false);
            return;
        }
        if (shuttingDown.getAsBoolean())
        {
            counters.onDropped(IngestDropReason.SHUTTING_DOWN);
            respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "gateway stopping, retry\n", true, true);
            return;
        }
        if (length == 0)
        {
            counters.onDropped(IngestDropReason.EMPTY);
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "empty batch\n", false, false);
            return;
        }
        if (publisher.publish(EventRing.NDJSON_BATCH_TYPE_ID, body, body.readerIndex(), length, peerAddress, peerPort,
            flags))
        {
            counters.onAccepted();
            respond(ctx, request, HttpResponseStatus.OK, null, false, false);
        }
        else
        {
            counters.onDropped(IngestDropReason.RING_FULL);
            respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "ingest ring full, retry\n", true, false);
        }
    }

    private void respond(
        final ChannelHandlerContext ctx,
        final FullHttpRequest request,
        final HttpResponseStatus status,
        final String text,
        final boolean retryAfter,
        final boolean close)
    {
        final FullHttpResponse response = response(status, text);
        if (retryAfter)
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        send(ctx, request, response, close);
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String text)
    {
        final ByteBuf content = text == null ?
            Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (text != null)
        {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        }
        return response;
    }

    private static void send(
        final ChannelHandlerContext ctx,
        final FullHttpRequest request,
        final FullHttpResponse response,
        final boolean close)
    {
        final boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive)
        {
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
