package dev.sluice.perf.decode;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A mixed capture for decode benchmarks: the demo's edge-site traffic ({@link DemoTraffic}), of
 * which, deterministically by position, half stays as it is and the rest is carried the way a
 * mobile core or a data centre carries it: 25% in GTP-U (the IP packet, TEID per subscriber),
 * 20% in VXLAN (the whole Ethernet frame, VNI per tenant), 5% in GRE with a key over IPv6.
 * Packets the demo breaks on purpose stay broken inside their tunnel. Outer checksums are zero:
 * the decoder does not verify them.
 * <p>
 * Called by one thread at a time.
 */
public final class TunnelledTraffic
{
    /** What {@link #write} wrote. */
    public record Summary(int packets, long bytes, int plain, int gtp, int vxlan, int gre)
    {
        public double averageBytes()
        {
            return packets == 0 ? 0 : (double)bytes / packets;
        }
    }

    private static final byte[] OUTER_MACS = {0x00, 0x1b, 0x21, 0x3c, (byte)0xac, 0x30, 0x00, 0x1b, 0x21, 0x3c, (byte)0xab, 0x64};
    private static final int ETHERNET_HEADER = 14;

    private TunnelledTraffic()
    {
    }

    /** Writes {@code packets} packets made from the demo traffic of {@code seed} to {@code file} (nanosecond pcap). */
    public static Summary write(final Path file, final int packets, final long seed) throws IOException
    {
        final Path demo = Files.createTempFile("sluice-demo", ".pcap");
        try
        {
            DemoTraffic.write(demo, packets, seed);
            return wrap(demo, file);
        }
        finally
        {
            Files.deleteIfExists(demo);
        }
    }

    private static Summary wrap(final Path demo, final Path file) throws IOException
    {
        int plain = 0;
        int gtp = 0;
        int vxlan = 0;
        int gre = 0;
        long bytes = 0;
        int index = 0;
        try (CaptureFileSource source = CaptureFileSource.open(demo);
            CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                for (int i = 0; i < count; i++, index++)
                {
                    final byte[] frame = bytes(burst.data[i], burst.offset[i], burst.capturedLength[i]);
                    final int ipOffset = ipOffset(frame);
                    final int slot = index % 20;
                    final byte[] packet;
                    if (slot < 10 || ipOffset < 0)
                    {
                        packet = frame;
                        plain++;
                    }
                    else if (slot < 15)
                    {
                        packet = gtp(frame, ipOffset, 0x1000 + index % 256);
                        gtp++;
                    }
                    else if (slot < 19)
                    {
                        packet = vxlan(frame, 5000 + index % 8, 49152 + index % 1024);
                        vxlan++;
                    }
                    else
                    {
                        packet = gre(frame, ipOffset, 0x2a + index % 4);
                        gre++;
                    }
                    bytes += packet.length;
                    writer.write(burst.timestampNs[i], packet, 0, packet.length, packet.length);
                }
            }
        }
        return new Summary(index, bytes, plain, gtp, vxlan, gre);
    }

    /** Offset of the IPv4 or IPv6 header after the demo frame's Ethernet header and VLAN tag, or -1. */
    private static int ipOffset(final byte[] frame)
    {
        int offset = 12;
        int etherType = ((frame[offset] & 0xFF) << 8) | (frame[offset + 1] & 0xFF);
        if (etherType == 0x8100)
        {
            offset += 4;
            etherType = ((frame[offset] & 0xFF) << 8) | (frame[offset + 1] & 0xFF);
        }
        return etherType == 0x0800 || etherType == 0x86DD ? offset + 2 : -1;
    }

    private static byte[] gtp(final byte[] frame, final int ipOffset, final int teid)
    {
        final int inner = frame.length - ipOffset;
        final ByteBuffer packet = outerIpv4Udp(inner + 8, 2152, 2152);
        packet.put((byte)0x30).put((byte)0xFF).putShort((short)inner).putInt(teid);
        return packet.put(frame, ipOffset, inner).array();
    }

    private static byte[] vxlan(final byte[] frame, final int vni, final int sourcePort)
    {
        final ByteBuffer packet = outerIpv4Udp(frame.length + 8, sourcePort, 4789);
        packet.putInt(0x0800_0000).putInt(vni << 8);
        return packet.put(frame).array();
    }

    /** GRE with a key over IPv6, carrying the inner IP packet. */
    private static byte[] gre(final byte[] frame, final int ipOffset, final int key)
    {
        final int inner = frame.length - ipOffset;
        final int etherType = ((frame[ipOffset - 2] & 0xFF) << 8) | (frame[ipOffset - 1] & 0xFF);
        final ByteBuffer packet = ByteBuffer.allocate(ETHERNET_HEADER + 40 + 8 + inner).order(ByteOrder.BIG_ENDIAN);
        packet.put(OUTER_MACS).putShort((short)0x86DD)
            .putInt(0x6000_0000).putShort((short)(8 + inner)).put((byte)47).put((byte)64)
            .putLong(0x2001_0db8_0000_0000L).putLong(0xaL).putLong(0x2001_0db8_0000_0000L).putLong(0xbL)
            .putShort((short)0x2000).putShort((short)etherType).putInt(key);
        return packet.put(frame, ipOffset, inner).array();
    }

    private static ByteBuffer outerIpv4Udp(final int udpPayload, final int sourcePort, final int destinationPort)
    {
        final ByteBuffer packet = ByteBuffer.allocate(ETHERNET_HEADER + 20 + 8 + udpPayload).order(ByteOrder.BIG_ENDIAN);
        return packet.put(OUTER_MACS).putShort((short)0x0800)
            .put((byte)0x45).put((byte)0).putShort((short)(28 + udpPayload)).putShort((short)1).putShort((short)0x4000)
            .put((byte)64).put((byte)17).putShort((short)0).putInt(0x0ac8_0001).putInt(0x0ac8_0002)
            .putShort((short)sourcePort).putShort((short)destinationPort).putShort((short)(8 + udpPayload)).putShort((short)0);
    }

    private static byte[] bytes(final MemorySegment segment, final long offset, final int length)
    {
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
