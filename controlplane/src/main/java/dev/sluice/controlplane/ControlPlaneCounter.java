package dev.sluice.controlplane;

/**
 * The control plane's counters: declared once here, allocated in the media driver's counters file
 * (so {@code AeronStat} and other processes can read them) with type id {@link #TYPE_ID} and the
 * counter's {@link #id()} as its 4-byte key. Constants; any thread may use them.
 */
public enum ControlPlaneCounter
{
    GATEWAY_HELLOS(1, "gateway hellos received"),
    POLICY_ACKS(2, "policy acks received"),
    POLICY_SUBMITS(3, "policy submits received (CLI and watched file)"),
    SUBMITS_ACCEPTED(4, "policy submits accepted as a new version"),
    SUBMITS_INVALID(5, "policy submits rejected as invalid"),
    SUBMITS_UNCHANGED(6, "policy submits identical to the current version"),
    PUSHES_BROADCAST(7, "policy pushes sent to every gateway"),
    PUSHES_TARGETED(8, "policy pushes sent to one lagging gateway"),
    SUBMIT_RESULTS_SENT(9, "policy submit results sent"),
    OUTBOUND_DROPPED(10, "outbound messages dropped (no receiver, closed or queue full)"),
    FRAMES_TRUNCATED(11, "inbound frames shorter than their header or declared fields"),
    FRAMES_UNKNOWN(12, "inbound frames with an unknown schema or template id"),
    FRAMES_MALFORMED(13, "inbound frames with invalid field values"),
    HANDLER_ERRORS(14, "inbound messages whose handling failed unexpectedly"),
    GATEWAYS_EXPIRED(15, "gateways expired after the liveness timeout"),
    POLICY_FILE_ERRORS(16, "watched policy file read failures"),
    STORE_ERRORS(17, "policy store write failures");

    /**
     * Aeron counter type id of every control plane counter; outside the ranges Aeron itself uses.
     */
    public static final int TYPE_ID = 770_101;

    private final int id;
    private final String label;

    ControlPlaneCounter(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * @return the stable id, written as the counter's key.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return what the counter counts.
     */
    public String label()
    {
        return label;
    }
}
