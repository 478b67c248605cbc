package dev.sluice.controlplane;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.chunk.DocumentReassembler;
import dev.sluice.protocol.codec.GatewayHelloEncoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckEncoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushChunkDecoder;
import dev.sluice.protocol.codec.PolicyPushDecoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * A gateway as the control plane sees it: says hello and acks on the inbound channel, receives pushes on the
 * push channel (whole or in chunks), using the SBE codecs. Used only by the test thread.
 */
final class FakeGateway implements AutoCloseable
{
    record ReceivedPush(long policyVersion, String targetGatewayId, String sourceName, String document)
    {
    }

    final String gatewayId;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PolicyPushDecoder pushDecoder = new PolicyPushDecoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final List<ReceivedPush> pushes = new ArrayList<>();
    private final PolicyPushChunkDecoder chunkDecoder = new PolicyPushChunkDecoder();
    private final DocumentReassembler reassembler = new DocumentReassembler(DocumentChunking.MAX_DOCUMENT_BYTES);
    private final List<String> chunkFailures = new ArrayList<>();
    private int chunksReceived;
    private String chunkTarget = "";
    private String chunkSourceName = "";

    FakeGateway(final Aeron aeron, final String gatewayId, final ControlPlaneContext context)
    {
        this.gatewayId = gatewayId;
        publication = aeron.addExclusivePublication(context.inboundChannel(), context.inboundStreamId());
        subscription = aeron.addSubscription(
            ControlPlaneContext.pushSubscriptionChannel(context.pushChannel()), context.pushStreamId());
    }

    boolean isConnected()
    {
        return publication.isConnected() && subscription.isConnected();
    }

    int poll()
    {
        return subscription.poll(assembler, 10);
    }

    /**
     * Pushes addressed to this gateway (targeted to it, or to every gateway), in arrival order.
     */
    List<ReceivedPush> pushes()
    {
        final List<ReceivedPush> mine = new ArrayList<>();
        for (final ReceivedPush push : pushes)
        {
            if (push.targetGatewayId().isEmpty() || push.targetGatewayId().equals(gatewayId))
            {
                mine.add(push);
            }
        }
        return mine;
    }

    List<ReceivedPush> allPushes()
    {
        return List.copyOf(pushes);
    }

    /**
     * Chunked pushes that did not arrive whole (to any gateway), as "version REASON".
     */
    List<String> chunkFailures()
    {
        return List.copyOf(chunkFailures);
    }

    int chunksReceived()
    {
        return chunksReceived;
    }

    boolean hello(final long appliedPolicyVersion)
    {
        final GatewayHelloEncoder encoder = new GatewayHelloEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .gatewayId(gatewayId)
            .site("site-" + gatewayId)
            .region("eu-west")
            .appliedPolicyVersion(appliedPolicyVersion)
            .timestampMs(System.currentTimeMillis());
        return offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    boolean ack(
        final long policyVersion, final PolicyAckStatus status, final long appliedPolicyVersion, final String message)
    {
        final PolicyAckEncoder encoder = new PolicyAckEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .gatewayId(gatewayId)
            .policyVersion(policyVersion)
            .status(status)
            .appliedPolicyVersion(appliedPolicyVersion)
            .message(message);
        return offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    boolean offerRaw(final DirectBuffer frame, final int offset, final int length)
    {
        return publication.offer(frame, offset, length) > 0;
    }

    public void close()
    {
        CloseHelper.closeAll(subscription, publication);
    }

    private boolean offer(final int length)
    {
        final long result = publication.offer(buffer, 0, length);
        if (Publication.CLOSED == result)
        {
            throw new IllegalStateException("publication closed");
        }
        return result > 0;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (PolicyPushChunkDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            onChunk(buffer, offset);
            return;
        }
        if (PolicyPushDecoder.TEMPLATE_ID != headerDecoder.templateId())
        {
            return;
        }
        pushDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long version = pushDecoder.policyVersion();
        final String target = pushDecoder.targetGatewayId();
        final String sourceName = pushDecoder.sourceName();
        final String document = pushDecoder.document();
        pushes.add(new ReceivedPush(version, target, sourceName, document));
    }

    /**
     * Reassembles every push, whichever gateway it is for, so a test sees all that went over the wire.
     */
    private void onChunk(final DirectBuffer buffer, final int offset)
    {
        chunksReceived++;
        chunkDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long version = chunkDecoder.policyVersion();
        final long index = chunkDecoder.chunkIndex();
        final long count = chunkDecoder.chunkCount();
        final long total = chunkDecoder.totalLength();
        final long crc = chunkDecoder.documentCrc32c();
        final String target = chunkDecoder.targetGatewayId();
        final String sourceName = chunkDecoder.sourceName();
        if (0 == index)
        {
            chunkTarget = target;
            chunkSourceName = sourceName;
        }
        final int chunkLength = chunkDecoder.chunkLength();
        final int chunkOffset = chunkDecoder.limit() + PolicyPushChunkDecoder.chunkHeaderLength();
        reassembler.onChunk(version, index, count, total, crc, buffer, chunkOffset, chunkLength,
            new DocumentReassembler.Listener()
            {
                public void onDocument(final long key, final byte[] document, final int length)
                {
                    pushes.add(new ReceivedPush(key, chunkTarget, chunkSourceName,
                        new String(document, 0, length, java.nio.charset.StandardCharsets.UTF_8)));
                }

                public void onFailure(final long key, final ChunkFailure failure)
                {
                    chunkFailures.add(key + " " + failure);
                }
            });
    }
}
