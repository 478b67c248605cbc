package dev.sluice.regional.sink;

/**
 * Why a sink failed to deliver a record, counted per record by {@link SinkCounters#failed}.
 * Each reason says what the sink does next: a record it can never deliver is dropped for this sink
 * (counted here, then treated as delivered so its stream goes on); any other is kept and sent
 * again after a backoff, so nothing is lost while an operator fixes the cause.
 * <p>
 * Immutable; any thread.
 */
public enum SinkFailure
{
    /**
     * Larger than the broker or the producer accepts ({@code max.request.size},
     * {@code message.max.bytes}): dropped for this sink.
     */
    RECORD_TOO_LARGE("record_too_large", true),

    /**
     * Refused by the broker as invalid (invalid topic name, corrupt or invalid record): dropped
     * for this sink.
     */
    INVALID_RECORD("invalid_record", true),

    /**
     * Not allowed to write (authorization or authentication failed): kept and retried at the
     * longest backoff until an operator grants it.
     */
    AUTHORIZATION("authorization", false),

    /**
     * The producer can no longer send (fenced, out of order sequence, unknown producer, an
     * unsupported broker): the sink closes it, starts a new one and sends again what was not
     * acknowledged.
     */
    PRODUCER_FENCED("producer_fenced", false),

    /**
     * Any other error the producer does not retry by itself: kept and retried after a backoff.
     */
    OTHER("other", false);

    private final String label;
    private final boolean dropsRecord;

    SinkFailure(final String label, final boolean dropsRecord)
    {
        this.label = label;
        this.dropsRecord = dropsRecord;
    }

    /**
     * @return the name the reason is reported under, e.g. {@code failed{reason="record_too_large"}}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return true when a record failing for this reason is dropped for the sink, false when it
     * is kept and sent again.
     */
    public boolean dropsRecord()
    {
        return dropsRecord;
    }
}
