package dev.sluice.regional.sink;

/**
 * A failure of a Kafka sink to deliver, surfaced to the core's error handler once per run of
 * failures of one reason (the records are counted one by one in {@link SinkCounters}). Never
 * thrown on the caller's thread.
 */
public final class KafkaSinkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient SinkFailure reason;

    KafkaSinkException(final String sinkName, final SinkFailure reason, final Throwable cause)
    {
        super("Kafka sink '" + sinkName + "': " +
            (null == reason ?
                "records not acknowledged (" + cause + "); they are kept and sent again after a backoff" :
                "failed{" + reason.label() + "}: " + cause + "; " + KafkaErrors.advice(reason)),
            cause);
        this.reason = reason;
    }

    KafkaSinkException(final String sinkName, final String message, final Throwable cause)
    {
        super("Kafka sink '" + sinkName + "': " + message + ": " + cause, cause);
        this.reason = null;
    }

    /**
     * @return why records failed, null for a transient failure that is simply retried.
     */
    public SinkFailure reason()
    {
        return reason;
    }
}
