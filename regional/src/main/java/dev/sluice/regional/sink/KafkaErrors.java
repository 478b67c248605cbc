package dev.sluice.regional.sink;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Sorts the exceptions a Kafka producer reports for a record into what the sink does about them.
 * <p>
 * Stateless; any thread.
 */
final class KafkaErrors
{
    private KafkaErrors()
    {
    }

    /**
     * Why a record failed, or null when the failure is transient (a broker down, a leader moving,
     * a request timing out) and the record is simply sent again after a backoff.
     *
     * @param error what the producer reported.
     * @return the reason to count, or null for a transient failure.
     */
    static SinkFailure classify(final Throwable error)
    {
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException)
        {
            return SinkFailure.RECORD_TOO_LARGE;
        }
        if (error instanceof InvalidTopicException ||
            error instanceof InvalidRecordException ||
            error instanceof SerializationException)
        {
            return SinkFailure.INVALID_RECORD;
        }
        if (error instanceof AuthorizationException || error instanceof AuthenticationException)
        {
            return SinkFailure.AUTHORIZATION;
        }
        if (error instanceof ProducerFencedException ||
            error instanceof OutOfOrderSequenceException ||
            error instanceof InvalidProducerEpochException ||
            error instanceof UnsupportedVersionException)
        {
            return SinkFailure.PRODUCER_FENCED;
        }
        if (error instanceof RetriableException)
        {
            return null;
        }

        return SinkFailure.OTHER;
    }

    /**
     * What an operator can do about a reason, for the message that surfaces it.
     *
     * @param reason the reason.
     * @return advice in one sentence.
     */
    static String advice(final SinkFailure reason)
    {
        return switch (reason)
        {
            case RECORD_TOO_LARGE -> "the record is dropped for Kafka; raise " +
                KafkaSinkConfig.MAX_REQUEST_SIZE_PROP_NAME + " and the topic's max.message.bytes to keep such records";
            case INVALID_RECORD -> "the record is dropped for Kafka; check " + KafkaSinkConfig.TOPIC_PREFIX_PROP_NAME +
                " (topic names allow [a-zA-Z0-9._-] only)";
            case AUTHORIZATION -> "records are kept and retried; grant this client WRITE and IDEMPOTENT_WRITE " +
                "on the sink's topics, or fix its credentials";
            case PRODUCER_FENCED -> "the producer is closed and a new one resends every unacknowledged record";
            case OTHER -> "records are kept and retried after a backoff";
        };
    }
}
