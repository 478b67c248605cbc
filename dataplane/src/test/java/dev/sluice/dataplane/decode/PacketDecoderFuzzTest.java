package dev.sluice.dataplane.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link PacketDecoder} with any bytes as one packet under any link type: it must never
 * throw (the packet sits at the very end of its memory, so any read past the captured bytes
 * would), and every packet either decodes into consistent fields or gets a decode drop reason.
 * Seeds: {@code PacketDecoderFuzzTestInputs/decodesAnyBytes}, made from the golden packets.
 */
class PacketDecoderFuzzTest
{
    /** Link types picked by the first input byte; bytes past the table pick raw (mostly unsupported) values. */
    static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
        LinkType.RAW_DLT_12, LinkType.RAW_DLT_14, LinkType.NULL};

    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst burst = new PacketBurst(1, 1);

    /**
     * Input: one byte choosing the link type, one byte of wire length beyond the captured bytes
     * (a snapshot length cut), then the packet.
     */
    @FuzzTest(maxDuration = "2m")
    void decodesAnyBytes(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final int selector = input[0] & 0xFF;
        final int linkType = selector < LINK_TYPES.length * 16 ? LINK_TYPES[selector % LINK_TYPES.length] : selector * 3;
        final int uncaptured = input[1] & 0xFF;
        final byte[] packet = Arrays.copyOfRange(input, 2, input.length);

        burst.data[0] = MemorySegment.ofArray(packet);
        burst.offset[0] = 0;
        burst.capturedLength[0] = packet.length;
        burst.wireLength[0] = packet.length + uncaptured;
        burst.linkType[0] = linkType;
        burst.count(1);
        burst.resetStageState();
        decoder.decode(burst);

        if (burst.verdict[0] == Verdict.DROPPED)
        {
            assertEquals("decode", DropReason.values()[burst.dropReason[0]].stage());
        }
        else
        {
            assertEquals(Verdict.PENDING, burst.verdict[0]);
            assertConsistent(packet.length);
        }
    }

    private void assertConsistent(final int capturedLength)
    {
        final int ipVersion = burst.ipVersion[0];
        assertTrue(ipVersion == 0 || ipVersion == 4 || ipVersion == 6, "ip version " + ipVersion);
        if (ipVersion == 0)
        {
            assertEquals(ABSENT, burst.l3Offset[0]);
            assertEquals(ABSENT, burst.l4Offset[0]);
            assertEquals(ABSENT, burst.ipProtocol[0]);
            return;
        }
        final int l3Offset = burst.l3Offset[0];
        assertTrue(l3Offset >= 0 && l3Offset < capturedLength, "l3 offset " + l3Offset);
        assertTrue(burst.ipProtocol[0] >= 0 && burst.ipProtocol[0] <= 255);
        final int l4Offset = burst.l4Offset[0];
        if (l4Offset != ABSENT)
        {
            assertTrue(l4Offset > l3Offset && l4Offset < capturedLength, "l4 offset " + l4Offset);
            final boolean ports = burst.srcPort[0] != ABSENT;
            final boolean icmp = burst.icmpType[0] != ABSENT;
            assertTrue(ports != icmp, "either ports or an ICMP type");
        }
        else
        {
            assertEquals(ABSENT, burst.srcPort[0]);
            assertEquals(ABSENT, burst.icmpType[0]);
        }
    }
}
