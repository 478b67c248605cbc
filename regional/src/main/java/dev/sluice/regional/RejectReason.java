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
     * A schema version other than the one this core reads ({@link DataBatchValidator#SCHEMA_VERSION}):
     * older and newer layouts are not compatible. The core also reports it to its error handler
     * whenever the rejected version differs from the last one it reported.
     */
    UNSUPPORTED_VERSION("unsupported_version"),

    /**
     * The fixed block or a group's entries have a length other than the schema version defines.
     */
    MALFORMED_BLOCK("malformed_block"),

    /**
     * The frame goes on after the end of its last group.
     */
    TRAILING_BYTES("trailing_bytes"),

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
     * A packet summary (outer or inner) or a flow record carries an IP version other than 0, 4 or 6.
     */
    BAD_IP_VERSION("bad_ip_version"),

    /**
     * A tunnel type, flow end reason or payload action holds a value the schema does not define.
     */
    BAD_ENUM_VALUE("bad_enum_value"),

    /**
     * An anonymized-fields set has a bit the schema does not define, or names an address the
     * record does not carry: an outer address of a non-IP record, an inner address of a packet
     * with no inner IP packet, or any inner address of a flow.
     */
    BAD_ANONYMIZED("bad_anonymized"),

    /**
     * Tunnel fields contradict each other: no tunnel but a depth, a tunnel id or an inner IP
     * packet; or a tunnel with depth 0.
     */
    BAD_TUNNEL("bad_tunnel"),

    /**
     * A flow record's last packet is earlier than its first.
     */
    BAD_FLOW_TIMES("bad_flow_times"),

    /**
     * A frame's bytes are longer than was captured, differ from the captured length with no
     * payload action, or exceed {@link PcapngFrameWriter#MAX_FRAME_LENGTH}; or its timestamp is
     * before 1970, which pcapng cannot hold.
     */
    BAD_FRAME("bad_frame"),

    /**
     * The batch's NDJSON or pcapng output would exceed the largest output buffer the core will
     * allocate.
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
