package dev.sluice.regional.sink;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * A {@link MockProducer} that completes sends only when told, as Kafka's producer behaves where
 * the mock does not: it keeps a copy of each value (the sink reuses its arrays once {@code send}
 * returns, as the real producer allows), and closing fails whatever is still incomplete.
 */
final class TestProducer extends MockProducer<byte[], byte[]>
{
    private final List<String> sentLines = new ArrayList<>();

    TestProducer()
    {
        super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * {@inheritDoc}
     */
    public synchronized Future<RecordMetadata> send(final ProducerRecord<byte[], byte[]> record, final Callback callback)
    {
        final Future<RecordMetadata> future = super.send(
            new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value().clone()), callback);
        sentLines.add(record.topic() + " " + new String(record.key(), StandardCharsets.US_ASCII) + " " +
            new String(record.value(), StandardCharsets.US_ASCII).strip());
        return future;
    }

    /**
     * {@inheritDoc}
     */
    public void close(final Duration timeout)
    {
        while (errorNext(new KafkaException("Producer is closed forcefully.")))
        {
            // Fails every incomplete send, as KafkaProducer's forced close does.
        }
        super.close(timeout);
    }

    /**
     * Each send as {@code <topic> <key> <value>}, in order.
     *
     * @return a copy.
     */
    synchronized List<String> sent()
    {
        return new ArrayList<>(sentLines);
    }

    /**
     * Completes every pending send successfully.
     *
     * @return how many.
     */
    int completeAll()
    {
        int count = 0;
        while (completeNext())
        {
            count++;
        }
        return count;
    }
}
