package dev.sluice.regional.sink;

import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.sluice.regional.sink.SinkRecords.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka sink against a real broker (KRaft, one node, a child JVM shared by the tests of this
 * class): records reach their kind's topic under their stream's key, in order per stream and once
 * each; a record Kafka can never take is counted and skipped without stalling its stream.
 */
@Timeout(180)
class KafkaSinkTest
{
    private static final int PARTITIONS = 3;
    private static final DataKind[] MIXED = {
        DataKind.PACKETS, DataKind.PACKETS, DataKind.FLOWS, DataKind.FRAMES,
        DataKind.EVENTS_SYSLOG, DataKind.EVENTS_JSON, DataKind.EVENTS_CEF, DataKind.EVENTS_OTHER };

    @TempDir
    static Path brokerDir;

    private static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception
    {
        broker = KafkaTestBroker.start(brokerDir, PARTITIONS);
        System.out.println("Kafka broker started in " + broker.lastStartMs() + " ms");
    }

    @AfterAll
    static void stopBroker()
    {
        if (null != broker)
        {
            broker.close();
        }
    }

    @Test
    void deliversEachKindToItsTopicOncePerRecordInOrderPerStream()
    {
        final String prefix = "order";
        final List<SinkStream> streams = List.of(
            new SinkStream(0, "gw-1", "eu-west", 0),
            new SinkStream(1, "gw-1", "eu-west", 1),
            new SinkStream(2, "gw-2", "eu-west", 0),
            new SinkStream(3, "gw-3", "eu-west", 7));
        final int batches = 300;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);
        final List<long[]> progress = new ArrayList<>();

        try (KafkaSink sink = new KafkaSink(config(prefix).bufferLength(256 * 1024), errors::add, OriginCheck.TRUST))
        {
            for (long sequence = 1; sequence <= batches; sequence++)
            {
                for (final SinkStream stream : streams)
                {
                    SinkRecords.offerUntilTaken(sink, stream, sequence, MIXED, 40, scratch, () -> SinkRecords.sleepMs(1));
                }
                sink.pollDelivered((stream, delivered) -> progress.add(new long[]{ stream.id(), delivered }));
            }
            await("every batch delivered",
                () -> streams.stream().allMatch((stream) -> sink.deliveredSequence(stream) == batches),
                Duration.ofSeconds(60));
            sink.pollDelivered((stream, delivered) -> progress.add(new long[]{ stream.id(), delivered }));

            final SinkCounters counters = sink.counters();
            assertEquals((long)batches * streams.size(), counters.get(SinkCounter.OFFERED_BATCHES));
            assertEquals((long)batches * streams.size(), counters.get(SinkCounter.DELIVERED_BATCHES));
            assertEquals((long)batches * streams.size() * MIXED.length, counters.get(SinkCounter.DELIVERED_RECORDS));
            assertEquals(0, counters.failedTotal(), counters.toString());
        }
        assertEquals(List.of(), failures(errors));

        // Each stream's reported progress only grows and ends at the last batch.
        for (final SinkStream stream : streams)
        {
            long last = 0;
            for (final long[] report : progress)
            {
                if (report[0] == stream.id())
                {
                    assertTrue(report[1] > last, "progress of " + stream + " went from " + last + " to " + report[1]);
                    last = report[1];
                }
            }
            assertEquals(batches, last, "last progress reported for " + stream);
        }

