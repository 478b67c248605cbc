package dev.sluice.dataplane.slice;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static dev.sluice.dataplane.testing.Packets.ETHERTYPE_IPV4;
import static dev.sluice.dataplane.testing.Packets.ETHERTYPE_IPV6;
import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static dev.sluice.dataplane.testing.Packets.TCP;
import static dev.sluice.dataplane.testing.Packets.UDP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cutting payloads keeps the headers, keeps the first N payload bytes, and leaves a packet whose
 * every length and checksum agrees with its bytes (checked here with an independent checksum,
 * and by tshark in the end-to-end test); packets that cannot be cut are dropped with a reason.
 */
class PayloadSlicerTest
{
    private static final int ETHERNET = 14;
    private static final byte[] PAYLOAD = payload(100);

    private final PayloadSlicer slicer = new PayloadSlicer();
    private final byte[] out = new byte[2048];

    @Test
    void ipv4TcpKeepsHeadersAndTheFirstBytes()
    {
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", TCP, 64, concat(Packets.tcp(40000, 443, 0x018), PAYLOAD)));
        final byte[] frame = slice(packet, 10, PayloadSlicer.ACTION_TRUNCATED);

        assertEquals(ETHERNET + 20 + 20 + 10, frame.length);
        checkIpv4(frame, ETHERNET, 20);
        checkTransport(frame, ETHERNET, ETHERNET + 20, TCP, 16);
        assertArrayEquals(Arrays.copyOf(PAYLOAD, 10), Arrays.copyOfRange(frame, ETHERNET + 40, frame.length));
    }

    @Test
    void ipv4UdpFixesTheUdpLengthAndChecksum()
    {
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("192.0.2.7", "198.51.100.9", UDP, 64, Packets.udp(5000, 6000, PAYLOAD)));
        final byte[] frame = slice(packet, 64, PayloadSlicer.ACTION_TRUNCATED);

