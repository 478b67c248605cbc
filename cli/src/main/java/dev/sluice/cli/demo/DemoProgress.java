package dev.sluice.cli.demo;

import dev.sluice.controlplane.ControlPlaneMain;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.regional.RegionalCoreMain;

import java.io.PrintStream;
import java.util.Map;

/**
 * One progress line per call while the demo runs: packets read and their rate, what the policy
 * did with them, and per destination what was sent and what its core has received.
 * Main thread.
 */
final class DemoProgress
{
    private final PrintStream out;
    private final Gateway gateway;
    private final Map<String, RegionalCoreMain> cores;
    private final ControlPlaneMain controlPlane;
    private long startNs;
    private long lastNs;
    private long lastReceived;

    DemoProgress(
        final PrintStream out,
        final Gateway gateway,
        final Map<String, RegionalCoreMain> cores,
        final ControlPlaneMain controlPlane)
    {
        this.out = out;
        this.gateway = gateway;
        this.cores = cores;
        this.controlPlane = controlPlane;
    }

    void markStart()
    {
        startNs = System.nanoTime();
        lastNs = startNs;
    }

    void print()
    {
        final long nowNs = System.nanoTime();
        final SourceCounters.Snapshot source = gateway.sourceSnapshot();
        final double intervalSeconds = Math.max(1e-9, (nowNs - lastNs) / 1e9);
        final long rate = (long)((source.received() - lastReceived) / intervalSeconds);
        lastNs = nowNs;
        lastReceived = source.received();

        final StringBuilder line = new StringBuilder(160).append(String.format(
            "  %5.1fs  policy v%d  read %,9d (%,8d/s)  fwd %,9d  aggregated %,9d  filtered %,8d  sampled out %,8d  dropped %,6d",
            (nowNs - startNs) / 1e9,
            controlPlane.controlPlane().currentPolicyVersion(),
            source.received(),
            rate,
            source.forwarded(),
            source.aggregated(),
            source.filtered(),
            source.sampledOut(),
            source.dropped()));
        for (final DestinationCounters.Snapshot destination : gateway.destinationSnapshots())
        {
            line.append(String.format("  | %s sent %,d + %,d flows recv %,d",
                destination.region(),
                destination.sentRecords(),
                destination.flowRecordsSent(),
                cores.get(destination.region()).counters().snapshot().records()));
        }
        out.println(line);
    }
}
