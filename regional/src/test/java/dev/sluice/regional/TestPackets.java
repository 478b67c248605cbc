package dev.sluice.regional;

import java.nio.ByteBuffer;

/**
 * Packet bytes for frame records: Ethernet, raw IP and Linux cooked (SLL) links carrying IPv4 TCP
 * or UDP, with correct lengths and IPv4 header checksums so that tshark dissects them cleanly.
 * <p>
 * Stateless; any thread.
 */
final class TestPackets
{
    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int SLL_HEADER_LENGTH = 16;
    static final int IPV4_HEADER_LENGTH = 20;
    static final int TCP_HEADER_LENGTH = 20;
    static final int UDP_HEADER_LENGTH = 8;

    private TestPackets()
    {
    }

    /**
     * Ethernet II, IPv4, TCP with ACK|PSH and {@code payloadLength} bytes of payload.
     */
    static byte[] ethernetTcp4(
        final String src, final String dst, final int srcPort, final int dstPort, final int payloadLength)
    {
        final byte[] ip = ipv4Tcp(src, dst, srcPort, dstPort, payloadLength);
        final ByteBuffer frame = ByteBuffer.allocate(ETHERNET_HEADER_LENGTH + ip.length);
        frame.put(new byte[]{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 });
        frame.put(new byte[]{ 0x00, 0x66, 0x77, (byte)0x88, (byte)0x99, (byte)0xAA });
        frame.putShort((short)0x0800);
        frame.put(ip);
        return frame.array();
    }

    /**
     * Linux cooked capture v1 header (outgoing, Ethernet address), then IPv4 UDP.
     */
    static byte[] sllUdp4(final String src, final String dst, final int srcPort, final int dstPort, final int payloadLength)
    {
        final byte[] ip = ipv4Udp(src, dst, srcPort, dstPort, payloadLength);
        final ByteBuffer frame = ByteBuffer.allocate(SLL_HEADER_LENGTH + ip.length);
        frame.putShort((short)4).putShort((short)1).putShort((short)6);
        frame.put(new byte[]{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00 });
        frame.putShort((short)0x0800);
        frame.put(ip);
        return frame.array();
    }

    static byte[] ipv4Tcp(final String src, final String dst, final int srcPort, final int dstPort, final int payloadLength)
    {
        final ByteBuffer packet = ipv4Header(src, dst, 6, TCP_HEADER_LENGTH + payloadLength);
        packet.putShort((short)srcPort).putShort((short)dstPort).putInt(1000).putInt(2000);
        packet.put((byte)0x50).put((byte)0x18).putShort((short)65535).putShort((short)0).putShort((short)0);
        fillPayload(packet, payloadLength);
        return packet.array();
    }

    static byte[] ipv4Udp(final String src, final String dst, final int srcPort, final int dstPort, final int payloadLength)
    {
        final ByteBuffer packet = ipv4Header(src, dst, 17, UDP_HEADER_LENGTH + payloadLength);
        packet.putShort((short)srcPort).putShort((short)dstPort)
            .putShort((short)(UDP_HEADER_LENGTH + payloadLength)).putShort((short)0);
        fillPayload(packet, payloadLength);
        return packet.array();
    }

    private static ByteBuffer ipv4Header(final String src, final String dst, final int protocol, final int l4Length)
    {
        final int totalLength = IPV4_HEADER_LENGTH + l4Length;
        final ByteBuffer packet = ByteBuffer.allocate(totalLength);
        packet.put((byte)0x45).put((byte)0).putShort((short)totalLength).putShort((short)1).putShort((short)0x4000);
        packet.put((byte)64).put((byte)protocol).putShort((short)0);
        packet.put(TestBatch.address(src)).put(TestBatch.address(dst));
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER_LENGTH; i += 2)
        {
            sum += packet.getShort(i) & 0xFFFF;
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        packet.putShort(10, (short)~sum);
        return packet;
    }

    private static void fillPayload(final ByteBuffer packet, final int payloadLength)
    {
        for (int i = 0; i < payloadLength; i++)
        {
            packet.put((byte)('a' + i % 26));
        }
    }
}
