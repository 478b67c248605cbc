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
 * compile it, whole passes over real and golden captures (poll, reset, decode, rewind) leave
 * the thread's allocated-bytes counter where it was.
 */
class DecodeAllocationTest
{
    private static final int WARM_UP_PACKETS = 300_000;
    private static final int MEASURED_PACKETS = 200_000;

    private static volatile byte[] sink;

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
            }
        }

        try (CaptureFileSource real = CaptureFileSource.open(SharedData.pcap("zeek/http_bro.org.pcap"));
            CaptureFileSource pcapng = CaptureFileSource.open(SharedData.pcap("zeek/tunnels_gtp_pdp_ctx_messages.pcapng"));
            CaptureFileSource mixed = CaptureFileSource.open(golden))
        {
            final CaptureFileSource[] sources = {real, pcapng, mixed};
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            final PacketDecoder decoder = new PacketDecoder();

            long warmedUp = 0;
            while (warmedUp < WARM_UP_PACKETS)
            {
                warmedUp += passes(sources, burst, decoder);
            }

            // The probe itself must cost nothing and must see an allocation when there is one.
            final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
            final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
            final long probeBefore = threads.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");


            final long before = threads.getCurrentThreadAllocatedBytes();
            long packets = 0;
            while (packets < MEASURED_PACKETS)
            {
                packets += passes(sources, burst, decoder);
            }
            final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);

            System.out.println("allocation: " + allocatedBytes + " bytes over " + packets + " packets after " +
                warmedUp + " warm-up packets");
            assertTrue(packets >= MEASURED_PACKETS);
            assertEquals(0, allocatedBytes, "bytes allocated by poll + decode over " + packets + " packets");
        }
    }

    private static long passes(final CaptureFileSource[] sources, final PacketBurst burst, final PacketDecoder decoder)
    {
        long packets = 0;
        for (final CaptureFileSource source : sources)
        {
            source.rewind();
            while (!source.isExhausted())
            {
                packets += source.poll(burst);
                burst.resetStageState();
                decoder.decode(burst);
            }
        }
        return packets;
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
