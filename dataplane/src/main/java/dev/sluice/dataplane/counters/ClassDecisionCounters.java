package dev.sluice.dataplane.counters;

import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Residency decisions per data class and destination, for the whole gateway: of the items
 * holding class C (an address, a user name, an e-mail found in the text), how many each
 * destination received raw, transformed, or not at all. An item holding two classes counts
 * under both, so these are views of the destination counters, not terms of an equation.
 * <p>
 * A class's counters are made the first time a policy version names it (on the conductor
 * thread, when the version is built) and kept for the gateway's life, so a class that comes
 * back in a later version goes on counting. Workers add to them once per burst or cycle.
 * Thread safe.
 */
public final class ClassDecisionCounters implements AutoCloseable
{
    /** Outcome indexes within a destination's counters. */
    public static final int RAW = 0;
    public static final int TRANSFORMED = 1;
    public static final int BLOCKED = 2;
    public static final int OUTCOMES = 3;
    private static final String[] OUTCOME_NAMES = {"raw", "transformed", "blocked"};

    private final CounterFactory factory;
    private final List<String> destinations;
    private final Map<String, AtomicCounter[]> byClass = new LinkedHashMap<>();

    /**
     * @param factory      where the counters are allocated.
     * @param destinations the destination regions, in destination index order.
     */
    public ClassDecisionCounters(final CounterFactory factory, final List<String> destinations)
    {
        this.factory = factory;
        this.destinations = List.copyOf(destinations);
    }

    /**
     * @param dataClass a class name.
     * @return its counters, indexed {@code destination * OUTCOMES + outcome}; made on first use.
     */
    public synchronized AtomicCounter[] counters(final String dataClass)
    {
        return byClass.computeIfAbsent(dataClass, (name) ->
        {
            final AtomicCounter[] counters = new AtomicCounter[destinations.size() * OUTCOMES];
            for (int d = 0; d < destinations.size(); d++)
            {
                for (int outcome = 0; outcome < OUTCOMES; outcome++)
                {
                    counters[d * OUTCOMES + outcome] = factory.newCounter(CounterTypes.CLASS_DECISION_COUNTER_TYPE_ID,
                        "residency decisions: class=" + name + " destination=" + destinations.get(d) +
                        " outcome=" + OUTCOME_NAMES[outcome]);
                }
            }
            return counters;
        });
    }

    /** How many destinations each class counts for. */
    public int destinationCount()
    {
        return destinations.size();
    }

    /** One class's counts, per destination in destination order. */
    public record Snapshot(String dataClass, List<Decisions> destinations)
    {
    }

    /** What one destination received of the items holding a class. */
    public record Decisions(String region, long raw, long transformed, long blocked)
    {
    }

    /** Every class counted so far, in the order they were first named. Off the data path. */
    public synchronized List<Snapshot> snapshot()
    {
        final List<Snapshot> snapshots = new ArrayList<>(byClass.size());
        byClass.forEach((dataClass, counters) ->
        {
            final List<Decisions> perDestination = new ArrayList<>(destinations.size());
            for (int d = 0; d < destinations.size(); d++)
            {
                perDestination.add(new Decisions(destinations.get(d), counters[d * OUTCOMES + RAW].get(),
                    counters[d * OUTCOMES + TRANSFORMED].get(), counters[d * OUTCOMES + BLOCKED].get()));
            }
            snapshots.add(new Snapshot(dataClass, perDestination));
        });
        return snapshots;
    }

    @Override
    public synchronized void close()
    {
        byClass.values().forEach((counters) -> CloseHelper.closeAll(counters));
        byClass.clear();
    }
}
