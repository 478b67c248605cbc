package dev.sluice.policy.action;

import java.util.concurrent.TimeUnit;

/**
 * How {@code aggregate flows} builds flow records: a flow ends when no packet has been seen for
 * the idle timeout, and a record is emitted at least every active timeout while it lasts; each
 * worker tracks at most {@code maxFlowsPerWorker} flows; a bidirectional flow puts both
 * directions of a conversation in one record. Written in a policy's optional {@code flows:}
 * section; every setting has a default.
 * <p>
 * Immutable; any thread.
 *
 * @param idleTimeoutNs     close a flow after this long without packets, in nanoseconds.
 * @param activeTimeoutNs   emit a record for a long-lived flow at least this often, in nanoseconds.
 * @param maxFlowsPerWorker the most flows one worker tracks at once.
 * @param bidirectional     true when both directions of a conversation are one flow.
 */
public record FlowSettings(long idleTimeoutNs, long activeTimeoutNs, int maxFlowsPerWorker, boolean bidirectional)
{
    public static final long DEFAULT_IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);
    public static final long DEFAULT_ACTIVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    public static final int DEFAULT_MAX_FLOWS_PER_WORKER = 65_536;
    public static final boolean DEFAULT_BIDIRECTIONAL = true;

    /** Timeouts are whole milliseconds, at least this. */
    public static final long MIN_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Timeouts are at most a day. */
    public static final long MAX_TIMEOUT_NS = TimeUnit.HOURS.toNanos(24);
    /** The largest flow table a policy may ask a worker for. */
    public static final int MAX_FLOWS_PER_WORKER_LIMIT = 1 << 24;

    /** Every setting at its default. */
    public static final FlowSettings DEFAULTS = new FlowSettings(
        DEFAULT_IDLE_TIMEOUT_NS, DEFAULT_ACTIVE_TIMEOUT_NS, DEFAULT_MAX_FLOWS_PER_WORKER, DEFAULT_BIDIRECTIONAL);

    public FlowSettings
    {
        checkTimeout(idleTimeoutNs, "idle timeout");
        checkTimeout(activeTimeoutNs, "active timeout");
        if (maxFlowsPerWorker < 1 || maxFlowsPerWorker > MAX_FLOWS_PER_WORKER_LIMIT)
        {
            throw new IllegalArgumentException("max flows per worker must be in 1.." + MAX_FLOWS_PER_WORKER_LIMIT + ": " + maxFlowsPerWorker);
        }
    }

    private static void checkTimeout(final long timeoutNs, final String what)
    {
        if (timeoutNs < MIN_TIMEOUT_NS || timeoutNs > MAX_TIMEOUT_NS || 0 != timeoutNs % MIN_TIMEOUT_NS)
        {
            throw new IllegalArgumentException(what + " must be whole milliseconds from 1ms to 24h: " + timeoutNs + "ns");
        }
    }

    /**
     * @param durationNs a timeout, whole milliseconds.
     * @return it as a policy writes it, in the largest unit that is exact: {@code 2m}, {@code 15s}, {@code 500ms}.
     */
    public static String formatDuration(final long durationNs)
    {
        final long millis = TimeUnit.NANOSECONDS.toMillis(durationNs);
        if (0 == millis % 3_600_000L)
        {
            return millis / 3_600_000L + "h";
        }
        if (0 == millis % 60_000L)
        {
            return millis / 60_000L + "m";
        }
        if (0 == millis % 1_000L)
        {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }
}
