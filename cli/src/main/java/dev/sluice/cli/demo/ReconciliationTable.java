package dev.sluice.cli.demo;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.cli.reconcile.SourceRows;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.regional.RegionalCountersSnapshot;

import java.io.PrintStream;

/**
 * The demo's closing table: per source, what happened to every packet; per destination, what
 * residency decided, what was sent and what the core received; bytes in and out; and the
 * check of the written records. Main thread.
 */
final class ReconciliationTable
{
    private static final String OK = "balanced";
    private static final String NOT_OK = "DOES NOT BALANCE";

    private final PrintStream out;

    ReconciliationTable(final PrintStream out)
    {
        this.out = out;
    }

    void print(final DemoResult result, final DemoLayout layout)
    {
        final SourceCounters.Snapshot source = result.source();
        out.println();
        out.printf("Source %s%n", source.sourceName());
        SourceRows.print(out, "", source);
        out.printf("  received = forwarded + aggregated + filtered + sampled out + dropped: %s%n",
            result.sourceBalances() ? OK : NOT_OK);

        final FlowCounters.Snapshot flows = result.flows();
        out.println();
        out.printf("Flows (worker %s, table of %,d)%n", flows.workerName(), flows.tableCapacity());
        row("created", flows.created());
        row("  ended by TCP FIN", flows.emittedTcpFin());
        row("  ended by TCP RST", flows.emittedTcpRst());
        row("  ended by idle timeout", flows.emittedIdleTimeout());
        row("  ended by active timeout", flows.emittedActiveTimeout());
        row("  evicted (table full)", flows.emittedEvicted());
        row("  flushed (end of capture)", flows.emittedFlushed());
        row("  still open", flows.tableOpen());
        out.printf("  created = ended + open, packets in records = aggregated: %s%n", result.flowsBalance() ? OK : NOT_OK);
        out.printf("  reduction: %,d aggregated packets (%,d bytes) left as %,d flow records per destination (%.1f packets per record)%n",
            source.aggregated(), flows.bytesEmitted(), flows.emitted(),
            flows.emitted() == 0 ? 0.0 : (double)source.aggregated() / flows.emitted());

        out.println();
        out.printf("%-10s %11s %12s %9s %11s %11s %14s %6s %6s %14s%n",
            "Destination", "raw", "transformed", "blocked", "sent", "flows sent", "received core", "gaps", "dups", "bytes sent");
        long bytesOut = 0;
        for (final DestinationCounters.Snapshot destination : result.destinations())
        {
            final RegionalCountersSnapshot core = result.received().get(destination.region());
            bytesOut += destination.sentBytes();
            out.printf("%-10s %,11d %,12d %,9d %,11d %,11d %,14d %,6d %,6d %,14d%n",
                destination.region(),
                destination.raw(),
                destination.transformed(),
                destination.blocked(),
                destination.sentRecords(),
                destination.flowRecordsSent(),
                core == null ? 0 : core.records(),
                core == null ? 0 : core.gaps(),
                core == null ? 0 : core.duplicates(),
                destination.sentBytes());
            if (destination.notRouted() != 0)
            {
                out.printf("%-10s not routed here (a rule routes them elsewhere): %,d%n", "", destination.notRouted());
            }
            if (destination.droppedUnavailable() != 0)
            {
                out.printf("%-10s dropped (destination unavailable): %,d%n", "", destination.droppedUnavailable());
            }
            if (destination.sentFrames() != 0 || destination.framesTooLarge() != 0 || destination.framesDroppedUnavailable() != 0)
            {
                out.printf("%-10s frames (payload cut): sent %,d, bytes saved %,d, dropped too large %,d, " +
                    "dropped (destination unavailable) %,d%n", "", destination.sentFrames(), destination.frameBytesSaved(),
                    destination.framesTooLarge(), destination.framesDroppedUnavailable());
            }
        }
        out.printf("  per destination: raw + transformed + blocked = forwarded, every flow record decided, " +
            "sent + flows sent = received at the core: %s%n",
            result.destinationsBalance() ? OK : NOT_OK);

        out.println();
        out.printf("Bytes in (packets on the wire): %,d   bytes out (batches, all destinations): %,d   ratio %.1f%%%n",
            source.bytesIn(), bytesOut, source.bytesIn() == 0 ? 0.0 : 100.0 * bytesOut / source.bytesIn());

        final OutputCheck check = result.output();
        out.printf("Records written: %s (%,d), %s (%,d)%n",
            layout.regionalFile(DemoCommand.HOME_REGION), check.homeRecords(),
            layout.regionalFile(DemoCommand.FOREIGN_REGION), check.foreignRecords());
        if (check.passed())
        {
            out.printf("Residency check: all %,d addresses in %s are the Crypto-PAn images of the %s records; " +
                "no raw address left the EU%n", check.addressesChecked(), DemoCommand.FOREIGN_REGION, DemoCommand.HOME_REGION);
            if (check.ownImages() > 0)
            {
                out.printf("  (%,d of them read the same in both files: under this run's key those addresses are " +
                    "their own Crypto-PAn image, as about 1 in 15,000 addresses are)%n", check.ownImages());
            }
        }
        else
        {
            out.println("Residency check FAILED:");
            check.problems().forEach(problem -> out.println("  " + problem));
        }
        out.printf("%nDemo %s in %.1f s%n", result.reconciles() ? "reconciled" : "DID NOT RECONCILE", result.elapsedMs() / 1000.0);
        out.printf("The same accounting from the tiers' counters files: ./sluice reconcile --gateway %s --core %s%n",
            layout.gatewayState(), layout.regionalDirectory());
    }

    private void row(final String label, final long value)
    {
        SourceRows.row(out, "", label, value);
    }
}
