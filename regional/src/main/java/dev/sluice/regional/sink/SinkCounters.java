package dev.sluice.regional.sink;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Totals of one sink and its failures by reason.
 * <p>
 * Each total has one writer thread (the caller's for offers and refusals, the sink's own for
 * deliveries and retries), so an update is a plain read and a release store; failures may be
 * counted by either. Any thread may read.
 */
public final class SinkCounters
{
    private static final SinkCounter[] COUNTERS = SinkCounter.values();
    private static final SinkFailure[] FAILURES = SinkFailure.values();

    private final String sinkName;
    private final AtomicLongArray totals = new AtomicLongArray(COUNTERS.length);
    private final AtomicLongArray failedByReason = new AtomicLongArray(FAILURES.length);

    /**
     * @param sinkName name of the sink counted.
     */
    public SinkCounters(final String sinkName)
    {
        this.sinkName = sinkName;
    }

    /**
     * @return name of the sink counted.
     */
    public String sinkName()
    {
        return sinkName;
    }

    /**
     * Current value of one total.
     *
     * @param counter which total.
     * @return its value.
     */
    public long get(final SinkCounter counter)
    {
        return totals.getAcquire(counter.ordinal());
    }

    /**
     * Records that failed for one reason.
     *
     * @param reason the reason.
     * @return records that failed for it.
     */
    public long failed(final SinkFailure reason)
    {
        return failedByReason.getAcquire(reason.ordinal());
    }

    /**
     * Records that failed for any reason.
     *
     * @return the sum over reasons.
     */
    public long failedTotal()
    {
        long total = 0;
        for (final SinkFailure reason : FAILURES)
        {
            total += failed(reason);
        }
        return total;
    }

    /**
     * Every counter by label, for reports and tests; allocates.
     *
     * @return labels to values, failures as {@code failed{<reason>}}.
     */
    public Map<String, Long> toMap()
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final SinkCounter counter : COUNTERS)
        {
            map.put(counter.label(), get(counter));
        }
        for (final SinkFailure reason : FAILURES)
        {
            map.put("failed{" + reason.label() + "}", failed(reason));
        }
        return map;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SinkCounters{" + sinkName + " " + toMap() + "}";
    }

    /**
     * Adds to a total; only that counter's writer thread calls this.
     *
     * @param counter which total.
     * @param delta   what to add.
     */
    public void add(final SinkCounter counter, final long delta)
    {
        final int index = counter.ordinal();
        totals.setRelease(index, totals.getPlain(index) + delta);
    }

    /**
     * Counts failed records; any thread (failures are rare, so an atomic add costs nothing that matters).
     *
     * @param reason  why they failed.
     * @param records how many.
     */
    public void onFailed(final SinkFailure reason, final long records)
    {
        failedByReason.getAndAdd(reason.ordinal(), records);
    }
}
