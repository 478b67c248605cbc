package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicySubmitChunkEncoder;
import dev.sluice.protocol.codec.PolicySubmitEncoder;
import dev.sluice.protocol.codec.PolicySubmitResultDecoder;
import dev.sluice.protocol.codec.PolicySubmitStatus;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Submits a policy document to the control plane and waits for its PolicySubmitResult, as
 * {@code sluice policy push FILE} does. The result comes back on the control plane's push channel (reply
 * stream), which this client joins like a gateway; it picks its own result out by a random correlation id.
 * A document longer than one message (up to {@link DocumentChunking#MAX_DOCUMENT_BYTES}) is sent as
 * PolicySubmitChunk messages, in order, each waiting out back pressure.
 * Called by one thread at a time.
 */
public final class PolicySubmitClient implements AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;

    private final String inboundChannel;
    private final String replyChannel;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final FragmentAssembler fragmentAssembler = new FragmentAssembler(this::onReply);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PolicySubmitResultDecoder resultDecoder = new PolicySubmitResultDecoder();
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private long expectedCorrelationId;
    private PolicySubmitResponse response;

    /**
     * Client for a control plane on the default channels and streams of {@link ControlPlaneContext}.
     *
     * @param aeron client connected to a media driver; not closed by this client.
     */
    public PolicySubmitClient(final Aeron aeron)
    {
        this(
            aeron,
            ControlPlaneContext.INBOUND_CHANNEL_DEFAULT,
            ControlPlaneContext.INBOUND_STREAM_ID_DEFAULT,
            ControlPlaneContext.GATEWAY_PUSH_SUBSCRIPTION_CHANNEL,
            ControlPlaneContext.REPLY_STREAM_ID_DEFAULT);
    }

    /**
     * @param aeron           client connected to a media driver; not closed by this client.
     * @param inboundChannel  the control plane's inbound channel.
     * @param inboundStreamId the control plane's inbound stream.
     * @param replyChannel    subscription channel that joins the control plane's push channel, see
     *                        {@link ControlPlaneContext#pushSubscriptionChannel(String)}.
     * @param replyStreamId   the control plane's reply stream.
     */
    public PolicySubmitClient(
        final Aeron aeron,
        final String inboundChannel,
        final int inboundStreamId,
        final String replyChannel,
        final int replyStreamId)
    {
        this.inboundChannel = inboundChannel;
        this.replyChannel = replyChannel;
        ExclusivePublication publication = null;
        try
        {
            publication = aeron.addExclusivePublication(inboundChannel, inboundStreamId);
            this.subscription = aeron.addSubscription(replyChannel, replyStreamId);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
        this.publication = publication;
    }

    /**
     * Read a policy file and submit it under its path.
     *
     * @param file      the policy file (UTF-8).
     * @param timeoutMs how long to wait in total for a connection and the result.
     * @return the control plane's answer, or why there was none.
     * @throws IOException if the file cannot be read.
     */
    public PolicySubmitResponse submitFile(final Path file, final long timeoutMs) throws IOException
    {
        return submit(file.toString(), Files.readString(file, StandardCharsets.UTF_8), timeoutMs);
    }

    /**
     * Submit a document and wait for the result.
     *
     * @param sourceName name for error locations, usually the file name.
     * @param document   the YAML text.
     * @param timeoutMs  how long to wait in total for a connection and the result.
     * @return the control plane's answer, or why there was none.
     */
    public PolicySubmitResponse submit(final String sourceName, final String document, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);

        // The reply stream must be joined before submitting, or the result could be sent before it is.
        idleStrategy.reset();
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return new PolicySubmitResponse(
                    SubmitOutcome.UNREACHABLE,
                    0,
                    "no control plane reachable on " + inboundChannel + " (reply channel " + replyChannel +
                    ") within " + timeoutMs + " ms");
            }
            idleStrategy.idle();
        }

        final long correlationId = nextCorrelationId();
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final byte[] sourceNameBytes = sourceName.getBytes(StandardCharsets.UTF_8);
        final byte[] documentBytes = document.getBytes(StandardCharsets.UTF_8);
        if (documentBytes.length > DocumentChunking.MAX_DOCUMENT_BYTES)
        {
            return new PolicySubmitResponse(
                SubmitOutcome.INVALID,
                0,
                sourceName + ": error: document is " + documentBytes.length + " bytes; a policy is at most " +
                DocumentChunking.MAX_DOCUMENT_BYTES + " bytes (16 MiB): split it or shorten its lists");
        }

        expectedCorrelationId = correlationId;
        response = null;
        final int singleLength = MessageHeaderEncoder.ENCODED_LENGTH + PolicySubmitEncoder.BLOCK_LENGTH +
            PolicySubmitEncoder.sourceNameHeaderLength() + sourceNameBytes.length +
            PolicySubmitEncoder.documentHeaderLength() + documentBytes.length;
        final PolicySubmitResponse failure;
        if (singleLength <= publication.maxMessageLength())
        {
            // One message when it fits: a control plane of schema version 4 reads it too.
            final PolicySubmitEncoder encoder = new PolicySubmitEncoder()
                .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .correlationId(correlationId)
                .putSourceName(sourceNameBytes, 0, sourceNameBytes.length)
                .putDocument(documentBytes, 0, documentBytes.length);
            failure = offer(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, timeoutMs);
        }
        else
        {
            failure = offerChunks(correlationId, sourceName, sourceNameBytes, documentBytes, buffer, deadlineNs, timeoutMs);
        }
        if (null != failure)
        {
            return failure;
        }

        idleStrategy.reset();
        while (null == response)
        {
            final int fragments = subscription.poll(fragmentAssembler, FRAGMENT_LIMIT);
            if (null != response)
            {
                break;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return new PolicySubmitResponse(
                    SubmitOutcome.TIMED_OUT, 0, "no result from the control plane within " + timeoutMs + " ms");
            }
            idleStrategy.idle(fragments);
        }

        return response;
    }

    private PolicySubmitResponse offerChunks(
        final long correlationId,
        final String sourceName,
        final byte[] sourceNameBytes,
        final byte[] documentBytes,
        final ExpandableDirectByteBuffer buffer,
        final long deadlineNs,
        final long timeoutMs)
    {
        final int overheadLength = MessageHeaderEncoder.ENCODED_LENGTH + PolicySubmitChunkEncoder.BLOCK_LENGTH +
            PolicySubmitChunkEncoder.sourceNameHeaderLength() + sourceNameBytes.length +
            PolicySubmitChunkEncoder.chunkHeaderLength();
        final int chunkLength = DocumentChunking.chunkLength(publication.maxMessageLength(), overheadLength);
        if (0 == chunkLength)
        {
            return new PolicySubmitResponse(
                SubmitOutcome.INVALID,
                0,
                sourceName + ": error: the file name is too long to submit a document in chunks; rename the file");
        }

        final int chunkCount = DocumentChunking.chunkCount(documentBytes.length, chunkLength);
        final long crc32c = DocumentChunking.crc32c(documentBytes);
        final PolicySubmitChunkEncoder encoder = new PolicySubmitChunkEncoder();
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        for (int index = 0; index < chunkCount; index++)
        {
            final int offset = index * chunkLength;
            final int nameLength = 0 == index ? sourceNameBytes.length : 0;
            encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .correlationId(correlationId)
                .chunkIndex(index)
                .chunkCount(chunkCount)
                .totalLength(documentBytes.length)
                .documentCrc32c(crc32c)
                .putSourceName(sourceNameBytes, 0, nameLength)
                .putChunk(documentBytes, offset, Math.min(chunkLength, documentBytes.length - offset));
            final PolicySubmitResponse failure =
                offer(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), deadlineNs, timeoutMs);
            if (null != failure)
            {
                return failure;
            }
        }
        return null;
    }

    /**
     * Offer one message, waiting out back pressure until the deadline.
     *
     * @return null when sent, else why not.
     */
    private PolicySubmitResponse offer(
        final DirectBuffer buffer, final int length, final long deadlineNs, final long timeoutMs)
    {
        idleStrategy.reset();
        while (true)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return null;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                return new PolicySubmitResponse(
                    SubmitOutcome.UNREACHABLE,
                    0,
                    "cannot send to " + inboundChannel + ": " + Publication.errorString(result));
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return new PolicySubmitResponse(
                    SubmitOutcome.UNREACHABLE,
                    0,
                    "could not send to " + inboundChannel + " within " + timeoutMs + " ms");
            }
            // Drain replies meanwhile: the control plane may answer early (a discarded transfer).
            final int fragments = subscription.poll(fragmentAssembler, FRAGMENT_LIMIT);
            if (null != response)
            {
                return response;
            }
            idleStrategy.idle(fragments);
        }
    }

    /**
     * Close the publication and subscription (not the Aeron client).
     */
    public void close()
    {
        CloseHelper.closeAll(subscription, publication);
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int blockLength = headerDecoder.blockLength();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int end = offset + length;
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId() ||
            PolicySubmitResultDecoder.TEMPLATE_ID != headerDecoder.templateId() ||
            blockLength < PolicySubmitResultDecoder.BLOCK_LENGTH ||
            blockLength > end - bodyOffset)
        {
            return;
        }

        resultDecoder.wrap(buffer, bodyOffset, blockLength, headerDecoder.version());
        if (resultDecoder.correlationId() != expectedCorrelationId ||
            ControlFrames.varDataEnd(buffer, resultDecoder.limit(), end) < 0)
        {
            return;
        }

        final SubmitOutcome outcome = outcome(resultDecoder.statusRaw());
        final long policyVersion = resultDecoder.policyVersion();
        response = new PolicySubmitResponse(outcome, policyVersion, resultDecoder.message());
    }

    private static SubmitOutcome outcome(final short statusRaw)
    {
        if (PolicySubmitStatus.ACCEPTED.value() == statusRaw)
        {
            return SubmitOutcome.ACCEPTED;
        }
        if (PolicySubmitStatus.UNCHANGED.value() == statusRaw)
        {
            return SubmitOutcome.UNCHANGED;
        }
        return SubmitOutcome.INVALID;
    }

    private static long nextCorrelationId()
    {
        long correlationId;
        do
        {
            correlationId = ThreadLocalRandom.current().nextLong();
        }
        while (0 == correlationId);
        return correlationId;
    }
}
