package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CaptureAnonymizer#anonymize(CaptureFileSource, MemorySegment)} allocates nothing per
 * packet once warm: decode, rewrite of every address, incremental checksums and compaction over
 * real Ethernet packets (TCP, VLAN, QinQ, MPLS, PPPoE, GTP-U, VXLAN, Teredo, IPv6, ICMP errors),
 * with some packets dropped so records move.
 */
@Timeout(120)
class CaptureAnonymizerAllocationTest
{
    static final List<String> CAPTURES = List.of(
        "zeek/http_bro.org.pcap", "zeek/tunnels_gtp_gtp2_different_udp_port.pcap", "zeek/icmp_icmp-destunreach-udp.pcap",
        "zeek/communityid_ipv6.pcap", "zeek/pppoe-over-qinq.pcap", "zeek/tunnels_vxlan.pcap", "zeek/tunnels_Teredo.pcap",
        "zeek/mixed-vlan-mpls.pcap", "zeek/icmp_icmp6-toobig.pcap", "zeek/tcp_truncated-header.pcap");

    @TempDir
    Path directory;

    @Test
    void anonymizesACaptureWithoutAllocating() throws IOException
    {
        final Path merged = directory.resolve("merged.pcap");
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        try (CaptureFileWriter writer = CaptureFileWriter.create(merged, LinkType.ETHERNET, CaptureFileWriter.Precision.MICROSECONDS))
        {
            for (final String name : CAPTURES)
            {
                try (CaptureFileSource source = CaptureFileSource.open(SharedData.pcap(name)))
                {
                    while (!source.isExhausted())
                    {
                        final int count = source.poll(burst);
                        for (int i = 0; i < count; i++)
                        {
                            final byte[] bytes = burst.data[i].asSlice(burst.offset[i], burst.capturedLength[i])
                                .toArray(ValueLayout.JAVA_BYTE);
                            writer.write(burst.timestampNs[i], bytes, 0, bytes.length, burst.wireLength[i]);
                        }
                    }
                }
            }
        }
        final byte[] bytes = Files.readAllBytes(merged);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment pristine = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, pristine, ValueLayout.JAVA_BYTE, 0, bytes.length);
            final MemorySegment work = arena.allocate(bytes.length);
            MemorySegment.copy(pristine, 0, work, 0, bytes.length);
            final CaptureAnonymizer anonymizer = new CaptureAnonymizer(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()), false);
            try (CaptureFileSource source = CaptureFileSource.wrap("work", work))
            {
                anonymizer.anonymize(source, work);
                final CaptureAnonymizeCounters counters = anonymizer.counters();
                assertTrue(counters.packetsDropped() > 0 && counters.packetsWritten() > 1000, counters.summary());
                new AllocationProbe("capture anonymize", 200_000, 100_000, 5).assertNoAllocation(() ->
                {
                    MemorySegment.copy(pristine, 0, work, 0, bytes.length);
                    source.rewind();
                    anonymizer.anonymize(source, work);
                    return anonymizer.counters().packetsRead();
                });
            }
        }
    }
}
