package dev.sluice.regional.sink;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;

import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Delivers records to Kafka: one topic per {@link DataKind} ({@code <prefix>.packets},
 * {@code <prefix>.events.syslog}...), keyed by stream ({@code <gateway>/<destination>/<worker>}) so
 * that one stream's records of one kind stay in one partition, in order. The value is the record's
 * bytes as offered (the NDJSON line the core renders).
 * <p>
 * The producer is idempotent with {@code acks=all} and at most 5 requests in flight per
 * connection: its own retries within {@link KafkaSinkConfig#deliveryTimeoutNs()} neither lose,
 * duplicate nor reorder records. A stream's batch counts as delivered once Kafka has acknowledged
 * every record of it and of the stream's earlier batches.
 * <p>
 * The caller's thread only copies records into an off-heap ring of
 * {@link KafkaSinkConfig#bufferLength()} bytes; the sink's own thread ({@link KafkaSender}) sends
 * them and keeps them until acknowledged, sending failed ones again after a backoff. When Kafka is
 * slow or down the ring fills and {@link #offerBatch} refuses batches (counted as
 * {@link SinkCounter#REFUSED_BACKPRESSURE}) instead of waiting: other sinks fed by the same thread
 * go on. Offering allocates nothing.
 * <p>
 * Each record carries its origin (its place in the core's recording) in a header; before sending,
 * the sink reads back the last origin of its own in each partition and skips records Kafka
 * already holds ({@link HeldOrigins}), so records offered again after a core restart are not
 * duplicated.
 * <p>
 * Threads: as {@link Sink} says; the sink's thread is started by the constructor and stopped by
 * {@link #close()}.
 */
public final class KafkaSink implements Sink
{
    private static final int INITIAL_STREAMS = 16;
    private static final long CLOSE_GRACE_NS = TimeUnit.SECONDS.toNanos(5);

    private final String name;
    private final SinkCounters counters;
    private final RecordRing ring;
    private final KafkaSender sender;
    private final AgentRunner runner;
    private final int closeWaitMs;
    private volatile AtomicReferenceArray<StreamProgress> progress = new AtomicReferenceArray<>(INITIAL_STREAMS);
    private int streamLimit;

    private boolean isBatchOpen;
    private boolean isBatchDropped;
    private StreamProgress batchStream;
    private long batchSequence;
    private int batchRecordCount;
    private int batchRecords;
    private long batchLengthBound;
    private long batchLength;
    private boolean isClosed;

    /**
     * Creates the producer and starts the sink's thread.
     *
     * @param config       settings, concluded here if they are not yet.
     * @param errorHandler told about failures (once per run of one reason) and errors on the sink's thread.
     * @param originCheck  which records read back from Kafka are this sink's own ({@link HeldOrigins}).
     * @throws IllegalArgumentException if the settings are invalid or Kafka refuses them.
     */
    public KafkaSink(final KafkaSinkConfig config, final ErrorHandler errorHandler, final OriginCheck originCheck)
    {
        this(config, errorHandler, KafkaProducer::new, KafkaConsumer::new, originCheck, SystemNanoClock.INSTANCE, true);
    }

    /**
     * For tests: any producer and consumer ({@code MockProducer}, {@code MockConsumer}), any clock,
     * and the sender run by hand through {@link #sender()} when {@code startThread} is false.
     */
    KafkaSink(
        final KafkaSinkConfig config,
        final ErrorHandler errorHandler,
        final Function<Properties, Producer<byte[], byte[]>> producerFactory,
        final Function<Properties, Consumer<byte[], byte[]>> consumerFactory,
        final OriginCheck originCheck,
        final NanoClock clock,
        final boolean startThread)
    {
        if (!config.isConcluded())
        {
            config.conclude();
        }
        name = config.name();
        counters = new SinkCounters(name);
        ring = new RecordRing(config.bufferLength());
        // The sender may be inside a send waiting for metadata, then closes the producer with its timeout.
        closeWaitMs = (int)Math.min(Integer.MAX_VALUE,
            TimeUnit.NANOSECONDS.toMillis(config.maxBlockNs() + config.closeTimeoutNs() +
            KafkaSender.READ_BACK_TIMEOUT_NS + CLOSE_GRACE_NS));

        final Producer<byte[], byte[]> producer;
        try
        {
            producer = producerFactory.apply(config.producerProperties());
        }
        catch (final KafkaException ex)
        {
            throw new IllegalArgumentException("Kafka sink '" + name + "': the producer refuses its settings: " +
                ex.getMessage(), ex);
        }

        sender = new KafkaSender(
            config, ring, this, counters, errorHandler, producerFactory, producer, consumerFactory, originCheck, clock);
        if (startThread)
        {
            runner = new AgentRunner(
                new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)),
                errorHandler,
                null,
                sender);
            AgentRunner.startOnThread(runner);
        }
        else
        {
            runner = null;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    public boolean offerBatch(final SinkStream stream, final long sequence, final int recordCount, final long lengthBound)
    {
        if (isBatchOpen)
        {
            throw new IllegalStateException("a batch is open: commit it before offering the next");
        }
        if (recordCount < 0 || lengthBound < 0)
        {
            throw new IllegalArgumentException("recordCount and lengthBound must be >= 0, were " + recordCount + " and " +
                lengthBound);
        }
        if (isClosed)
        {
            counters.add(SinkCounter.REFUSED_BACKPRESSURE, 1);
            return false;
        }

        final StreamProgress streamProgress = register(stream);
        final long entriesLength = RecordRing.batchLengthBound(recordCount, lengthBound);
        // A batch larger than the whole ring could never be taken: take it as one marker and count
        // its records as too large, so that the stream goes on.
        final boolean isDropped = entriesLength > ring.capacity();
        if (!ring.tryReserve(isDropped ? RecordRing.HEADER_LENGTH : entriesLength))
        {
            counters.add(SinkCounter.REFUSED_BACKPRESSURE, 1);
            return false;
        }

        isBatchOpen = true;
        isBatchDropped = isDropped;
        batchStream = streamProgress;
        batchSequence = sequence;
        batchRecordCount = recordCount;
        batchRecords = 0;
        batchLengthBound = lengthBound;
        batchLength = 0;

        return true;
    }

    /**
     * {@inheritDoc}
     */
    public void appendRecord(
        final DataKind kind, final long origin, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!isBatchOpen || batchRecords >= batchRecordCount || batchLength + length > batchLengthBound)
        {
            throw new IllegalStateException(isBatchOpen ?
                "record " + (batchRecords + 1) + " of " + length + " bytes exceeds the batch offered (" +
                batchRecordCount + " records, " + batchLengthBound + " bytes)" :
                "no batch is open: offer one first");
        }

        batchRecords++;
        batchLength += length;
        if (!isBatchDropped)
        {
            ring.append(batchStream.stream().id(), batchSequence, kind.ordinal(), origin, buffer, offset, length);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void commitBatch()
    {
        if (!isBatchOpen || batchRecords != batchRecordCount)
        {
            throw new IllegalStateException(isBatchOpen ?
                "the batch has " + batchRecords + " of the " + batchRecordCount + " records offered" :
                "no batch is open: offer one first");
        }

        if (isBatchDropped || 0 == batchRecords)
        {
            ring.appendMarker(batchStream.stream().id(), batchSequence);
        }
        ring.commit();
        isBatchOpen = false;

        if (isBatchDropped)
        {
            counters.onFailed(SinkFailure.RECORD_TOO_LARGE, batchRecords);
        }
        counters.add(SinkCounter.OFFERED_BATCHES, 1);
        counters.add(SinkCounter.OFFERED_RECORDS, batchRecords);
    }

    /**
     * {@inheritDoc}
     */
    public long deliveredSequence(final SinkStream stream)
    {
        final AtomicReferenceArray<StreamProgress> progress = this.progress;
        final int id = stream.id();
        if (id >= progress.length())
        {
            return 0;
        }
        final StreamProgress streamProgress = progress.get(id);

        return null == streamProgress ? 0 : streamProgress.delivered();
    }

    /**
     * {@inheritDoc}
     */
    public int pollDelivered(final DeliveryHandler handler)
    {
        final AtomicReferenceArray<StreamProgress> progress = this.progress;
        int reported = 0;
        for (int i = 0, limit = streamLimit; i < limit; i++)
        {
            final StreamProgress streamProgress = progress.getPlain(i);
            if (null != streamProgress)
            {
                final long delivered = streamProgress.delivered();
                if (delivered != streamProgress.reported)
                {
                    streamProgress.reported = delivered;
                    handler.onDelivered(streamProgress.stream(), delivered);
                    reported++;
                }
            }
        }

        return reported;
    }

    /**
     * {@inheritDoc}
     */
    public SinkCounters counters()
    {
        return counters;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            if (null != runner)
            {
                runner.close(closeWaitMs, null);
            }
            else
            {
                CloseHelper.quietClose(sender::onClose);
            }
        }
    }

    /**
     * The sender, to run by hand when the sink was made without its thread.
     *
     * @return the sender agent.
     */
    KafkaSender sender()
    {
        return sender;
    }

    /**
     * Progress of a stream the caller has offered; the sender's lookup from a record's stream id.
     *
     * @param streamId the id.
     * @return its progress.
     */
    StreamProgress progress(final int streamId)
    {
        return progress.get(streamId);
    }

    private StreamProgress register(final SinkStream stream)
    {
        final int id = stream.id();
        AtomicReferenceArray<StreamProgress> progress = this.progress;
        if (id >= progress.length())
        {
            final AtomicReferenceArray<StreamProgress> grown =
                new AtomicReferenceArray<>(Math.max(id + 1, progress.length() * 2));
            for (int i = 0; i < progress.length(); i++)
            {
                grown.setPlain(i, progress.getPlain(i));
            }
            progress = grown;
            this.progress = grown;
        }

        StreamProgress streamProgress = progress.getPlain(id);
        if (null == streamProgress)
        {
            streamProgress = new StreamProgress(stream);
            progress.setRelease(id, streamProgress);
            streamLimit = Math.max(streamLimit, id + 1);
        }
        else if (streamProgress.stream() != stream && !Arrays.equals(streamProgress.stream().key(), stream.key()))
        {
            throw new IllegalArgumentException("stream id " + id + " is " + streamProgress.stream() + ", not " + stream);
        }

        return streamProgress;
    }
}
