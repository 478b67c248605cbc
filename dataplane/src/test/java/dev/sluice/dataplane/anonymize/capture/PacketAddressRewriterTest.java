package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checksum corner cases of {@link PacketAddressRewriter} on hand-made packets. */
class PacketAddressRewriterTest
{
    private static final int IP = 14;
    private static final int UDP = IP + 20;

    private final PacketBurst burst = new PacketBurst(1, 1);
    private final PacketDecoder decoder = new PacketDecoder();
    private final CryptoPan cryptoPan = new CryptoPan(AnonymizedCapturesTsharkTest.testKey());
    private final PacketAddressRewriter rewriter = new PacketAddressRewriter(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()));

    @Test
    void anIpv4UdpChecksumOfZeroStaysZeroAndTheHeaderChecksumIsGood()
    {
        final byte[] frame = Packets.ipv4Udp(Packets.NO_VLAN, "10.1.2.3", "172.16.0.9", 40000, 9000);
        putIpv4HeaderChecksum(frame);
        putU16(frame, UDP + 6, 0);
        final byte[] out = rewrite(frame);
        assertEquals(0, u16(out, UDP + 6), "no UDP checksum stays none");
        assertEquals(0xFFFF, fold(sum(out, IP, 20)), "IPv4 header checksum good");
        assertEquals(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(frame, IP + 12, 4).getInt()), ByteBuffer.wrap(out, IP + 12, 4).getInt());
    }

    @Test
    void aBadUdpChecksumStaysBadByTheSameDistance()
    {
        final byte[] frame = Packets.ipv4Udp(Packets.NO_VLAN, "10.1.2.3", "172.16.0.9", 40000, 9000);
        putIpv4HeaderChecksum(frame);
        final int good = udpChecksum(frame);
        final int bad = (good + 0x0101) & 0xFFFF;
        putU16(frame, UDP + 6, bad);
        final byte[] out = rewrite(frame);
        final int stored = u16(out, UDP + 6);
        putU16(out, UDP + 6, 0);
        final int correct = udpChecksum(out);
        assertEquals(0x0101, (stored - correct) & 0xFFFF, "bad by the same distance");
    }

    private byte[] rewrite(final byte[] frame)
    {
        final byte[] copy = frame.clone();
        burst.count(1);
        burst.data[0] = MemorySegment.ofArray(copy);
        burst.offset[0] = 0;
        burst.capturedLength[0] = copy.length;
        burst.wireLength[0] = copy.length;
        burst.linkType[0] = LinkType.ETHERNET;
        burst.resetStageState();
        decoder.decode(burst);
        assertEquals(AnonymizeOutcome.ANONYMIZED, rewriter.rewrite(burst, 0));
        return copy;
    }

    private static int udpChecksum(final byte[] frame)
    {
        final int length = u16(frame, UDP + 4);
        final byte[] copy = frame.clone();
        putU16(copy, UDP + 6, 0);
        final long sum = sum(copy, IP + 12, 8) + 17 + length + sum(copy, UDP, length);
        final int checksum = ~fold(sum) & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }

    private static void putIpv4HeaderChecksum(final byte[] frame)
    {
        putU16(frame, IP + 10, 0);
        putU16(frame, IP + 10, ~fold(sum(frame, IP, 20)) & 0xFFFF);
    }

    private static long sum(final byte[] bytes, final int from, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += ((bytes[from + i] & 0xFF) << 8) | (i + 1 < length ? bytes[from + i + 1] & 0xFF : 0);
        }
        return sum;
    }

    private static int fold(final long sum)
    {
        long folded = sum;
        while ((folded >>> 16) != 0)
        {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int)folded;
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static void putU16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 8);
        bytes[at + 1] = (byte)value;
    }
}
