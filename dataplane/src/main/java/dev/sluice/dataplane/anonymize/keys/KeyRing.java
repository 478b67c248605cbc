package dev.sluice.dataplane.anonymize.keys;

import java.util.Objects;

/**
 * The keys one policy version runs with on this gateway: its region's {@link KeySchedule} and,
 * for every epoch still needed when the policy was applied, each worker's {@link EpochMethods}.
 * Travels to the workers inside the policy snapshot, so a worker never runs one policy version
 * with another version's keys.
 * <p>
 * Built on the conductor thread. Workers only read it ({@link #select}); the conductor may
 * {@link #retire} an epoch whose overlap has ended, which drops its instances. A worker never
 * selects a retired epoch under the same clock: it is older than the active one.
 */
public final class KeyRing
{
    private final KeySchedule schedule;
    private final EpochMethods[][] methods;
    private final int floorEpoch;

    /**
     * @param schedule   the region's epochs.
     * @param methods    per epoch, per worker slot, the methods; a null row for an epoch not loaded.
     * @param floorEpoch the epoch active when the ring was built, or {@link KeySchedule#NO_EPOCH}:
     *                   a worker whose clock lags the conductor's by a little never goes back to an
     *                   older epoch than the conductor checked.
     */
    KeyRing(final KeySchedule schedule, final EpochMethods[][] methods, final int floorEpoch)
    {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        if (methods.length != schedule.size())
        {
            throw new IllegalArgumentException("methods for " + methods.length + " epochs, schedule has " + schedule.size());
        }
        this.methods = methods;
        this.floorEpoch = floorEpoch;
    }

    /** A ring without keys: nothing can be transformed. */
    public static KeyRing empty(final String region)
    {
        return new KeyRing(KeySchedule.empty(region), new EpochMethods[0][], KeySchedule.NO_EPOCH);
    }

    public KeySchedule schedule()
    {
        return schedule;
    }

    /**
     * The methods a worker uses at a time: the active epoch's (or, should it be retired already,
     * the next loaded one's). Worker thread; does not allocate.
     *
     * @param slot  the worker's slot.
     * @param nowNs wall-clock time, epoch nanoseconds.
     * @return the methods, or null when no epoch is active (before the first one starts).
     */
    public EpochMethods select(final int slot, final long nowNs)
    {
        final int active = Math.max(floorEpoch, schedule.activeAt(nowNs));
        if (KeySchedule.NO_EPOCH == active)
        {
            return null;
        }
        for (int epoch = active; epoch < methods.length; epoch++)
        {
            final EpochMethods[] row = methods[epoch];
            if (null != row)
            {
                return row[slot];
            }
        }
        return null;
    }

    /**
     * @param nowNs wall-clock time.
     * @return whether a worker has a key at {@code nowNs}.
     */
    public boolean hasKeyAt(final long nowNs)
    {
        return null != select(0, nowNs);
    }

    /** Whether the epoch's methods are loaded. */
    boolean isLoaded(final int epoch)
    {
        return null != methods[epoch];
    }

    /** Drops the epoch's method instances. Conductor thread. */
    void retire(final int epoch)
    {
        methods[epoch] = null;
    }

    @Override
    public String toString()
    {
        return "KeyRing[" + schedule + "]";
    }
}
