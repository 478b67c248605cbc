package dev.sluice.controlplane;

import dev.sluice.protocol.codec.GatewayHelloEncoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckEncoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicySubmitChunkEncoder;
import dev.sluice.protocol.codec.PolicySubmitEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Valid inbound frames, encoded with the generated codecs, for decoder tests and the fuzz seed corpus.
 * Stateless; any thread may use it.
 */
final class ControlFrameSamples
{
    private ControlFrameSamples()
    {
    }

    static byte[] hello()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final GatewayHelloEncoder encoder = new GatewayHelloEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .gatewayId("gw-berlin-1")
            .site("berlin-co")
            .region("eu-central")
            .appliedPolicyVersion(7)
            .timestampMs(1_700_000_000_000L);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static byte[] ack()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final PolicyAckEncoder encoder = new PolicyAckEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .gatewayId("gw-berlin-1")
            .policyVersion(8)
            .status(PolicyAckStatus.REJECTED)
            .appliedPolicyVersion(7)
            .message("p.yaml:1:1: error: bad\np.yaml:2:1: error: worse");
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static byte[] submit()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final PolicySubmitEncoder encoder = new PolicySubmitEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(-42)
            .sourceName("p.yaml")
            .document("rules:\n  - when: ip.src == 10.0.0.1\n    then: drop\n");
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    static byte[] submitChunk(final long chunkIndex, final String sourceName, final String bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final byte[] chunk = bytes.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final PolicySubmitChunkEncoder encoder = new PolicySubmitChunkEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(-42)
            .chunkIndex(chunkIndex)
            .chunkCount(3)
            .totalLength(30)
            .documentCrc32c(0xFFFF_FFFEL)
            .sourceName(sourceName)
            .putChunk(chunk, 0, chunk.length);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame);
        return frame;
    }
}
