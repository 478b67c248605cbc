package dev.sluice.cli.reconcile;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.SnapshotJson;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.JsonText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciliation of counters files written as the gateway and the core write them: balanced,
 * each kind of difference named where it is, and files that cannot be used (exit 2, the file and
 * for malformed JSON line:column named).
 */
class ReconcileCommandTest
{
    private static final String GATEWAY = "gw-1";

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    // received 100 = forwarded 80 + aggregated 10 + filtered 5 + sampled out 3 + dropped 2
    private SourceCounters.Snapshot source = new SourceCounters.Snapshot(
        "capture.pcap", 100, 80, 10, 5, 3, Map.of(DropReason.values()[0], 2L), 12_345, 0);
    // 80 forwarded = raw 50 + transformed 20 + blocked 10; 4 flow records decided; 70 sent, 4 flow records sent
    private DestinationCounters.Snapshot destination = destination(50, 20, 10, 70, 4);
    private long gatewayLast = 12;
    private long gatewayAcked = 12;
    private long coreDurable = 12;
    private long coreGaps = 0;
    private long spoolDropped = 0;
    private boolean gatewayStopped = true;
    private String coreGatewayId = GATEWAY;
    // events: received 40 = forwarded 30 + filtered 6 + sampled out 0 + dropped 4; 30 = raw 20 + transformed 5 + blocked 5
    private EventCounters.Snapshot events;
    private EventDestinationCounters.Snapshot eventDestination =
        new EventDestinationCounters.Snapshot("eu-west", 20, 5, 5, 24, 0, 0, 1);

    @Test
    void balancedWhenEveryTermAddsUpAndEveryStreamIsDurable() throws IOException
    {
        assertEquals(0, reconcile(), report());
        assertTrue(report().contains("received = forwarded + aggregated + filtered + sampled out + dropped: balanced"), report());
        assertTrue(report().contains("eu-west worker 0: last 12, acknowledged 12: balanced"), report());
        assertTrue(report().contains("Reconciliation: balanced (1 gateway, 1 core)"), report());
    }

