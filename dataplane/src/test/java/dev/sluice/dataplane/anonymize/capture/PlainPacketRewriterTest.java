package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path of the capture anonymizer writes exactly what the full path (decoder, then
 * {@link PacketAddressRewriter}) writes, for every packet it accepts, and leaves every other
 * packet untouched: on every packet of the shared captures and on many mutations of plain ones.
 */
@Timeout(120)
class PlainPacketRewriterTest
{
    private static final long SEED = 0x5EED_CAFEL;

    private final byte[] key = AnonymizedCapturesTsharkTest.testKey();
    private final PlainPacketRewriter plain = new PlainPacketRewriter(new AddressRewriter(new CryptoPan(key)));
    private final PacketAddressRewriter full = new PacketAddressRewriter(new CryptoPan(key));
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketBurst plainBurst = new PacketBurst(1, 1);
    private final PacketBurst fullBurst = new PacketBurst(1, 1);
    private int accepted;
    private int refused;

    @Test
    void everyPacketOfTheSharedCapturesComesOutAsOnTheFullPath() throws IOException
    {
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        for (final Path capture : AnonymizedCapturesTsharkTest.sharedCaptures())
        {
            try (CaptureFileSource source = CaptureFileSource.open(capture))
            {
                while (!source.isExhausted())
                {
                    final int count = source.poll(burst);
                    for (int i = 0; i < count; i++)
                    {
                        final byte[] bytes = burst.data[i].asSlice(burst.offset[i], burst.capturedLength[i])
                            .toArray(ValueLayout.JAVA_BYTE);
                        checkBothPaths(bytes, burst.wireLength[i], burst.linkType[i], capture + " packet");
                    }
                }
            }
        }
        assertTrue(accepted > 1_000, "plain packets in the shared captures: " + accepted);
        assertTrue(refused > 1_000, "other packets in the shared captures: " + refused);
    }

    @Test
    void mutatedPlainPacketsComeOutAsOnTheFullPath()
    {
        final byte[][] plainPackets = {
            Packets.ipv4Tcp("10.1.2.3", "192.0.2.77", 40_000, 443, 0x18),
            Packets.ipv4Udp(Packets.NO_VLAN, "10.1.2.3", "198.51.100.9", 40_000, 9_000),
            Packets.ipv4Udp(100, "172.16.9.1", "203.0.113.4", 5_000, 123),
            withTcpOptions(Packets.ipv4Tcp("10.9.8.7", "192.0.2.1", 51_000, 80, 0x02)),
            Packets.ipv6Tcp("2001:db8::1", "2001:db8:1::77", 40_000, 443, 0x10),
            Packets.ipv6Udp("2001:db8::2", "fe80::1", 546, 547),
            Packets.ipv4Udp(Packets.NO_VLAN, "10.1.2.3", "192.0.2.5", 53, 33_000),
            Packets.ipv4Udp(Packets.NO_VLAN, "10.1.2.3", "192.0.2.5", 2_152, 2_152),
        };
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int round = 0; round < 200_000; round++)
        {
            final byte[] packet = plainPackets[random.nextInt(plainPackets.length)].clone();
            final int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++)
            {
                // Mostly the headers, where every check lives.
                final int at = random.nextInt(Math.min(packet.length, random.nextBoolean() ? 64 : packet.length));
                packet[at] = random.nextInt(3) == 0 ? (byte)(packet[at] ^ (1 << random.nextInt(8))) : (byte)random.nextInt(256);
            }
            final int captured = random.nextInt(5) == 0 ? 1 + random.nextInt(packet.length) : packet.length;
            final int wire = random.nextInt(8) == 0 ? packet.length + random.nextInt(64) : packet.length;
            final byte[] cut = java.util.Arrays.copyOf(packet, captured);
            checkBothPaths(cut, Math.max(wire, captured), LinkType.ETHERNET, "round " + round);
        }
        assertTrue(accepted > 20_000, "accepted mutations: " + accepted);
        assertTrue(refused > 20_000, "refused mutations: " + refused);
    }

    @Test
    void rewritesBothAddressesOfAPlainPacket()
    {
        final byte[] packet = Packets.ipv4Tcp("10.1.2.3", "192.0.2.77", 40_000, 443, 0x18);
        final byte[] out = packet.clone();
        load(plainBurst, out, out.length, LinkType.ETHERNET);
        assertTrue(plain.rewrite(plainBurst, 0));
        final CryptoPan cryptoPan = new CryptoPan(key);
        assertEquals(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(packet, 26, 4).getInt()), ByteBuffer.wrap(out, 26, 4).getInt());
        assertEquals(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(packet, 30, 4).getInt()), ByteBuffer.wrap(out, 30, 4).getInt());
    }

    private void checkBothPaths(final byte[] packet, final int wire, final int linkType, final String where)
    {
        final byte[] viaPlain = packet.clone();
        load(plainBurst, viaPlain, wire, linkType);
        final boolean rewritten = plain.rewrite(plainBurst, 0);
        if (!rewritten)
        {
            refused++;
            assertArrayEquals(packet, viaPlain, "a refused packet is left untouched: " + where);
            return;
        }
        accepted++;
        final byte[] viaFull = packet.clone();
        load(fullBurst, viaFull, wire, linkType);
        decoder.decodeSlot(fullBurst, 0);
        assertEquals(AnonymizeOutcome.ANONYMIZED, full.rewrite(fullBurst, 0), where);
        assertArrayEquals(viaFull, viaPlain, where);
    }

    private static void load(final PacketBurst burst, final byte[] bytes, final int wire, final int linkType)
    {
        burst.count(1);
        burst.data[0] = MemorySegment.ofArray(bytes);
        burst.offset[0] = 0;
        burst.capturedLength[0] = bytes.length;
        burst.wireLength[0] = wire;
        burst.linkType[0] = linkType;
        burst.resetStageState();
    }

    /** The same packet with 12 bytes of TCP options (MSS, NOP, window scale, NOP, NOP, SACK permitted) before a 4-byte payload. */
    private static byte[] withTcpOptions(final byte[] packet)
    {
        final byte[] options = { 2, 4, 0x05, (byte)0xB4, 1, 3, 3, 7, 1, 1, 4, 2 };
        final byte[] out = new byte[packet.length + options.length + 4];
        System.arraycopy(packet, 0, out, 0, packet.length);
        System.arraycopy(options, 0, out, packet.length, options.length);
        out[14 + 2] = 0;
        out[14 + 3] = (byte)(20 + 20 + options.length + 4);
        out[14 + 20 + 12] = (byte)(((20 + options.length) / 4) << 4);
        return out;
    }
}
