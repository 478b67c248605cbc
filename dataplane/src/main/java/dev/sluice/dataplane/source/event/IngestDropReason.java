package dev.sluice.dataplane.source.event;

/**
 * Why a listener did not accept a message into the ingest ring. Each is a counter,
 * {@code dropped{label}}, of the listener.
 */
public enum IngestDropReason
{
    /** The ring had no room: a UDP message (TCP waits instead), or an HTTP batch answered 429. */
    RING_FULL("ring_full"),
    /** Longer than the listener's maximum message size (HTTP: answered 413). */
    OVERSIZE("oversize"),
    /** A frame that cannot be delimited: a bad octet count, a connection closed inside a frame. */
    MALFORMED_FRAME("malformed_frame"),
    /** An empty datagram or HTTP body. */
    EMPTY("empty"),
    /** An HTTP request that is not a POST of a body, or not HTTP at all (answered 400 or 405). */
    BAD_REQUEST("bad_request"),
    /** The gateway is stopping (HTTP: answered 503). */
    SHUTTING_DOWN("shutting_down");

    private final String label;

    IngestDropReason(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
