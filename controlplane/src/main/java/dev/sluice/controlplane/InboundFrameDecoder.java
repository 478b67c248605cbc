package dev.sluice.controlplane;

import dev.sluice.protocol.codec.GatewayHelloDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.PolicyAckDecoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicySubmitChunkDecoder;
import dev.sluice.protocol.codec.PolicySubmitDecoder;
import org.agrona.DirectBuffer;

/**
 * Decodes the frames that arrive on the control plane's inbound stream (GatewayHello, PolicyAck,
 * PolicySubmit, PolicySubmitChunk) and hands valid ones to an {@link InboundHandler}. Any byte sequence yields a verdict, never
 * an exception. Called only on the thread that polls the inbound subscription.
 */
final class InboundFrameDecoder
{
    private static final PolicyAckStatus[] ACK_STATUSES = PolicyAckStatus.values();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final GatewayHelloDecoder helloDecoder = new GatewayHelloDecoder();
    private final PolicyAckDecoder ackDecoder = new PolicyAckDecoder();
    private final PolicySubmitDecoder submitDecoder = new PolicySubmitDecoder();
    private final PolicySubmitChunkDecoder submitChunkDecoder = new PolicySubmitChunkDecoder();

    /**
     * Decode one complete (reassembled) frame.
     *
     * @param buffer  holding the frame.
     * @param offset  of the frame in the buffer.
     * @param length  of the frame in bytes.
     * @param handler receives the message when the verdict is one of the message kinds.
     * @return what the frame was.
     */
    InboundVerdict decode(final DirectBuffer buffer, final int offset, final int length, final InboundHandler handler)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return InboundVerdict.TRUNCATED;
        }

        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return InboundVerdict.UNKNOWN;
        }

        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int end = offset + length;

        return switch (headerDecoder.templateId())
        {
            case GatewayHelloDecoder.TEMPLATE_ID -> onHello(buffer, bodyOffset, blockLength, version, end, handler);
            case PolicyAckDecoder.TEMPLATE_ID -> onAck(buffer, bodyOffset, blockLength, version, end, handler);
            case PolicySubmitDecoder.TEMPLATE_ID -> onSubmit(buffer, bodyOffset, blockLength, version, end, handler);
            case PolicySubmitChunkDecoder.TEMPLATE_ID ->
                onSubmitChunk(buffer, bodyOffset, blockLength, version, end, handler);
            default -> InboundVerdict.UNKNOWN;
        };
    }

    private InboundVerdict onHello(
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end,
        final InboundHandler handler)
    {
        final InboundVerdict blockVerdict = checkBlock(bodyOffset, blockLength, GatewayHelloDecoder.BLOCK_LENGTH, end);
        if (null != blockVerdict)
        {
            return blockVerdict;
        }

        final GatewayHelloDecoder decoder = helloDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final String gatewayId = gatewayIdOrNull(
            buffer, bodyOffset + GatewayHelloDecoder.gatewayIdEncodingOffset(), GatewayHelloDecoder.gatewayIdLength());
        final String site = ControlFrames.printableAscii(
            buffer, bodyOffset + GatewayHelloDecoder.siteEncodingOffset(), GatewayHelloDecoder.siteLength());
        final String region = ControlFrames.printableAscii(
            buffer, bodyOffset + GatewayHelloDecoder.regionEncodingOffset(), GatewayHelloDecoder.regionLength());
        if (null == gatewayId || null == site || null == region)
        {
            return InboundVerdict.MALFORMED;
        }

        handler.onGatewayHello(gatewayId, site, region, decoder.appliedPolicyVersion(), decoder.timestampMs());
        return InboundVerdict.GATEWAY_HELLO;
    }

    private InboundVerdict onAck(
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end,
        final InboundHandler handler)
    {
        final InboundVerdict blockVerdict = checkBlock(bodyOffset, blockLength, PolicyAckDecoder.BLOCK_LENGTH, end);
        if (null != blockVerdict)
        {
            return blockVerdict;
        }

        final PolicyAckDecoder decoder = ackDecoder.wrap(buffer, bodyOffset, blockLength, version);
        if (ControlFrames.varDataEnd(buffer, decoder.limit(), end) < 0)
        {
            return InboundVerdict.TRUNCATED;
        }

        final String gatewayId = gatewayIdOrNull(
            buffer, bodyOffset + PolicyAckDecoder.gatewayIdEncodingOffset(), PolicyAckDecoder.gatewayIdLength());
        final PolicyAckStatus status = ackStatusOrNull(decoder.statusRaw());
        if (null == gatewayId || null == status)
        {
            return InboundVerdict.MALFORMED;
        }

        final long policyVersion = decoder.policyVersion();
        final long appliedPolicyVersion = decoder.appliedPolicyVersion();
        handler.onPolicyAck(gatewayId, policyVersion, status, appliedPolicyVersion, decoder.message());
        return InboundVerdict.POLICY_ACK;
    }

    private InboundVerdict onSubmit(
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end,
        final InboundHandler handler)
    {
        final InboundVerdict blockVerdict = checkBlock(bodyOffset, blockLength, PolicySubmitDecoder.BLOCK_LENGTH, end);
        if (null != blockVerdict)
        {
            return blockVerdict;
        }

        final PolicySubmitDecoder decoder = submitDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final int sourceNameEnd = ControlFrames.varDataEnd(buffer, decoder.limit(), end);
        if (sourceNameEnd < 0 || ControlFrames.varDataEnd(buffer, sourceNameEnd, end) < 0)
        {
            return InboundVerdict.TRUNCATED;
        }

        final long correlationId = decoder.correlationId();
        final String sourceName = decoder.sourceName();
        final String document = decoder.document();
        handler.onPolicySubmit(correlationId, sourceName, document);
        return InboundVerdict.POLICY_SUBMIT;
    }

    private InboundVerdict onSubmitChunk(
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final int end,
        final InboundHandler handler)
    {
        final InboundVerdict blockVerdict =
            checkBlock(bodyOffset, blockLength, PolicySubmitChunkDecoder.BLOCK_LENGTH, end);
        if (null != blockVerdict)
        {
            return blockVerdict;
        }

        final PolicySubmitChunkDecoder decoder = submitChunkDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final int sourceNameEnd = ControlFrames.varDataEnd(buffer, decoder.limit(), end);
        final int chunkEnd = sourceNameEnd < 0 ? -1 : ControlFrames.varDataEnd(buffer, sourceNameEnd, end);
        if (chunkEnd < 0)
        {
            return InboundVerdict.TRUNCATED;
        }

        final long chunkIndex = decoder.chunkIndex();
        final String sourceName = 0 == chunkIndex ? decoder.sourceName() : null;
        final int chunkOffset = sourceNameEnd + ControlFrames.VAR_DATA_HEADER_LENGTH;
        handler.onPolicySubmitChunk(
            decoder.correlationId(),
            chunkIndex,
            decoder.chunkCount(),
            decoder.totalLength(),
            decoder.documentCrc32c(),
            sourceName,
            buffer,
            chunkOffset,
            chunkEnd - chunkOffset);
        return InboundVerdict.POLICY_SUBMIT_CHUNK;
    }

    private static InboundVerdict checkBlock(
        final int bodyOffset, final int blockLength, final int minimumBlockLength, final int end)
    {
        if (blockLength < minimumBlockLength)
        {
            return InboundVerdict.MALFORMED;
        }
        if (blockLength > end - bodyOffset)
        {
            return InboundVerdict.TRUNCATED;
        }
        return null;
    }

    private static String gatewayIdOrNull(final DirectBuffer buffer, final int offset, final int length)
    {
        final String gatewayId = ControlFrames.printableAscii(buffer, offset, length);
        return null == gatewayId || gatewayId.isEmpty() ? null : gatewayId;
    }

    private static PolicyAckStatus ackStatusOrNull(final short raw)
    {
        // PolicyAckStatus.get throws on unknown values; a gateway's bad byte is a counted verdict instead.
        for (final PolicyAckStatus status : ACK_STATUSES)
        {
            if (PolicyAckStatus.NULL_VAL != status && status.value() == raw)
            {
                return status;
            }
        }
        return null;
    }
}
