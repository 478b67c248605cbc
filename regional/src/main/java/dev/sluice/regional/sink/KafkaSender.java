package dev.sluice.regional.sink;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Kafka sink's own thread: takes committed records from the {@link RecordRing}, hands them to
 * the producer, frees them in order once acknowledged, and advances each stream's delivered
 * sequence when the last record of one of its batches is freed.
 * <p>
 * Each record handed to the producer takes a slot of a fixed ring of {@link Slot}s (at most
 * {@link KafkaSinkConfig#maxInFlightRecords()}), which is also its completion callback: the
 * producer's I/O thread only sets the slot's status, and this thread reads it. Records are freed
 * strictly in the order they were offered, so a stream's delivered sequence never passes a record
 * that is not yet acknowledged.
 * <p>
 * A failed record is classified ({@link KafkaErrors}): one that can never be delivered is counted
 * and dropped; any other is kept in the ring and, after a backoff with jitter, sent again, in the
 * order it was first sent and before any newer record, so per-partition order holds. While a retry
 * waits nothing new is sent; the ring fills and the caller's offers are refused, but the caller's
 * thread never waits.
 * <p>
 * Before it sends anything, and again before it sends failed records again, the sender reads back
 * what Kafka already holds of its records ({@link HeldOrigins}) and skips those (counted
 * {@link SinkCounter#ALREADY_HELD}): the core offers records again after a restart, and a record
 * the producer gave up on may have been written all the same. While Kafka cannot be read, nothing
 * is sent; the read is tried again after a backoff.
 * <p>
 * Runs on the sink's {@link org.agrona.concurrent.AgentRunner}, or by hand in tests.
 */
final class KafkaSender implements Agent
{
    static final int IN_FLIGHT = 0;
    static final int ACKED = 1;
    static final int FAILED = 2;
    static final int DROPPED = 3;
    static final int RETRY = 4;

    /** How long one read-back may take; the sink's close waits this much longer for its thread. */
    static final long READ_BACK_TIMEOUT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private static final int SEND_BURST = 256;

    private final String name;
    private final String roleName;
    private final RecordRing ring;
    private final KafkaSink sink;
    private final SinkCounters counters;
    private final ErrorHandler errorHandler;
    private final Function<Properties, Producer<byte[], byte[]>> producerFactory;
    private final Properties producerProperties;
    private final Function<Properties, Consumer<byte[], byte[]>> consumerFactory;
    private final Properties consumerProperties;
    private final OriginCheck originCheck;
    private final Duration readBackTimeout;
    private final HeldOrigins held;
    private final NanoClock clock;
    private final long closeTimeoutNs;
    private final long retryBackoffMinNs;
    private final String[] topics;
    private final Slot[] slots;
    private final int slotMask;
    private final ValueArrays values = new ValueArrays();
    private final RetryBackoff backoff;
    private final AtomicLong failureCount = new AtomicLong();
    private final boolean[] reported = new boolean[SinkFailure.values().length];
    private boolean reportedTransient;
    private boolean anyReported;

    private Producer<byte[], byte[]> producer;
    private int generation;
    private long sendPosition;
    private long sentCount;
    private long releasedCount;
    private long failuresSeen;
    private boolean retryPending;
    private boolean retryScheduled;
    private boolean recreateProducer;
    private long retryAtNs;
    private boolean readBackPending = true;

    KafkaSender(
        final KafkaSinkConfig config,
        final RecordRing ring,
        final KafkaSink sink,
        final SinkCounters counters,
        final ErrorHandler errorHandler,
        final Function<Properties, Producer<byte[], byte[]>> producerFactory,
        final Producer<byte[], byte[]> producer,
        final Function<Properties, Consumer<byte[], byte[]>> consumerFactory,
        final OriginCheck originCheck,
        final NanoClock clock)
    {
        this.name = config.name();
        this.roleName = "kafka-sink-" + name;
        this.ring = ring;
        this.sink = sink;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.producerFactory = producerFactory;
        this.producerProperties = config.producerProperties();
        this.producer = producer;
        this.consumerFactory = consumerFactory;
        this.consumerProperties = config.consumerProperties();
        this.originCheck = originCheck;
        this.readBackTimeout = Duration.ofNanos(READ_BACK_TIMEOUT_NS);
        this.clock = clock;
        this.closeTimeoutNs = config.closeTimeoutNs();
        this.retryBackoffMinNs = config.retryBackoffMinNs();
        this.backoff = new RetryBackoff(config.retryBackoffMinNs(), config.retryBackoffMaxNs());

        held = new HeldOrigins(DataKind.count());
        topics = new String[DataKind.count()];
        for (int i = 0; i < topics.length; i++)
        {
            topics[i] = config.topic(DataKind.get(i));
        }

        slots = new Slot[config.maxInFlightRecords()];
        slotMask = slots.length - 1;
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new Slot(failureCount);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = releaseDelivered();
        if (failureCount.get() != failuresSeen)
        {
            workCount += onFailures();
            // A dropped record frees its successors now.
            workCount += releaseDelivered();
        }

        if (retryPending)
        {
            if (clock.nanoTime() - retryAtNs < 0)
            {
                return workCount;
            }
            workCount += retry();
            if (retryPending)
            {
                return workCount;
            }
        }
        else if (readBackPending)
        {
            if (clock.nanoTime() - retryAtNs < 0 || !readBack())
            {
                return workCount;
            }
            workCount++;
        }

        return workCount + sendNew();
    }

    /**
     * Gives in-flight records the close timeout to be acknowledged, closes the producer and
     * publishes the last progress.
     */
    public void onClose()
    {
        if (null != producer)
        {
            try
            {
                producer.close(Duration.ofNanos(closeTimeoutNs));
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
            producer = null;
        }
        releaseDelivered();
    }

    /**
     * Records handed to the producer and not yet freed; from another thread than the sender's, a
     * diagnostic that may be stale.
     *
     * @return records in flight.
     */
    long inFlightRecords()
    {
        return sentCount - releasedCount;
    }

    /**
     * Is a retry waiting for its backoff to pass? The sender's thread, or tests driving it by hand.
     *
     * @return true while failed records wait to be sent again.
     */
    boolean isRetryPending()
    {
        return retryPending;
    }

    private int releaseDelivered()
    {
        final long start = releasedCount;
        final long sent = sentCount;
        final RecordRing ring = this.ring;
        long released = start;
        long head = -1;
        long records = 0;
        long bytes = 0;
        long batches = 0;

        while (released < sent)
        {
            final Slot slot = slots[(int)released & slotMask];
            final int status = slot.status;
            final long position = slot.position;
            if (ACKED == status)
            {
                if (RecordRing.NO_KIND != ring.kind(position))
                {
                    records++;
                    bytes += ring.recordLength(position);
                }
            }
            else if (DROPPED != status)
            {
                break;
            }

            if (ring.isLastOfBatch(position))
            {
                sink.progress(ring.streamId(position)).delivered(ring.sequence(position));
                batches++;
            }
            head = position + ring.entryLengthAt(position);
            released++;
        }

        if (released == start)
        {
            return 0;
        }

        releasedCount = released;
        ring.release(head);
        counters.add(SinkCounter.DELIVERED_RECORDS, records);
        counters.add(SinkCounter.DELIVERED_BYTES, bytes);
        counters.add(SinkCounter.DELIVERED_BATCHES, batches);
        if (records > 0 && !retryPending)
        {
            backoff.reset();
            if (anyReported)
            {
                // A run of failures has ended: report the next one again.
                anyReported = false;
                reportedTransient = false;
                Arrays.fill(reported, false);
            }
        }

        return (int)(released - start);
    }

    private int onFailures()
    {
        failuresSeen = failureCount.get();
        boolean backoffToMax = false;
        int failed = 0;

        for (long n = releasedCount; n < sentCount; n++)
        {
            final Slot slot = slots[(int)n & slotMask];
            if (FAILED != slot.status)
            {
                continue;
            }

            final Exception error = slot.exception;
            slot.exception = null;
            failed++;
            if (slot.generation != generation)
            {
                // Sent by a producer this sender closed: the failure is the close, not the record.
                slot.status = RETRY;
                retryPending = true;
                continue;
            }

            final SinkFailure reason = KafkaErrors.classify(error);
            if (null == reason)
            {
                slot.status = RETRY;
                retryPending = true;
                if (!reportedTransient)
                {
                    reportedTransient = true;
                    anyReported = true;
                    errorHandler.onError(new KafkaSinkException(name, (SinkFailure)null, error));
                }
                continue;
            }

            counters.onFailed(reason, 1);
            if (!reported[reason.ordinal()])
            {
                reported[reason.ordinal()] = true;
                anyReported = true;
                errorHandler.onError(new KafkaSinkException(name, reason, error));
            }

            if (reason.dropsRecord())
            {
                slot.status = DROPPED;
            }
            else
            {
                slot.status = RETRY;
                retryPending = true;
                if (SinkFailure.AUTHORIZATION == reason)
                {
                    backoffToMax = true;
                }
                else if (SinkFailure.PRODUCER_FENCED == reason)
                {
                    recreateProducer = true;
                }
            }
        }

        if (retryPending && !retryScheduled)
        {
            readBackPending = true;
            if (backoffToMax)
            {
                backoff.toMax();
            }
            retryAtNs = clock.nanoTime() + backoff.nextDelayNs();
            retryScheduled = true;
        }

        return failed;
    }

    private int retry()
    {
        if (failureCount.get() != failuresSeen)
        {
            // Take in failures that landed since, so that every record due is sent again in order.
            onFailures();
        }

        if (recreateProducer)
        {
            recreateProducer = false;
            closeProducerNow();
            if (failureCount.get() != failuresSeen)
            {
                onFailures();
            }
        }

        for (long n = releasedCount; n < sentCount; n++)
        {
            final Slot slot = slots[(int)n & slotMask];
            if (IN_FLIGHT == slot.status && slot.generation != generation)
            {
                // A closed producer's records fail on its I/O thread shortly; resend them with the rest.
                retryAtNs = clock.nanoTime() + retryBackoffMinNs;
                return 0;
            }
        }

        if (null == producer && !createProducer())
        {
            retryAtNs = clock.nanoTime() + backoff.nextDelayNs();
            return 0;
        }
        if (readBackPending && !readBack())
        {
            return 0;
        }

        int resent = 0;
        for (long n = releasedCount; n < sentCount; n++)
        {
            final Slot slot = slots[(int)n & slotMask];
            if (RETRY == slot.status)
            {
                final long failuresBefore = failureCount.get();
                send(slot);
                resent++;
                if (failureCount.get() != failuresBefore)
                {
                    // Failed at once (no metadata while the broker is away: each send would wait
                    // max.block): keep the rest for the next attempt, in order, after a backoff.
                    counters.add(SinkCounter.RETRIES, resent);
                    retryAtNs = clock.nanoTime() + backoff.nextDelayNs();
                    return resent;
                }
            }
        }
        counters.add(SinkCounter.RETRIES, resent);
        retryPending = false;
        retryScheduled = false;

        return resent;
    }

    private int sendNew()
    {
        if (null == producer)
        {
            return 0;
        }

        final RecordRing ring = this.ring;
        final long tail = ring.tail();
        final int slotCount = slots.length;
        int sent = 0;
        while (sendPosition < tail && sentCount - releasedCount < slotCount && sent < SEND_BURST)
        {
            final Slot slot = slots[(int)sentCount & slotMask];
            slot.position = sendPosition;
            sendPosition += ring.entryLengthAt(sendPosition);
            sentCount++;
            final long failuresBefore = failureCount.get();
            send(slot);
            sent++;
            if (failureCount.get() != failuresBefore)
            {
                // Nothing newer goes out before the failed record is sent again, keeping order.
                break;
            }
        }

        return sent;
    }

    private void send(final Slot slot)
    {
        final RecordRing ring = this.ring;
        final long position = slot.position;
        final int kind = ring.kind(position);
        slot.generation = generation;
        if (RecordRing.NO_KIND == kind)
        {
            slot.status = ACKED;
            return;
        }

        final byte[] key = sink.progress(ring.streamId(position)).stream().key();
        final long origin = ring.origin(position);
        if (held.holds(kind, key, origin))
        {
            slot.status = ACKED;
            counters.add(SinkCounter.ALREADY_HELD, 1);
            return;
        }

        // The one copy: the producer takes a byte[] and copies it into its batch before send returns.
        final byte[] value = values.get(ring.recordLength(position));
        ring.copyRecord(position, value);
        slot.status = IN_FLIGHT;
        try
        {
            final RecordHeaders headers = new RecordHeaders();
            headers.add(HeldOrigins.ORIGIN_HEADER, HeldOrigins.originBytes(origin));
            producer.send(new ProducerRecord<>(topics[kind], null, null, key, value, headers), slot);
        }
        catch (final RuntimeException ex)
        {
            slot.onCompletion(null, ex);
        }
    }

    /**
     * Reads back what Kafka holds of this sink's records; on failure schedules the next attempt
     * after a backoff (nothing is sent meanwhile).
     *
     * @return true when read.
     */
    private boolean readBack()
    {
        try (Consumer<byte[], byte[]> consumer = consumerFactory.apply(consumerProperties))
        {
            held.read(consumer, topics, originCheck, readBackTimeout);
            readBackPending = false;
            counters.add(SinkCounter.READ_BACKS, 1);
            return true;
        }
        catch (final RuntimeException ex)
        {
            retryAtNs = clock.nanoTime() + backoff.nextDelayNs();
            if (!reportedTransient)
            {
                reportedTransient = true;
                anyReported = true;
                errorHandler.onError(new KafkaSinkException(name,
                    "cannot read back what Kafka holds of this sink's records; nothing is sent until it can, " +
                    "the read is tried again after a backoff", ex));
            }
            return false;
        }
    }

    private void closeProducerNow()
    {
        final Producer<byte[], byte[]> producer = this.producer;
        this.producer = null;
        generation++;
        if (null != producer)
        {
            try
            {
                producer.close(Duration.ZERO);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    private boolean createProducer()
    {
        try
        {
            producer = producerFactory.apply(producerProperties);
            return true;
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(new KafkaSinkException(name, SinkFailure.OTHER, ex));
            return false;
        }
    }

    /**
     * One record handed to the producer, and its completion callback. The producer's I/O thread
     * writes {@link #exception} and then {@link #status}; the sender reads them in that order.
     */
    static final class Slot implements Callback
    {
        private final AtomicLong failureCount;
        volatile int status = ACKED;
        Exception exception;
        long position;
        int generation;

        Slot(final AtomicLong failureCount)
        {
            this.failureCount = failureCount;
        }

        /**
         * {@inheritDoc}
         */
        public void onCompletion(final RecordMetadata metadata, final Exception exception)
        {
            if (null == exception)
            {
                status = ACKED;
            }
            else
            {
                this.exception = exception;
                status = FAILED;
                failureCount.incrementAndGet();
            }
        }
    }
}
