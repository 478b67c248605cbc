package dev.sluice.controlplane;

import dev.sluice.protocol.codec.PolicyAckStatus;
import org.agrona.DirectBuffer;

/**
 * Receives the control messages that {@link InboundFrameDecoder} decoded and checked. Called on the thread
 * that polls the inbound subscription.
 */
interface InboundHandler
{
    void onGatewayHello(String gatewayId, String site, String region, long appliedPolicyVersion, long timestampMs);

    void onPolicyAck(
        String gatewayId, long policyVersion, PolicyAckStatus status, long appliedPolicyVersion, String message);

    void onPolicySubmit(long correlationId, String sourceName, String document);

    /**
     * One chunk of a submit too long for one message; its fields are as on the wire, not yet checked
     * against each other (that is the reassembler's job).
     *
     * @param sourceName the source name in chunk 0, null in the others (not decoded, to allocate nothing).
     * @param buffer     holding the chunk's bytes at {@code [offset, offset + length)}; valid during the call.
     */
    void onPolicySubmitChunk(
        long correlationId,
        long chunkIndex,
        long chunkCount,
        long totalLength,
        long documentCrc32c,
        String sourceName,
        DirectBuffer buffer,
        int offset,
        int length);
}
