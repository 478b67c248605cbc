package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.pipeline.EventBatch;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.EventKind;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event sender over a spooled stream whose spool fills (no core acknowledges): under
 * drop-newest the batches that do not fit are dropped and counted {@code events_dropped{spool_full}},
 * every event accounted; under pause the batch is held, nothing dropped, until acknowledgements
 * make room.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventSenderSpoolTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7700);
    private static final int SEGMENT = 64 * 1024;
    private static final int EVENTS_PER_BATCH = 50;
    private static final int BODY = 400;

    @TempDir
    Path directory;

    private TestMediaDriver media;
    private DestinationStream stream;
    private EventDestinationCounters counters;

    @BeforeEach
    void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(stream, counters, media);
    }

    @Test
    void dropNewestCountsTheEventsItDropsAndLosesNoneSilently()
    {
        final EventSender sender = sender(OverflowRule.DROP_NEWEST);
        final EventBatch batch = batch();
        long offered = 0;
        for (int round = 0; round < 40; round++)
        {
            sender.begin(batch);
            assertTrue(sender.send(batch, 1, 0), "drop-newest never holds the batch");
            offered += batch.count();
        }
        final EventDestinationCounters.Snapshot snapshot = counters.snapshot();
        assertTrue(snapshot.droppedSpoolFull() > 0, "the spool filled: " + snapshot);
        assertTrue(snapshot.sent() > 0, snapshot.toString());
        assertEquals(offered, snapshot.raw());
        assertEquals(offered, snapshot.sent() + snapshot.droppedSpoolFull(), "every event sent to the spool or dropped, counted");
        assertEquals(0, snapshot.inFlight(), snapshot.toString());
    }

    @Test
    void pauseHoldsTheBatchUntilAcknowledgementsMakeRoom()
    {
        final EventSender sender = sender(OverflowRule.PAUSE);
        final EventBatch batch = batch();
        int rounds = 0;
        boolean held = false;
        while (rounds < 100 && !held)
        {
            sender.begin(batch);
            held = !sender.send(batch, 1, 0);
            rounds++;
        }
        assertTrue(held, "the spool filled and the batch is held");
        final EventDestinationCounters.Snapshot full = counters.snapshot();
        assertEquals(0, full.droppedSpoolFull() + full.droppedUnavailable(), full.toString());
        assertTrue(full.inFlight() > 0, "the held events wait: " + full);
        assertFalse(sender.send(batch, 1, 0), "still full");

        stream.spool().onAck(stream.spool().spool().lastSequence());
        sender.doWork(0);
        assertTrue(sender.send(batch, 1, 0), "room again once the core acknowledged");
        final EventDestinationCounters.Snapshot after = counters.snapshot();
        assertEquals(0, after.inFlight(), after.toString());
        assertEquals((long)rounds * EVENTS_PER_BATCH, after.sent());
    }

    private EventSender sender(final OverflowRule overflow)
    {
        final int streamId = STREAM_IDS.getAndIncrement();
        stream = new DestinationStream(0, "eu-west", media.aeron.addExclusivePublication("aeron:ipc", streamId),
            StreamSequence.open(directory.resolve("eu-west.seq"), 1_000),
            new DestinationCounters(media.aeron::addCounter, "eu-west", "events-0"));
        stream.spool(new StreamSpool(
            Spool.open(new SpoolConfig()
                .directory(directory.resolve("spool"))
                .segmentLength(SEGMENT)
                .maxBytes(2L * SEGMENT)
                .overflowRule(overflow)
                .fsyncPolicy(FsyncPolicy.NEVER)),
            null, "gw-1", "eu-west", 0x8000, stream.publication().maxPayloadLength(), TimeUnit.SECONDS.toNanos(5)));
        counters = new EventDestinationCounters(media.aeron::addCounter, "eu-west", "events-0");
        return new EventSender(List.of(stream), List.of(counters), "gw-1", "lab-1", "eu-west", 0x8000,
            TimeUnit.MILLISECONDS.toNanos(100), new OffsetEpochNanoClock(), 4096);
    }

    private static EventBatch batch()
    {
        final EventBatch batch = new EventBatch(EVENTS_PER_BATCH, 4096, 1);
        final byte[] body = "x".repeat(BODY).getBytes(StandardCharsets.US_ASCII);
        for (int e = 0; e < EVENTS_PER_BATCH; e++)
        {
            final int i = batch.begin(EventKind.SYSLOG.code(), 1_000L + e);
            batch.bytes().putBytes(batch.writeOffset(), body);
            batch.endRaw(i, body.length);
            batch.commit(i);
            batch.delivery[0][i] = EventResidencyPlan.RAW;
        }
        return batch;
    }
}
