package dev.sluice.regional.sink;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka sink's bookkeeping with a producer that completes sends only when told and a clock
 * that moves only when told, the sender run by hand: what is delivered when, what is sent again
 * in which order, what is counted, what is refused.
 */
@Timeout(30)
class KafkaSinkUnitTest
{
    private static final long MIN_BACKOFF_NS = Duration.ofMillis(100).toNanos();
    private static final long MAX_BACKOFF_NS = Duration.ofSeconds(10).toNanos();

    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<TestProducer> producers = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final UnsafeBuffer line = new UnsafeBuffer(new byte[64 * 1024]);
    private final SinkStream stream = new SinkStream(0, "gw-1", "eu-west", 2);
    private KafkaSink sink;

    @AfterEach
    void close()
    {
        if (null != sink)
        {
            sink.close();
        }
    }

    @Test
    void aBatchIsDeliveredOnceEveryRecordOfItAndOfEarlierBatchesIsAcknowledged()
    {
        sink = sink(config());
        offer(1, DataKind.PACKETS, DataKind.EVENTS_SYSLOG);
        offer(2, DataKind.FLOWS);
        assertEquals(4, work(), "the read-back of what Kafka holds, then three sends");
        assertEquals(List.of(
            "t.packets gw-1/eu-west/2 r1.0", "t.events.syslog gw-1/eu-west/2 r1.1", "t.flows gw-1/eu-west/2 r2.0"),
            producer().sent());

        producer().completeNext();
        work();
        assertEquals(0, sink.deliveredSequence(stream));
        producer().completeNext();
        work();
        assertEquals(1, sink.deliveredSequence(stream));
        final List<String> reports = new ArrayList<>();
        assertEquals(1, sink.pollDelivered((s, sequence) -> reports.add(s.keyText() + "@" + sequence)));
        assertEquals(0, sink.pollDelivered((s, sequence) -> reports.add(s.keyText() + "@" + sequence)));
        producer().completeNext();
        work();
        assertEquals(2, sink.deliveredSequence(stream));
        sink.pollDelivered((s, sequence) -> reports.add(s.keyText() + "@" + sequence));
        assertEquals(List.of("gw-1/eu-west/2@1", "gw-1/eu-west/2@2"), reports);

        final SinkCounters counters = sink.counters();
        assertEquals(2, counters.get(SinkCounter.OFFERED_BATCHES));
        assertEquals(3, counters.get(SinkCounter.OFFERED_RECORDS));
        assertEquals(2, counters.get(SinkCounter.DELIVERED_BATCHES));
        assertEquals(3, counters.get(SinkCounter.DELIVERED_RECORDS));
        assertEquals(3 * "r1.0\n".length(), counters.get(SinkCounter.DELIVERED_BYTES));
        assertTrue(errors.isEmpty());
    }

    @Test
    void aTransientFailureIsSentAgainAfterABackoffBeforeAnythingNewer()
    {
        sink = sink(config());
        offer(1, DataKind.PACKETS, DataKind.PACKETS);
        work();
        producer().errorNext(new TimeoutException("Expiring 1 record(s): 3000 ms has passed since batch creation"));
        producer().completeNext();
        work();
        assertTrue(sink.sender().isRetryPending());
        assertEquals(0, sink.deliveredSequence(stream));

        offer(2, DataKind.FLOWS);
        assertEquals(0, work(), "nothing is sent while a retry waits");
        clock.advance(MIN_BACKOFF_NS);
        work();
        assertEquals(List.of(
            "t.packets gw-1/eu-west/2 r1.0", "t.packets gw-1/eu-west/2 r1.1",
            "t.packets gw-1/eu-west/2 r1.0", "t.flows gw-1/eu-west/2 r2.0"),
            producer().sent());
        assertEquals(1, sink.counters().get(SinkCounter.RETRIES));

        producer().completeAll();
        work();
        assertEquals(2, sink.deliveredSequence(stream));
        assertEquals(0, sink.counters().failedTotal());
        assertEquals(1, errors.size(), errors.toString());
        assertNull(assertInstanceOf(KafkaSinkException.class, errors.getFirst()).reason());
    }

    @Test
    void aSendThatFailsAtOnceStopsTheBurstSoNothingOvertakesIt()
    {
        sink = sink(config());
        offer(1, DataKind.PACKETS, DataKind.PACKETS, DataKind.PACKETS);
        producer().sendException = new TimeoutException("Topic t.packets not present in metadata after 1000 ms.");
        work();
        assertEquals(1, sink.sender().inFlightRecords(), "only the first record was tried");
        work();
        assertEquals(1, sink.sender().inFlightRecords(), "and nothing while it waits to be sent again");

        producer().sendException = null;
        clock.advance(MIN_BACKOFF_NS);
        work();
        assertEquals(List.of(
            "t.packets gw-1/eu-west/2 r1.0", "t.packets gw-1/eu-west/2 r1.1", "t.packets gw-1/eu-west/2 r1.2"),
            producer().sent());
        producer().completeAll();
        work();
        assertEquals(1, sink.deliveredSequence(stream));
    }

