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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.sluice.regional.sink.SinkRecords.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka sink while its broker is killed with SIGKILL and started again on the same log: the
 * idempotent producer's retries neither lose nor duplicate nor reorder a record; a broker down for
 * longer than the producer's delivery timeout makes the sink refuse offers once its buffer is full
 * (the caller keeps them) and, once it can read back what Kafka holds, resend what Kafka lacks,
 * while another sink fed by the same thread takes every batch; when the broker is back everything
 * arrives once, in order.
 */
@Timeout(300)
class KafkaSinkBrokerFaultTest
{
    private static final int PARTITIONS = 2;
    private static final DataKind[] KINDS = {
        DataKind.PACKETS, DataKind.FLOWS, DataKind.EVENTS_SYSLOG, DataKind.EVENTS_SYSLOG, DataKind.EVENTS_JSON };

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
    void brokerKilledMidStreamAndRestartedGetsEveryRecordOnceInOrder() throws Exception
    {
        final String prefix = "killed";
        final List<SinkStream> streams = List.of(new SinkStream(0, "gw-1", "eu-west", 0), new SinkStream(1, "gw-2", "eu-west", 3));
        final int batches = 600;
        final int killAfter = 200;
        final int restartAfter = 400;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);

        try (KafkaSink sink = new KafkaSink(config(prefix).bufferLength(4 * 1024 * 1024), errors::add, OriginCheck.TRUST))
        {
            for (long sequence = 1; sequence <= batches; sequence++)
            {
                for (final SinkStream stream : streams)
                {
                    SinkRecords.offerUntilTaken(sink, stream, sequence, KINDS, 20, scratch, () -> SinkRecords.sleepMs(1));
                }
                if (killAfter / 2 == sequence)
                {
                    // Let the stream flow first (topics created, records acknowledged).
                    await("the first batches delivered",
                        () -> sink.deliveredSequence(streams.getFirst()) >= killAfter / 4, Duration.ofSeconds(60));
                }
                if (killAfter == sequence)
                {
                    // Records of the last batches are in the producer or on the wire: some may be
                    // written to the log without their acknowledgement reaching the producer.
                    broker.kill();
                    System.out.println("killed the broker with " + sink.sender().inFlightRecords() +
                        " records in flight, delivered " + sink.deliveredSequence(streams.getFirst()));
                }
                if (restartAfter == sequence)
                {
                    broker.restart();
                    System.out.println("broker restarted in " + broker.lastStartMs() + " ms");
                }
            }
            await("every batch delivered",
                () -> streams.stream().allMatch((stream) -> sink.deliveredSequence(stream) == batches),
                Duration.ofSeconds(120));
            System.out.println("after restart: " + sink.counters());
            assertEquals(0, sink.counters().failedTotal(), sink.counters().toString());
            assertEquals((long)batches * streams.size() * KINDS.length, sink.counters().get(SinkCounter.DELIVERED_RECORDS));
        }

