package dev.sluice.cli.demo;

import dev.sluice.cli.demo.DemoTraffic.Kind;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTrafficTest
{
    @TempDir
    Path directory;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theSameSeedWritesTheSameBytes() throws IOException
    {
        final DemoTraffic.Summary first = DemoTraffic.write(directory.resolve("first.pcap"), 30_000, 42);
        final DemoTraffic.Summary second = DemoTraffic.write(directory.resolve("second.pcap"), 30_000, 42);
        final DemoTraffic.Summary other = DemoTraffic.write(directory.resolve("other.pcap"), 30_000, 43);
        assertArrayEquals(Files.readAllBytes(first.file()), Files.readAllBytes(second.file()));
        assertEquals(first.packetsByKind(), second.packetsByKind());
        assertEquals(first.lastTimestampNs(), second.lastTimestampNs());
        assertFalse(Arrays.equals(Files.readAllBytes(first.file()), Files.readAllBytes(other.file())));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theDecoderDropsExactlyThePacketsBrokenOnPurpose() throws IOException
    {
        final DemoTraffic.Summary summary = DemoTraffic.write(directory.resolve("demo.pcap"));
        assertEquals(DemoTraffic.DEFAULT_PACKETS, summary.packets());

        final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
        long packets = 0;
        long ipv6 = 0;
        long tagged = 0;
        long arp = 0;
        long previousTimestampNs = Long.MIN_VALUE;
        try (CaptureFileSource source = CaptureFileSource.open(summary.file()))
        {
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            final PacketDecoder decoder = new PacketDecoder();
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                burst.resetStageState();
                decoder.decode(burst);
                for (int i = 0; i < count; i++)
                {
                    if (burst.verdict[i] == Verdict.DROPPED)
                    {
                        drops.merge(DropReason.values()[burst.dropReason[i]], 1, Integer::sum);
                    }
                    ipv6 += burst.ipVersion[i] == 6 ? 1 : 0;
                    tagged += burst.vlanId[i] != PacketBurst.ABSENT ? 1 : 0;
                    arp += burst.etherType[i] == 0x0806 ? 1 : 0;
                    assertTrue(burst.timestampNs[i] > previousTimestampNs, "time goes forward");
                    previousTimestampNs = burst.timestampNs[i];
                }
                packets += count;
            }
            assertNull(source.problem());
        }

        assertEquals(summary.packets(), packets);
        assertEquals(summary.expectedDrops(), drops);
        assertEquals(summary.count(Kind.IPV6_WEB_TCP) + summary.count(Kind.ICMPV6_ECHO), ipv6);
        assertEquals(summary.count(Kind.WEB_TCP_VLAN), tagged);
        assertEquals(summary.count(Kind.ARP), arp);

        // The mix the demo promises: about 10% IPv6, about 0.5% broken, some tagged traffic, every kind present.
        assertTrue(ipv6 > packets * 8 / 100 && ipv6 < packets * 12 / 100, "IPv6 share " + ipv6);
        assertTrue(summary.broken() > packets * 3 / 1000 && summary.broken() < packets * 7 / 1000, "broken " + summary.broken());
        assertTrue(tagged > packets * 4 / 100, "tagged " + tagged);
        for (final Kind kind : Kind.values())
        {
            assertTrue(summary.count(kind) > 0, kind + " present");
        }
        assertEquals(DemoTraffic.START_EPOCH_NS, summary.firstTimestampNs());
        System.out.println("demo capture: " + summary.packetsByKind() + ", drops " + drops + ", " +
            Files.size(summary.file()) + " bytes, " + (summary.lastTimestampNs() - summary.firstTimestampNs()) / 1_000_000 +
            " ms of traffic");
    }
}
