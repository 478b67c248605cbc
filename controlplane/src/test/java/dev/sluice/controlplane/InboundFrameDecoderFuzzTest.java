package dev.sluice.controlplane;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundFrameDecoderFuzzTest
{
    private static final int PADDING = 3;

    @FuzzTest(maxDuration = "2m")
    void anyFrameYieldsAVerdictWithoutReadingPastIt(final byte[] frame)
    {
        // The buffer ends where the frame ends, so any over-read throws and fails the test.
        final byte[] bytes = new byte[PADDING + frame.length];
        System.arraycopy(frame, 0, bytes, PADDING, frame.length);
        final RecordingInboundHandler handler = new RecordingInboundHandler();
        // Created here, not in a field: classes loaded before Jazzer's agent attaches get no coverage feedback.
        final InboundFrameDecoder decoder = new InboundFrameDecoder();

        final InboundVerdict verdict = decoder.decode(new UnsafeBuffer(bytes), PADDING, frame.length, handler);

        assertNotNull(verdict);
        final boolean isMessage = InboundVerdict.GATEWAY_HELLO == verdict ||
            InboundVerdict.POLICY_ACK == verdict ||
            InboundVerdict.POLICY_SUBMIT == verdict ||
            InboundVerdict.POLICY_SUBMIT_CHUNK == verdict;
        assertTrue(isMessage ? 1 == handler.calls.size() : handler.calls.isEmpty());
    }
}
