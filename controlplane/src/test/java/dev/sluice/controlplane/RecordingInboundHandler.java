package dev.sluice.controlplane;

import java.util.ArrayList;
import java.util.List;

import dev.sluice.protocol.codec.PolicyAckStatus;
import org.agrona.DirectBuffer;

/**
 * Records what {@link InboundFrameDecoder} hands over, as strings. Used only by the test thread.
 */
final class RecordingInboundHandler implements InboundHandler
{
    final List<String> calls = new ArrayList<>();

    public void onGatewayHello(
        final String gatewayId,
        final String site,
        final String region,
        final long appliedPolicyVersion,
        final long timestampMs)
    {
        calls.add("hello " + gatewayId + " " + site + " " + region + " " + appliedPolicyVersion + " " + timestampMs);
    }

    public void onPolicyAck(
        final String gatewayId,
        final long policyVersion,
        final PolicyAckStatus status,
        final long appliedPolicyVersion,
        final String message)
    {
        calls.add("ack " + gatewayId + " " + policyVersion + " " + status + " " + appliedPolicyVersion + " " + message);
    }

    public void onPolicySubmit(final long correlationId, final String sourceName, final String document)
    {
        calls.add("submit " + correlationId + " " + sourceName + " " + document);
    }

    public void onPolicySubmitChunk(
        final long correlationId,
        final long chunkIndex,
        final long chunkCount,
        final long totalLength,
        final long documentCrc32c,
        final String sourceName,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        calls.add("chunk " + correlationId + " " + chunkIndex + "/" + chunkCount + " " + totalLength + " " +
            documentCrc32c + " " + sourceName + " " + buffer.getStringWithoutLengthUtf8(offset, length));
    }
}