    @Test
    void itemsInFlightAtTheSourceAreNamed() throws IOException
    {
        source = new SourceCounters.Snapshot("capture.pcap", 107, 80, 10, 5, 3, Map.of(), 0, 0);
        destination = destination(50, 20, 10, 70, 4);
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("received is larger by 9: 9 items have no outcome yet (in flight)"), report());
    }

    @Test
    void moreOutcomesThanReceivedAreNamed() throws IOException
    {
        source = new SourceCounters.Snapshot("capture.pcap", 90, 80, 10, 5, 3, Map.of(), 0, 0);
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("the outcomes are larger than received by 8"), report());
    }

    @Test
    void aDestinationThatDidNotDecideEveryForwardedItem() throws IOException
    {
        destination = destination(50, 20, 4, 70, 4);
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("raw + transformed + blocked = 74, forwarded = 80: forwarded is larger by 6"), report());
    }

    @Test
    void allowedRecordsNeitherSentNorDropped() throws IOException
    {
        destination = destination(50, 20, 10, 65, 4);
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("5 allowed packet summaries neither sent nor dropped (in flight)"), report());
    }

    @Test
    void theEventPathIsCheckedWhenTheGatewayTakesEvents() throws IOException
    {
        events = new EventCounters.Snapshot(40, 30, 0, 6, 0, 4, 0, 0, Map.of("malformed", 4L), Map.of());
        assertEquals(0, reconcile(), report());
        assertTrue(report().contains("Events: received 40 = forwarded 30 + aggregated 0 + filtered 6 + sampled out 0 + dropped 4 {malformed=4}"),
            report());
        assertTrue(report().contains("events received = forwarded + aggregated + filtered + sampled out + dropped: balanced"), report());
        assertTrue(report().contains("Events to eu-west: raw 20 + transformed 5 + blocked 5 (forwarded + count records 30); sent 24, dropped 1 " +
            "(destination unavailable 0, too large 0, spool full 1)"), report());

        out.reset();
        events = new EventCounters.Snapshot(43, 30, 0, 6, 0, 4, 0, 0, Map.of(), Map.of());
        eventDestination = new EventDestinationCounters.Snapshot("eu-west", 20, 5, 5, 22, 0, 0, 1);
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("events received is larger by 3: 3 events have no outcome yet (in flight)"), report());
        assertTrue(report().contains("2 allowed events neither sent nor dropped (in flight)"), report());
    }

    @Test
    void eventsAggregatedIntoCountRecordsBalanceAndTheRecordsAreDecidedLikeEvents() throws IOException
    {
        // received 40 = forwarded 22 + aggregated 8 + filtered 6 + dropped 4; 22 events and 8 records decided: 30.
        events = new EventCounters.Snapshot(40, 22, 8, 6, 0, 4, 0, 8, Map.of("malformed", 4L), Map.of());
        assertEquals(0, reconcile(), report());
        assertTrue(report().contains("Events: received 40 = forwarded 22 + aggregated 8 + filtered 6 + sampled out 0 + dropped 4"),
            report());
        assertTrue(report().contains("Count records emitted 8"), report());
        assertTrue(report().contains("(forwarded + count records 30)"), report());

        // A destination that decided the events but not the records.
        events = new EventCounters.Snapshot(40, 22, 8, 6, 0, 4, 0, 10, Map.of("malformed", 4L), Map.of());
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("raw + transformed + blocked = 30, events forwarded + count records = 32"), report());
    }

    @Test
    void aCountersFileFromBeforeCountRecordsReadsThemAsZero() throws IOException
    {
        events = new EventCounters.Snapshot(40, 30, 0, 6, 0, 4, 0, 0, Map.of("malformed", 4L), Map.of());
        final Path gatewayFile = writeGateway();
        final String text = Files.readString(gatewayFile);
        final int events = text.indexOf("\"events\"");
        Files.writeString(gatewayFile, text.substring(0, events) +
            text.substring(events).replaceAll("\"(aggregated|count_records)\"\\s*:\\s*0\\s*,", ""));
        assertFalse(Files.readString(gatewayFile).contains("count_records"), Files.readString(gatewayFile));
        assertEquals(0, run(List.of(gatewayFile), List.of(writeCore())), report());
        assertTrue(report().contains("events received = forwarded + aggregated + filtered + sampled out + dropped: balanced"), report());
    }

    @Test
    void aCountersFileFromBeforeRoutesAndRateLimitFiguresReadsThemAsZero() throws IOException
    {
        final Path gatewayFile = writeGateway();
        final String text = Files.readString(gatewayFile);
        assertTrue(text.contains("\"not_routed\"") && text.contains("\"rate_limited\"") && text.contains("\"rate_limit_evictions\""), text);
        Files.writeString(gatewayFile, text.replaceAll("\"(not_routed|rate_limited|rate_limit_evictions)\"\\s*:\\s*0\\s*,?", ""));
        assertFalse(Files.readString(gatewayFile).contains("not_routed"), Files.readString(gatewayFile));
        assertEquals(0, run(List.of(gatewayFile), List.of(writeCore())), report() + errors());
    }

    @Test
    void batchesSpooledAtTheGatewayNotYetDurableAtTheCore() throws IOException
    {
        gatewayLast = 24;
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("eu-west worker 0: 12 batches spooled at the gateway not yet durable at the core"),
            report());
    }

    @Test
    void aCoreAheadOfTheGateway() throws IOException
    {
        coreDurable = 15;
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("core has 3 batches durable beyond the gateway's last sequence 12"), report());
    }

    @Test
    void aGapAtTheCore() throws IOException
    {
        coreGaps = 2;
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("eu-west worker 0: core has a gap: 2 sequences never arrived"), report());
    }

    @Test
    void aGapOfBatchesTheSpoolDroppedUnderItsOverflowRuleIsExplained() throws IOException
    {
        coreGaps = 2;
        spoolDropped = 5;
        assertEquals(0, reconcile(), report());
        assertTrue(report().contains("note: the core's gap of 2 sequences is batches the gateway's spool dropped under " +
            "its overflow rule (5 counted this run)"), report());

        out.reset();
        coreGaps = 6;
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("core has a gap: 6 sequences never arrived (the gateway's spool dropped 5 this run)"),
            report());
    }

    @Test
    void aStreamTheCoreHasNeverSeen() throws IOException
    {
        coreGatewayId = "gw-other";
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("eu-west worker 0: core has no such stream (the gateway's last sequence is 12)"),
            report());
        assertTrue(report().contains("not checked: no counters were given for gateway gw-other"), report());
    }

    @Test
    void anAcknowledgementNotYetSeenIsANoteNotADifference() throws IOException
    {
        gatewayAcked = 10;
        assertEquals(0, reconcile(), report());
        assertTrue(report().contains("note: the gateway has seen acknowledgements up to 10 of the core's durable 12"), report());
    }

    @Test
    void countersOfARunThatDidNotStopCleanlyAreFlagged() throws IOException
    {
        gatewayStopped = false;
        gatewayLast = 13;
        assertEquals(1, reconcile(), report());
        assertTrue(report().contains("gateway counters are from a run that did not stop cleanly (written-at " +
            "2025-01-01T00:00:01Z): figures may be up to 1 s old"), report());
        assertTrue(report().contains("1 batches spooled at the gateway not yet durable at the core"), report());
    }

    @Test
    void malformedJsonIsNamedWithLineAndColumn() throws IOException
    {
        final Path gatewayFile = writeGateway();
        Files.writeString(gatewayFile, "{\n  \"kind\": \"gateway\",\n  \"gateway_id\" \"gw-1\"\n}\n");
        assertEquals(2, run(List.of(gatewayFile), List.of(writeCore())));
        assertTrue(errors().contains(gatewayFile + ":3:16: malformed JSON"), errors());
    }

    @Test
    void aTruncatedFileIsMalformed() throws IOException
    {
        final Path coreFile = writeCore();
        final String text = Files.readString(coreFile);
        Files.writeString(coreFile, text.substring(0, text.length() / 2));
        assertEquals(2, run(List.of(writeGateway()), List.of(coreFile)));
        assertTrue(errors().contains(coreFile + ":1:"), errors());
        assertTrue(errors().contains("malformed JSON"), errors());
    }

    @Test
    void aMissingFieldIsNamed() throws IOException
    {
        final Path gatewayFile = writeGateway();
        Files.writeString(gatewayFile, Files.readString(gatewayFile).replace("\"forwarded\":", "\"forwarded_\":"));
        assertEquals(2, run(List.of(gatewayFile), List.of(writeCore())));
        assertTrue(errors().contains(gatewayFile + ": missing field source.forwarded"), errors());
    }

    @Test
    void aCoreFileGivenAsAGatewayOneIsRefused() throws IOException
    {
        final Path coreFile = writeCore();
        assertEquals(2, run(List.of(coreFile), List.of(coreFile)));
        assertTrue(errors().contains("a core counters file, where a gateway one was expected"), errors());
    }

    @Test
    void missingFilesAndEmptyDirectoriesAreUsageErrors() throws IOException
    {
        assertEquals(2, run(List.of(directory.resolve("nowhere")), List.of(writeCore())));
        assertTrue(errors().contains("nowhere: no such file or directory"), errors());
        final Path empty = Files.createDirectories(directory.resolve("empty"));
        assertEquals(2, run(List.of(writeGateway()), List.of(empty)));
        assertTrue(errors().contains("no core counters file in the directory"), errors());
        assertEquals(2, run(List.of(writeGateway()), List.of()));
    }

    @Test
    void directoriesAreSearchedForTheirCountersFiles() throws IOException
    {
        writeGateway();
        writeCore();
        assertEquals(0, run(List.of(directory.resolve("gateway")), List.of(directory.resolve("core"))), report());
    }

    // ------------------------------------------------------------------------------------------------

    private int reconcile() throws IOException
    {
        return run(List.of(writeGateway()), List.of(writeCore()));
    }

    private int run(final List<Path> gateways, final List<Path> cores)
    {
        out.reset();
        err.reset();
        return ReconcileCommand.run(gateways, cores, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String report()
    {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private String errors()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static DestinationCounters.Snapshot destination(
        final long raw, final long transformed, final long blocked, final long sent, final long flowRecordsSent)
    {
        return new DestinationCounters.Snapshot("eu-west", raw, transformed, blocked, sent, 12, 9_000, 0, 0, 12,
            flowRecordsSent, 0, 0, flowRecordsSent, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The gateway's file as {@code GatewayCountersFile} writes it. */
    private Path writeGateway() throws IOException
    {
        final JsonText json = new JsonText().beginObject()
            .field(CountersFile.KIND, CountersFile.KIND_GATEWAY)
            .field(CountersFile.GATEWAY_ID, GATEWAY)
            .field(CountersFile.SITE, "lab-1")
            .field(CountersFile.REGION, "eu-west")
            .field(CountersFile.RUN_STARTED_AT, "2025-01-01T00:00:00Z")
            .field(CountersFile.WRITTEN_AT, "2025-01-01T00:00:01Z")
            .field(CountersFile.STOPPED, gatewayStopped);
        json.beginObject(CountersFile.SOURCE);
        SnapshotJson.write(json, source);
        json.endObject();
        json.field(CountersFile.FLOWS_EMITTED, 4);
        json.beginArray(CountersFile.DESTINATIONS).beginObject();
        SnapshotJson.write(json, destination);
        json.endObject().endArray();
        if (events != null)
        {
            json.beginObject(CountersFile.EVENTS);
            SnapshotJson.write(json, events);
            json.beginArray(CountersFile.DESTINATIONS).beginObject();
            SnapshotJson.write(json, eventDestination);
            json.endObject().endArray();
            json.endObject();
        }
        json.beginArray(CountersFile.STREAMS).beginObject()
            .field(CountersFile.WORKER, 0)
            .field(CountersFile.REGION, "eu-west")
            .field(CountersFile.LAST_SEQUENCE, gatewayLast)
            .field(CountersFile.ACKED_SEQUENCE, gatewayAcked)
            .field(CountersFile.SPOOLED_BATCHES, gatewayLast - gatewayAcked)
            .field(CountersFile.SPOOL_DROPPED_BATCHES, spoolDropped)
            .endObject().endArray();
        final Path file = Files.createDirectories(directory.resolve("gateway")).resolve(CountersFile.GATEWAY_FILE_NAME);
        CountersFile.writeAtomically(file, json.endObject().toString());
        return file;
    }

    /** The core's file as {@code RegionalCountersFile} writes it. */
    private Path writeCore() throws IOException
    {
        final JsonText json = new JsonText().beginObject()
            .field(CountersFile.KIND, CountersFile.KIND_CORE)
            .field(CountersFile.REGION, "eu-west")
            .field(CountersFile.RUN_STARTED_AT, "2025-01-01T00:00:00Z")
            .field(CountersFile.WRITTEN_AT, "2025-01-01T00:00:01Z")
            .field(CountersFile.STOPPED, true)
            .beginObject(CountersFile.TOTALS)
            .field("batches", coreDurable)
            .field("records", 74)
            .field("duplicates", 0)
            .field("gaps", coreGaps)
            .endObject();
        json.beginArray(CountersFile.STREAMS).beginObject()
            .field(CountersFile.GATEWAY_ID, coreGatewayId)
            .field(CountersFile.REGION, "eu-west")
            .field(CountersFile.WORKER, 0)
            .field(CountersFile.LAST_SEQUENCE, coreDurable)
            .field(CountersFile.DURABLE_SEQUENCE, coreDurable)
            .field(CountersFile.BATCHES, coreDurable)
            .field(CountersFile.RECORDS, 74)
            .field(CountersFile.GAPS, coreGaps)
            .field(CountersFile.DUPLICATES, 0)
            .endObject().endArray();
        final Path file = CountersFile.coreFile(Files.createDirectories(directory.resolve("core")), "eu-west");
        CountersFile.writeAtomically(file, json.endObject().toString());
        return file;
    }
}
