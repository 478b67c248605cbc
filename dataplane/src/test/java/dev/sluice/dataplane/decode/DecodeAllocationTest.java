package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The source-and-decode path allocates nothing per packet: after a warm-up that lets the JIT
 * compile it, whole passes over real and golden captures (poll, reset, decode, rewind), plain
 * and tunnelled (GTP-U, VXLAN, GENEVE, GRE/ERSPAN, Teredo, IP in IP, MPLS, PPPoE, DNS, TLS), with
 * every {@link DecodedPacket} accessor read for every packet (text fields copied into a reused
 * sink), leave the thread's allocated-bytes counter where it was.
 */
class DecodeAllocationTest
{
    private static final int WARM_UP_PACKETS = 300_000;
    private static final int MEASURED_PACKETS = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static volatile byte[] sink;
    private static final byte[] SINK = new byte[65_536];
    private static long checksum;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStatePollAndDecodeAllocateNothing(@TempDir final Path directory) throws IOException
    {
        final Path golden = directory.resolve("golden.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(golden, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int round = 0; round < 100; round++)
            {
                for (final GoldenPackets.Golden packet : GoldenPackets.WELL_FORMED)
                {
                    writeIfEthernet(writer, round, packet);
                }
                for (final GoldenPackets.Golden packet : GoldenPackets.BROKEN)
                {
                    writeIfEthernet(writer, round, packet);
                }
                for (final GoldenPackets.Golden packet : GoldenTunnels.WELL_FORMED)
                {
                    writeIfEthernet(writer, round, packet);
                }
                for (final GoldenPackets.Golden packet : GoldenTunnels.BROKEN)
                {
                    writeIfEthernet(writer, round, packet);
                }
            }
        }

        try (CaptureFileSource real = CaptureFileSource.open(SharedData.pcap("zeek/http_bro.org.pcap"));
            CaptureFileSource pcapng = CaptureFileSource.open(SharedData.pcap("zeek/tunnels_gtp_pdp_ctx_messages.pcapng"));
            CaptureFileSource gtp = CaptureFileSource.open(SharedData.pcap("zeek/tunnels_gtp_gtp1_gn_normal_incl_fragmentation.pcap"));
            CaptureFileSource erspanVxlan = CaptureFileSource.open(SharedData.pcap("arkime/gre-erspan-vxlan.pcap"));
            CaptureFileSource gtpIphone = CaptureFileSource.open(SharedData.pcap("arkime/gtp-iphone.pcap"));
            CaptureFileSource pppoe = CaptureFileSource.open(SharedData.pcap("zeek/pppoe-over-qinq.pcap"));
            CaptureFileSource mixed = CaptureFileSource.open(golden))
        {
            final CaptureFileSource[] sources = {real, pcapng, gtp, erspanVxlan, gtpIphone, pppoe, mixed};
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            final PacketDecoder decoder = new PacketDecoder();
            final DecodedPacket packet = new DecodedPacket();

            long warmedUp = 0;
            while (warmedUp < WARM_UP_PACKETS)
            {
                warmedUp += passes(sources, burst, decoder, packet);
            }

            // The probe itself must cost nothing and must see an allocation when there is one.
            final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
            final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
            final long probeBefore = threads.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");


            // A per-packet allocation shows in every window; a one-off (C2 deoptimizing a method whose objects
            // it had scalar-replaced, under load from other builds) shows in one. Steady state = a clean window.
            long[] windows = new long[MEASURED_WINDOWS];
            long packets = 0;
            long allocatedBytes = Long.MAX_VALUE;
            int measuredWindows = 0;
            for (int window = 0; window < MEASURED_WINDOWS && allocatedBytes != 0; window++)
            {
                measuredWindows++;
                final long before = threads.getCurrentThreadAllocatedBytes();
                packets = 0;
                while (packets < MEASURED_PACKETS)
                {
                    packets += passes(sources, burst, decoder, packet);
                }
                windows[window] = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);
                allocatedBytes = Math.min(allocatedBytes, windows[window]);
            }
            windows = java.util.Arrays.copyOf(windows, measuredWindows);

            System.out.println("allocation: " + java.util.Arrays.toString(windows) + " bytes per window of " + packets +
                " packets after " + warmedUp + " warm-up packets");
            assertTrue(packets >= MEASURED_PACKETS);
            assertEquals(0, allocatedBytes, "bytes allocated by poll + decode + reading every field over " + packets +
                " packets, fewest of " + java.util.Arrays.toString(windows) + " in consecutive windows" +
                " (checksum " + checksum + ")");
        }
    }

    private static long passes(
        final CaptureFileSource[] sources, final PacketBurst burst, final PacketDecoder decoder, final DecodedPacket packet)
    {
        long packets = 0;
        for (final CaptureFileSource source : sources)
        {
            source.rewind();
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                packets += count;
                burst.resetStageState();
                decoder.decode(burst);
                for (int i = 0; i < count; i++)
                {
                    checksum += readEveryField(packet.wrap(burst, i));
                }
            }
        }
        return packets;
    }

    /** Every accessor, as the classify stage may call them, summed so that none is optimised away. */
    private static long readEveryField(final DecodedPacket p)
    {
        long sum = p.frameLength() + p.capturedLength() + p.etherType() + p.pppoeSessionId() + p.ipVersion();
        for (int k = 0; k < p.vlanCount(); k++)
        {
            sum += p.vlanId(k);
        }
        for (int k = 0; k < p.mplsCount(); k++)
        {
            sum += p.mplsLabel(k);
        }
        if (p.hasIp())
        {
            sum += p.srcAddressHigh() + p.srcAddressLow() + p.dstAddressLow() + p.ipProtocol() + p.ipTtl() + p.ipTos() +
                p.ipId() + p.ipFlags() + p.ipFlagDf() + p.ipFlagMf() + p.ipFragmentOffset();
        }
        if (p.hasTcp())
        {
            sum += p.tcpSrcPort() + p.tcpDstPort() + p.tcpFlags();
        }
        if (p.hasUdp())
        {
            sum += p.udpSrcPort() + p.udpDstPort();
        }
        if (p.hasSctp())
        {
            sum += p.sctpSrcPort() + p.sctpDstPort();
        }
        if (p.hasIcmp())
        {
            sum += p.icmpType() + p.icmpCode();
        }
        sum += p.hasEsp() ? p.espSpi() : 0;
        sum += p.hasGre() ? p.greProtocol() : 0;
        sum += p.hasVxlan() ? p.vxlanVni() : 0;
        sum += p.hasGeneve() ? p.geneveVni() : 0;
        sum += p.hasGtp() ? p.gtpTeid() : 0;
        sum += p.tunnelDepth() + p.tunnelType() + p.tunnelId() + (null == p.tunnelTypeName() ? 0 : 1);
        if (p.hasInnerIp())
        {
            sum += p.innerIpVersion() + p.innerSrcAddressHigh() + p.innerSrcAddressLow() + p.innerDstAddressHigh() +
                p.innerDstAddressLow() + p.innerIpProtocol();
        }
        sum += p.hasInnerTcp() ? p.innerTcpSrcPort() + p.innerTcpDstPort() : 0;
        sum += p.hasInnerUdp() ? p.innerUdpSrcPort() + p.innerUdpDstPort() : 0;
        if (p.hasDnsQuery())
        {
            sum += p.dnsQueryType() + p.dnsQueryName(SINK, 0);
        }
        if (p.hasTlsSni())
        {
            sum += p.tlsSni(SINK, 0);
        }
        return sum + p.payloadOffset() + p.payloadLength() + p.findHeader(HeaderType.UDP);
    }

    private static void writeIfEthernet(final CaptureFileWriter writer, final int round, final GoldenPackets.Golden packet)
        throws IOException
    {
        if (packet.linkType() == LinkType.ETHERNET)
        {
            final byte[] bytes = packet.bytes();
            writer.write(1_700_000_000_000_000_000L + round, bytes, 0, packet.capturedLength(), bytes.length);
        }
    }
}
