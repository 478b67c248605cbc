package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file side of {@link CaptureAnonymizer}: formats kept (pcapng, big-endian pcap, nanosecond
 * pcap), timestamps and lengths kept, unanonymizable packets dropped by default and kept on request,
 * counters that add up, a damaged capture written up to the damage, the input never written.
 */
@Timeout(120)
class CaptureAnonymizerTest
{
    static final List<String> FIELDS = List.of(
        "frame.time_epoch", "frame.len", "frame.cap_len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst");

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {
        "arkime/bigendian.pcap", "arkime/ipv6-gtp6.pcap", "zeek/trunc_ip-discarder-truncated-tcp-oob.pcapng",
        "zeek/tunnels_geneve-truncated.pcapng", "zeek/tunnels_gtp_pdp_ctx_messages.pcapng", "zeek/pppoe-over-qinq.pcap",
        "zeek/tcp_reassembly.pcap"})
    void keepsFormatAndTimestampsAndDropsOnlyUnanonymizablePackets(final String name) throws IOException
    {
        final Path input = SharedData.pcap(name);
        final byte[] original = Files.readAllBytes(input);
        final Path kept = directory.resolve("kept");
        final Path dropped = directory.resolve("dropped");
        final byte[] key = AnonymizedCapturesTsharkTest.testKey();
        final CaptureAnonymizeCounters keepCounters = new CaptureAnonymizer(new CryptoPan(key), true).anonymize(input, kept);
        final CaptureAnonymizeCounters dropCounters = new CaptureAnonymizer(new CryptoPan(key), false).anonymize(input, dropped);
        assertArrayEquals(original, Files.readAllBytes(input), "the input is only read");
        assertArrayEquals(Arrays.copyOf(original, 4), Arrays.copyOf(Files.readAllBytes(dropped), 4), "same format");

        final List<AnonymizeOutcome> outcomes = AnonymizedCapturesTsharkTest.outcomesOf(input, key);
        final long unanonymizable = outcomes.stream().filter(AnonymizeOutcome::unanonymizable).count();
        assertEquals(outcomes.size(), keepCounters.packetsRead());
        assertEquals(outcomes.size(), keepCounters.packetsWritten());
        assertEquals(0, keepCounters.packetsDropped());
        assertEquals(unanonymizable, keepCounters.unanonymizable());
        assertEquals(unanonymizable, dropCounters.packetsDropped());
        assertEquals(dropCounters.packetsRead(), dropCounters.packetsWritten() + dropCounters.packetsDropped());
        assertEquals(keepCounters.addressesRewritten(), dropCounters.addressesRewritten());
        assertNull(dropCounters.problem());

        final List<Tshark.Packet> in = Tshark.fields(input, FIELDS, Tshark.PER_PACKET_PREFERENCES);
        final List<Tshark.Packet> keptPackets = Tshark.fields(kept, FIELDS, Tshark.PER_PACKET_PREFERENCES);
        final List<Tshark.Packet> droppedPackets = Tshark.fields(dropped, FIELDS, Tshark.PER_PACKET_PREFERENCES);
        assertEquals(in.size(), keptPackets.size());
        assertEquals(dropCounters.packetsWritten(), droppedPackets.size());
        int next = 0;
        for (int p = 0; p < in.size(); p++)
        {
            for (final String field : List.of("frame.time_epoch", "frame.len", "frame.cap_len"))
            {
                assertEquals(in.get(p).all(field), keptPackets.get(p).all(field), name + "#" + (p + 1) + " " + field);
            }
            if (!outcomes.get(p).unanonymizable())
            {
                assertEquals(keptPackets.get(p).values().values().stream().skip(3).toList(),
                    droppedPackets.get(next).values().values().stream().skip(3).toList(), name + "#" + (p + 1));
                next++;
            }
        }
        assertEquals(droppedPackets.size(), next);
    }

    @Test
    void dropsUndecodablePacketsAndKeepsTheRestInOrder() throws IOException
    {
        final byte[] first = Packets.ipv4Tcp("10.0.0.1", "192.168.1.2", 1234, 80, 0x02);
        final byte[] tagged = Packets.ethernet(100, Packets.ETHERTYPE_IPV4,
            Packets.ipv4("10.0.0.3", "192.168.1.4", Packets.UDP, 64, Packets.udp(53000, 9999, 12)));
        final byte[] cut = Arrays.copyOf(first, 14 + 12);
        final Path input = directory.resolve("input.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(input, LinkType.ETHERNET, CaptureFileWriter.Precision.MICROSECONDS))
        {
            writer.write(1_000_000_000L, first);
            writer.write(2_000_000_000L, cut, 0, cut.length, first.length);
            writer.write(3_000_000_000L, tagged);
        }
        final Path output = directory.resolve("output.pcap");
        final CaptureAnonymizeCounters counters =
            new CaptureAnonymizer(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()), false).anonymize(input, output);
        assertEquals(3, counters.packetsRead());
        assertEquals(2, counters.packetsWritten());
        assertEquals(1, counters.packetsDropped());
        assertEquals(1, counters.outcome(AnonymizeOutcome.UNDECODABLE));
        assertEquals(4, counters.addressesRewritten());
        assertTrue(counters.summary().contains("undecodable.snaplen_truncated 1"), counters.summary());
        assertEquals(Files.size(input) - 16 - cut.length, Files.size(output));
        final List<Tshark.Packet> packets = Tshark.fields(output, FIELDS, Tshark.PER_PACKET_PREFERENCES);
        assertEquals(List.of("1.000000000", "3.000000000"), packets.stream().map(p -> p.first("frame.time_epoch")).toList());
        assertFalse(packets.get(1).first("ip.src").equals("10.0.0.3"));
    }

    @Test
    void writesADamagedCaptureUpToTheDamage() throws IOException
    {
        final byte[] packet = Packets.ipv4Tcp("10.0.0.1", "192.168.1.2", 1234, 80, 0x02);
        final Path whole = directory.resolve("whole.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(whole, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            writer.write(1L, packet);
            writer.write(2L, packet);
        }
        final byte[] bytes = Files.readAllBytes(whole);
        final Path input = directory.resolve("cut.pcap");
        Files.write(input, Arrays.copyOf(bytes, bytes.length - 10));
        final Path output = directory.resolve("output.pcap");
        final CaptureAnonymizeCounters counters =
            new CaptureAnonymizer(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()), false).anonymize(input, output);
        assertEquals(1, counters.packetsWritten());
        assertNotNull(counters.problem());
        assertEquals(24 + 16 + packet.length, Files.size(output));
        final List<Tshark.Packet> packets = new ArrayList<>(Tshark.fields(output, FIELDS, Tshark.PER_PACKET_PREFERENCES));
        assertEquals(1, packets.size());
    }

    @Test
    void refusesToWriteOverItsInputAndLeavesNoPartialOutput() throws IOException
    {
        final Path input = directory.resolve("same.pcap");
        Files.copy(SharedData.pcap("arkime/bigendian.pcap"), input);
        final CaptureAnonymizer anonymizer = new CaptureAnonymizer(new CryptoPan(AnonymizedCapturesTsharkTest.testKey()), false);
        final IOException same = assertThrows(IOException.class, () -> anonymizer.anonymize(input, input));
        assertTrue(same.getMessage().contains("is the input"), same.getMessage());

        final Path notCapture = directory.resolve("text.pcap");
        Files.writeString(notCapture, "not a capture at all");
        final Path output = directory.resolve("never.pcap");
        assertThrows(IOException.class, () -> anonymizer.anonymize(notCapture, output));
        assertFalse(Files.exists(output));
        assertFalse(Files.exists(directory.resolve("never.pcap.partial")));
    }
}
