package dev.sluice.dataplane.anonymize.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Any bytes, as an Ethernet frame or raw IP (first byte picks), decoded and rewritten: no
 * exception, nothing written outside the captured bytes (guard bytes around the packet stay), and
 * an unanonymizable packet is left exactly as it was. Runs its seeds as a unit test; fuzz locally:
 * {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=PacketAddressRewriterFuzzTest}.
 */
class PacketAddressRewriterFuzzTest
{
    private static final int GUARD = 16;
    private static final byte GUARD_BYTE = (byte)0xA5;

    /** Jazzer's longest input by default; larger ones are cut. */
    private static final int MAX_INPUT = 4096;

    /** One buffer for every input: native memory allocated per input would outgrow the fuzzer's heap checks. */
    private final MemorySegment buffer = Arena.ofAuto().allocate(MAX_INPUT + 2L * GUARD);
    private final PacketBurst burst = new PacketBurst(1, 1);
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketAddressRewriter rewriter =
        new PacketAddressRewriter(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()));

    @FuzzTest(maxDuration = "2m")
    void rewritesAnyBytesInsideThePacketOnly(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final int length = Math.min(input.length, MAX_INPUT) - 1;
        final MemorySegment memory = buffer.asSlice(0, length + 2L * GUARD);
        memory.fill(GUARD_BYTE);
        MemorySegment.copy(input, 1, memory, ValueLayout.JAVA_BYTE, GUARD, length);
        burst.count(1);
        burst.data[0] = memory;
        burst.offset[0] = GUARD;
        burst.capturedLength[0] = length;
        burst.wireLength[0] = length + (input[0] & 0x0F);
        burst.linkType[0] = (input[0] & 0x80) != 0 ? LinkType.RAW : LinkType.ETHERNET;
        burst.timestampNs[0] = 0;
        burst.resetStageState();
        decoder.decode(burst);
        final AnonymizeOutcome outcome = rewriter.rewrite(burst, 0);
        assertNotNull(outcome);

        final byte[] guard = new byte[GUARD];
        Arrays.fill(guard, GUARD_BYTE);
        assertArrayEquals(guard, memory.asSlice(0, GUARD).toArray(ValueLayout.JAVA_BYTE), "before the packet");
        assertArrayEquals(guard, memory.asSlice(GUARD + length, GUARD).toArray(ValueLayout.JAVA_BYTE), "after the packet");
        if (outcome.unanonymizable() || outcome == AnonymizeOutcome.NOT_IP)
        {
            assertArrayEquals(Arrays.copyOfRange(input, 1, length + 1),
                memory.asSlice(GUARD, length).toArray(ValueLayout.JAVA_BYTE), "left as it was: " + outcome);
        }
    }
}
