package dev.sluice.cli.demo;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.GatewayAccounting;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.regional.RegionalCountersSnapshot;

import java.util.List;
import java.util.Map;

/**
 * Everything the demo measured, for the final table and for tests. Immutable.
 *
 * @param finished     whether every record the gateway sent reached its core before the timeout
 * @param traffic      what the generated capture contains
 * @param source       the gateway's source counters at the end
 * @param flows        the gateway's flow aggregation counters at the end
 * @param destinations the gateway's destination counters at the end
 * @param received     each regional core's counters, by region
 * @param output       the check of the records the cores wrote
 * @param elapsedMs    wall time of the whole run
 */
public record DemoResult(
    boolean finished,
    DemoTraffic.Summary traffic,
    SourceCounters.Snapshot source,
    FlowCounters.Snapshot flows,
    List<DestinationCounters.Snapshot> destinations,
    Map<String, RegionalCountersSnapshot> received,
    OutputCheck output,
    long elapsedMs)
{
    /** received = forwarded + aggregated + filtered + sampled_out + dropped, nothing in flight. */
    public boolean sourceBalances()
    {
        return GatewayAccounting.sourceFindings(source).isEmpty();
    }

    /**
     * Every flow created has ended in a record (the capture's end flushes the rest), and those
     * records carry exactly the packets the source aggregated.
     */
    public boolean flowsBalance()
    {
        return flows.balances() && flows.tableOpen() == 0 && flows.packetsEmitted() == source.aggregated();
    }

    /** Per destination: every forwarded item decided once, every allowed one sent and received by its core. */
    public boolean destinationsBalance()
    {
        for (final DestinationCounters.Snapshot destination : destinations)
        {
            final RegionalCountersSnapshot core = received.get(destination.region());
            if (!GatewayAccounting.destinationFindings(source.forwarded(), flows.emitted(), destination).isEmpty() ||
                core == null ||
                core.records() != destination.recordsSent() ||
                core.flowRecords() != destination.flowRecordsSent() ||
                core.gaps() != 0 ||
                core.duplicates() != 0)
            {
                return false;
            }
        }
        return true;
    }

    public boolean reconciles()
    {
        return finished && sourceBalances() && flowsBalance() && destinationsBalance() && output.passed();
    }
}
