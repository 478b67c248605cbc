package dev.sluice.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.CryptoPanImages;
import dev.sluice.dataplane.counters.DestinationCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * All three tiers in one JVM, as {@code sluice demo} runs them: the control plane pushes the
 * demo policy, the gateway applies it, rejects nothing valid, and every packet of the
 * generated capture is accounted for at the gateway and at both regional cores.
 */
class DemoEndToEndTest
{
    private static final int PACKETS = 20_000;

    @TempDir
    Path output;

    @Test
    @Timeout(180)
    void everyPacketIsAccountedForAndNoRawAddressReachesUsEast() throws Exception
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final DemoResult result;
        try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8))
        {
            result = new DemoCommand(output, PACKETS, out).run();
        }
        final String text = console.toString(StandardCharsets.UTF_8);

        assertTrue(result.finished(), text);
        assertEquals(PACKETS, result.source().received());
        assertTrue(result.sourceBalances(), text);
        assertEquals(0, result.source().inFlight());
        result.traffic().expectedDrops().forEach((reason, count) -> assertEquals(
            count.longValue(), result.source().droppedByReason().get(reason), "drops are exactly the broken packets: " + reason));
        assertEquals(result.traffic().expectedDrops().keySet(), result.source().droppedByReason().keySet());
        assertTrue(result.source().filtered() > 0, "the policy filters NTP and ARP");
        assertTrue(result.source().sampledOut() > 0, "the policy samples DNS and ICMP");
        assertTrue(result.source().aggregated() > 0, "the policy aggregates web traffic into flows");
        assertTrue(result.flowsBalance(), text);
        // 20,000 packets span under a second, less than the TCP close linger: flows end at the capture's end.
        assertEquals(result.flows().emitted(), result.flows().emittedTcpFin() + result.flows().emittedFlushed());
        assertTrue(result.flows().emitted() * 5 < result.source().aggregated(), "flows reduce the records: " + text);

        // What reached the home region's core: the flow records carry every aggregated packet and byte.
        final ObjectMapper mapper = new ObjectMapper();
        long flowRecords = 0;
        long flowPackets = 0;
        long flowBytes = 0;
        for (final String line : Files.readAllLines(output.resolve("regional").resolve(DemoCommand.HOME_REGION + ".ndjson")))
        {
            final JsonNode record = mapper.readTree(line);
            if ("flow".equals(record.path("type").asText()))
            {
                flowRecords++;
                flowPackets += record.path("packets").asLong() + record.path("reverse_packets").asLong();
                flowBytes += record.path("bytes").asLong() + record.path("reverse_bytes").asLong();
            }
        }
        assertEquals(result.flows().emitted(), flowRecords);
        assertEquals(result.source().aggregated(), flowPackets);
        assertEquals(result.flows().bytesEmitted(), flowBytes);
        assertTrue(text.contains("aggregated packets"), text);

        for (final DestinationCounters.Snapshot destination : result.destinations())
        {
            assertEquals(result.source().forwarded(),
                destination.raw() + destination.transformed() + destination.blocked(), destination.region());
            assertEquals(0, destination.inFlight(), destination.region());
            assertEquals(destination.recordsSent(), result.received().get(destination.region()).records(), destination.region());
            assertEquals(destination.flowRecordsSent(), result.received().get(destination.region()).flowRecords());
            assertEquals(result.flows().emitted(), destination.flowRecordsDecided(), destination.region());
            assertEquals(0, destination.flowRecordsInFlight(), destination.region());
            assertEquals(0, result.received().get(destination.region()).gaps());
            assertEquals(0, result.received().get(destination.region()).duplicates());
        }
        assertTrue(result.destinationsBalance(), text);
        assertTrue(result.output().passed(), String.join("\n", result.output().problems()));
        assertTrue(result.output().addressesChecked() > 0);
        assertTrue(result.reconciles(), text);

        assertTrue(text.contains("submitted a broken policy (demo-policy-broken.yaml): INVALID"), text);
        assertTrue(text.contains("demo-policy-broken.yaml:11:11: error: unknown field 'udp.prot'"), text);
        assertTrue(text.contains("the gateway keeps version 1"), text);
        assertTrue(text.contains("Demo reconciled"), text);
    }

    /**
     * What us-east received is what eu-west received, record for record and in the same order
     * (each destination's stream carries the same records in the same order: BatchEgress), with
     * every address replaced by exactly its Crypto-PAn image under the site's key. Records are
     * matched by what residency leaves unchanged, which flow records have too (they carry no
     * {@code ts_ns}), so a misordering fails as one. The addresses are compared with their
     * images, not with "differs from the raw address": Crypto-PAn leaves about 1 in 15,000
     * addresses unchanged, so with a random key some run's traffic holds such an address.
     */
    @Test
    @Timeout(180)
    void everyForeignRecordIsTheHomeRecordWithCryptoPanAddresses() throws Exception
    {
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        {
            new DemoCommand(output, PACKETS, out).run();
        }
        assertForeignRecordsAreHomeRecordsWithCryptoPanAddresses(output);
    }

    private static void assertForeignRecordsAreHomeRecordsWithCryptoPanAddresses(final Path output) throws Exception
    {
        final Path regional = output.resolve("regional");
        final List<String> home = Files.readAllLines(regional.resolve(DemoCommand.HOME_REGION + ".ndjson"));
        final List<String> foreign = Files.readAllLines(regional.resolve(DemoCommand.FOREIGN_REGION + ".ndjson"));
        assertFalse(foreign.isEmpty());

        final ObjectMapper mapper = new ObjectMapper();
        final List<JsonNode> homeRecords = new ArrayList<>();
        final List<JsonNode> foreignRecords = new ArrayList<>();
        for (final String line : home)
        {
            homeRecords.add(mapper.readTree(line));
        }
        for (final String line : foreign)
        {
            foreignRecords.add(mapper.readTree(line));
        }
        assertSameRecordsInSameOrder(homeRecords, foreignRecords);

        final CryptoPanImages images = new CryptoPanImages(new DemoLayout(output.toAbsolutePath(), "").keyFile());
        long ipRecords = 0;
        for (int i = 0; i < foreignRecords.size(); i++)
        {
            final JsonNode raw = homeRecords.get(i);
            final JsonNode record = foreignRecords.get(i);
            assertEquals(DemoCommand.FOREIGN_REGION, record.path("destination").asText());
            assertEquals(1, record.path("policy_version").asLong());
            assertTrue(raw.path("anonymized").isEmpty(), "the home region receives raw records: " + home.get(i));
            if (record.path("src").isNull())
            {
                assertTrue(raw.path("src").isNull(), home.get(i));
                continue;
            }
            ipRecords++;
            final Set<String> anonymized = new HashSet<>();
            record.path("anonymized").forEach(name -> anonymized.add(name.asText()));
            assertEquals(Set.of("src", "dst"), anonymized, foreign.get(i));
            for (final String field : List.of("src", "dst"))
            {
                final String rawAddress = raw.path(field).asText();
                assertTrue(images.isImage(rawAddress, record.path(field).asText()),
                    "record " + (i + 1) + ": " + field + " " + rawAddress + " should reach " + DemoCommand.FOREIGN_REGION +
                    " as " + images.imageText(rawAddress) + ": " + foreign.get(i));
            }
        }
        assertTrue(ipRecords > 0);
    }

    /**
     * Fails on the first record that differs in anything residency does not change, saying
     * whether the two files hold the same records in another order or different records.
     */
    private static void assertSameRecordsInSameOrder(final List<JsonNode> home, final List<JsonNode> foreign)
    {
        final List<String> homeIdentities = home.stream().map(DemoEndToEndTest::identity).toList();
        final List<String> foreignIdentities = foreign.stream().map(DemoEndToEndTest::identity).toList();
        if (homeIdentities.equals(foreignIdentities))
        {
            return;
        }
        final Map<String, Long> homeCounts = counts(homeIdentities);
        final Map<String, Long> foreignCounts = counts(foreignIdentities);
        int first = 0;
        while (first < homeIdentities.size() && first < foreignIdentities.size() &&
            homeIdentities.get(first).equals(foreignIdentities.get(first)))
        {
            first++;
        }
        fail((homeCounts.equals(foreignCounts) ?
            "the regions received the same records in different orders" :
            "the regions received different records (" + homeIdentities.size() + " in " + DemoCommand.HOME_REGION +
            ", " + foreignIdentities.size() + " in " + DemoCommand.FOREIGN_REGION + ")") +
            "; first difference at record " + (first + 1) + ":\n  " + DemoCommand.HOME_REGION + ": " +
            (first < homeIdentities.size() ? homeIdentities.get(first) : "(none)") + "\n  " +
            DemoCommand.FOREIGN_REGION + ": " + (first < foreignIdentities.size() ? foreignIdentities.get(first) : "(none)"));
    }

    /**
     * A record without what may differ between regions: the destination, its stream's sequence
     * and encoding time, the addresses and which of them are anonymized. What is left (type,
     * worker, times, ports, counts...) identifies packet and flow records alike.
     */
    private static String identity(final JsonNode record)
    {
        final ObjectNode identity = record.deepCopy();
        identity.remove(List.of(
            "destination", "sequence", "encoded_ts_ns", "src", "dst", "inner_src", "inner_dst", "anonymized"));
        return identity.toString();
    }

    private static Map<String, Long> counts(final List<String> identities)
    {
        final Map<String, Long> counts = new HashMap<>();
        identities.forEach(identity -> counts.merge(identity, 1L, Long::sum));
        return counts;
    }
}
