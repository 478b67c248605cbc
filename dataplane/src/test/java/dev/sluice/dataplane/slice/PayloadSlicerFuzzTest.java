package dev.sluice.dataplane.slice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.HeaderType;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.LinkType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link PayloadSlicer} on whatever the decoder makes of arbitrary bytes: planning and
 * slicing never throw (the packet sits at the very end of its memory, so a read past the captured
 * bytes would), an item is either planned or dropped with a slice reason, and a sliced frame is
 * no longer than what was captured, keeps every header, and has every IPv4, IPv6 and UDP length
 * and every IPv4 header checksum matching its bytes; decoded again, it yields the same header chain.
 * <p>
 * Input: one byte choosing the link type, one byte of wire length beyond the captured bytes, one
 * byte of payload to keep, one byte of address bits to rewrite, then the packet. Seeds:
 * {@code PayloadSlicerFuzzTestInputs/slicesAnyDecodedPacket}, the decoder's golden packets.
 */
class PayloadSlicerFuzzTest
{
    private static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2};

    private final PacketDecoder decoder = new PacketDecoder();
    private final PayloadSlicer slicer = new PayloadSlicer();
    private final PacketBurst burst = new PacketBurst(1, 1);
    private final PacketBurst again = new PacketBurst(1, 1);

    @FuzzTest(maxDuration = "3m")
    void slicesAnyDecodedPacket(final byte[] input)
    {
        if (input.length < 4)
        {
            return;
        }
        final int linkType = LINK_TYPES[(input[0] & 0xFF) % LINK_TYPES.length];
        final int uncaptured = input[1] & 0xFF;
        final int keep = input[2] & 0xFF;
        final byte bits = (byte)(input[3] & AnonymizedFields.ALL_ADDRESSES);
        final byte[] packet = Arrays.copyOfRange(input, 4, input.length);

        load(burst, linkType, packet, uncaptured);
        if (burst.verdict[0] != Verdict.PENDING)
        {
            return;
        }
        burst.verdict[0] = Verdict.PASS;
        final byte action = keep == 0 ? PayloadSlicer.ACTION_STRIPPED : PayloadSlicer.ACTION_TRUNCATED;
        if (!slicer.plan(burst, 0, keep, action))
        {
            assertEquals(Verdict.DROPPED, burst.verdict[0]);
            assertEquals("slice", DropReason.values()[burst.dropReason[0]].stage());
            assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[0]);
            return;
        }
        final int frameLength = burst.frameLength[0];
        assertTrue(frameLength >= burst.payloadOffset[0] && frameLength <= packet.length, "frame length " + frameLength);

        burst.anonSrcAddressHigh[0] = 0x2001_0db8_0000_0000L;
        burst.anonSrcAddressLow[0] = 0x0A00_0001L;
        burst.anonDstAddressLow[0] = 0x0A00_0002L;
        burst.anonInnerSrcAddressLow[0] = 0x0A00_0003L;
        burst.anonInnerDstAddressHigh[0] = -1L;
        burst.anonInnerDstAddressLow[0] = 0x0A00_0004L;
        final byte[] out = new byte[frameLength];
        final byte rewritten = slicer.slice(burst, 0, bits, out);
        assertEquals(0, rewritten & ~bits, "rewrote only what was asked");

        final int chain = burst.headerCount[0];
        for (int k = 0; k < chain; k++)
        {
            final int at = burst.headerOffset[k];
            switch (burst.headerType[k])
            {
                case HeaderType.IPV4 ->
                {
                    assertEquals(frameLength - at, u16(out, at + 2), "IPv4 total length");
                    assertEquals(0xFFFF, PayloadSlicerTest.fold(PayloadSlicerTest.sum(out, at, (out[at] & 0x0F) * 4, 0)),
                        "IPv4 header checksum");
                }
                case HeaderType.IPV6 -> assertEquals(frameLength - at - 40, u16(out, at + 4), "IPv6 payload length");
                case HeaderType.UDP -> assertEquals(frameLength - at, u16(out, at + 4), "UDP length");
                default ->
                {
                }
            }
        }

        // The cut packet decodes to the same chain; only a DNS message cut short may now be refused.
        load(again, linkType, out, 0);
        if (again.verdict[0] == Verdict.DROPPED)
        {
            final int payloadOffset = burst.payloadOffset[0];
            if (again.dropReason[0] == DropReason.TRUNCATED_GRE.ordinal() && payloadOffset == frameLength &&
                (out[payloadOffset - 1] & 0xFF) == 0xFF)
            {
                // A compressed PPP protocol 0xFF with nothing after it reads as the start of PPP's address
                // and control field (0xFF03) to the decoder; with any byte after it, it decodes as before.
                return;
            }
            if (isTunnelRefusedAfterCut(again.dropReason[0]))
            {
                // A UDP payload on a tunnel's port that was not that tunnel (a GTP version other than 1, say) is
                // refused once fewer bytes than the tunnel's fixed header remain, as tshark would call it malformed.
                return;
            }
            assertEquals(DropReason.DNS_MALFORMED.ordinal(), again.dropReason[0],
                "sliced frame dropped for " + DropReason.values()[again.dropReason[0]]);
            return;
        }
        assertEquals(burst.headerCount[0], again.headerCount[0], "header count");
        for (int k = 0; k < chain; k++)
        {
            assertEquals(burst.headerType[k], again.headerType[k], "header type " + k);
            assertEquals(burst.headerOffset[k], again.headerOffset[k], "header offset " + k);
        }
    }

    private boolean isTunnelRefusedAfterCut(final short reason)
    {
        final byte tunnel;
        if (reason == DropReason.TRUNCATED_GTP.ordinal())
        {
            tunnel = HeaderType.GTP;
        }
        else if (reason == DropReason.TRUNCATED_VXLAN.ordinal())
        {
            tunnel = HeaderType.VXLAN;
        }
        else if (reason == DropReason.TRUNCATED_GENEVE.ordinal())
        {
            tunnel = HeaderType.GENEVE;
        }
        else
        {
            return false;
        }
        // The original's chain ends with the UDP header: what followed on the tunnel's port was not that tunnel.
        return tunnel != 0 && burst.headerCount[0] > 0 && burst.headerType[burst.headerCount[0] - 1] == HeaderType.UDP;
    }

    private void load(final PacketBurst target, final int linkType, final byte[] packet, final int uncaptured)
    {
        target.data[0] = MemorySegment.ofArray(packet);
        target.offset[0] = 0;
        target.capturedLength[0] = packet.length;
        target.wireLength[0] = packet.length + uncaptured;
        target.linkType[0] = linkType;
        target.count(1);
        target.resetStageState();
        decoder.decode(target);
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }
}
