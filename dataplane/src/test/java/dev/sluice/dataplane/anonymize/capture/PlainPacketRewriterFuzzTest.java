package dev.sluice.dataplane.anonymize.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes as an Ethernet frame (the first byte adds up to 15 bytes of wire length beyond the
 * captured ones): the fast path either leaves them untouched or writes exactly what the decoder
 * and {@link PacketAddressRewriter} write, with the outcome {@link AnonymizeOutcome#ANONYMIZED}.
 * Runs its seeds as a unit test; fuzz locally:
 * {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=PlainPacketRewriterFuzzTest}.
 */
class PlainPacketRewriterFuzzTest
{
    private final byte[] key = AnonymizedCapturesTsharkTest.testKey();
    private final PlainPacketRewriter plain = new PlainPacketRewriter(new AddressRewriter(new CryptoPan(key)));
    private final PacketAddressRewriter full = new PacketAddressRewriter(new CryptoPan(key));
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst plainBurst = new PacketBurst(1, 1);
    private final PacketBurst fullBurst = new PacketBurst(1, 1);

    @FuzzTest(maxDuration = "60s")
    void rewritesLikeTheFullPath(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final byte[] packet = Arrays.copyOfRange(input, 1, input.length);
        final int wire = packet.length + (input[0] & 0x0F);
        final byte[] viaPlain = packet.clone();
        load(plainBurst, viaPlain, wire);
        if (!plain.rewrite(plainBurst, 0))
        {
            assertArrayEquals(packet, viaPlain, "a refused packet is left untouched");
            return;
        }
        final byte[] viaFull = packet.clone();
        load(fullBurst, viaFull, wire);
        decoder.decodeSlot(fullBurst, 0);
        assertEquals(AnonymizeOutcome.ANONYMIZED, full.rewrite(fullBurst, 0));
        assertArrayEquals(viaFull, viaPlain);
    }

    private static void load(final PacketBurst burst, final byte[] bytes, final int wire)
    {
        burst.count(1);
        burst.data[0] = MemorySegment.ofArray(bytes);
        burst.offset[0] = 0;
        burst.capturedLength[0] = bytes.length;
        burst.wireLength[0] = wire;
        burst.linkType[0] = LinkType.ETHERNET;
        burst.resetStageState();
    }
}
