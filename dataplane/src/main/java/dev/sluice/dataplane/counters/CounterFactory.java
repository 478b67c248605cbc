package dev.sluice.dataplane.counters;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Where the gateway's counters are allocated: {@code aeron::addCounter} puts them in the
 * media driver's counters file (readable by other processes); {@code CountersManager::newCounter}
 * over a buffer of one's own serves benchmarks and tests. Called at start, never per item.
 */
@FunctionalInterface
public interface CounterFactory
{
    AtomicCounter newCounter(int typeId, String label);
}
