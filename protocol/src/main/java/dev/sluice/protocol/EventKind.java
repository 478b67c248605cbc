package dev.sluice.protocol;

/**
 * What an event forwarded in a {@code DataBatch}'s {@code events} group is: the value of its
 * {@code eventKind} field, shared by the gateway that writes it and the regional core that
 * renders it.
 * <p>
 * Each event's {@code body} is its text: the syslog, CEF or LEEF line, the JSON document, or
 * the candump line as received (addresses possibly anonymized); a NetFlow/IPFIX record, which
 * has no text of its own, is sent as a JSON object rendered from its fields, and so is a count record.
 * <p>
 * The codes are wire values: a kind keeps its code for ever, and a retired code is never given
 * to another kind, so that a core reading older or newer gateways' batches never misnames an
 * event. A code this build does not know is not an error: {@link #get(int)} returns null and the
 * reader falls back to the number.
 * <p>
 * Immutable; any thread.
 */
public enum EventKind
{
    /** An RFC 3164 or RFC 5424 syslog line. */
    SYSLOG(1, "syslog"),

    /** An ArcSight Common Event Format line (possibly inside a syslog header). */
    CEF(2, "cef"),

    /** An IBM QRadar Log Event Extended Format line (possibly inside a syslog header). */
    LEEF(3, "leef"),

    /** A JSON document (one object), validated by the gateway. */
    JSON(4, "json"),

    /** A NetFlow v5/v9 or IPFIX record, rendered by the gateway as one JSON object of its {@code flow.*} fields. */
    FLOW(5, "flow"),

    /** A candump (SocketCAN) log line. */
    CAN(6, "can"),

    /**
     * A count record of a {@code count by <keys> every <window>} rule, rendered by the gateway as one
     * JSON object: how many events of the rule had those key values in that window.
     */
    COUNT(7, "count");

    /** Wire value of no kind: the SBE null value of {@code uint16}. */
    public static final int NULL_CODE = 0xFFFF;

    /** Largest code this build knows. */
    public static final int MAX_CODE = 7;

    private static final EventKind[] BY_CODE = new EventKind[MAX_CODE + 1];

    static
    {
        for (final EventKind kind : values())
        {
            if (null != BY_CODE[kind.code])
            {
                throw new IllegalStateException("event kind code " + kind.code + " given twice");
            }
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;
    private final String label;

    EventKind(final int code, final String label)
    {
        this.code = code;
        this.label = label;
    }

    /**
     * @return the wire value of the kind (the {@code eventKind} field).
     */
    public int code()
    {
        return code;
    }

    /**
     * @return the lower-case name of the kind, as the regional core's output and the policy language name it.
     */
    public String label()
    {
        return label;
    }

    /**
     * The kind of a wire value, without allocating.
     *
     * @param code an {@code eventKind} value (an unsigned 16-bit value, or anything).
     * @return the kind, or null when the code is not one this build knows (including {@link #NULL_CODE}).
     */
    public static EventKind get(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * The label of a wire value, without allocating.
     *
     * @param code an {@code eventKind} value.
     * @return {@link #label()} of its kind, or null when the code is unknown.
     */
    public static String label(final int code)
    {
        final EventKind kind = get(code);
        return null == kind ? null : kind.label;
    }
}
