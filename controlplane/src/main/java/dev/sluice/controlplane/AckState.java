package dev.sluice.controlplane;

/**
 * The last acknowledgement a gateway sent for a policy push, as shown in fleet status. Constants; any
 * thread may use them.
 */
public enum AckState
{
    /** No acknowledgement received yet. */
    NONE,
    /** The pushed version runs on the gateway. */
    APPLIED,
    /** The gateway refused the pushed version and kept its previous policy. */
    REJECTED,
    /** The pushed version was not newer than the one the gateway runs. */
    STALE,
    /** A chunked push did not arrive whole; the gateway keeps its policy and is pushed again. */
    INCOMPLETE
}
