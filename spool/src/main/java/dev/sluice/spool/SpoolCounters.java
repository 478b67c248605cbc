package dev.sluice.spool;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of one spool ({@link SpoolCounter}).
 * <p>
 * Only the spool's owning thread updates them (single writer: a plain read and an ordered
 * write, no atomic read-modify-write on the data path); {@link #get} and {@link #snapshot} may be
 * called from any thread at any time.
 */
public final class SpoolCounters
{
    private static final SpoolCounter[] COUNTERS = SpoolCounter.values();

    private final AtomicLongArray values = new AtomicLongArray(COUNTERS.length);

    /**
     * Current value of one counter.
     *
     * @param counter which counter.
     * @return its value.
     */
    public long get(final SpoolCounter counter)
    {
        return values.getAcquire(counter.ordinal());
    }

    /**
     * Records lost, every reason together.
     *
     * @return the sum of the counters that have a {@link SpoolCounter#dropReason()}.
     */
    public long dropped()
    {
        long total = 0;
        for (final SpoolCounter counter : COUNTERS)
        {
            if (null != counter.dropReason())
            {
                total += get(counter);
            }
        }
        return total;
    }

    /**
     * Copies every counter. Each value is exact when read, but they are read one after another.
     *
     * @return counter to value, in declaration order.
     */
    public Map<SpoolCounter, Long> snapshot()
    {
        final EnumMap<SpoolCounter, Long> snapshot = new EnumMap<>(SpoolCounter.class);
        for (final SpoolCounter counter : COUNTERS)
        {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }

    void increment(final SpoolCounter counter)
    {
        add(counter, 1);
    }

    void add(final SpoolCounter counter, final long delta)
    {
        final int index = counter.ordinal();
        values.setRelease(index, values.getPlain(index) + delta);
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        for (final SpoolCounter counter : COUNTERS)
        {
            final long value = get(counter);
            if (0 != value)
            {
                text.append(text.isEmpty() ? "" : ", ").append(counter.label()).append('=').append(value);
            }
        }
        return text.toString();
    }
}
