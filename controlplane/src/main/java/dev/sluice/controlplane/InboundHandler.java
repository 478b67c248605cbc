package dev.sluice.controlplane;

import dev.sluice.protocol.codec.PolicyAckStatus;

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
}
