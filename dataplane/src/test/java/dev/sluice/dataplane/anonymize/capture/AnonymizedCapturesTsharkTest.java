package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
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
 * GTP-U, Teredo, IPv6 extension headers and fragments, ICMP errors, good and bad checksums, cuts
 * by the snapshot length ...) is anonymized by {@link CaptureAnonymizer} and dissected by tshark,
 * input and output, with checksum validation on:
 * <ul>
 *   <li>every checksum tshark finds good in the input is good at the same place in the output, and
 *       every bad one stays bad;</li>
 *   <li>every {@code ip.src/dst}, {@code ipv6.src/dst} (all layers, quotes in ICMP errors included),
 *       ARP, ICMP redirect gateway, neighbour discovery, MLD, IPv6 routing header, home address and
 *       Teredo origin address of an anonymized packet is, at the same place, the Crypto-PAn image
 *       of the input's;</li>
 *   <li>a packet kept unanonymized (with {@code keepUnanonymizable}) is unchanged.</li>
 * </ul>
 * Captures are merged per link type into one file each, so tshark runs twice per link type.
 * Fails, never skips, when tshark is missing.
 */
@Timeout(300)
class AnonymizedCapturesTsharkTest
{
    static final List<String> CHECKSUM_PREFERENCES = List.of(
        "ip.check_checksum:TRUE", "tcp.check_checksum:TRUE", "udp.check_checksum:TRUE");
    static final List<String> STATUS_FIELDS = List.of(
        "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status",
        "icmpv6.checksum.status", "gre.checksum.status");
    static final List<String> IPV4_FIELDS = List.of(
        "ip.src", "ip.dst", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "icmp.redir_gw", "teredo.orig.addr");
    static final List<String> IPV6_FIELDS = List.of(
        "ipv6.src", "ipv6.dst", "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
        "icmpv6.nd.rd.target_address", "icmpv6.mld.multicast_address", "ipv6.routing.src.addr",
        "ipv6.routing.mipv6.home_address", "ipv6.routing.srh.addr", "ipv6.opt.mipv6.home_address");
    static final String GOOD = "1";
    static final String BAD = "0";

    @TempDir
    Path directory;

    @Test
    void everyAddressOfEveryRealPacketIsItsImageAndChecksumsStayAsTheyWere() throws IOException
    {
        Tshark.executable();
        final byte[] key = testKey();
        final Map<Integer, CaptureFileWriter> writers = new TreeMap<>();
        final Map<Integer, List<String>> origins = new TreeMap<>();
        final Map<Integer, List<AnonymizeOutcome>> outcomes = new TreeMap<>();
        try
        {
            for (final Path capture : sharedCaptures())
            {
                merge(capture, writers, origins);
            }
        }
        finally
        {
            for (final CaptureFileWriter writer : writers.values())
            {
                writer.close();
            }
        }

        final List<String> fields = new ArrayList<>(STATUS_FIELDS);
        fields.addAll(IPV4_FIELDS);
        fields.addAll(IPV6_FIELDS);
        fields.add("frame.protocols");
        final List<String> preferences = new ArrayList<>(Tshark.PER_PACKET_PREFERENCES);
        preferences.addAll(CHECKSUM_PREFERENCES);

        final CryptoPan cryptoPan = new CryptoPan(key);
        final List<String> problems = new ArrayList<>();
        long anonymized = 0;
        long addresses = 0;
        long goodChecksums = 0;
        for (final Map.Entry<Integer, List<String>> entry : origins.entrySet())
        {
            final Path input = directory.resolve("merged-" + entry.getKey() + ".pcap");
            final Path output = directory.resolve("anonymized-" + entry.getKey() + ".pcap");
            final List<AnonymizeOutcome> packetOutcomes = outcomesOf(input, key);
            outcomes.put(entry.getKey(), packetOutcomes);
            final CaptureAnonymizeCounters counters = new CaptureAnonymizer(new CryptoPan(key), true).anonymize(input, output);
            assertEquals(entry.getValue().size(), counters.packetsWritten(), "every packet kept");

            final List<Tshark.Packet> before = Tshark.fields(input, fields, preferences);
            final List<Tshark.Packet> after = Tshark.fields(output, fields, preferences);
            assertEquals(before.size(), after.size(), "tshark read every packet of " + output);
            for (int p = 0; p < before.size(); p++)
            {
                final String origin = entry.getValue().get(p) + " (" + before.get(p).first("frame.protocols") + ")";
                final AnonymizeOutcome outcome = packetOutcomes.get(p);
                for (final String field : STATUS_FIELDS)
                {
                    final List<String> in = before.get(p).all(field);
                    final List<String> out = after.get(p).all(field);
                    if (!in.equals(out))
                    {
                        problems.add(origin + ": " + field + " " + in + " became " + out + " [" + outcome + "]");
                    }
                    goodChecksums += in.stream().filter(GOOD::equals).count();
                }
                if (outcome != AnonymizeOutcome.ANONYMIZED)
                {
                    for (final String field : fields)
                    {
                        // frame.protocols may differ: tshark's stream state depends on the packets before.
                        if (!field.equals("frame.protocols") && !before.get(p).all(field).equals(after.get(p).all(field)))
                        {
                            problems.add(origin + ": " + outcome + " packet changed in " + field);
                        }
                    }
                    continue;
                }
                anonymized++;
                for (final String field : IPV4_FIELDS)
                {
                    addresses += compareAddresses(origin, field, before.get(p).all(field), after.get(p).all(field),
                        cryptoPan, problems);
                }
                for (final String field : IPV6_FIELDS)
                {
                    addresses += compareAddresses(origin, field, before.get(p).all(field), after.get(p).all(field),
                        cryptoPan, problems);
                }
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
        assertTrue(anonymized > 2500, "anonymized only " + anonymized + " packets");
        assertTrue(goodChecksums > anonymized, "tshark verified only " + goodChecksums + " checksums");
        System.out.println("anonymized " + anonymized + " real packets, " + addresses + " addresses compared, " +
            goodChecksums + " good checksums kept good; outcomes " + summary(outcomes));
    }

    /** A fixed key, so a failure reproduces. */
    static byte[] testKey()
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(0x5A ^ (i * 37));
        }
        return key;
    }

