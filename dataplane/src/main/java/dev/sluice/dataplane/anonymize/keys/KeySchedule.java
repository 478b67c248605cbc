package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.policy.keys.KeyEpoch;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The key epochs of one region, in the order they start, and the overlap during which a replaced
 * key stays loaded. Answers, for a wall-clock time in epoch nanoseconds, which epoch is active
 * (the latest whose start is not after it), when the next switch is due, and which epochs are
 * still needed: the active one, those that start later (their keys must be provisioned before
 * the policy naming them is accepted), and a replaced one until {@code overlap} after its
 * successor started.
 * <p>
 * Immutable; any thread. {@link #activeAt} and {@link #nextSwitchNs} do not allocate.
 */
public final class KeySchedule
{
    /** What {@link #activeAt} returns before the first epoch starts (or when there is none). */
    public static final int NO_EPOCH = -1;
    /** What {@link #nextSwitchNs} returns when no epoch starts later. */
    public static final long NEVER = Long.MAX_VALUE;

    private final String region;
    private final String[] ids;
    private final long[] fromNs;
    private final long overlapNs;

    private KeySchedule(final String region, final String[] ids, final long[] fromNs, final long overlapNs)
    {
        this.region = region;
        this.ids = ids;
        this.fromNs = fromNs;
        this.overlapNs = overlapNs;
    }

    /**
     * @param region    the region.
     * @param epochs    the region's epochs, starts strictly increasing (as the policy parser checks).
     * @param overlapNs how long a replaced key is retained after its successor starts; at least 0.
     */
    public static KeySchedule of(final String region, final List<KeyEpoch> epochs, final long overlapNs)
    {
        Objects.requireNonNull(region, "region");
        if (overlapNs < 0)
        {
            throw new IllegalArgumentException("overlapNs must not be negative, got " + overlapNs);
        }
        final String[] ids = new String[epochs.size()];
        final long[] fromNs = new long[epochs.size()];
        for (int i = 0; i < ids.length; i++)
        {
            final KeyEpoch epoch = epochs.get(i);
            if (!region.equals(epoch.region()))
            {
                throw new IllegalArgumentException("epoch " + epoch.label() + " is not of region " + region);
            }
            ids[i] = epoch.id();
            fromNs[i] = epoch.fromEpochNs();
            if (i > 0 && fromNs[i] <= fromNs[i - 1])
            {
                throw new IllegalArgumentException("epoch " + epoch.label() + " does not start after " + ids[i - 1]);
            }
        }
        return new KeySchedule(region, ids, fromNs, overlapNs);
    }

    /** One epoch active since forever: the single key of {@code anonymization.key-file}. */
    public static KeySchedule always(final String region, final String id)
    {
        return new KeySchedule(region, new String[]{id}, new long[]{Long.MIN_VALUE}, 0);
    }

    /** No epoch at all: no key, no transform. */
    public static KeySchedule empty(final String region)
    {
        return new KeySchedule(region, new String[0], new long[0], 0);
    }

    public String region()
    {
        return region;
    }

    public int size()
    {
        return ids.length;
    }

    public String id(final int epoch)
    {
        return ids[epoch];
    }

    /** {@code region/id} of an epoch. */
    public String label(final int epoch)
    {
        return region + "/" + ids[epoch];
    }

    public long fromNs(final int epoch)
    {
        return fromNs[epoch];
    }

    public long overlapNs()
    {
        return overlapNs;
    }

    /**
     * @param nowNs wall-clock time, nanoseconds since the Unix epoch.
     * @return the index of the latest epoch whose start is at or before {@code nowNs}, or {@link #NO_EPOCH}.
     */
    public int activeAt(final long nowNs)
    {
        // Few epochs (a policy lists a handful): a backward scan beats a binary search.
        for (int i = fromNs.length - 1; i >= 0; i--)
        {
            if (fromNs[i] <= nowNs)
            {
                return i;
            }
        }
        return NO_EPOCH;
    }

    /**
     * @param nowNs wall-clock time.
     * @return the start of the first epoch that starts after {@code nowNs}, or {@link #NEVER}.
     */
    public long nextSwitchNs(final long nowNs)
    {
        for (int i = 0; i < fromNs.length; i++)
        {
            if (fromNs[i] > nowNs)
            {
                return fromNs[i];
            }
        }
        return NEVER;
    }

    /**
     * @param epoch an epoch index.
     * @return until when (exclusive) the epoch's key is retained once its successor is active:
     * the successor's start plus the overlap, saturated; {@link #NEVER} for the last epoch.
     */
    public long retainedUntilNs(final int epoch)
    {
        if (epoch == fromNs.length - 1)
        {
            return NEVER;
        }
        final long successorFromNs = fromNs[epoch + 1];
        return successorFromNs > NEVER - overlapNs ? NEVER : successorFromNs + overlapNs;
    }

    /**
     * @param epoch an epoch index.
     * @param nowNs wall-clock time.
     * @return whether the epoch's key is needed at {@code nowNs}: it is active, starts later, or
     * was replaced less than the overlap ago.
     */
    public boolean retainedAt(final int epoch, final long nowNs)
    {
        return nowNs < retainedUntilNs(epoch);
    }

    /**
     * @param nowNs wall-clock time.
     * @return the earliest time after {@code nowNs} at which {@link #activeAt} or
     * {@link #retainedAt} changes for some epoch, or {@link #NEVER}.
     */
    public long nextChangeNs(final long nowNs)
    {
        long next = nextSwitchNs(nowNs);
        for (int i = 0; i < fromNs.length; i++)
        {
            final long until = retainedUntilNs(i);
            if (until > nowNs && until < next)
            {
                next = until;
            }
        }
        return next;
    }

    /** An instant for messages; the key-file epoch's start prints as the beginning of time. */
    public static String format(final long epochNs)
    {
        if (Long.MIN_VALUE == epochNs)
        {
            return "the beginning";
        }
        if (NEVER == epochNs)
        {
            return "never";
        }
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), Math.floorMod(epochNs, 1_000_000_000L)).toString();
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("KeySchedule[").append(region).append(": ");
        for (int i = 0; i < ids.length; i++)
        {
            text.append(i == 0 ? "" : ", ").append(ids[i]).append(" from ").append(format(fromNs[i]));
        }
        return text.append("; overlap ").append(overlapNs / 1_000_000_000L).append("s]").toString();
    }
}
