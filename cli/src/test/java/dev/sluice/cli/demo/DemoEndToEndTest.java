package dev.sluice.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.counters.DestinationCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    @Timeout(180)
    void everyForeignRecordCarriesTransformedAddressesOnly() throws Exception
    {
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        {
            new DemoCommand(output, PACKETS, out).run();
        }
        final Path regional = output.resolve("regional");
        final List<String> home = Files.readAllLines(regional.resolve(DemoCommand.HOME_REGION + ".ndjson"));
        final List<String> foreign = Files.readAllLines(regional.resolve(DemoCommand.FOREIGN_REGION + ".ndjson"));
        assertEquals(home.size(), foreign.size(), "both regions receive every forwarded record");
        assertFalse(foreign.isEmpty());

        final ObjectMapper mapper = new ObjectMapper();
        long ipRecords = 0;
        for (int i = 0; i < foreign.size(); i++)
        {
            final JsonNode raw = mapper.readTree(home.get(i));
            final JsonNode record = mapper.readTree(foreign.get(i));
            assertEquals(DemoCommand.FOREIGN_REGION, record.path("destination").asText());
            assertEquals(1, record.path("policy_version").asLong());
            assertEquals(raw.path("ts_ns"), record.path("ts_ns"), "same record, same order");
            assertTrue(raw.path("anonymized").isEmpty(), "the home region receives raw records: " + home.get(i));
            if (record.path("src").isNull())
            {
                continue;
            }
            ipRecords++;
            final Set<String> anonymized = new HashSet<>();
            record.path("anonymized").forEach(name -> anonymized.add(name.asText()));
            assertEquals(Set.of("src", "dst"), anonymized, foreign.get(i));
            assertNotEquals(raw.path("src").asText(), record.path("src").asText(), foreign.get(i));
            assertNotEquals(raw.path("dst").asText(), record.path("dst").asText(), foreign.get(i));
        }
        assertTrue(ipRecords > 0);
    }
}
