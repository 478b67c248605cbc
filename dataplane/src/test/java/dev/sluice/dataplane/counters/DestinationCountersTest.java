package dev.sluice.dataplane.counters;

import dev.sluice.dataplane.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Destination counters: residency decisions, batches sent, records dropped while the region is
 * unavailable and back-pressure retries, read back as a snapshot in which
 * {@code raw + transformed = sent + dropped_unavailable + in_flight}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DestinationCountersTest
{
    private static TestMediaDriver media;

    @BeforeAll
    static void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterAll
    static void closeDriver()
    {
        CloseHelper.close(media);
    }

    @Test
    void decisionsAndDeliveriesBalance()
    {
        try (DestinationCounters counters = new DestinationCounters(media.aeron, "us-east"))
        {
            counters.addDecisions(10, 5, 3);
            counters.addDecisions(0, 2, 0);
            counters.onBatchSent(8, 600, 1);
            counters.onBatchSent(4, 330, 2);
            counters.onDroppedUnavailable(2);
            counters.onDroppedUnavailable(0);
            counters.onBackPressure();
            counters.onBackPressure();

            final DestinationCounters.Snapshot snapshot = counters.snapshot();
            assertEquals("us-east", snapshot.region());
            assertEquals(10, snapshot.raw());
            assertEquals(7, snapshot.transformed());
            assertEquals(3, snapshot.blocked());
            assertEquals(12, snapshot.sentRecords());
            assertEquals(2, snapshot.sentBatches());
            assertEquals(930, snapshot.sentBytes());
            assertEquals(2, snapshot.droppedUnavailable());
            assertEquals(2, snapshot.backPressureRetries());
            assertEquals(2, snapshot.lastSequence());
            assertEquals(3, snapshot.inFlight());
            assertEquals(snapshot.raw() + snapshot.transformed(),
                snapshot.sentRecords() + snapshot.droppedUnavailable() + snapshot.inFlight());
        }
    }

    @Test
    void everyCounterIsLabelledWithItsRegion()
    {
        try (DestinationCounters counters = new DestinationCounters(media.aeron, "ap-south"))
        {
            counters.addDecisions(1, 2, 3, 9);
            counters.onBatchSent(3, 200, 40);
            counters.addFlowRecordDecisions(4, 5, 6);
            counters.onFlowRecordBatchSent(7, 100, 41);
            counters.onFlowRecordsDroppedUnavailable(2);
            counters.onFrameBatchSent(2, 900, 300, 42);
            counters.onFrameTooLarge();
            counters.onFramesDroppedUnavailable(4);
            counters.onDroppedSpoolFull(5, 0, 7);
            counters.spooledBatches(8);
            counters.ackedSequence(39);
            final Map<String, Long> values = new HashMap<>();
            media.aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == CounterTypes.DESTINATION_COUNTER_TYPE_ID && label.startsWith("sluice destination ap-south "))
                {
                    values.put(label.substring("sluice destination ap-south ".length()),
                        media.aeron.countersReader().getCounterValue(counterId));
                }
            });
            assertEquals(Map.ofEntries(
                Map.entry("raw", 1L),
                Map.entry("transformed", 2L),
                Map.entry("blocked", 3L),
                Map.entry("not_routed", 9L),
                Map.entry("sent_records", 3L),
                Map.entry("sent_batches", 3L),
                Map.entry("sent_bytes", 600L),
                Map.entry("dropped{destination_unavailable}", 0L),
                Map.entry("back_pressure_retries", 0L),
                Map.entry("last_sequence", 42L),
                Map.entry("flow_records_raw", 4L),
                Map.entry("flow_records_transformed", 5L),
                Map.entry("flow_records_blocked", 6L),
                Map.entry("flow_records_sent", 7L),
                Map.entry("flow_records_sent_bytes", 100L),
                Map.entry("flow_records_dropped{destination_unavailable}", 2L),
                Map.entry("sent_frames", 2L),
                Map.entry("frame_bytes_saved", 900L),
                Map.entry("dropped_frames{too_large}", 1L),
                Map.entry("dropped_frames{destination_unavailable}", 4L),
                Map.entry("dropped{spool_full}", 5L),
                Map.entry("flow_records_dropped{spool_full}", 0L),
                Map.entry("dropped_frames{spool_full}", 7L),
                Map.entry("spooled_batches", 8L),
                Map.entry("acked_sequence", 39L)), values);
            assertEquals(39, counters.ackedSequence());
            final DestinationCounters.Snapshot snapshot = counters.snapshot();
            assertEquals(15, snapshot.flowRecordsDecided());
            assertEquals(0, snapshot.flowRecordsInFlight());
            assertEquals(12, snapshot.recordsSent());
        }
    }
}
