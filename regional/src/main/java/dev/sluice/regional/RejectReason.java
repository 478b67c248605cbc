package dev.sluice.regional;

/**
 * Why a received frame was not accepted as a {@code DataBatch}; each reason is counted separately.
 * <p>
 * Immutable; any thread.
 */
public enum RejectReason
{
    /**
     * The frame is shorter than its message header, fixed block, group headers, group entries or
     * variable-length bodies declare.
     */
    TRUNCATED("truncated"),

    /**
     * The message header names a schema other than the Sluice schema.
     */
    UNKNOWN_SCHEMA("unknown_schema"),

    /**
     * A Sluice message, but not a {@code DataBatch}.
     */
    UNKNOWN_TEMPLATE("unknown_template"),

    /**
     * A schema version older than the first one this core understands.
     */
    UNSUPPORTED_VERSION("unsupported_version"),

    /**
     * The fixed block or a group entry is shorter than the schema's first version defines.
     */
    MALFORMED_BLOCK("malformed_block"),

    /**
     * The gateway id is empty, or an identifier holds a byte outside printable US-ASCII.
     */
    BAD_IDENTIFIER("bad_identifier"),

    /**
     * The stream sequence is 0 or does not fit a signed 64-bit value; streams start at 1.
     */
    BAD_SEQUENCE("bad_sequence"),

    /**
     * The header's record count differs from the number of entries in the groups.
     */
    RECORD_COUNT_MISMATCH("record_count_mismatch"),

    /**
     * A packet summary carries an IP version other than 0, 4 or 6.
     */
    BAD_IP_VERSION("bad_ip_version"),

    /**
     * The batch's NDJSON would exceed the largest output buffer the core will allocate.
     */
    TOO_LARGE("too_large");

    private final String label;

    RejectReason(final String label)
    {
        this.label = label;
    }

    /**
     * Name used in metrics and reports.
     *
     * @return snake_case label.
     */
    public String label()
    {
        return label;
    }
}