        assertEquals(ETHERNET + 20 + 8 + 64, frame.length);
        checkIpv4(frame, ETHERNET, 20);
        assertEquals(8 + 64, u16(frame, ETHERNET + 20 + 4));
        checkTransport(frame, ETHERNET, ETHERNET + 20, UDP, 6);
    }

    @Test
    void udpWithoutChecksumOverIpv4KeepsNone()
    {
        final byte[] udp = Packets.udp(5000, 6000, PAYLOAD);
        udp[6] = 0;
        udp[7] = 0;
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4, Packets.ipv4("192.0.2.7", "198.51.100.9", UDP, 64, udp));
        final byte[] frame = slice(packet, 0, PayloadSlicer.ACTION_STRIPPED);

        assertEquals(ETHERNET + 28, frame.length);
        assertEquals(0, u16(frame, ETHERNET + 20 + 6));
        assertEquals(8, u16(frame, ETHERNET + 20 + 4));
        checkIpv4(frame, ETHERNET, 20);
    }

    @Test
    void ipv6TcpStripped()
    {
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV6,
            Packets.ipv6("2001:db8::1", "2001:db8::2", TCP, 64, concat(Packets.tcp(40000, 80, 0x018), PAYLOAD)));
        final byte[] frame = slice(packet, 0, PayloadSlicer.ACTION_STRIPPED);

        assertEquals(ETHERNET + 40 + 20, frame.length);
        assertEquals(20, u16(frame, ETHERNET + 4));
        checkTransport(frame, ETHERNET, ETHERNET + 40, TCP, 16);
    }

    @Test
    void ipv4WithOptions()
    {
        final byte[] ip = Packets.ipv4("10.1.1.1", "10.2.2.2", TCP, 64, concat(new byte[4], Packets.tcp(1, 2, 0x010), PAYLOAD));
        ip[0] = 0x46;
        Arrays.fill(ip, 20, 24, (byte)1);
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4, ip);
        final byte[] frame = slice(packet, 5, PayloadSlicer.ACTION_TRUNCATED);

        assertEquals(ETHERNET + 24 + 20 + 5, frame.length);
        checkIpv4(frame, ETHERNET, 24);
        checkTransport(frame, ETHERNET, ETHERNET + 24, TCP, 16);
    }

    @Test
    void vlanTaggedFrame()
    {
        final byte[] packet = Packets.ethernet(100, ETHERTYPE_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", UDP, 64, Packets.udp(1000, 2000, PAYLOAD)));
        final byte[] frame = slice(packet, 3, PayloadSlicer.ACTION_TRUNCATED);

        final int ip = ETHERNET + 4;
        assertEquals(ip + 20 + 8 + 3, frame.length);
        assertEquals(0x8100, u16(frame, 12));
        checkIpv4(frame, ip, 20);
        checkTransport(frame, ip, ip + 20, UDP, 6);
    }

    @Test
    void gtpUInnerIpv4TcpFixesEveryLayer()
    {
        final byte[] inner = Packets.ipv4("172.16.0.5", "8.8.8.8", TCP, 64, concat(Packets.tcp(33000, 443, 0x018), PAYLOAD));
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("10.10.0.1", "10.20.0.1", UDP, 64, Packets.udp(2152, 2152, Packets.gtpU(0x1234, inner))));
        final byte[] frame = slice(packet, 16, PayloadSlicer.ACTION_TRUNCATED);

        final int outerUdp = ETHERNET + 20;
        final int gtp = outerUdp + 8;
        final int innerIp = gtp + 8;
        assertEquals(innerIp + 20 + 20 + 16, frame.length);
        checkIpv4(frame, ETHERNET, 20);
        checkTransport(frame, ETHERNET, outerUdp, UDP, 6);
        assertEquals(frame.length - gtp - 8, u16(frame, gtp + 2));
        checkIpv4(frame, innerIp, 20);
        checkTransport(frame, innerIp, innerIp + 20, TCP, 16);
    }

    @Test
    void anonymizedAddressesAreWrittenBeforeTheChecksums()
    {
        final byte[] inner = Packets.ipv4("172.16.0.5", "8.8.8.8", TCP, 64, concat(Packets.tcp(33000, 443, 0x018), PAYLOAD));
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("10.10.0.1", "10.20.0.1", UDP, 64, Packets.udp(2152, 2152, Packets.gtpU(7, inner))));
        final PacketBurst burst = Bursts.decoded(1, packet);
        burst.verdict[0] = Verdict.PASS;
        assertTrue(slicer.plan(burst, 0, 8, PayloadSlicer.ACTION_TRUNCATED));
        burst.anonSrcAddressLow[0] = Packets.ipv4Low("1.2.3.4");
        burst.anonDstAddressLow[0] = Packets.ipv4Low("5.6.7.8");
        burst.anonInnerSrcAddressLow[0] = Packets.ipv4Low("9.9.9.9");
        burst.anonInnerDstAddressLow[0] = Packets.ipv4Low("11.11.11.11");

        final byte rewritten = slicer.slice(burst, 0, (byte)(AnonymizedFields.SRC_ADDRESS | AnonymizedFields.INNER_DST_ADDRESS), out);
        final byte[] frame = Arrays.copyOf(out, burst.frameLength[0]);

        assertEquals(AnonymizedFields.SRC_ADDRESS | AnonymizedFields.INNER_DST_ADDRESS, rewritten);
        final int innerIp = ETHERNET + 20 + 8 + 8;
        assertArrayEquals(Packets.address("1.2.3.4", 4), Arrays.copyOfRange(frame, ETHERNET + 12, ETHERNET + 16));
        assertArrayEquals(Packets.address("10.20.0.1", 4), Arrays.copyOfRange(frame, ETHERNET + 16, ETHERNET + 20));
        assertArrayEquals(Packets.address("172.16.0.5", 4), Arrays.copyOfRange(frame, innerIp + 12, innerIp + 16));
        assertArrayEquals(Packets.address("11.11.11.11", 4), Arrays.copyOfRange(frame, innerIp + 16, innerIp + 20));
        checkIpv4(frame, ETHERNET, 20);
        checkTransport(frame, ETHERNET, ETHERNET + 20, UDP, 6);
        checkIpv4(frame, innerIp, 20);
        checkTransport(frame, innerIp, innerIp + 20, TCP, 16);
    }

    @Test
    void ipv6AddressesRewritten()
    {
        final byte[] packet = Packets.ipv6Udp("2001:db8::1", "2001:db8::2", 1000, 2000);
        final PacketBurst burst = Bursts.decoded(1, packet);
        assertTrue(slicer.plan(burst, 0, 0, PayloadSlicer.ACTION_STRIPPED));
        burst.anonDstAddressHigh[0] = Packets.ipv6High("2001:db8:ffff::9");
        burst.anonDstAddressLow[0] = Packets.ipv6Low("2001:db8:ffff::9");
        slicer.slice(burst, 0, AnonymizedFields.DST_ADDRESS, out);
        final byte[] frame = Arrays.copyOf(out, burst.frameLength[0]);

        assertArrayEquals(Packets.address("2001:db8:ffff::9", 16), Arrays.copyOfRange(frame, ETHERNET + 24, ETHERNET + 40));
        checkTransport(frame, ETHERNET, ETHERNET + 40, UDP, 6);
    }

    @Test
    void sctpCrcIsRecomputed()
    {
        final byte[] sctp = concat(new byte[] {0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 1, 0, 0, 0, 0}, PAYLOAD);
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4, Packets.ipv4("10.0.0.1", "10.0.0.2", 132, 64, sctp));
        final byte[] frame = slice(packet, 0, PayloadSlicer.ACTION_STRIPPED);

        final int at = ETHERNET + 20;
        assertEquals(at + 12, frame.length);
        checkIpv4(frame, ETHERNET, 20);
        final int stored = ByteBuffer.wrap(frame, at + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        Arrays.fill(frame, at + 8, at + 12, (byte)0);
        final CRC32C crc = new CRC32C();
        crc.update(frame, at, frame.length - at);
        assertEquals((int)crc.getValue(), stored);
    }

    @Test
    void icmpChecksumCoversTheShorterMessage()
    {
        final byte[] icmp = concat(Packets.icmp(8, 0), PAYLOAD);
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4, Packets.ipv4("10.0.0.1", "10.0.0.2", 1, 64, icmp));
        final byte[] frame = slice(packet, 4, PayloadSlicer.ACTION_TRUNCATED);

        assertEquals(ETHERNET + 20 + 8 + 4, frame.length);
        assertEquals(0xFFFF, fold(sum(frame, ETHERNET + 20, frame.length - ETHERNET - 20, 0)));
    }

    @Test
    void aCaptureCutInsideThePayloadKeepsWhatWasCaptured()
    {
        final byte[] packet = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", TCP, 64, concat(Packets.tcp(40000, 443, 0x018), PAYLOAD)));
        final PacketBurst burst = Bursts.decoded(1, packet);
        burst.capturedLength[0] = ETHERNET + 40 + 5;
        assertTrue(slicer.plan(burst, 0, 64, PayloadSlicer.ACTION_TRUNCATED));
        slicer.slice(burst, 0, (byte)0, out);
        final byte[] frame = Arrays.copyOf(out, burst.frameLength[0]);

        assertEquals(ETHERNET + 45, frame.length);
        checkIpv4(frame, ETHERNET, 20);
        checkTransport(frame, ETHERNET, ETHERNET + 20, TCP, 16);
    }

    @Test
    void fragmentsAndNonIpAreDroppedWithAReason()
    {
        final byte[] laterFragment = Packets.ipv4LaterFragment("10.0.0.1", "10.0.0.2", UDP);
        final byte[] firstFragment = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV4,
            Packets.ipv4("10.0.0.1", "10.0.0.2", UDP, 64, 0x2000, Packets.udp(1, 2, PAYLOAD)));
        final byte[] ipv6Fragment = Packets.ethernet(NO_VLAN, ETHERTYPE_IPV6, Packets.ipv6("2001:db8::1", "2001:db8::2", 44, 64,
            concat(new byte[] {17, 0, 0, 1, 0, 0, 0, 9}, Packets.udp(1, 2, PAYLOAD))));
        final byte[] arp = Packets.arpRequest();
        final PacketBurst burst = Bursts.decoded(new PacketBurst(4, 1), List.of(laterFragment, firstFragment, ipv6Fragment, arp));

        for (int i = 0; i < 4; i++)
        {
            if (burst.verdict[i] == Verdict.PENDING)
            {
                burst.verdict[i] = Verdict.PASS;
            }
            assertFalse(slicer.plan(burst, i, 64, PayloadSlicer.ACTION_TRUNCATED), "item " + i);
            assertEquals(Verdict.DROPPED, burst.verdict[i]);
            assertEquals(PayloadSlicer.ACTION_NONE, burst.payloadAction[i]);
        }
        assertEquals(DropReason.UNSLICEABLE_FRAGMENT.ordinal(), burst.dropReason[0]);
        assertEquals(DropReason.UNSLICEABLE_FRAGMENT.ordinal(), burst.dropReason[1]);
        assertEquals(DropReason.UNSLICEABLE_FRAGMENT.ordinal(), burst.dropReason[2]);
        assertEquals(DropReason.UNSLICEABLE_NOT_IP.ordinal(), burst.dropReason[3]);
    }

    private byte[] slice(final byte[] packet, final int keep, final byte action)
    {
        final PacketBurst burst = Bursts.decoded(1, packet);
        assertEquals(Verdict.PENDING, burst.verdict[0], "decoded cleanly");
        burst.verdict[0] = Verdict.PASS;
        assertTrue(slicer.plan(burst, 0, keep, action));
        assertEquals(action, burst.payloadAction[0]);
        assertEquals(0, slicer.slice(burst, 0, (byte)0, out));
        final byte[] frame = Arrays.copyOf(out, burst.frameLength[0]);
        assertArrayEquals(Arrays.copyOf(packet, ETHERNET), Arrays.copyOf(frame, ETHERNET), "link layer copied as it was");
        return frame;
    }

    static void checkIpv4(final byte[] frame, final int at, final int headerLength)
    {
        assertEquals(0x40, frame[at] & 0xF0, "IPv4");
        assertEquals(headerLength, (frame[at] & 0x0F) * 4);
        assertEquals(frame.length - at, u16(frame, at + 2), "IPv4 total length");
        assertEquals(0xFFFF, fold(sum(frame, at, headerLength, 0)), "IPv4 header checksum");
    }

    /** Checks a TCP/UDP checksum with the pseudo-header of the IP header at {@code ip}. */
    static void checkTransport(final byte[] frame, final int ip, final int at, final int protocol, final int checksumOffset)
    {
        final int length = frame.length - at;
        final boolean v4 = (frame[ip] & 0xF0) == 0x40;
        long sum = v4 ? sum(frame, ip + 12, 8, 0) : sum(frame, ip + 8, 32, 0);
        sum += protocol + length;
        sum = sum(frame, at, length, sum);
        assertTrue(u16(frame, at + checksumOffset) != 0, "checksum present");
        assertEquals(0xFFFF, fold(sum), "transport checksum of protocol " + protocol);
    }

    static long sum(final byte[] bytes, final int from, final int length, final long initial)
    {
        long sum = initial;
        for (int i = 0; i < length; i++)
        {
            sum += (i & 1) == 0 ? (bytes[from + i] & 0xFF) << 8 : bytes[from + i] & 0xFF;
        }
        return sum;
    }

    static int fold(final long sum)
    {
        long folded = sum;
        while ((folded >>> 16) != 0)
        {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int)folded;
    }

    static int u16(final byte[] bytes, final int at)
    {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    static byte[] payload(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + 3);
        }
        return bytes;
    }

    static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        for (final byte[] part : parts)
        {
            buffer.put(part);
        }
        return buffer.array();
    }
}