        final List<String> topics = topics(prefix, MIXED);
        final Map<TopicPartition, List<SinkRecords.Read>> reads =
            SinkRecords.readAll(broker.bootstrapServers(), topics, (long)batches * streams.size() * MIXED.length);
        SinkRecords.assertExactlyOnceInOrder(reads, streams, batches, MIXED, prefix);
        // One stream's records of one kind share a partition.
        for (final String topic : topics)
        {
            for (final SinkStream stream : streams)
            {
                final long partitions = reads.entrySet().stream()
                    .filter((e) -> e.getKey().topic().equals(topic))
                    .filter((e) -> e.getValue().stream().anyMatch((r) -> r.stream().equals(stream.keyText())))
                    .count();
                assertEquals(1, partitions, stream + " in " + topic);
            }
        }
    }

    @Test
    void recordLargerThanKafkaTakesIsCountedAndSkippedWithoutStallingItsStream()
    {
        final String prefix = "large";
        final SinkStream stream = new SinkStream(0, "gw-1", "eu-west", 0);
        final DataKind[] kinds = { DataKind.EVENTS_SYSLOG, DataKind.EVENTS_SYSLOG, DataKind.EVENTS_SYSLOG };
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[16 * 1024]);

        try (KafkaSink sink = new KafkaSink(config(prefix).maxRequestSize(2048), errors::add, OriginCheck.TRUST))
        {
            SinkRecords.offerUntilTaken(sink, stream, 1, kinds, 10, scratch, () -> SinkRecords.sleepMs(1));
            // Batch 2: its middle record is 5000 bytes, more than max.request.size.
            assertTrue(sink.offerBatch(stream, 2, 3, 6000));
            for (int i = 0; i < 3; i++)
            {
                final int length = SinkRecords.render(scratch, stream, 2, i, DataKind.EVENTS_SYSLOG, 1 == i ? 5000 : 10);
                sink.appendRecord(DataKind.EVENTS_SYSLOG, SinkRecords.nextOrigin(), scratch, 0, length);
            }
            sink.commitBatch();
            SinkRecords.offerUntilTaken(sink, stream, 3, kinds, 10, scratch, () -> SinkRecords.sleepMs(1));

            await("batch 3 delivered", () -> sink.deliveredSequence(stream) == 3, Duration.ofSeconds(60));
            assertEquals(1, sink.counters().failed(SinkFailure.RECORD_TOO_LARGE), sink.counters().toString());
            assertEquals(8, sink.counters().get(SinkCounter.DELIVERED_RECORDS));
            assertEquals(3, sink.counters().get(SinkCounter.DELIVERED_BATCHES));
        }

        assertEquals(1, failures(errors).size(), errors.toString());
        final KafkaSinkException error = assertInstanceOf(KafkaSinkException.class, failures(errors).getFirst());
        assertEquals(SinkFailure.RECORD_TOO_LARGE, error.reason());
        assertTrue(error.getMessage().contains(KafkaSinkConfig.MAX_REQUEST_SIZE_PROP_NAME), error.getMessage());

        final Map<TopicPartition, List<SinkRecords.Read>> reads =
            SinkRecords.readAll(broker.bootstrapServers(), topics(prefix, kinds), 8);
        final List<String> seen = new ArrayList<>();
        reads.values().forEach((list) -> list.forEach((read) -> seen.add(read.sequence() + "/" + read.index())));
        assertEquals(List.of("1/0", "1/1", "1/2", "2/0", "2/2", "3/0", "3/1", "3/2"), seen);
    }

    static KafkaSinkConfig config(final String prefix)
    {
        return new KafkaSinkConfig()
            .bootstrapServers(broker.bootstrapServers())
            .topicPrefix(prefix)
            .lingerNs(Duration.ofMillis(2).toNanos())
            .maxBlockNs(Duration.ofSeconds(10).toNanos())
            .closeTimeoutNs(Duration.ofSeconds(10).toNanos());
    }

    /**
     * The errors that report failures, leaving out transient ones: a busy machine may take longer
     * than max.block to create a topic on first use, which the sink retries and reports.
     *
     * @param errors what the error handler got.
     * @return the failures among them.
     */
    static List<Throwable> failures(final List<Throwable> errors)
    {
        return errors.stream()
            .filter((error) -> !(error instanceof KafkaSinkException) || null != ((KafkaSinkException)error).reason())
            .toList();
    }

    static List<String> topics(final String prefix, final DataKind[] kinds)
    {
        return Arrays.stream(kinds).distinct().map((kind) -> kind.topic(prefix)).toList();
    }
}
