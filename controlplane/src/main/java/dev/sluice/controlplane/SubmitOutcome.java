package dev.sluice.controlplane;

/**
 * How a {@link PolicySubmitClient#submit} ended. Constants; any thread may use them.
 */
public enum SubmitOutcome
{
    /** Valid; stored under a new version and pushed to every gateway. */
    ACCEPTED,
    /** Rejected; the message lists every error. */
    INVALID,
    /** Identical to the current version; nothing pushed. */
    UNCHANGED,
    /** No control plane connected within the timeout. */
    UNREACHABLE,
    /** Sent, but no result arrived within the timeout. */
    TIMED_OUT
}
