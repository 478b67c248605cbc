package dev.sluice.dataplane.pipeline;

/**
 * What happened to an item inside the worker, one byte per item in {@link PacketBurst#verdict}.
 * Each item ends a burst with exactly one of the final verdicts, which is what makes
 * {@code received = forwarded + aggregated + filtered + sampled_out + dropped{reason}} balance.
 */
public final class Verdict
{
    /** Not yet decided by any stage. */
    public static final byte PENDING = 0;
    /** Decoded and allowed by the policy: handed to egress. */
    public static final byte PASS = 1;
    /** Malformed or unusable; the reason is in {@link PacketBurst#dropReason}. */
    public static final byte DROPPED = 2;
    /** A policy rule (or the policy's default) said drop. */
    public static final byte FILTERED = 3;
    /** A {@code sample 1/N} rule left it out. */
    public static final byte SAMPLED_OUT = 4;
    /**
     * An {@code aggregate flows} rule folded it into its worker's flow table: it leaves the site
     * only as part of a flow record.
     */
    public static final byte AGGREGATED = 5;
    /**
     * A {@code rate-limit} rule left it out: its key was over the limit. Counted as
     * {@code sampled_out} (a rule forwarding a share of what it matches), and also in
     * {@code rate_limited}, so the balance keeps its terms.
     */
    public static final byte RATE_LIMITED = 6;

    private Verdict()
    {
    }
}
