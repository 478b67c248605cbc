package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class DpdkSourceTest
{
    /** Polls after a net_pcap queue ran dry, to show nothing more arrives (the PMD reads the file synchronously). */
    private static final int EMPTY_POLLS_AFTER_END = 1_000;

    static List<byte[]> captureFilePackets(final Path file) throws Exception
    {
        final List<byte[]> packets = new ArrayList<>();
        final PacketBurst burst = new PacketBurst(64, 1);
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            while (!source.isExhausted())
            {
                final int n = source.poll(burst);
                for (int i = 0; i < n; i++)
                {
                    packets.add(bytes(burst, i));
                }
                source.release(burst);
            }
        }
        return packets;
    }

    static byte[] bytes(final PacketBurst burst, final int slot)
    {
        final byte[] packet = new byte[burst.capturedLength[slot]];
        MemorySegment.copy(burst.data[slot], JAVA_BYTE, burst.offset[slot], packet, 0, packet.length);
        return packet;
    }

    /** Reads {@code source} until {@code expected} packets arrived, then makes sure no more do. */
    static List<byte[]> drain(final PacketSource source, final int expected)
    {
        final List<byte[]> packets = new ArrayList<>();
        final PacketBurst burst = new PacketBurst(32, 1);
        int emptyPolls = 0;
        while (emptyPolls < EMPTY_POLLS_AFTER_END)
        {
            final int n = source.poll(burst);
            for (int i = 0; i < n; i++)
            {
                packets.add(bytes(burst, i));
            }
            source.release(burst);
            emptyPolls = n == 0 && packets.size() >= expected ? emptyPolls + 1 : 0;
        }
        return packets;
    }

    @Test
    void netPcapYieldsExactlyTheCapturesPacketsInOrderAndTheMempoolGetsThemAllBack() throws Exception
    {
        DpdkTesting.eal();
        final Path capture = SharedData.pcap("zeek/http_bro.org.pcap");
        final List<byte[]> expected = captureFilePackets(capture);
        assertTrue(expected.size() > 700, "capture has " + expected.size() + " packets");

        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_pcap_exact,rx_pcap=" + capture, 1, 4095))
        {
            for (int run = 0; run < 2; run++)
            {
                // Each run re-opens the device (a hot-plugged vdev replays its file from the start).
                final int freeBefore;
                final List<byte[]> received;
                final long multiSegmentDrops;
                try (DpdkSource source = (DpdkSource)sources.open(0))
                {
                    freeBefore = sources.mempool().available();
                    assertEquals(4095, sources.mempool().size());
                    received = drain(source, expected.size());
                    multiSegmentDrops = source.multiSegmentDrops();
                    assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the run");
                    assertEquals(0, source.held());
                    assertTrue(sources.port().linkUp());
                    assertTrue(sources.port().xstats().containsKey("rx_good_packets"), sources.port().xstats().toString());
                    assertEquals((long)expected.size(), sources.port().xstats().get("rx_good_packets"));
                }
                assertEquals(0, multiSegmentDrops);
                assertEquals(expected.size(), received.size(), "packets received");
                for (int i = 0; i < expected.size(); i++)
                {
                    assertArrayEquals(expected.get(i), received.get(i), "packet " + i);
                }
                sources.close();
            }
        }
    }

    @Test
    void timestampsAreTheDevicesWhenItStampsPacketsElseTheHostClockOncePerBurst() throws Exception
    {
        DpdkTesting.eal();
        final Path capture = SharedData.pcap("zeek/dnp3_dnp3.pcap");
        final PacketBurst expected = new PacketBurst(16, 1);
        final PacketBurst received = new PacketBurst(16, 1);
        try (CaptureFileSource file = CaptureFileSource.open(capture);
            DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_pcap_timestamps,rx_pcap=" + capture, 1, 4095);
            DpdkSource source = (DpdkSource)sources.open(0))
        {
            final int n = file.poll(expected);
            final long beforeNs = System.currentTimeMillis() * 1_000_000L;
            int got = 0;
            while (got == 0)
            {
                got = source.poll(received);
            }
            final long afterNs = (System.currentTimeMillis() + 1) * 1_000_000L;
            assertTrue(got <= n);
            System.out.println("timestamps: device=" + source.deviceTimestamp(0) + " deviceTimestampsOffloaded=" +
                sources.port().deviceTimestamps() + " first=" + received.timestampNs[0] + " capture=" + expected.timestampNs[0]);
            for (int i = 0; i < got; i++)
            {
                if (source.deviceTimestamp(i))
                {
                    assertEquals(expected.timestampNs[i], received.timestampNs[i], "packet " + i);
                }
                else
                {
                    assertEquals(received.timestampNs[0], received.timestampNs[i], "one host clock reading per burst");
                    assertTrue(received.timestampNs[i] >= beforeNs && received.timestampNs[i] <= afterNs);
                }
                assertEquals(expected.capturedLength[i], received.capturedLength[i]);
            }
            source.release(received);
        }
    }
}
