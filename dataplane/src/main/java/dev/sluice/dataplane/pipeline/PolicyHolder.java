package dev.sluice.dataplane.pipeline;

/**
 * Hands the current policy from the conductor thread to the workers. The conductor sets a
 * fully built snapshot; each worker reads it once at the start of a burst, so no burst is
 * processed half under one version and half under another.
 */
public final class PolicyHolder
{
    private volatile PolicySnapshot current;

    /** Any thread; null until the first policy is applied. */
    public PolicySnapshot current()
    {
        return current;
    }

    /** Conductor thread. */
    public void apply(final PolicySnapshot snapshot)
    {
        current = snapshot;
    }

    /** The version in effect, 0 when none. */
    public long appliedVersion()
    {
        final PolicySnapshot snapshot = current;
        return snapshot == null ? 0 : snapshot.version();
    }
}