    static List<Path> sharedCaptures() throws IOException
    {
        final List<Path> captures = new ArrayList<>();
        try (var lines = Files.lines(SharedData.root().resolve("pcap").resolve("MANIFEST.tsv")))
        {
            lines.skip(1).map(line -> line.split("\t")[0]).forEach(name -> captures.add(SharedData.pcap(name)));
        }
        return captures;
    }

    private void merge(final Path capture, final Map<Integer, CaptureFileWriter> writers, final Map<Integer, List<String>> origins)
        throws IOException
    {
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        try (CaptureFileSource source = CaptureFileSource.open(capture))
        {
            int number = 0;
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                for (int i = 0; i < count; i++)
                {
                    number++;
                    final int linkType = burst.linkType[i];
                    CaptureFileWriter writer = writers.get(linkType);
                    if (null == writer)
                    {
                        writer = CaptureFileWriter.create(directory.resolve("merged-" + linkType + ".pcap"), linkType,
                            CaptureFileWriter.Precision.NANOSECONDS);
                        writers.put(linkType, writer);
                        origins.put(linkType, new ArrayList<>());
                    }
                    final byte[] bytes = burst.data[i].asSlice(burst.offset[i], burst.capturedLength[i])
                        .toArray(ValueLayout.JAVA_BYTE);
                    writer.write(burst.timestampNs[i], bytes, 0, bytes.length, burst.wireLength[i]);
                    origins.get(linkType).add(capture.getFileName() + "#" + number);
                }
            }
        }
    }

    /** The outcome of every packet, from the rewriter itself on a copy of the capture in memory. */
    static List<AnonymizeOutcome> outcomesOf(final Path capture, final byte[] key) throws IOException
    {
        final List<AnonymizeOutcome> outcomes = new ArrayList<>();
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        final PacketDecoder decoder = new PacketDecoder();
        final PacketAddressRewriter rewriter = new PacketAddressRewriter(new CryptoPan(key));
        try (Arena arena = Arena.ofConfined())
        {
            final byte[] bytes = Files.readAllBytes(capture);
            final MemorySegment memory = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, 0, bytes.length);
            try (CaptureFileSource source = CaptureFileSource.wrap("copy", memory))
            {
                while (!source.isExhausted())
                {
                    final int count = source.poll(burst);
                    burst.resetStageState();
                    decoder.decode(burst);
                    for (int i = 0; i < count; i++)
                    {
                        outcomes.add(rewriter.rewrite(burst, i));
                    }
                }
            }
        }
        return outcomes;
    }

    private static int compareAddresses(
        final String origin,
        final String field,
        final List<String> in,
        final List<String> out,
        final CryptoPan cryptoPan,
        final List<String> problems)
    {
        if (in.size() != out.size())
        {
            problems.add(origin + ": " + field + " " + in + " became " + out);
            return 0;
        }
        for (int k = 0; k < in.size(); k++)
        {
            final byte[] expected = image(cryptoPan, in.get(k));
            final byte[] actual = bytes(out.get(k));
            if (!Arrays.equals(expected, actual))
            {
                problems.add(origin + ": " + field + "[" + k + "] " + in.get(k) + " became " + out.get(k) +
                    ", its image is " + text(expected));
            }
        }
        return in.size();
    }

    static byte[] image(final CryptoPan cryptoPan, final String address)
    {
        final byte[] raw = bytes(address);
        if (raw.length == 4)
        {
            return ByteBuffer.allocate(4).putInt(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(raw).getInt())).array();
        }
        final ByteBuffer buffer = ByteBuffer.wrap(raw);
        cryptoPan.anonymizeIpv6(buffer.getLong(), buffer.getLong());
        return ByteBuffer.allocate(16).putLong(cryptoPan.resultHigh()).putLong(cryptoPan.resultLow()).array();
    }

    static byte[] bytes(final String literal)
    {
        try
        {
            return InetAddress.getByName(literal).getAddress();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("not an address literal: " + literal, ex);
        }
    }

    private static String text(final byte[] address)
    {
        try
        {
            return InetAddress.getByAddress(address).getHostAddress();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    private static String summary(final Map<Integer, List<AnonymizeOutcome>> outcomes)
    {
        final Map<AnonymizeOutcome, Integer> counts = new TreeMap<>();
        outcomes.values().forEach(list -> list.forEach(outcome -> counts.merge(outcome, 1, Integer::sum)));
        return counts.toString();
    }
}
