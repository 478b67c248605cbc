package dev.sluice.regional.sink;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What Kafka already holds of this sink's records: per topic partition, the origin of the last
 * record of ours there. Every record the sink sends carries its origin in the header
 * {@link #ORIGIN_HEADER}; the idempotent producer keeps a partition's records in the order they
 * were offered, which is the order of their origins, so a record whose origin is at or below its
 * partition's last held origin is already there and must not be sent again.
 * <p>
 * Read when the sender starts and before it sends failed records again: after a core restart (its
 * cursor into the recording is persisted only now and then) or a producer that gave up on records
 * Kafka may have written all the same, the records offered again are skipped rather than
 * duplicated. A record counts as ours only if the core's recording holds exactly its bytes at its
 * origin ({@link OriginCheck}). The read goes backwards from the end of each partition in growing
 * windows until it finds one of ours or the partition's beginning.
 * <p>
 * Relies on the partition a key maps to staying the same between the read and the sends (Kafka's
 * default partitioner: murmur2 of the key modulo the partition count); adding partitions to a
 * topic while a sink is behind can let it send a record twice.
 * <p>
 * The sink's thread only.
 */
final class HeldOrigins
{
    /** Header of each record: its origin, 8 bytes big-endian. */
    static final String ORIGIN_HEADER = "sluice.origin";

    private static final int FIRST_WINDOW = 256;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long[] NONE = new long[0];

    private final long[][] lastOrigin;
    private long highestOrigin = -1;

    HeldOrigins(final int kinds)
    {
        lastOrigin = new long[kinds][];
        Arrays.fill(lastOrigin, NONE);
    }

    /**
     * Reads the last origin of ours in every partition of the topics.
     *
     * @param consumer a consumer with no subscription, assigned here.
     * @param topics   the topic of each kind, by ordinal.
     * @param check    which records are ours.
     * @param timeout  for the whole read.
     * @throws TimeoutException if Kafka does not answer in time; nothing is changed then.
     * @throws org.apache.kafka.common.KafkaException on other failures; nothing is changed then.
     */
    void read(final Consumer<byte[], byte[]> consumer, final String[] topics, final OriginCheck check, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final long[][] found = new long[topics.length][];
        long highest = -1;
        for (int kind = 0; kind < topics.length; kind++)
        {
            final List<PartitionInfo> infos = consumer.partitionsFor(topics[kind], remaining(deadlineNs));
            final int partitions = null == infos ? 0 : infos.size();
            found[kind] = new long[partitions];
            Arrays.fill(found[kind], -1);
            if (0 == partitions)
            {
                continue;
            }
            final List<TopicPartition> topicPartitions = new ArrayList<>(partitions);
            for (final PartitionInfo info : infos)
            {
                topicPartitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            final Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(topicPartitions, remaining(deadlineNs));
            final Map<TopicPartition, Long> ends = consumer.endOffsets(topicPartitions, remaining(deadlineNs));
            for (final TopicPartition partition : topicPartitions)
            {
                final long begin = beginnings.get(partition);
                long upTo = ends.get(partition);
                long window = FIRST_WINDOW;
                long last = -1;
                while (upTo > begin && last < 0)
                {
                    final long from = Math.max(begin, upTo - window);
                    last = lastOfOurs(consumer, partition, from, upTo, check, deadlineNs);
                    upTo = from;
                    window *= 8;
                }
                found[kind][partition.partition()] = last;
                highest = Math.max(highest, last);
            }
        }
        consumer.assign(List.of());

        for (int kind = 0; kind < topics.length; kind++)
        {
            lastOrigin[kind] = found[kind];
        }
        highestOrigin = highest;
    }

    /**
     * Does Kafka already hold this record?
     *
     * @param kind   its kind's ordinal.
     * @param key    its key.
     * @param origin its origin.
     * @return true when its partition holds a record of ours at or after its origin.
     */
    boolean holds(final int kind, final byte[] key, final long origin)
    {
        if (origin > highestOrigin)
        {
            return false;
        }
        final long[] partitions = lastOrigin[kind];
        if (0 == partitions.length)
        {
            return false;
        }

        return origin <= partitions[Utils.toPositive(Utils.murmur2(key)) % partitions.length];
    }

    /**
     * @return the highest origin held in any partition, -1 when none; past it nothing is skipped.
     */
    long highestOrigin()
    {
        return highestOrigin;
    }

    /**
     * The origin header's value.
     *
     * @param origin the record's origin.
     * @return 8 bytes, big-endian.
     */
    static byte[] originBytes(final long origin)
    {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, origin).array();
    }

    /**
     * The origin of the newest record of ours in offsets [from, upTo), or -1. Our origins rise with
     * the offset, so the candidates (records carrying an origin) are checked newest first and the
     * first one the recording holds is the answer: usually one check, not one per record.
     */
    private static long lastOfOurs(
        final Consumer<byte[], byte[]> consumer,
        final TopicPartition partition,
        final long from,
        final long upTo,
        final OriginCheck check,
        final long deadlineNs)
    {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        final List<ConsumerRecord<byte[], byte[]>> candidates = new ArrayList<>();
        long position = from;
        while (position < upTo)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new TimeoutException("reading back " + partition + " took longer than the read-back timeout");
            }
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition))
            {
                if (record.offset() < upTo && -1 != origin(record) && null != record.value())
                {
                    candidates.add(record);
                }
            }
            // Offsets may skip (compaction, transaction markers): the position says how far the read got.
            position = consumer.position(partition, remaining(deadlineNs));
        }

        for (int i = candidates.size() - 1; i >= 0; i--)
        {
            final ConsumerRecord<byte[], byte[]> record = candidates.get(i);
            final long origin = origin(record);
            if (check.holds(origin, record.value(), record.value().length))
            {
                return origin;
            }
        }
        return -1;
    }

    /** The record's origin header, or -1 when it has none (not written by a sink). */
    private static long origin(final ConsumerRecord<byte[], byte[]> record)
    {
        final Header header = record.headers().lastHeader(ORIGIN_HEADER);
        return null == header || null == header.value() || Long.BYTES != header.value().length ?
            -1 : ByteBuffer.wrap(header.value()).getLong();
    }

    private static Duration remaining(final long deadlineNs)
    {
        return Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime()));
    }
}
