package dev.sluice.regional;

import dev.sluice.regional.sink.DataKind;
import dev.sluice.regional.sink.KafkaSinkConfig;
import dev.sluice.regional.sink.KafkaSinkException;
import dev.sluice.regional.sink.KafkaTestBroker;
import dev.sluice.regional.sink.Sink;
import dev.sluice.regional.sink.SinkCounter;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A regional core with its Kafka sink on, against a real broker: every line of its NDJSON file is
 * also in Kafka, byte for byte, in its kind's topic and in the file's order.
 */
@Timeout(180)
class RegionalCoreKafkaTest
{
    @TempDir
    Path outputDir;

    @TempDir
    Path brokerDir;

    @Test
    void everyLineOfTheFileIsAlsoInItsKindsTopic() throws Exception
    {
        try (KafkaTestBroker broker = KafkaTestBroker.start(brokerDir, 1);
            TestDriver driver = new TestDriver();
            Publication publication = driver.aeron.addPublication("aeron:ipc", RegionalCoreContext.STREAM_ID_DEFAULT))
        {
            final List<Throwable> errors = new ArrayList<>();
            final RegionalCore core = core(driver, broker, errors);
            final Sink sink = core.sinks().getFirst();
            try
            {
                TestDriver.until(publication::isConnected, core::doWork, "the publication to connect");
                final List<TestBatch> batches = List.of(
                    batch("gw-a", "eu-west", 1)
                        .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 51000))
                        .packet(tcp4("192.0.2.2", "198.51.100.8", 443, 51001))
                        .event(TestBatch.BASE_TS_NS, 1, "<13>hello \"there\"".getBytes(StandardCharsets.US_ASCII))
                        .event(TestBatch.BASE_TS_NS, 4, "{\"speed\":12.5}".getBytes(StandardCharsets.US_ASCII)),
                    batch("gw-b", "eu-west", 1).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)),
                    batch("gw-a", "eu-west", 2).event(TestBatch.BASE_TS_NS, 1, "<14>bye".getBytes(StandardCharsets.US_ASCII)));
                for (final TestBatch batch : batches)
                {
                    final UnsafeBuffer frame = batch.encode();
                    TestDriver.until(
                        () -> publication.offer(frame, 0, frame.capacity()) > 0, core::doWork, "offer to succeed");
                }
                TestDriver.until(
                    () -> sink.counters().get(SinkCounter.DELIVERED_BATCHES) == 3, core::doWork, "Kafka to acknowledge");
            }
            finally
            {
                core.onClose();
            }
            // Transient failures (a topic created on first use slower than max.block) are retried, not failures.
            assertEquals(List.of(), errors.stream()
                .filter((error) -> !(error instanceof KafkaSinkException) || null != ((KafkaSinkException)error).reason())
                .toList());
            assertEquals(0, sink.counters().failedTotal());
            assertEquals(6, sink.counters().get(SinkCounter.DELIVERED_RECORDS));

            final List<String> fileLines = Files.readAllLines(outputDir.resolve("eu-west.ndjson"), StandardCharsets.UTF_8);
            assertEquals(6, fileLines.size());
            for (final DataKind kind : List.of(DataKind.PACKETS, DataKind.EVENTS_SYSLOG, DataKind.EVENTS_JSON))
            {
                final String type = DataKind.PACKETS == kind ? "\"type\":\"packet\"" :
                    "\"kind\":\"" + kind.topicSuffix().substring("events.".length()) + "\"";
                final List<String> expected = fileLines.stream().filter((line) -> line.contains(type)).toList();
                assertTrue(!expected.isEmpty(), kind.toString());
                assertEquals(expected, readAll(broker, kind.topic("eu")), kind.topic("eu"));
            }
        }
    }

    /**
     * A core that stops after Kafka delivered more than its persisted cursor says (a kill after the
     * last durability point) offers those records again at its next start: Kafka, read back, skips
     * them. Then a Kafka outage longer than the sink's buffer: the feed's refused batches are
     * offered again once the broker is back. Every line of the file is in Kafka once, in order.
     */
    @Test
    void aCoreRestartAndAKafkaOutageLeaveEveryLineInKafkaOnceInOrder() throws Exception
    {
        try (KafkaTestBroker broker = KafkaTestBroker.start(brokerDir, 2);
            TestDriver driver = new TestDriver();
            Publication publication = driver.aeron.addPublication("aeron:ipc", RegionalCoreContext.STREAM_ID_DEFAULT))
        {
            final List<Throwable> errors = new ArrayList<>();
            final Path stateFile = outputDir.resolve("eu-west.state");
            final byte[] staleState;
            RegionalCore core = core(driver, broker, errors);
            try
            {
                TestDriver.until(publication::isConnected, core::doWork, "the publication to connect");
                send(publication, core, 1, 20);
                final RegionalCore first = core;
                awaitKafka(core, () -> first.sinks().getFirst().counters().get(SinkCounter.DELIVERED_BATCHES) == 20,
                    "Kafka to acknowledge the first 20 batches");
                staleState = Files.readAllBytes(stateFile);
            }
            finally
            {
                core.onClose();
            }
            // As if the core had been killed right after its last durability point: the cursor it
            // persisted is behind what Kafka acknowledged.
            Files.write(stateFile, staleState);
            assertTrue(CoreStateFile.read(staleState).sinkCursor() < Files.size(outputDir.resolve("eu-west.ndjson")),
                "the persisted cursor lags what Kafka holds");

            core = core(driver, broker, errors);
            try
            {
                final RegionalCore second = core;
                final Sink sink = core.sinks().getFirst();
                TestDriver.until(publication::isConnected, core::doWork, "the publication to connect again");
                awaitKafka(core, () -> sink.counters().get(SinkCounter.ALREADY_HELD) > 0,
                    "the records offered again to be skipped");

                broker.kill();
                send(publication, core, 21, 60);
                final long refusedBefore = sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE);
                awaitKafka(core, () -> sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE) > refusedBefore + 3,
                    "the sink's buffer to fill while Kafka is down");
                broker.restart();
                final long fileLength = Files.size(outputDir.resolve("eu-west.ndjson"));
                awaitKafka(core, () -> second.sinkCursor() == fileLength, "Kafka to catch up after its outage");
            }
            finally
            {
                core.onClose();
            }
            assertEquals(List.of(), errors.stream()
                .filter((error) -> !(error instanceof KafkaSinkException) || null != ((KafkaSinkException)error).reason())
                .toList());
            // The operator sees the sink in the core's counters file: what it skipped and how far it got.
            core.countersFile().write(true);
            final String counters = Files.readString(outputDir.resolve("eu-west.counters.json"));
            final long held = core.sinks().getFirst().counters().get(SinkCounter.ALREADY_HELD);
            assertTrue(counters.contains("\"already_held\":" + held), counters);
            assertTrue(counters.contains("\"cursor\":" + Files.size(outputDir.resolve("eu-west.ndjson"))), counters);

            final List<String> fileLines = Files.readAllLines(outputDir.resolve("eu-west.ndjson"), StandardCharsets.UTF_8);
            assertEquals(60 * 3, fileLines.size());
            for (final DataKind kind : List.of(DataKind.PACKETS, DataKind.EVENTS_SYSLOG))
            {
                final String type = DataKind.PACKETS == kind ? "\"type\":\"packet\"" : "\"kind\":\"syslog\"";
                final List<String> expected = fileLines.stream().filter((line) -> line.contains(type)).toList();
                assertEquals(expected, readAll(broker, kind.topic("eu")), kind.topic("eu") + ": each line once, in order");
            }
        }
    }

    private RegionalCore core(final TestDriver driver, final KafkaTestBroker broker, final List<Throwable> errors)
    {
        return new RegionalCore(new RegionalCoreContext()
            .regionName("eu-west")
            .aeron(driver.aeron)
            .channel("aeron:ipc")
            .outputDir(outputDir)
            .flushIntervalNs(0)
            .errorHandler(errors::add)
            .kafkaSink(new KafkaSinkConfig()
                .bootstrapServers(broker.bootstrapServers())
                .topicPrefix("eu")
                .bufferLength(4096)
                .maxBlockNs(Duration.ofSeconds(1).toNanos())
                .retryBackoffMaxNs(Duration.ofSeconds(1).toNanos())));
    }

    /** Batches {@code from} to {@code to} of one stream, each of two packets and a syslog event. */
    private static void send(final Publication publication, final RegionalCore core, final int from, final int to)
    {
        for (int sequence = from; sequence <= to; sequence++)
        {
            final UnsafeBuffer frame = batch("gw-a", "eu-west", sequence)
                .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 50000 + sequence))
                .packet(tcp4("192.0.2.2", "198.51.100.8", 443, 50000 + sequence))
                .event(TestBatch.BASE_TS_NS + sequence, 1, ("<13>event " + sequence).getBytes(StandardCharsets.US_ASCII))
                .encode();
            TestDriver.until(() -> publication.offer(frame, 0, frame.capacity()) > 0, core::doWork, "offer to succeed");
        }
    }

    private static void awaitKafka(final RegionalCore core, final BooleanSupplier done, final String what)
    {
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out waiting for " + what + ": " + core.sinks().getFirst().counters());
            }
            if (0 == core.doWork())
            {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** Every value of a topic, partition after partition, each in its partition's order. */
    private static List<String> readAll(final KafkaTestBroker broker, final String topic)
    {
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties))
        {
            for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30)))
            {
                final TopicPartition partition = new TopicPartition(topic, info.partition());
                final long end = consumer.endOffsets(List.of(partition)).get(partition);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                final long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (consumer.position(partition) < end && System.nanoTime() - deadlineNs < 0)
                {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)))
                    {
                        values.add(new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return values;
    }
}
