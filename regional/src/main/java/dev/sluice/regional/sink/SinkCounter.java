package dev.sluice.regional.sink;

/**
 * Totals a sink keeps, declared once with the label and unit reported for each. Failures are
 * counted by {@link SinkFailure} apart from these.
 * <p>
 * Immutable; any thread.
 */
public enum SinkCounter
{
    /**
     * Batches taken by {@link Sink#offerBatch} and committed.
     */
    OFFERED_BATCHES("offered_batches", "batches"),

    /**
     * Records of the batches taken.
     */
    OFFERED_RECORDS("offered_records", "records"),

    /**
     * Batches delivered durably, each with every record it holds.
     */
    DELIVERED_BATCHES("delivered_batches", "batches"),

    /**
     * Records delivered durably (acknowledged by Kafka, or written).
     */
    DELIVERED_RECORDS("delivered_records", "records"),

    /**
     * Batches refused because the sink's bounded buffer was full: the caller keeps them and
     * offers them again.
     */
    REFUSED_BACKPRESSURE("refused_backpressure", "batches"),

    /**
     * Records sent again after a retriable failure, following a backoff.
     */
    RETRIES("retries", "records"),

    /**
     * Bytes of the records delivered.
     */
    DELIVERED_BYTES("delivered_bytes", "bytes"),

    /**
     * Of the records delivered, those offered again after a restart that Kafka already held (read
     * back by their origin): not sent a second time.
     */
    ALREADY_HELD("already_held", "records"),

    /**
     * Times the sink read back what Kafka holds of its records (at start and before resending).
     */
    READ_BACKS("read_backs", "reads");

    private final String label;
    private final String unit;

    SinkCounter(final String label, final String unit)
    {
        this.label = label;
        this.unit = unit;
    }

    /**
     * @return the name the counter is reported under.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return what the counter counts.
     */
    public String unit()
    {
        return unit;
    }
}