    @Test
    void aRecordTooLargeIsCountedDroppedAndItsStreamGoesOn()
    {
        sink = sink(config());
        offer(1, DataKind.EVENTS_SYSLOG, DataKind.EVENTS_SYSLOG);
        work();
        producer().completeNext();
        producer().errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));
        work();
        assertEquals(1, sink.deliveredSequence(stream));
        assertEquals(1, sink.counters().failed(SinkFailure.RECORD_TOO_LARGE));
        assertEquals(1, sink.counters().get(SinkCounter.DELIVERED_RECORDS));
        assertEquals(0, sink.counters().get(SinkCounter.RETRIES));
        assertEquals(SinkFailure.RECORD_TOO_LARGE, ((KafkaSinkException)errors.getFirst()).reason());
    }

    @Test
    void anAuthorizationFailureIsCountedKeptAndRetriedAtTheLongestBackoff()
    {
        sink = sink(config());
        offer(1, DataKind.FLOWS);
        work();
        producer().errorNext(new TopicAuthorizationException(Set.of("t.flows")));
        work();
        assertEquals(1, sink.counters().failed(SinkFailure.AUTHORIZATION));

        clock.advance(MAX_BACKOFF_NS / 2 - 1);
        work();
        assertEquals(1, producer().sent().size(), "not before half the longest backoff");
        clock.advance(MAX_BACKOFF_NS / 2 + 1);
        work();
        assertEquals(2, producer().sent().size());
        producer().completeAll();
        work();
        assertEquals(1, sink.deliveredSequence(stream));
        assertTrue(errors.getFirst().getMessage().contains("IDEMPOTENT_WRITE"), errors.getFirst().getMessage());
    }

    @Test
    void aFencedProducerIsReplacedAndEveryUnacknowledgedRecordSentAgainInOrder()
    {
        sink = sink(config());
        offer(1, DataKind.PACKETS, DataKind.FLOWS);
        offer(2, DataKind.PACKETS);
        work();
        final TestProducer first = producer();
        first.errorNext(new ProducerFencedException("There is a newer producer with the same transactionalId"));
        work();
        assertEquals(1, sink.counters().failed(SinkFailure.PRODUCER_FENCED));

        clock.advance(MIN_BACKOFF_NS);
        work();
        assertTrue(first.closed());
        assertEquals(2, producers.size(), "a new producer");
        assertEquals(List.of(
            "t.packets gw-1/eu-west/2 r1.0", "t.flows gw-1/eu-west/2 r1.1", "t.packets gw-1/eu-west/2 r2.0"),
            producer().sent());
        assertEquals(3, sink.counters().get(SinkCounter.RETRIES));
        assertEquals(1, sink.counters().failed(SinkFailure.PRODUCER_FENCED), "the close is not the records' failure");

        producer().completeAll();
        work();
        assertEquals(2, sink.deliveredSequence(stream));
    }

    @Test
    void refusesBatchesOnceItsBufferIsFullWithoutWaitingAndTakesThemAgainOnceDelivered()
    {
        sink = sink(config().bufferLength(4096));
        long sequence = 1;
        while (sink.offerBatch(stream, sequence, 1, 100))
        {
            append(sequence, 0, DataKind.PACKETS);
            sink.commitBatch();
            sequence++;
        }
        final long taken = sequence - 1;
        // Each entry takes 40 bytes; an offer reserves for its bound (100 bytes + an entry's overhead).
        assertEquals((4096 - RecordRing.batchLengthBound(1, 100)) / 40 + 1, taken);
        assertEquals(1, sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE));
        assertFalse(sink.offerBatch(stream, sequence, 1, 100));
        assertEquals(2, sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE));

        for (int round = 0; round < 10 && sink.deliveredSequence(stream) < taken; round++)
        {
            work();
            assertTrue(sink.sender().inFlightRecords() <= 64, "at most maxInFlightRecords handed to the producer");
            producer().completeAll();
            work();
        }
        assertEquals(taken, sink.deliveredSequence(stream));
        assertTrue(sink.offerBatch(stream, sequence, 1, 100));
        append(sequence, 0, DataKind.PACKETS);
        sink.commitBatch();
    }

    @Test
    void anEmptyBatchIsDeliveredInItsTurn()
    {
        sink = sink(config());
        offer(1, DataKind.PACKETS);
        offer(2);
        work();
        assertEquals(0, sink.deliveredSequence(stream));
        producer().completeAll();
        work();
        assertEquals(2, sink.deliveredSequence(stream));
        assertEquals(1, sink.counters().get(SinkCounter.DELIVERED_RECORDS));
        assertEquals(2, sink.counters().get(SinkCounter.DELIVERED_BATCHES));
    }

    @Test
    void aBatchLargerThanTheBufferIsCountedAsTooLargeAndItsStreamGoesOn()
    {
        sink = sink(config().bufferLength(4096));
        assertTrue(sink.offerBatch(stream, 1, 2, 10_000));
        sink.appendRecord(DataKind.FRAMES, SinkRecords.nextOrigin(), line, 0, 5000);
        sink.appendRecord(DataKind.FRAMES, SinkRecords.nextOrigin(), line, 0, 5000);
        sink.commitBatch();
        offer(2, DataKind.PACKETS);
        work();
        producer().completeAll();
        work();
        assertEquals(2, sink.deliveredSequence(stream));
        assertEquals(2, sink.counters().failed(SinkFailure.RECORD_TOO_LARGE));
        assertEquals(List.of("t.packets gw-1/eu-west/2 r2.0"), producer().sent());
    }

    @Test
    void misuseOfTheBatchProtocolIsRefusedLoudly()
    {
        sink = sink(config());
        assertThrows(IllegalStateException.class, () -> sink.appendRecord(DataKind.PACKETS, SinkRecords.nextOrigin(), line, 0, 4));
        assertThrows(IllegalStateException.class, () -> sink.commitBatch());
        assertTrue(sink.offerBatch(stream, 1, 1, 10));
        assertThrows(IllegalStateException.class, () -> sink.offerBatch(stream, 2, 1, 10));
        assertThrows(IllegalStateException.class, () -> sink.commitBatch());
        assertThrows(IllegalStateException.class, () -> sink.appendRecord(DataKind.PACKETS, SinkRecords.nextOrigin(), line, 0, 11));
        sink.appendRecord(DataKind.PACKETS, SinkRecords.nextOrigin(), line, 0, 10);
        assertThrows(IllegalStateException.class, () -> sink.appendRecord(DataKind.PACKETS, SinkRecords.nextOrigin(), line, 0, 1));
        sink.commitBatch();
        assertThrows(IllegalArgumentException.class,
            () -> sink.offerBatch(new SinkStream(0, "gw-9", "eu-west", 0), 1, 0, 0));
    }

    @Test
    void everyInvalidSettingIsReportedAtOnce()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new KafkaSinkConfig()
            .topicPrefix("bad prefix")
            .maxInFlightRequests(6)
            .maxInFlightRecords(1000)
            .bufferLength(5000)
            .producerProperty("acks", "1")
            .conclude());
        final String message = error.getMessage();
        for (final String expected : List.of(
            "bootstrapServers is required", "topicPrefix", "maxInFlightRequests must be 1 to 5",
            "maxInFlightRecords must be a power of two", "bufferLength must be a power of two", "acks is fixed"))
        {
            assertTrue(message.contains(expected), expected + " in " + message);
        }
    }

    @Test
    void eachKindHasItsTopicAndUnknownEventKindsShareOne()
    {
        assertEquals("sluice.events.syslog", DataKind.ofEvent(1).topic("sluice"));
        assertEquals(DataKind.EVENTS_CAN, DataKind.ofEvent(6));
        assertEquals(DataKind.EVENTS_OTHER, DataKind.ofEvent(0));
        assertEquals(DataKind.EVENTS_OTHER, DataKind.ofEvent(999));
        assertEquals(DataKind.EVENTS_OTHER, DataKind.ofEvent(-1));
        assertEquals("p.flows", new KafkaSinkConfig().topicPrefix("p").topic(DataKind.FLOWS));
    }

    private KafkaSinkConfig config()
    {
        return new KafkaSinkConfig()
            .bootstrapServers("127.0.0.1:9")
            .topicPrefix("t")
            .retryBackoffMinNs(MIN_BACKOFF_NS)
            .retryBackoffMaxNs(MAX_BACKOFF_NS)
            .maxInFlightRecords(64);
    }

    private KafkaSink sink(final KafkaSinkConfig config)
    {
        return new KafkaSink(config, errors::add, (properties) ->
        {
            assertEquals("true", properties.get("enable.idempotence"));
            assertEquals("all", properties.get("acks"));
            final TestProducer producer = new TestProducer();
            producers.add(producer);
            return producer;
        }, (properties) -> SinkRecords.emptyKafka(), OriginCheck.TRUST, clock, false);
    }

    private TestProducer producer()
    {
        return producers.getLast();
    }

    private int work()
    {
        return sink.sender().doWork();
    }

    private void offer(final long sequence, final DataKind... kinds)
    {
        assertTrue(sink.offerBatch(stream, sequence, kinds.length, kinds.length * 100L));
        for (int i = 0; i < kinds.length; i++)
        {
            append(sequence, i, kinds[i]);
        }
        sink.commitBatch();
    }

    private void append(final long sequence, final int index, final DataKind kind)
    {
        final int length = line.putStringWithoutLengthAscii(0, "r" + sequence + "." + index + "\n");
        sink.appendRecord(kind, SinkRecords.nextOrigin(), line, 0, length);
    }
}
