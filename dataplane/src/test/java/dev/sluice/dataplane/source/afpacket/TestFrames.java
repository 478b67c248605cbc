package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.pipeline.PacketBurst;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Frames the AF_PACKET tests inject, all from one source MAC so that any other frame is told apart. */
final class TestFrames
{
    static final byte[] SOURCE_MAC = {0x02, 0x53, 0x4c, 0x00, 0x00, 0x01};
    static final byte[] DESTINATION_MAC = {0x02, 0x53, 0x4c, 0x00, 0x00, 0x02};
    static final int UDP_FRAME_LENGTH = 14 + 20 + 8 + 8;
    static final int SEQUENCE_OFFSET = 14 + 20 + 8;
    /** A port no decoder reads further (4789 would be taken for VXLAN). */
    static final int DEFAULT_PORT = 9999;

    private TestFrames()
    {
    }

    /** Ethernet, optional tags (tpid, tci pairs), then EtherType and payload. */
    static byte[] ethernet(final int[] tags, final int etherType, final byte[] payload)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(14 + tags.length * 2 + payload.length).order(ByteOrder.BIG_ENDIAN);
        buffer.put(DESTINATION_MAC).put(SOURCE_MAC);
        for (int i = 0; i < tags.length; i += 2)
        {
            buffer.putShort((short)tags[i]).putShort((short)tags[i + 1]);
        }
        buffer.putShort((short)etherType).put(payload);
        return buffer.array();
    }

    /** IPv4/UDP with a 64-bit sequence number as its payload; the flow is chosen by {@code flow}. */
    static byte[] udp(final long sequence, final int flow)
    {
        return udp(sequence, flow, DEFAULT_PORT);
    }

    static byte[] udp(final long sequence, final int flow, final int destinationPort)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(UDP_FRAME_LENGTH).order(ByteOrder.BIG_ENDIAN);
        buffer.put(DESTINATION_MAC).put(SOURCE_MAC).putShort((short)0x0800);
        buffer.put((byte)0x45).put((byte)0).putShort((short)(20 + 8 + 8)).putShort((short)0).putShort((short)0)
            .put((byte)64).put((byte)17).putShort((short)0)
            .putInt(0x0A000000 | (flow & 0xFFFF)).putInt(0x0A640001);
        buffer.putShort((short)(10_000 + (flow & 0x3FFF))).putShort((short)destinationPort).putShort((short)16).putShort((short)0);
        buffer.putLong(sequence);
        return buffer.array();
    }

    /**
     * IPv4/UDP like {@link #udp(long, int, int)} with {@code paddingBytes} zero bytes after the
     * sequence number, so that a frame's length tells it apart within its flow.
     */
    static byte[] paddedUdp(final long sequence, final int flow, final int destinationPort, final int paddingBytes)
    {
        final int udpLength = 8 + 8 + paddingBytes;
        final ByteBuffer buffer = ByteBuffer.allocate(UDP_FRAME_LENGTH + paddingBytes).order(ByteOrder.BIG_ENDIAN);
        buffer.put(DESTINATION_MAC).put(SOURCE_MAC).putShort((short)0x0800);
        buffer.put((byte)0x45).put((byte)0).putShort((short)(20 + udpLength)).putShort((short)0).putShort((short)0)
            .put((byte)64).put((byte)17).putShort((short)0)
            .putInt(0x0A000000 | (flow & 0xFFFF)).putInt(0x0A640001);
        buffer.putShort((short)(10_000 + (flow & 0x3FFF))).putShort((short)destinationPort).putShort((short)udpLength)
            .putShort((short)0);
        buffer.putLong(sequence);
        return buffer.array();
    }

    /** Whether slot {@code i} of the burst is one of ours (same source MAC). */
    static boolean isOurs(final PacketBurst burst, final int i)
    {
        if (burst.capturedLength[i] < 12)
        {
            return false;
        }
        final MemorySegment data = burst.data[i];
        for (int b = 0; b < SOURCE_MAC.length; b++)
        {
            if (data.get(ValueLayout.JAVA_BYTE, burst.offset[i] + 6 + b) != SOURCE_MAC[b])
            {
                return false;
            }
        }
        return true;
    }

    static long sequence(final PacketBurst burst, final int i)
    {
        return burst.data[i].get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN),
            burst.offset[i] + SEQUENCE_OFFSET);
    }
}
