package dev.sluice.regional.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Records the sink tests offer, and what they read back: each record is a JSON line naming its
 * stream, batch sequence and index in the batch, so the reader can check order and count copies.
 */
final class SinkRecords
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkRecords()
    {
    }

    /**
     * One record as read back.
     *
     * @param topic     where it was.
     * @param partition its partition.
     * @param key       the record key.
     * @param stream    the stream the JSON names.
     * @param sequence  its batch's sequence.
     * @param index     its index in the batch.
     * @param kind      the data kind the JSON names.
     */
    record Read(String topic, int partition, String key, String stream, long sequence, int index, String kind)
    {
    }

    /**
     * Renders a record's JSON line into a buffer.
     *
     * @param buffer   where the line goes, at 0.
     * @param stream   its stream.
     * @param sequence its batch's sequence.
     * @param index    its index in the batch.
     * @param kind     its kind.
     * @param padding  extra bytes of text, to make it longer.
     * @return the line's length.
     */
    static int render(
        final UnsafeBuffer buffer,
        final SinkStream stream,
        final long sequence,
        final int index,
        final DataKind kind,
        final int padding)
    {
        final String line = "{\"stream\":\"" + stream.keyText() + "\",\"seq\":" + sequence + ",\"i\":" + index +
            ",\"kind\":\"" + kind.topicSuffix() + "\",\"pad\":\"" + "x".repeat(padding) + "\"}\n";
        return buffer.putStringWithoutLengthAscii(0, line);
    }

    private static final AtomicLong ORIGINS = new AtomicLong();

    /**
     * An origin for the next record offered by a test: rising across every test of the JVM, as a
     * core's offsets in its recording rise.
     *
     * @return the origin.
     */
    static long nextOrigin()
    {
        return ORIGINS.getAndIncrement();
    }

    /**
     * A consumer of a Kafka that holds no topic: what a sink driven by a mock producer reads back.
     *
     * @return the consumer.
     */
    static Consumer<byte[], byte[]> emptyKafka()
    {
        return new MockConsumer<>("earliest");
    }

    /**
     * Offers a whole batch, calling {@code onRefused} and offering again while the sink refuses.
     *
     * @param sink      the sink.
     * @param stream    the stream.
     * @param sequence  the sequence.
     * @param kinds     the kind of each record.
     * @param padding   extra bytes per record.
     * @param scratch   a buffer for rendering.
     * @param onRefused run after each refusal, e.g. to wait a little.
     * @return how many times the sink refused.
     */
    static int offerUntilTaken(
        final Sink sink,
        final SinkStream stream,
        final long sequence,
        final DataKind[] kinds,
        final int padding,
        final UnsafeBuffer scratch,
        final Runnable onRefused)
    {
        final long lengthBound = (long)kinds.length * (200 + padding);
        int refused = 0;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!sink.offerBatch(stream, sequence, kinds.length, lengthBound))
        {
            refused++;
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("sink " + sink.name() + " refused batch " + sequence + " of " + stream + " for 120 s: " +
                    sink.counters());
            }
            onRefused.run();
        }
        for (int i = 0; i < kinds.length; i++)
        {
            final int length = render(scratch, stream, sequence, i, kinds[i], padding);
            sink.appendRecord(kinds[i], nextOrigin(), scratch, 0, length);
        }
        sink.commitBatch();

        return refused;
    }

    /**
     * Waits until a condition holds.
     *
     * @param what      what is awaited, for the failure message.
     * @param condition the condition.
     * @param timeout   how long to wait at most.
     */
    static void await(final String what, final BooleanSupplier condition, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleepMs(5);
        }
    }

    static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Reads every record of some topics from the beginning, until {@code expected} are read and a
     * further second brings no more (so copies beyond the expected count are seen too).
     *
     * @param bootstrapServers the broker.
     * @param topics           the topics.
     * @param expected         how many records to wait for.
     * @return records by topic-partition, each in partition order.
     */
    static Map<TopicPartition, List<Read>> readAll(
        final String bootstrapServers, final Collection<String> topics, final long expected)
    {
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        final Map<TopicPartition, List<Read>> reads = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : topics)
            {
                for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30)))
                {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            long read = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quietSinceNs = System.nanoTime();
            while (true)
            {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (final ConsumerRecord<byte[], byte[]> record : records)
                {
                    reads.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), (tp) -> new ArrayList<>())
                        .add(parse(record));
                    read++;
                }
                final long nowNs = System.nanoTime();
                if (!records.isEmpty())
                {
                    quietSinceNs = nowNs;
                }
                if (read >= expected && nowNs - quietSinceNs > TimeUnit.SECONDS.toNanos(1))
                {
                    return reads;
                }
                if (nowNs - deadlineNs > 0)
                {
                    fail("read " + read + " of " + expected + " records from " + topics + " in 60 s");
                }
            }
        }
    }

    /**
     * Checks that every record of {@code streams x batches x recordsPerBatch} is there exactly once,
     * in its kind's topic, under its stream's key, and that each stream's records are in order in
     * each partition.
     *
     * @param reads           what was read.
     * @param streams         the streams offered.
     * @param batches         batches per stream, sequences 1..batches.
     * @param kinds           the kind of each record of a batch.
     * @param topicPrefix     the sink's topic prefix.
     */
    static void assertExactlyOnceInOrder(
        final Map<TopicPartition, List<Read>> reads,
        final List<SinkStream> streams,
        final long batches,
        final DataKind[] kinds,
        final String topicPrefix)
    {
        final Map<String, Integer> copies = new LinkedHashMap<>();
        for (final Map.Entry<TopicPartition, List<Read>> entry : reads.entrySet())
        {
            final Map<String, long[]> lastByStream = new LinkedHashMap<>();
            for (final Read read : entry.getValue())
            {
                assertEquals(read.stream(), read.key(), "key of " + read);
                assertEquals(topicPrefix + "." + read.kind(), read.topic(), "topic of " + read);
                final long[] last = lastByStream.computeIfAbsent(read.stream(), (s) -> new long[]{ 0, -1 });
                assertTrue(read.sequence() > last[0] || (read.sequence() == last[0] && read.index() > last[1]),
                    "out of order in " + entry.getKey() + ": " + read + " after sequence " + last[0] + " index " +
                    last[1]);
                last[0] = read.sequence();
                last[1] = read.index();
                copies.merge(read.stream() + "#" + read.sequence() + "#" + read.index(), 1, Integer::sum);
            }
        }

        long missing = 0;
        for (final SinkStream stream : streams)
        {
            for (long sequence = 1; sequence <= batches; sequence++)
            {
                for (int i = 0; i < kinds.length; i++)
                {
                    final Integer count = copies.remove(stream.keyText() + "#" + sequence + "#" + i);
                    if (null == count)
                    {
                        missing++;
                    }
                    else
                    {
                        assertEquals(1, count, "copies of " + stream.keyText() + " sequence " + sequence + " record " + i);
                    }
                }
            }
        }
        assertEquals(0, missing, "records missing");
        assertTrue(copies.isEmpty(), "records never offered: " + copies.keySet());
    }

    private static Read parse(final ConsumerRecord<byte[], byte[]> record)
    {
        try
        {
            final JsonNode json = JSON.readTree(record.value());
            return new Read(
                record.topic(),
                record.partition(),
                new String(record.key(), StandardCharsets.US_ASCII),
                json.get("stream").asText(),
                json.get("seq").asLong(),
                json.get("i").asInt(),
                json.get("kind").asText());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
