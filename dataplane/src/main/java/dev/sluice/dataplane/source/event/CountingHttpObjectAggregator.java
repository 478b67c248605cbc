package dev.sluice.dataplane.source.event;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, counting each request it refuses as too large ({@code 413}) as a received and
 * dropped {@code oversize} message. One per connection; its event loop only.
 */
final class CountingHttpObjectAggregator extends HttpObjectAggregator
{
    private final IngestCounters counters;

    CountingHttpObjectAggregator(final int maxContentLength, final IngestCounters counters)
    {
        super(maxContentLength);
        this.counters = counters;
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        throws Exception
    {
        final long declared = HttpUtil.getContentLength(oversized, -1L);
        counters.onReceivedAndDropped((int)Math.min(Integer.MAX_VALUE, Math.max(0, declared)),
            IngestDropReason.OVERSIZE);
        super.handleOversizedMessage(ctx, oversized);
    }
}