        final Map<TopicPartition, List<SinkRecords.Read>> reads = SinkRecords.readAll(
            broker.bootstrapServers(), KafkaSinkTest.topics(prefix, KINDS), (long)batches * streams.size() * KINDS.length);
        SinkRecords.assertExactlyOnceInOrder(reads, streams, batches, KINDS, prefix);
    }

    @Test
    void brokerDownRefusesBeyondTheBoundRetriesWithBackoffAndLeavesAnotherSinkUntouched() throws Exception
    {
        final String prefix = "down";
        final SinkStream stream = new SinkStream(0, "gw-1", "eu-west", 0);
        final List<SinkStream> streams = List.of(stream);
        final int warmBatches = 20;
        final int batches = 400;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);
        final MemorySink other = new MemorySink();

        final KafkaSinkConfig config = config(prefix)
            .bufferLength(64 * 1024)
            .deliveryTimeoutNs(Duration.ofSeconds(3).toNanos())
            .requestTimeoutNs(Duration.ofSeconds(1).toNanos())
            .maxBlockNs(Duration.ofMillis(500).toNanos())
            .retryBackoffMinNs(Duration.ofMillis(100).toNanos())
            .retryBackoffMaxNs(Duration.ofSeconds(1).toNanos());
        try (KafkaSink sink = new KafkaSink(config, errors::add, OriginCheck.TRUST))
        {
            long sequence = 1;
            for (; sequence <= warmBatches; sequence++)
            {
                SinkRecords.offerUntilTaken(sink, stream, sequence, KINDS, 20, scratch, () -> SinkRecords.sleepMs(1));
                SinkRecords.offerUntilTaken(other, stream, sequence, KINDS, 20, scratch, () -> { });
            }
            await("the first batches delivered", () -> sink.deliveredSequence(stream) == warmBatches, Duration.ofSeconds(60));

            broker.kill();

            // The caller goes on with both sinks; Kafka's takes batches until its buffer is full,
            // then refuses them (the caller would keep them in its log), and the other sink takes all.
            long firstRefused = 0;
            for (; sequence <= batches; sequence++)
            {
                if (0 == firstRefused && !offer(sink, stream, sequence, scratch))
                {
                    firstRefused = sequence;
                }
                SinkRecords.offerUntilTaken(other, stream, sequence, KINDS, 20, scratch, () -> { });
            }
            assertTrue(firstRefused > warmBatches, "Kafka sink refused from batch " + firstRefused);
            assertEquals(batches, other.deliveredSequence(stream));
            assertEquals((long)batches * KINDS.length, other.counters().get(SinkCounter.DELIVERED_RECORDS));
            assertEquals(warmBatches, sink.deliveredSequence(stream));
            assertTrue(sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE) >= 1, sink.counters().toString());

            // Past the delivery timeout the producer gives the records back; the sink keeps them and,
            // once it can read back what Kafka holds (after a backoff, while the broker is down it
            // cannot), resends those Kafka does not hold.
            await("the records to come back failed", () -> errors.stream().anyMatch(
                (e) -> e instanceof KafkaSinkException && null == ((KafkaSinkException)e).reason()), Duration.ofSeconds(60));
            final long refusedWhileDown = sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE);
            System.out.println("while down: " + sink.counters());

            broker.restart();
            System.out.println("broker restarted in " + broker.lastStartMs() + " ms");

            // The caller resends what was refused, from its log.
            for (long resend = firstRefused; resend <= batches; resend++)
            {
                SinkRecords.offerUntilTaken(sink, stream, resend, KINDS, 20, scratch, () -> SinkRecords.sleepMs(1));
            }
            await("every batch delivered", () -> sink.deliveredSequence(stream) == batches, Duration.ofSeconds(120));
            System.out.println("after restart: " + sink.counters());

            final SinkCounters counters = sink.counters();
            assertTrue(refusedWhileDown >= 1);
            assertEquals(0, counters.failedTotal(), counters.toString());
            assertTrue(counters.get(SinkCounter.RETRIES) > 0, counters.toString());
            assertTrue(counters.get(SinkCounter.READ_BACKS) >= 2, "at start and before resending: " + counters);
            assertEquals(batches, counters.get(SinkCounter.OFFERED_BATCHES));
            assertEquals(batches, counters.get(SinkCounter.DELIVERED_BATCHES));
            assertEquals((long)batches * KINDS.length, counters.get(SinkCounter.DELIVERED_RECORDS));
        }

        final Map<TopicPartition, List<SinkRecords.Read>> reads = SinkRecords.readAll(
            broker.bootstrapServers(), KafkaSinkTest.topics(prefix, KINDS), (long)batches * KINDS.length);
        SinkRecords.assertExactlyOnceInOrder(reads, streams, batches, KINDS, prefix);
    }

    private static boolean offer(final KafkaSink sink, final SinkStream stream, final long sequence, final UnsafeBuffer scratch)
    {
        if (!sink.offerBatch(stream, sequence, KINDS.length, (long)KINDS.length * 220))
        {
            return false;
        }
        for (int i = 0; i < KINDS.length; i++)
        {
            final int length = SinkRecords.render(scratch, stream, sequence, i, KINDS[i], 20);
            sink.appendRecord(KINDS[i], SinkRecords.nextOrigin(), scratch, 0, length);
        }
        sink.commitBatch();
        return true;
    }

    private static KafkaSinkConfig config(final String prefix)
    {
        return new KafkaSinkConfig()
            .bootstrapServers(broker.bootstrapServers())
            .topicPrefix(prefix)
            .lingerNs(Duration.ofMillis(2).toNanos())
            .closeTimeoutNs(Duration.ofSeconds(10).toNanos());
    }
}
