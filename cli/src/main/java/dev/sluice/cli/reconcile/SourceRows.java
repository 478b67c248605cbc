package dev.sluice.cli.reconcile;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.SourceCounters;

import java.io.PrintStream;
import java.util.Map;

/**
 * The rows of a source's equation, as the demo's closing table and {@code sluice reconcile} print
 * them. Main thread.
 */
public final class SourceRows
{
    private SourceRows()
    {
    }

    public static void print(final PrintStream out, final String indent, final SourceCounters.Snapshot source)
    {
        row(out, indent, "received", source.received());
        row(out, indent, "  forwarded", source.forwarded());
        row(out, indent, "  aggregated into flows", source.aggregated());
        row(out, indent, "  filtered (rule or default drop)", source.filtered());
        row(out, indent, "  sampled out", source.sampledOut());
        row(out, indent, "  dropped", source.dropped());
        for (final Map.Entry<DropReason, Long> entry : source.droppedByReason().entrySet())
        {
            row(out, indent, "    " + entry.getKey().label(), entry.getValue());
        }
        row(out, indent, "  in flight", source.inFlight());
    }

    public static void row(final PrintStream out, final String indent, final String label, final long value)
    {
        out.printf("%s  %-36s %,12d%n", indent, label, value);
    }
}
