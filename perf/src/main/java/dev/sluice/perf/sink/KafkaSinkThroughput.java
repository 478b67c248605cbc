package dev.sluice.perf.sink;

import dev.sluice.regional.sink.DataKind;
import dev.sluice.regional.sink.KafkaSink;
import dev.sluice.regional.sink.KafkaSinkConfig;
import dev.sluice.regional.sink.KafkaTestBroker;
import dev.sluice.regional.sink.OriginCheck;
import dev.sluice.regional.sink.SinkCounter;
import dev.sluice.regional.sink.SinkStream;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records per second from the regional core's side into a real local Kafka broker (KRaft, one
 * node, a child JVM on the same machine), through {@link KafkaSink} (the offering thread backs off
 * when refused, as the core's agent does) and, as the baseline of the same run, through a
 * plain {@link KafkaProducer} loop like Kafka's own {@code ProducerPerformance}: same broker, same
 * topics and keys, same records, same producer settings (idempotent, {@code acks=all}, linger,
 * batch size). Each run ends when every record is acknowledged. Also reports the bytes allocated
 * per record by the offering thread (the core's agent, for the sink) and by the sink's own thread.
 * <pre>
 * PERF_MAIN=dev.sluice.perf.sink.KafkaSinkThroughput perf/run-jmh.sh [records] [rounds]
 * </pre>
 */
public final class KafkaSinkThroughput
{
    private static final int RECORDS_PER_BATCH = 32;
    private static final int DISTINCT_LINES = 4096;
    private static final int STREAMS = 8;
    private static final int PARTITIONS = 3;
    private static final String PACKET_PREFIX = "perf";
    private static final DataKind[] KINDS = { DataKind.PACKETS, DataKind.EVENTS_SYSLOG };

    private KafkaSinkThroughput()
    {
    }

    /**
     * @param args records per run (default 1,000,000), rounds (default 3).
     * @throws Exception if the broker does not start.
     */
    public static void main(final String[] args) throws Exception
    {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final Path dir = Files.createTempDirectory("sluice-kafka-perf");
        final Lines lines = new Lines();

        try (KafkaTestBroker broker = KafkaTestBroker.start(
            dir, PARTITIONS, List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC")))
        {
            System.out.printf("broker started in %d ms; %d records per run (%d-record batches, %d streams), " +
                "mean line %d bytes%n", broker.lastStartMs(), records, RECORDS_PER_BATCH, STREAMS, lines.meanLength());
            final List<String> topics = new ArrayList<>();
            for (final DataKind kind : KINDS)
            {
                topics.add(kind.topic(PACKET_PREFIX));
            }
            broker.createTopics(topics, PARTITIONS);

            // A warm-up of each (JIT of client and broker), then alternate so that drift hits both alike.
            runProducer(broker, lines, records / 2);
            runSink(broker, lines, records / 2);
            for (int round = 1; round <= rounds; round++)
            {
                final Result producer = runProducer(broker, lines, records);
                final Result sink = runSink(broker, lines, records);
                System.out.printf("round %d: plain producer %,.0f records/s (%.1f MB/s), caller %.0f B/record; " +
                    "KafkaSink %,.0f records/s (%.1f MB/s), caller %.0f B/record, sink thread %.0f B/record, " +
                    "refused offers %d; sink/producer %.2f%n",
                    round, producer.recordsPerSecond(), producer.megabytesPerSecond(), producer.callerBytesPerRecord(),
                    sink.recordsPerSecond(), sink.megabytesPerSecond(), sink.callerBytesPerRecord(),
                    sink.senderBytesPerRecord(), sink.refused(), sink.recordsPerSecond() / producer.recordsPerSecond());
            }
        }
        finally
        {
            deleteRecursively(dir);
        }
    }

    private static Result runProducer(final KafkaTestBroker broker, final Lines lines, final int records)
    {
        final Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        properties.put(ProducerConfig.LINGER_MS_CONFIG,
            Long.toString(TimeUnit.NANOSECONDS.toMillis(KafkaSinkConfig.LINGER_NS_DEFAULT)));
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(KafkaSinkConfig.BATCH_SIZE_DEFAULT));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        final com.sun.management.ThreadMXBean threads = threads();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Callback callback = (metadata, exception) ->
        {
            if (null == exception)
            {
                acknowledged.incrementAndGet();
            }
            else
            {
                failed.incrementAndGet();
            }
        };
        final String[] topics = { KINDS[0].topic(PACKET_PREFIX), KINDS[1].topic(PACKET_PREFIX) };
        final byte[][] keys = new byte[STREAMS][];
        for (int s = 0; s < STREAMS; s++)
        {
            keys[s] = new SinkStream(s, "gw-" + s, "eu-west", 0).keyText().getBytes(StandardCharsets.US_ASCII);
        }

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties))
        {
            final long startNs = System.nanoTime();
            final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < records; i++)
            {
                final int batch = i / RECORDS_PER_BATCH;
                final int line = i & (DISTINCT_LINES - 1);
                producer.send(new ProducerRecord<>(
                    topics[line & 1], null, keys[batch % STREAMS], lines.arrays[line]), callback);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            producer.flush();
            while (acknowledged.get() + failed.get() < records)
            {
                Thread.yield();
            }
            final long elapsedNs = System.nanoTime() - startNs;
            if (failed.get() > 0)
            {
                throw new IllegalStateException(failed.get() + " records failed");
            }
            return new Result(records, lines.bytesOf(records), elapsedNs, allocated, 0, 0);
        }
    }

    private static Result runSink(final KafkaTestBroker broker, final Lines lines, final int records)
    {
        final com.sun.management.ThreadMXBean threads = threads();
        final SinkStream[] streams = new SinkStream[STREAMS];
        for (int s = 0; s < STREAMS; s++)
        {
            streams[s] = new SinkStream(s, "gw-" + s, "eu-west", 0);
        }
        final long[] sequences = new long[STREAMS];
        final int batches = records / RECORDS_PER_BATCH;
        final IdleStrategy idle = new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));

        try (KafkaSink sink = new KafkaSink(config(broker), Throwable::printStackTrace, OriginCheck.TRUST))
        {
            final long senderThreadId = threadId("kafka-sink-" + sink.name());
            final long senderBefore = threads.getThreadAllocatedBytes(senderThreadId);
            final long startNs = System.nanoTime();
            final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            int record = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                final int s = batch % STREAMS;
                while (!sink.offerBatch(streams[s], sequences[s] + 1, RECORDS_PER_BATCH, lines.maxBatchLength))
                {
                    // As the core's agent would: back off rather than spin against the sink's thread.
                    idle.idle();
                }
                idle.reset();
                for (int i = 0; i < RECORDS_PER_BATCH; i++, record++)
                {
                    final int line = record & (DISTINCT_LINES - 1);
                    sink.appendRecord(KINDS[line & 1], record, lines.buffer, lines.offsets[line], lines.lengths[line]);
                }
                sink.commitBatch();
                sequences[s]++;
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            for (int s = 0; s < STREAMS; s++)
            {
                while (sink.deliveredSequence(streams[s]) < sequences[s])
                {
                    idle.idle();
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            final long senderAllocated = threads.getThreadAllocatedBytes(senderThreadId) - senderBefore;
            if (sink.counters().failedTotal() > 0)
            {
                throw new IllegalStateException("records failed: " + sink.counters());
            }
            return new Result(
                record, lines.bytesOf(record), elapsedNs, allocated, senderAllocated,
                sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE));
        }
    }

    private static KafkaSinkConfig config(final KafkaTestBroker broker)
    {
        return new KafkaSinkConfig()
            .bootstrapServers(broker.bootstrapServers())
            .topicPrefix(PACKET_PREFIX);
    }

    private static com.sun.management.ThreadMXBean threads()
    {
        return (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    }

    private static long threadId(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(thread.getName()))
            {
                return thread.threadId();
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }

    private static void deleteRecursively(final Path dir) throws java.io.IOException
    {
        try (var paths = Files.walk(dir))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }

    private record Result(
        long records, long bytes, long elapsedNs, long callerAllocated, long senderAllocated, long refused)
    {
        double recordsPerSecond()
        {
            return records * 1e9 / elapsedNs;
        }

        double megabytesPerSecond()
        {
            return bytes * 1e3 / elapsedNs;
        }

        double callerBytesPerRecord()
        {
            return (double)callerAllocated / records;
        }

        double senderBytesPerRecord()
        {
            return (double)senderAllocated / records;
        }
    }

    /**
     * NDJSON lines shaped as the core renders them (see {@code NdjsonFields}): packet summaries and
     * syslog events in turn, each distinct, both in one buffer (what the sink is offered) and as
     * arrays (what the baseline sends).
     */
    private static final class Lines
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[DISTINCT_LINES * 1024]);
        final int[] offsets = new int[DISTINCT_LINES];
        final int[] lengths = new int[DISTINCT_LINES];
        final byte[][] arrays = new byte[DISTINCT_LINES][];
        final long maxBatchLength;
        private long totalLength;

        Lines()
        {
            int offset = 0;
            int longest = 0;
            for (int i = 0; i < DISTINCT_LINES; i++)
            {
                final String header = "{\"gateway\":\"gw-" + (i % STREAMS) + "\",\"site\":\"paris-1\"," +
                    "\"origin_region\":\"eu-west\",\"destination\":\"eu-west\",\"worker\":0,\"sequence\":" + (i / 32 + 1) +
                    ",\"policy_version\":3,\"encoded_ts_ns\":17000000000" + (10_000_000 + i) + ",";
                final String line = 0 == (i & 1) ?
                    header + "\"type\":\"packet\",\"ts_ns\":17000000000" + (10_000_000 + i) + ",\"wire_len\":" +
                    (60 + i % 1400) + ",\"cap_len\":" + (60 + i % 128) + ",\"vlan\":null,\"eth_type\":2048," +
                    "\"ip_version\":4,\"ip_proto\":6,\"src\":\"10.1." + (i % 250) + "." + (i % 200) + "\"," +
                    "\"dst\":\"192.0.2." + (i % 250) + "\",\"src_port\":" + (1024 + i) + ",\"dst_port\":443," +
                    "\"tcp_flags\":24,\"icmp_type\":0,\"icmp_code\":0,\"ip_tos\":0,\"tunnel_type\":null," +
                    "\"tunnel_depth\":0,\"tunnel_id\":null,\"inner_ip_version\":null,\"inner_ip_proto\":null," +
                    "\"inner_src\":null,\"inner_dst\":null,\"inner_src_port\":null,\"inner_dst_port\":null," +
                    "\"anonymized\":[\"src\"]}\n" :
                    header + "\"type\":\"event\",\"ts_ns\":17000000000" + (10_000_000 + i) + ",\"kind\":\"syslog\"," +
                    "\"body\":\"<34>1 2026-11-27T12:00:00.000Z host-" + i + " sshd 4721 - - Failed password for " +
                    "invalid user admin from 192.0.2." + (i % 250) + " port " + (40000 + i) + " ssh2\"}\n";
                final byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
                buffer.putBytes(offset, bytes);
                offsets[i] = offset;
                lengths[i] = bytes.length;
                arrays[i] = bytes;
                offset += bytes.length;
                totalLength += bytes.length;
                longest = Math.max(longest, bytes.length);
            }
            maxBatchLength = (long)longest * RECORDS_PER_BATCH;
        }

        int meanLength()
        {
            return (int)(totalLength / DISTINCT_LINES);
        }

        long bytesOf(final long records)
        {
            return records * totalLength / DISTINCT_LINES;
        }
    }
}
