package dev.sluice.controlplane;

import dev.sluice.protocol.chunk.ChunkFailure;

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
    STORE_ERRORS(17, "policy store write failures"),
    PUSHES_CHUNKED(18, "policy pushes sent in chunks (documents longer than one message)"),
    SUBMIT_CHUNKS_RECEIVED(19, "policy submit chunks received"),
    SUBMIT_CHUNKS_INVALID_HEADER(20, "submit transfers discarded: impossible chunk index, count or length"),
    SUBMIT_CHUNKS_TOO_LARGE(21, "submit transfers discarded: document above 16 MiB"),
    SUBMIT_CHUNKS_OUT_OF_ORDER(22, "submit transfers discarded: chunk out of order"),
    SUBMIT_CHUNKS_MISSING(23, "submit transfers discarded: chunk missing"),
    SUBMIT_CHUNKS_INCONSISTENT(24, "submit transfers discarded: chunks disagree on count, length or CRC"),
    SUBMIT_CHUNKS_CRC_MISMATCH(25, "submit transfers discarded: CRC32C mismatch"),
    SUBMIT_CHUNKS_SUPERSEDED(26, "submit transfers discarded: another submit started before it completed"),
    SUBMIT_CHUNKS_ORPHANED(27, "submit chunks ignored: their transfer's first chunk was not received"),
    POLICY_ACKS_INCOMPLETE(28, "policy acks saying a chunked push did not arrive whole");

    /**
     * @param failure why a submit transfer was discarded.
     * @return the counter of that reason.
     */
    static ControlPlaneCounter of(final ChunkFailure failure)
    {
        return switch (failure)
        {
            case INVALID_HEADER -> SUBMIT_CHUNKS_INVALID_HEADER;
            case TOO_LARGE -> SUBMIT_CHUNKS_TOO_LARGE;
            case OUT_OF_ORDER -> SUBMIT_CHUNKS_OUT_OF_ORDER;
            case MISSING_CHUNK -> SUBMIT_CHUNKS_MISSING;
            case INCONSISTENT -> SUBMIT_CHUNKS_INCONSISTENT;
            case CRC_MISMATCH -> SUBMIT_CHUNKS_CRC_MISMATCH;
            case SUPERSEDED -> SUBMIT_CHUNKS_SUPERSEDED;
            case ORPHANED -> SUBMIT_CHUNKS_ORPHANED;
        };
    }

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
