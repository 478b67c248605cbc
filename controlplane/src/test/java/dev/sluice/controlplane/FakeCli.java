package dev.sluice.controlplane;

import java.util.HashMap;
import java.util.Map;

import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicySubmitChunkEncoder;
import dev.sluice.protocol.codec.PolicySubmitEncoder;
import dev.sluice.protocol.codec.PolicySubmitResultDecoder;
import dev.sluice.protocol.codec.PolicySubmitStatus;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * A non-blocking CLI for tests that drive the control plane by hand on the same thread: sends PolicySubmit,
 * collects PolicySubmitResults by correlation id. Used only by the test thread.
 */
final class FakeCli implements AutoCloseable
{
    record Result(PolicySubmitStatus status, long policyVersion, String message)
    {
    }

    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PolicySubmitResultDecoder resultDecoder = new PolicySubmitResultDecoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final Map<Long, Result> results = new HashMap<>();

    FakeCli(final Aeron aeron, final ControlPlaneContext context)
    {
        publication = aeron.addExclusivePublication(context.inboundChannel(), context.inboundStreamId());
        subscription = aeron.addSubscription(
            ControlPlaneContext.pushSubscriptionChannel(context.pushChannel()), context.replyStreamId());
    }

    boolean isConnected()
    {
        return publication.isConnected() && subscription.isConnected();
    }

    int poll()
    {
        return subscription.poll(assembler, 10);
    }

    boolean submit(final long correlationId, final String sourceName, final String document)
    {
        final PolicySubmitEncoder encoder = new PolicySubmitEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(correlationId)
            .sourceName(sourceName)
            .document(document);
        return publication.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()) > 0;
    }

    /**
     * Offer one chunk as given, consistent or not, so tests can send broken transfers.
     */
    boolean submitChunk(
        final long correlationId,
        final long chunkIndex,
        final long chunkCount,
        final long totalLength,
        final long crc32c,
        final String sourceName,
        final byte[] document,
        final int offset,
        final int length)
    {
        final PolicySubmitChunkEncoder encoder = new PolicySubmitChunkEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(correlationId)
            .chunkIndex(chunkIndex)
            .chunkCount(chunkCount)
            .totalLength(totalLength)
            .documentCrc32c(crc32c)
            .sourceName(sourceName)
            .putChunk(document, offset, length);
        return publication.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()) > 0;
    }

    int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    Result result(final long correlationId)
    {
        return results.get(correlationId);
    }

    public void close()
    {
        CloseHelper.closeAll(subscription, publication);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (PolicySubmitResultDecoder.TEMPLATE_ID != headerDecoder.templateId())
        {
            return;
        }
        resultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = resultDecoder.correlationId();
        final PolicySubmitStatus status = resultDecoder.status();
        final long version = resultDecoder.policyVersion();
        results.put(correlationId, new Result(status, version, resultDecoder.message()));
    }
}
