package dev.sluice.controlplane;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InboundFrameDecoderTest
{
    private final InboundFrameDecoder decoder = new InboundFrameDecoder();
    private final RecordingInboundHandler handler = new RecordingInboundHandler();

    @Test
    void decodesEachInboundMessage()
    {
        assertEquals(InboundVerdict.GATEWAY_HELLO, decode(ControlFrameSamples.hello(), 5));
        assertEquals(InboundVerdict.POLICY_ACK, decode(ControlFrameSamples.ack(), 0));
        assertEquals(InboundVerdict.POLICY_SUBMIT, decode(ControlFrameSamples.submit(), 3));
        assertEquals(InboundVerdict.POLICY_SUBMIT_CHUNK, decode(ControlFrameSamples.submitChunk(0, "p.yaml", "rules:"), 1));
        assertEquals(InboundVerdict.POLICY_SUBMIT_CHUNK, decode(ControlFrameSamples.submitChunk(1, "", " []\n"), 0));
        assertEquals(
            List.of(
                "hello gw-berlin-1 berlin-co eu-central 7 1700000000000",
                "ack gw-berlin-1 8 REJECTED 7 p.yaml:1:1: error: bad\np.yaml:2:1: error: worse",
                "submit -42 p.yaml rules:\n  - when: ip.src == 10.0.0.1\n    then: drop\n",
                "chunk -42 0/3 30 4294967294 p.yaml rules:",
                "chunk -42 1/3 30 4294967294 null  []\n"),
            handler.calls);
    }

    @Test
    void everyTruncationIsReportedAndNothingIsHandled()
    {
        final List<byte[]> frames =
            List.of(ControlFrameSamples.hello(), ControlFrameSamples.ack(), ControlFrameSamples.submit(),
                ControlFrameSamples.submitChunk(0, "p.yaml", "rules:"));
        for (final byte[] frame : frames)
        {
            for (int length = 0; length < frame.length; length++)
            {
                final byte[] truncated = Arrays.copyOf(frame, length);
                assertEquals(InboundVerdict.TRUNCATED, decode(truncated, 0), "length " + length);
            }
        }
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void newerSchemaVersionWithLongerBlockIsAccepted()
    {
        final byte[] ack = ControlFrameSamples.ack();
        final int extraBytes = 8;
        final byte[] extended = new byte[ack.length + extraBytes];
        final int blockEnd = MessageHeaderEncoder.ENCODED_LENGTH + PolicyAckEncoder.BLOCK_LENGTH;
        System.arraycopy(ack, 0, extended, 0, blockEnd);
        System.arraycopy(ack, blockEnd, extended, blockEnd + extraBytes, ack.length - blockEnd);
        final UnsafeBuffer buffer = new UnsafeBuffer(extended);
        new MessageHeaderEncoder().wrap(buffer, 0).blockLength(PolicyAckEncoder.BLOCK_LENGTH + extraBytes).version(2);

        assertEquals(InboundVerdict.POLICY_ACK, decode(extended, 0));
        assertEquals(
            "ack gw-berlin-1 8 REJECTED 7 p.yaml:1:1: error: bad\np.yaml:2:1: error: worse", handler.calls.getFirst());
    }

    @Test
    void invalidFieldValuesAreMalformed()
    {
        final byte[] ack = ControlFrameSamples.ack();
        final UnsafeBuffer buffer = new UnsafeBuffer(ack);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + PolicyAckEncoder.statusEncodingOffset(), (byte)255);
        assertEquals(InboundVerdict.MALFORMED, decode(ack, 0), "null enum value");

        final byte[] hello = ControlFrameSamples.hello();
        hello[MessageHeaderEncoder.ENCODED_LENGTH + 2] = 0x07;
        assertEquals(InboundVerdict.MALFORMED, decode(hello, 0), "control character in gateway id");

        final byte[] shortBlock = ControlFrameSamples.hello();
        new MessageHeaderEncoder().wrap(new UnsafeBuffer(shortBlock), 0).blockLength(8);
        assertEquals(InboundVerdict.MALFORMED, decode(shortBlock, 0), "block shorter than version 1's");

        final byte[] hugeMessage = ControlFrameSamples.ack();
        new UnsafeBuffer(hugeMessage).putInt(
            MessageHeaderEncoder.ENCODED_LENGTH + PolicyAckEncoder.BLOCK_LENGTH, -1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(InboundVerdict.TRUNCATED, decode(hugeMessage, 0), "var data length 2^32-1");

        assertEquals(List.of(), handler.calls);
    }

    private InboundVerdict decode(final byte[] frame, final int padding)
    {
        // Sized exactly: a read past the frame would throw rather than read a neighbour's bytes.
        final byte[] bytes = new byte[padding + frame.length];
        System.arraycopy(frame, 0, bytes, padding, frame.length);
        return decoder.decode(new UnsafeBuffer(bytes), padding, frame.length, handler);
    }
}
