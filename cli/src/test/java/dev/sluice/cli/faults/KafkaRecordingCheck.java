package dev.sluice.cli.faults;

import dev.sluice.regional.NdjsonFields;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What Kafka must hold after any fault, against the regional core's NDJSON recording (which
 * {@link RecordingCheck} has already found exactly once and in order): for each stream key
 * ({@code <gateway>/<destination>/<worker>}), the values of every topic of the core's prefix are the
 * stream's lines as a multiset, nothing lost and nothing twice, and within each (topic, key), whose
 * records share one partition, they come in the recording's order. The file is the reference
 * because the core writes it before it offers a batch to Kafka, and a full or absent Kafka never
 * holds the file back.
 * <p>
 * Reads with {@code read_committed} from the beginning of every partition of the prefix's topics
 * (found anew on each pass, as a topic is created on its kind's first record).
 * <p>
 * Test thread only.
 */
final class KafkaRecordingCheck implements AutoCloseable
{
    private static final Pattern STREAM = Pattern.compile("^\\{\"" + NdjsonFields.GATEWAY + "\":\"([^\"]*)\",.*?\"" +
        NdjsonFields.DESTINATION + "\":\"([^\"]*)\",\"" + NdjsonFields.WORKER + "\":(\\d+),");
    /** Once the recording is whole no more lines come, so a Kafka this long without a new record has settled. */
    private static final long SETTLED_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int EXAMPLE_CHARS = 240;

    private final String topicPrefix;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    /** Values by stream key, then by topic, each in partition (offset) order. */
    private final Map<String, Map<String, List<String>>> values = new TreeMap<>();
    private long recordsRead;

    /**
     * @param bootstrapServers the broker, as this JVM reaches it.
     * @param topicPrefix      the core's topic prefix: its topics are {@code <prefix>.<kind>}.
     */
    KafkaRecordingCheck(final String bootstrapServers, final String topicPrefix)
    {
        this.topicPrefix = topicPrefix;
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(properties);
    }

    /**
     * Records in the prefix's topics now, copies included: the sum of their end offsets (the sink
     * uses no transactions, so no offset holds a marker).
     *
     * @return how many records Kafka holds.
     */
    long recordsInKafka()
    {
        assignNewPartitions();
        long records = 0;
        for (final long end : consumer.endOffsets(partitions).values())
        {
            records += end;
        }
        return records;
    }

    /**
     * Reads Kafka until every line of the recording is there, or {@code timeout} has passed, or
     * Kafka has had no new record for 10 s, then asserts the multiset and the order per stream.
     *
     * @param ndjson  the core's recording, complete (the core stopped).
     * @param timeout the longest wait for Kafka to catch up with the recording.
     * @return what was read, for the fault table.
     * @throws IOException if the recording cannot be read.
     */
    String assertHoldsRecording(final Path ndjson, final Duration timeout) throws IOException
    {
        final Map<String, List<String>> recorded = recordedStreams(ndjson);
        final long startNs = System.nanoTime();
        long lastGrowthNs = startNs;
        Comparison comparison;
        while (true)
        {
            final long before = recordsRead;
            readToEnd();
            final long nowNs = System.nanoTime();
            if (recordsRead != before)
            {
                lastGrowthNs = nowNs;
            }
            comparison = compare(recorded, values);
            if (0 == comparison.lost || nowNs - startNs > timeout.toNanos() || nowNs - lastGrowthNs > SETTLED_NS)
            {
                break;
            }
            sleepMs(200);
        }
        if (!comparison.clean())
        {
            fail(String.format(Locale.ROOT, "Kafka (%s.*, %,d records) against the recording (%,d lines), after %.1f s: %s",
                topicPrefix, recordsRead, comparison.recordedLines, (System.nanoTime() - startNs) / 1e9,
                comparison.describe()));
        }
        return String.format(Locale.ROOT, "Kafka held the %,d lines once, in order (%d streams, %d partitions, %.1f s)",
            recordsRead, comparison.streams.size(), partitions.size(), (System.nanoTime() - startNs) / 1e9);
    }

    @Override
    public void close()
    {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    private void assignNewPartitions()
    {
        final List<TopicPartition> added = new ArrayList<>();
        for (final Map.Entry<String, List<PartitionInfo>> topic : consumer.listTopics(Duration.ofSeconds(20)).entrySet())
        {
            if (topic.getKey().startsWith(topicPrefix + "."))
            {
                for (final PartitionInfo info : topic.getValue())
                {
                    final TopicPartition partition = new TopicPartition(info.topic(), info.partition());
                    if (!partitions.contains(partition))
                    {
                        added.add(partition);
                    }
                }
            }
        }
        if (!added.isEmpty())
        {
            partitions.addAll(added);
            consumer.assign(partitions);
            consumer.seekToBeginning(added);
        }
    }

    /** Polls until every assigned partition's position has reached the end offset it had on entry. */
    private void readToEnd()
    {
        assignNewPartitions();
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!atEnd(ends))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("could not read " + topicPrefix + ".* to its end offsets " + ends + " in 60 s");
            }
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (final ConsumerRecord<byte[], byte[]> record : records)
            {
                final String key = null == record.key() ? "(no key)" : new String(record.key(), StandardCharsets.US_ASCII);
                values.computeIfAbsent(key, (k) -> new TreeMap<>())
                    .computeIfAbsent(record.topic(), (t) -> new ArrayList<>())
                    .add(new String(record.value(), StandardCharsets.UTF_8));
                recordsRead++;
            }
        }
    }

    private boolean atEnd(final Map<TopicPartition, Long> ends)
    {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet())
        {
            if (consumer.position(end.getKey()) < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    /** The recording's lines by stream key, each stream in file order. */
    private static Map<String, List<String>> recordedStreams(final Path ndjson) throws IOException
    {
        final Map<String, List<String>> streams = new TreeMap<>();
        for (final String line : Files.readAllLines(ndjson, StandardCharsets.UTF_8))
        {
            final Matcher matcher = STREAM.matcher(line);
            if (!matcher.find())
            {
                fail("a recording line without its stream: " + example(line));
            }
            streams.computeIfAbsent(matcher.group(1) + '/' + matcher.group(2) + '/' + matcher.group(3),
                (k) -> new ArrayList<>()).add(line);
        }
        return streams;
    }

    /**
     * Matches each Kafka value to the earliest unmatched recording line equal to it: what is left of
     * the recording is lost, a value with no line left is a copy (or was never recorded), and a value
     * matched to an earlier line than the one before it in its (topic, key) is out of order.
     *
     * @param recorded the recording's lines by stream key, in file order.
     * @param values   Kafka's values by stream key, then by topic, in offset order.
     * @return the tally, {@link Comparison#clean()} when Kafka holds the recording.
     */
    static Comparison compare(final Map<String, List<String>> recorded, final Map<String, Map<String, List<String>>> values)
    {
        final Comparison comparison = new Comparison();
        final TreeSet<String> keys = new TreeSet<>(recorded.keySet());
        keys.addAll(values.keySet());
        for (final String key : keys)
        {
            final List<String> lines = recorded.getOrDefault(key, List.of());
            final Map<String, ArrayDeque<Integer>> unmatched = new HashMap<>();
            for (int i = 0; i < lines.size(); i++)
            {
                unmatched.computeIfAbsent(lines.get(i), (l) -> new ArrayDeque<>()).add(i);
            }
            final StreamComparison stream = new StreamComparison(lines.size());
            for (final Map.Entry<String, List<String>> topic : values.getOrDefault(key, Map.of()).entrySet())
            {
                int previous = -1;
                for (final String value : topic.getValue())
                {
                    stream.inKafka++;
                    final ArrayDeque<Integer> positions = unmatched.get(value);
                    if (null == positions)
                    {
                        stream.neverRecorded++;
                        stream.neverRecordedExample = null == stream.neverRecordedExample ?
                            topic.getKey() + ": " + example(value) : stream.neverRecordedExample;
                    }
                    else if (positions.isEmpty())
                    {
                        stream.duplicated++;
                        stream.duplicatedExample = null == stream.duplicatedExample ?
                            topic.getKey() + ": " + example(value) : stream.duplicatedExample;
                    }
                    else
                    {
                        final int position = positions.poll();
                        if (position < previous)
                        {
                            stream.outOfOrder++;
                            stream.outOfOrderExample = null == stream.outOfOrderExample ?
                                topic.getKey() + ": " + example(value) + " after " + example(lines.get(previous)) :
                                stream.outOfOrderExample;
                        }
                        previous = position;
                    }
                }
            }
            int firstLost = Integer.MAX_VALUE;
            for (final ArrayDeque<Integer> positions : unmatched.values())
            {
                stream.lost += positions.size();
                if (!positions.isEmpty())
                {
                    firstLost = Math.min(firstLost, positions.peek());
                }
            }
            if (stream.lost > 0)
            {
                stream.lostExample = "line " + (firstLost + 1) + " of the stream: " + example(lines.get(firstLost));
            }
            comparison.add(key, stream);
        }
        return comparison;
    }

    private static String example(final String line)
    {
        return line.length() <= EXAMPLE_CHARS ? line : line.substring(0, EXAMPLE_CHARS) + "...";
    }

    private static void sleepMs(final long ms)
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

    /** One stream's tally. */
    private static final class StreamComparison
    {
        final long recorded;
        long inKafka;
        long lost;
        long duplicated;
        long neverRecorded;
        long outOfOrder;
        /** Examples, shortened: a lost one with its place in the stream, the others with their topic. */
        String lostExample;
        String duplicatedExample;
        String neverRecordedExample;
        String outOfOrderExample;

        StreamComparison(final long recorded)
        {
            this.recorded = recorded;
        }

        boolean clean()
        {
            return 0 == lost && 0 == duplicated && 0 == neverRecorded && 0 == outOfOrder;
        }

        String describe()
        {
            final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%,d recorded, %,d in Kafka: %,d lost, %,d duplicated, %,d out of order, %,d never recorded",
                recorded, inKafka, lost, duplicated, outOfOrder, neverRecorded));
            appendExample(text, "first lost", lostExample);
            appendExample(text, "first duplicated", duplicatedExample);
            appendExample(text, "first out of order", outOfOrderExample);
            appendExample(text, "first never recorded", neverRecordedExample);
            return text.toString();
        }

        private static void appendExample(final StringBuilder text, final String what, final String line)
        {
            if (null != line)
            {
                text.append("\n    ").append(what).append(": ").append(line);
            }
        }
    }

    /** Every stream's tally. */
    static final class Comparison
    {
        final Map<String, StreamComparison> streams = new LinkedHashMap<>();
        long recordedLines;
        long lost;

        void add(final String key, final StreamComparison stream)
        {
            streams.put(key, stream);
            recordedLines += stream.recorded;
            lost += stream.lost;
        }

        boolean clean()
        {
            for (final StreamComparison stream : streams.values())
            {
                if (!stream.clean())
                {
                    return false;
                }
            }
            return true;
        }

        String describe()
        {
            final StringBuilder text = new StringBuilder();
            for (final Map.Entry<String, StreamComparison> stream : streams.entrySet())
            {
                text.append("\n  stream ").append(stream.getKey()).append(": ").append(stream.getValue().describe());
            }
            return text.toString();
        }
    }
}
