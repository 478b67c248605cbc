package dev.sluice.policy.action;

import dev.sluice.policy.field.Field;

import java.util.List;

/**
 * The settings of {@code count [by <fields>] every <window>}: the events a rule matches are not
 * forwarded one by one but counted per distinct combination of the key fields' values (one total
 * for the rule without keys) in fixed windows of {@code window} {@code unit}s aligned to the
 * epoch, and each window's counts leave as count records. The key values written into a record
 * carry their fields' data classes, so residency and the rule's {@code anonymize} apply to them.
 * <p>
 * Keys are base or derived fields, as for {@link RateLimit}. Immutable; any thread.
 *
 * @param keys   the key fields in the order written, without repeats; empty for one count per window.
 * @param window the window length in {@code unit}s, at least 1, at most {@link #MAX_WINDOW_SECONDS} in all.
 * @param unit   the unit the window was written in.
 */
public record CountAction(List<Field> keys, long window, Unit unit)
{
    /**
     * The longest window, one day: a count held longer than that is a report, not telemetry, and
     * its loss on a crash (open windows live in the worker's memory) would cost too much.
     */
    public static final long MAX_WINDOW_SECONDS = 86_400L;

    /** The most key fields: a count record's key values must fit the count table's fixed entry. */
    public static final int MAX_KEYS = 8;

    /** The unit of a window, as written after the number. */
    public enum Unit
    {
        SECOND("s", 1L),
        MINUTE("m", 60L),
        HOUR("h", 3_600L);

        private final String symbol;
        private final long seconds;

        Unit(final String symbol, final long seconds)
        {
            this.symbol = symbol;
            this.seconds = seconds;
        }

        /** The unit as written: {@code s}, {@code m}, {@code h}. */
        public String symbol()
        {
            return symbol;
        }

        public long seconds()
        {
            return seconds;
        }

        /**
         * @param symbol the text after the number.
         * @return the unit, or null for text that is not one.
         */
        public static Unit bySymbol(final String symbol)
        {
            for (final Unit unit : values())
            {
                if (unit.symbol.equals(symbol))
                {
                    return unit;
                }
            }
            return null;
        }
    }

    public CountAction
    {
        if (null == unit || window < 1 || window > MAX_WINDOW_SECONDS / unit.seconds)
        {
            throw new IllegalArgumentException("count window " + window + " " + unit);
        }
        if (keys.size() > MAX_KEYS)
        {
            throw new IllegalArgumentException(keys.size() + " count keys");
        }
        keys = List.copyOf(keys);
    }

    /** The window length in seconds. */
    public long windowSeconds()
    {
        return window * unit.seconds;
    }

    /** The window length in nanoseconds. */
    public long windowNs()
    {
        return windowSeconds() * 1_000_000_000L;
    }

    /**
     * @return the action in policy syntax, e.g. {@code count by syslog.hostname every 1m}.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder("count");
        for (int i = 0; i < keys.size(); i++)
        {
            text.append(0 == i ? " by " : ", ").append(keys.get(i).name());
        }
        return text.append(" every ").append(window).append(unit.symbol).toString();
    }
}
