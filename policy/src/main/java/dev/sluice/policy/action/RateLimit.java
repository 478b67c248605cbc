package dev.sluice.policy.action;

import dev.sluice.policy.field.Field;

import java.util.List;

/**
 * The settings of {@code rate-limit N/s [by <fields>] [burst B]}: at most {@code count} items per
 * {@code period} for each distinct combination of the key fields' values (one limit for the whole
 * rule when there are no keys), with up to {@code burst} items let through at once after a quiet
 * spell. The dataplane runs it as a token bucket per key, refilled from each item's receive time.
 * <p>
 * Keys are base or derived fields (a derived field's value is its bits of the base field); an
 * alias stands for two values and is not a key. Immutable; any thread.
 *
 * @param count  items let through per period, 1..{@link #MAX_COUNT}.
 * @param period the period of {@code count}.
 * @param burst  the most items let through at once, 1..{@link #MAX_COUNT}; by default {@code count}.
 * @param keys   the key fields in the order written, without repeats; empty for one limit per rule.
 */
public record RateLimit(long count, Period period, long burst, List<Field> keys)
{
    /**
     * The largest N (and B): a billion items per second is beyond any worker, so a larger number
     * is a typo, and it keeps the refill interval at least a nanosecond.
     */
    public static final long MAX_COUNT = 1_000_000_000L;

    /** The unit of a rate, as written after the '/'. */
    public enum Period
    {
        SECOND("s", 1_000_000_000L),
        MINUTE("m", 60_000_000_000L);

        private final String unit;
        private final long nanos;

        Period(final String unit, final long nanos)
        {
            this.unit = unit;
            this.nanos = nanos;
        }

        /** The unit as written after the '/': {@code s}, {@code m}. */
        public String unit()
        {
            return unit;
        }

        public long nanos()
        {
            return nanos;
        }

        /**
         * @param unit the text after the '/'.
         * @return the period, or null for a unit that is not one.
         */
        public static Period byUnit(final String unit)
        {
            for (final Period period : values())
            {
                if (period.unit.equals(unit))
                {
                    return period;
                }
            }
            return null;
        }

        /** The units, for hints. */
        public static List<String> units()
        {
            return List.of(SECOND.unit, MINUTE.unit);
        }
    }

    public RateLimit
    {
        if (count < 1 || count > MAX_COUNT || burst < 1 || burst > MAX_COUNT)
        {
            throw new IllegalArgumentException("rate " + count + "/" + period + " burst " + burst);
        }
        if (null == period)
        {
            throw new IllegalArgumentException("no period");
        }
        keys = List.copyOf(keys);
    }

    /**
     * @return the time one item's token takes to come back, at least 1 ns: the period over the
     * count, rounded down (a limit a fraction of a nanosecond per item generous).
     */
    public long intervalNs()
    {
        return Math.max(1, period.nanos / count);
    }

    /**
     * @return how far ahead of an item's receive time the bucket may be booked and still let it
     * through: {@code burst} intervals, capped well below overflow when added to a receive time.
     */
    public long toleranceNs()
    {
        final long interval = intervalNs();
        return burst > Long.MAX_VALUE / 4 / interval ? Long.MAX_VALUE / 4 : burst * interval;
    }

    /**
     * @return the action in policy syntax, e.g. {@code rate-limit 100/s by ip.src, tcp.dstport burst 200};
     * the burst is printed only when it is not the default.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder("rate-limit ").append(count).append('/').append(period.unit);
        for (int i = 0; i < keys.size(); i++)
        {
            text.append(0 == i ? " by " : ", ").append(keys.get(i).name());
        }
        if (burst != count)
        {
            text.append(" burst ").append(burst);
        }
        return text.toString();
    }
}
