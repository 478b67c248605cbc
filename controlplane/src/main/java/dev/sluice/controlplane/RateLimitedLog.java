package dev.sluice.controlplane;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Logs a warning per {@link ControlPlaneCounter} reason at most once per interval and says how many were
 * suppressed in between, so a flood of bad frames cannot flood the log. Called only on the agent thread.
 */
final class RateLimitedLog
{
    private final Logger logger;
    private final long intervalMs;
    private final long[] nextAllowedMs = new long[ControlPlaneCounter.values().length];
    private final long[] suppressedCount = new long[ControlPlaneCounter.values().length];
    private final boolean[] loggedOnce = new boolean[ControlPlaneCounter.values().length];

    RateLimitedLog(final Logger logger, final long intervalMs)
    {
        this.logger = logger;
        this.intervalMs = intervalMs;
    }

    /**
     * Log the warning unless one for the same reason was logged within the interval.
     *
     * @param reason  what happened.
     * @param nowMs   current epoch time.
     * @param detail  what to say about this occurrence.
     * @param argument a value appended to the detail, so callers need not build strings per occurrence.
     */
    void warn(final ControlPlaneCounter reason, final long nowMs, final String detail, final Object argument)
    {
        final int index = reason.ordinal();
        if (loggedOnce[index] && nowMs < nextAllowedMs[index])
        {
            suppressedCount[index]++;
            return;
        }

        final long suppressed = suppressedCount[index];
        loggedOnce[index] = true;
        nextAllowedMs[index] = nowMs + intervalMs;
        suppressedCount[index] = 0;
        if (logger.isLoggable(Level.WARNING))
        {
            logger.log(
                Level.WARNING,
                reason.name() + ": " + detail + argument +
                (suppressed > 0 ? " (" + suppressed + " similar suppressed)" : ""));
        }
    }
}
