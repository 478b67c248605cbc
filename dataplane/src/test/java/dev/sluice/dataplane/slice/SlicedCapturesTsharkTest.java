package dev.sluice.dataplane.slice;

import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
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
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every packet of every shared real capture (VLAN, QinQ, MPLS, PPPoE, GRE, ERSPAN, VXLAN, GENEVE,
 * GTP-U, Teredo, IPv6 extension headers, SCTP, ICMP, bad checksums, snap-length cuts...) is cut by
 * {@link PayloadSlicer} and dissected by tshark with checksum validation on: every IP, TCP, UDP,
 * ICMP and ICMPv6 checksum it verifies is good (with payload kept, also after every outer and inner
 * address was rewritten as for a transforming destination), and a stripped packet is never malformed. Fails, never skips, when tshark is missing.
 */
@Timeout(300)
class SlicedCapturesTsharkTest
{
    static final List<String> CHECKSUM_PREFERENCES = List.of(
        "ip.check_checksum:TRUE",
        "tcp.check_checksum:TRUE",
        "udp.check_checksum:TRUE");
    static final List<String> STATUS_FIELDS = List.of(
        "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status",
        "icmpv6.checksum.status", "sctp.checksum.status");
    /** Wireshark's {@code PROTO_CHECKSUM_E_GOOD}. */
    static final String GOOD = "1";
    /** Wireshark's {@code PROTO_CHECKSUM_E_BAD}. */
    static final String BAD = "0";

    /**
     * Protocols the decoder does not read, so what they carry is payload to the slicer and is cut
     * without its inner lengths or checksums fixed: GTP' (UDP 3386) carrying an IP packet, and the
     * IPv6 mobility header, an IP protocol with no transport header the decoder knows.
     */
    static final List<String> UNDECODED_PROTOCOLS = List.of(":gtpprime:", ":mipv6");

    /**
     * tshark reads the data of an ICMPv6 echo from a Teredo address as Teredo's 4-byte nonce and
     * calls an echo without it malformed; to the slicer (and RFC 4443) echo data is payload.
     */
    static final String TEREDO_ECHO = ":teredo:ipv6:icmpv6";

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(ints = {0, 64})
    void everySlicedRealPacketPassesTsharkChecks(final int keepPayloadBytes) throws IOException
    {
        Tshark.executable();
        final List<Path> captures = new ArrayList<>();
        try (var lines = Files.lines(SharedData.root().resolve("pcap").resolve("MANIFEST.tsv")))
        {
            lines.skip(1).map(line -> line.split("\t")[0]).forEach(name -> captures.add(SharedData.pcap(name)));
        }

        final Map<Integer, CaptureFileWriter> writers = new TreeMap<>();
        final Map<Integer, List<String>> origins = new TreeMap<>();
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        final PacketDecoder decoder = new PacketDecoder();
        final PayloadSlicer slicer = new PayloadSlicer();
        final byte[] out = new byte[CaptureFileSource.MAX_CAPTURED_LENGTH];
        final byte action = keepPayloadBytes == 0 ? PayloadSlicer.ACTION_STRIPPED : PayloadSlicer.ACTION_TRUNCATED;
        int sliced = 0;
        try
        {
            for (final Path capture : captures)
            {
                try (CaptureFileSource source = CaptureFileSource.open(capture))
                {
                    int number = 0;
                    while (!source.isExhausted())
                    {
                        final int count = source.poll(burst);
                        burst.resetStageState();
                        decoder.decode(burst);
                        for (int i = 0; i < count; i++)
                        {
                            number++;
                            if (burst.verdict[i] != Verdict.PENDING)
                            {
                                continue;
                            }
                            burst.verdict[i] = Verdict.PASS;
                            if (!slicer.plan(burst, i, keepPayloadBytes, action))
                            {
                                continue;
                            }
                            // With a payload kept, every address is also rewritten, as for a transforming destination.
                            final byte bits = keepPayloadBytes == 0 ? 0 : AnonymizedFields.ALL_ADDRESSES;
                            burst.anonSrcAddressHigh[i] = 0x2001_0db8_0000_0001L;
                            burst.anonSrcAddressLow[i] = 0x0A00_0000L | number;
                            burst.anonDstAddressHigh[i] = 0x2001_0db8_0000_0002L;
                            burst.anonDstAddressLow[i] = 0x0B00_0000L | number;
                            burst.anonInnerSrcAddressHigh[i] = 0x2001_0db8_0000_0003L;
                            burst.anonInnerSrcAddressLow[i] = 0x0C00_0000L | number;
                            burst.anonInnerDstAddressHigh[i] = 0x2001_0db8_0000_0004L;
                            burst.anonInnerDstAddressLow[i] = 0x0D00_0000L | number;
                            slicer.slice(burst, i, bits, out);
                            final int linkType = burst.linkType[i];
                            CaptureFileWriter writer = writers.get(linkType);
                            if (null == writer)
                            {
                                writer = CaptureFileWriter.create(
                                    directory.resolve("sliced-" + linkType + ".pcap"), linkType, CaptureFileWriter.Precision.NANOSECONDS);
                                writers.put(linkType, writer);
                                origins.put(linkType, new ArrayList<>());
                            }
                            writer.write(burst.timestampNs[i], out, 0, burst.frameLength[i], burst.frameLength[i]);
                            origins.get(linkType).add(capture.getFileName() + "#" + number);
                            sliced++;
                        }
                    }
                }
            }
        }
        finally
        {
            for (final CaptureFileWriter writer : writers.values())
            {
                writer.close();
            }
        }
        assertTrue(sliced > 1000, "sliced only " + sliced + " packets");

        final List<String> fields = new ArrayList<>(STATUS_FIELDS);
        fields.addAll(List.of("frame.protocols", "_ws.expert.message"));
        final List<String> preferences = new ArrayList<>(Tshark.PER_PACKET_PREFERENCES);
        preferences.addAll(CHECKSUM_PREFERENCES);
        final List<String> problems = new ArrayList<>();
        int good = 0;
        for (final Map.Entry<Integer, List<String>> entry : origins.entrySet())
        {
            final List<Tshark.Packet> packets =
                Tshark.fields(directory.resolve("sliced-" + entry.getKey() + ".pcap"), fields, preferences);
            assertEquals(entry.getValue().size(), packets.size(), "tshark read every sliced packet");
            for (int p = 0; p < packets.size(); p++)
            {
                final Tshark.Packet packet = packets.get(p);
                final String origin = entry.getValue().get(p);
                final String protocols = packet.first("frame.protocols");
                if (UNDECODED_PROTOCOLS.stream().anyMatch(protocols::contains))
                {
                    continue;
                }
                for (final String field : STATUS_FIELDS)
                {
                    for (final String status : packet.all(field))
                    {
                        if (BAD.equals(status))
                        {
                            problems.add(origin + ": " + field + " bad (" + packet.first("frame.protocols") + ")");
                        }
                        else if (GOOD.equals(status))
                        {
                            good++;
                        }
                    }
                }
                if (keepPayloadBytes == 0 && packet.malformedOrError() && !protocols.endsWith(TEREDO_ECHO))
                {
                    problems.add(origin + ": malformed or expert error (" + packet.first("frame.protocols") + "): " +
                        packet.all("_ws.expert.message"));
                }
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
        assertTrue(good > sliced, "tshark verified " + good + " checksums in " + sliced + " packets");
        System.out.println("sliced " + sliced + " real packets (keep " + keepPayloadBytes + "), " + good +
            " checksums good: " + Arrays.toString(origins.keySet().toArray()));
    }
}
