package dev.sluice.dataplane.anonymize.generalize;

import java.util.concurrent.TimeUnit;

/**
 * Rounds an epoch-nanosecond timestamp down to the start of its bucket: a unit (millisecond,
 * second, minute, hour, day) or N of them. Fine timestamps re-identify (they join one record to
 * another across data sets); the bucket start keeps ordering and rates at the chosen resolution.
 * <p>
 * Buckets are aligned to the Unix epoch, so a day is a UTC day of 86,400 s (POSIX time has no leap
 * seconds) and two gateways bucket the same instant identically without sharing state. Rounding is
 * toward negative infinity ({@link Math#floorMod}): -1 ns falls in the bucket that starts at -bucket,
 * not at 0, so a bucket is always [start, start + bucket) whatever the sign. The only bucket whose
 * start cannot be represented is the one that contains {@link Long#MIN_VALUE} (year 1677); its
 * records get {@link Long#MIN_VALUE} instead of overflowing to a date in 2262.
 * <p>
 * Immutable, so any thread may call it; allocation-free.
 */
public final class TimeTruncation
{
    private final long bucketNs;

    /**
     * A truncation to buckets of {@code count} units.
     *
     * @param count how many units make a bucket, at least 1.
     * @param unit  the unit.
     * @throws IllegalArgumentException if the bucket is not positive or longer than 2^63 - 1 ns.
     */
    public TimeTruncation(final long count, final TimeUnit unit)
    {
        this(checkedBucketNs(count, unit));
    }

    /**
     * A truncation to buckets of {@code bucketNs} nanoseconds.
     *
     * @param bucketNs bucket length in nanoseconds, at least 1.
     * @throws IllegalArgumentException if the bucket is not positive.
     */
    public TimeTruncation(final long bucketNs)
    {
        if (bucketNs < 1)
        {
            throw new IllegalArgumentException("time bucket must be at least 1 ns, got " + bucketNs);
        }
        this.bucketNs = bucketNs;
    }

    private static long checkedBucketNs(final long count, final TimeUnit unit)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("time bucket must be at least 1 " + unit + ", got " + count);
        }
        final long bucketNs = unit.toNanos(count);
        if (Long.MAX_VALUE == bucketNs)
        {
            throw new IllegalArgumentException(count + " " + unit + " is longer than 2^63 - 1 ns (292 years)");
        }
        return bucketNs;
    }

    /**
     * @param epochNs nanoseconds since 1970-01-01T00:00:00Z, any sign.
     * @return the start of the bucket that contains {@code epochNs}.
     */
    public long truncate(final long epochNs)
    {
        final long intoBucket = Math.floorMod(epochNs, bucketNs);
        final long start = epochNs - intoBucket;
        // Only the lowest bucket can wrap; its true start is below Long.MIN_VALUE.
        return start > epochNs ? Long.MIN_VALUE : start;
    }

    /**
     * @param epochNs nanoseconds since the epoch, any sign.
     * @return the number of the bucket that contains {@code epochNs} (bucket 0 starts at the epoch).
     */
    public long bucketIndex(final long epochNs)
    {
        return Math.floorDiv(epochNs, bucketNs);
    }

    /**
     * @return bucket length in nanoseconds.
     */
    public long bucketNs()
    {
        return bucketNs;
    }

    @Override
    public String toString()
    {
        return "TimeTruncation{bucketNs=" + bucketNs + "}";
    }
}
