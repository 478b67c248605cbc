package dev.sluice.cli.reconcile;

import dev.sluice.cli.reconcile.CountersFiles.CoreFigures;
import dev.sluice.cli.reconcile.CountersFiles.CoreStream;
import dev.sluice.cli.reconcile.CountersFiles.GatewayFigures;
import dev.sluice.cli.reconcile.CountersFiles.GatewayStream;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.GatewayAccounting;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the counters files of gateways and cores against each other and prints, like the demo's
 * table, each gateway's equation, each destination's decisions and outcomes, and each stream's last
 * sequence at the gateway against the core's durable one: "balanced", or where the difference is.
 * The gateway's own checks are {@link GatewayAccounting}'s, which the demo uses too. Main thread.
 */
public final class Reconciliation
{
    static final String OK = "balanced";
    static final String NOT_OK = "DOES NOT BALANCE";

    private final PrintStream out;
    private int findings;

    public Reconciliation(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * @param gateways the gateways' files, one per gateway id
     * @param cores    the cores' files by region
     * @return true when everything balances
     */
    public boolean run(final List<GatewayFigures> gateways, final Map<String, CoreFigures> cores)
    {
        findings = 0;
        final Set<String> gatewayIds = new HashSet<>();
        for (final GatewayFigures gateway : gateways)
        {
            gatewayIds.add(gateway.gatewayId());
            gateway(gateway, cores);
        }
        for (final CoreFigures core : cores.values())
        {
            core(core, gatewayIds, gateways);
        }
        out.println();
        if (findings == 0)
        {
            out.printf("Reconciliation: %s (%d gateway%s, %d core%s)%n", OK,
                gateways.size(), gateways.size() == 1 ? "" : "s", cores.size(), cores.size() == 1 ? "" : "s");
        }
        else
        {
            out.printf("Reconciliation: %s (%d difference%s, listed above)%n", NOT_OK, findings, findings == 1 ? "" : "s");
        }
        return findings == 0;
    }

    private void gateway(final GatewayFigures gateway, final Map<String, CoreFigures> cores)
    {
        out.println();
        out.printf("Gateway %s (site %s, region %s): %s%n", gateway.gatewayId(), gateway.site(), gateway.region(), gateway.file());
        out.printf("  run started %s, counters written %s%s%n", gateway.runStartedAt(), gateway.writtenAt(),
            gateway.stopped() ? ", stopped cleanly" : "");
        if (!gateway.stopped())
        {
            out.printf("  note: gateway counters are from a run that did not stop cleanly (written-at %s): " +
                "figures may be up to 1 s old%n", gateway.writtenAt());
        }

        out.printf("  Source %s%n", gateway.source().sourceName());
        SourceRows.print(out, "  ", gateway.source());
        verdict("  received = forwarded + aggregated + filtered + sampled out + dropped",
            GatewayAccounting.sourceFindings(gateway.source()));

        for (final DestinationCounters.Snapshot destination : gateway.destinations())
        {
            out.printf("  Destination %s: raw %,d + transformed %,d + blocked %,d%s (forwarded %,d); flow records decided %,d " +
                "(emitted %,d); sent %,d, flow records sent %,d, dropped %,d, spooled batches %,d%n",
                destination.region(), destination.raw(), destination.transformed(), destination.blocked(),
                notRouted(destination.notRouted()),
                gateway.source().forwarded(), destination.flowRecordsDecided(), gateway.flowsEmitted(),
                destination.sentRecords(), destination.flowRecordsSent(),
                destination.droppedUnavailable() + destination.droppedSpoolFull() + destination.flowRecordsDroppedUnavailable() +
                    destination.flowRecordsDroppedSpoolFull(),
                destination.spooledBatches());
            verdict("    decisions and outcomes",
                GatewayAccounting.destinationFindings(gateway.source().forwarded(), gateway.flowsEmitted(), destination));
        }

        if (gateway.hasEvents())
        {
            events(gateway);
        }

        out.println("  Streams (gateway's last sequence against the core's durable one)");
        for (final GatewayStream stream : gateway.streams())
        {
            final List<String> streamFindings = stream(gateway, stream, cores.get(stream.region()));
            verdict(String.format("    %s worker %d: last %,d, acknowledged %s", stream.region(), stream.worker(),
                stream.lastSequence(), stream.ackedSequence() < 0 ? "(no spool)" : String.format("%,d", stream.ackedSequence())),
                streamFindings);
        }
    }

    /** The {@code not_routed} term where some rule routed items elsewhere; nothing otherwise. */
    private static String notRouted(final long notRouted)
    {
        return 0 == notRouted ? "" : String.format(" + not routed %,d", notRouted);
    }

    private void events(final GatewayFigures gateway)
    {
        final EventCounters.Snapshot events = gateway.events();
        out.printf("  Events: received %,d = forwarded %,d + aggregated %,d + filtered %,d + sampled out %,d + dropped %,d%s%n",
            events.received(), events.forwarded(), events.aggregated(), events.filtered(), events.sampledOut(), events.dropped(),
            events.droppedByReason().isEmpty() ? "" : " " + events.droppedByReason());
        if (0 != events.countRecords())
        {
            out.printf("  Count records emitted %,d (of the aggregated events; decided by each destination like events)%n",
                events.countRecords());
        }
        verdict("  events received = forwarded + aggregated + filtered + sampled out + dropped", GatewayAccounting.eventFindings(events));
        // Count records are decided and sent like events.
        final long decided = events.forwarded() + events.countRecords();
        for (final EventDestinationCounters.Snapshot destination : gateway.eventDestinations())
        {
            out.printf("  Events to %s: raw %,d + transformed %,d + blocked %,d%s (forwarded + count records %,d); sent %,d, " +
                "dropped %,d (destination unavailable %,d, too large %,d, spool full %,d)%n",
                destination.region(), destination.raw(), destination.transformed(), destination.blocked(),
                notRouted(destination.notRouted()),
                decided, destination.sent(),
                destination.droppedUnavailable() + destination.droppedTooLarge() + destination.droppedSpoolFull(),
                destination.droppedUnavailable(), destination.droppedTooLarge(), destination.droppedSpoolFull());
            verdict("    decisions and outcomes", GatewayAccounting.eventDestinationFindings(decided, destination));
        }
    }

    private List<String> stream(final GatewayFigures gateway, final GatewayStream stream, final CoreFigures core)
    {
        final List<String> found = new ArrayList<>();
        final String where = stream.region() + " worker " + stream.worker() + ": ";
        if (core == null)
        {
            if (stream.lastSequence() > 0)
            {
                found.add(where + "no core counters were given for region " + stream.region() +
                    ": its " + String.format("%,d", stream.lastSequence()) + " batches cannot be checked");
            }
            return found;
        }
        final CoreStream coreStream = find(core, gateway.gatewayId(), stream.region(), stream.worker());
        if (coreStream == null)
        {
            if (stream.lastSequence() > 0)
            {
                found.add(where + "core has no such stream (the gateway's last sequence is " +
                    String.format("%,d", stream.lastSequence()) + ")");
            }
            return found;
        }
        final long ahead = stream.lastSequence() - coreStream.durableSequence();
        if (ahead > 0)
        {
            final long acceptedNotDurable = Math.max(0, Math.min(stream.lastSequence(), coreStream.lastSequence()) -
                coreStream.durableSequence());
            found.add(String.format("%s%,d batches %s at the gateway not yet durable at the core%s", where, ahead,
                stream.ackedSequence() < 0 ? "sent" : "spooled",
                acceptedNotDurable == 0 ? "" : String.format(" (%,d of them accepted there, not yet forced)", acceptedNotDurable)));
        }
        else if (ahead < 0)
        {
            found.add(String.format("%score has %,d batches durable beyond the gateway's last sequence %,d (durable %,d): " +
                "the gateway lost its spool or sequence file, or another gateway uses its id", where, -ahead,
                stream.lastSequence(), coreStream.durableSequence()));
        }
        if (coreStream.gaps() > 0 && coreStream.gaps() <= stream.spoolDroppedBatches())
        {
            // Dropped by the spool's overflow rule (drop-oldest), counted at the gateway: a decision, not a loss.
            out.printf("      note: the core's gap of %,d sequences is batches the gateway's spool dropped under its " +
                "overflow rule (%,d counted this run)%n", coreStream.gaps(), stream.spoolDroppedBatches());
        }
        else if (coreStream.gaps() > 0)
        {
            found.add(String.format("%score has a gap: %,d sequences never arrived%s", where, coreStream.gaps(),
                stream.spoolDroppedBatches() == 0 ? "" :
                    String.format(" (the gateway's spool dropped %,d this run)", stream.spoolDroppedBatches())));
        }
        if (found.isEmpty() && stream.ackedSequence() >= 0 && stream.ackedSequence() < coreStream.durableSequence())
        {
            out.printf("      note: the gateway has seen acknowledgements up to %,d of the core's durable %,d%n",
                stream.ackedSequence(), coreStream.durableSequence());
        }
        return found;
    }

    private void core(final CoreFigures core, final Set<String> gatewayIds, final List<GatewayFigures> gateways)
    {
        out.println();
        out.printf("Core %s: %s%n", core.region(), core.file());
        out.printf("  run started %s, counters written %s%s%n", core.runStartedAt(), core.writtenAt(),
            core.stopped() ? ", stopped cleanly" : "");
        if (!core.stopped())
        {
            out.printf("  note: core counters are from a run that did not stop cleanly (written-at %s): " +
                "figures may be up to 1 s old%n", core.writtenAt());
        }
        out.printf("  batches %,d, records %,d, duplicates dropped %,d, gaps %,d%n",
            core.total("batches"), core.total("records"), core.total("duplicates"), core.total("gaps"));
        for (final CoreStream stream : core.streams())
        {
            out.printf("    %s %s worker %d: durable %,d, last accepted %,d, batches %,d, records %,d, gaps %,d, " +
                "duplicates %,d%n", stream.gatewayId(), stream.region(), stream.worker(), stream.durableSequence(),
                stream.lastSequence(), stream.batches(), stream.records(), stream.gaps(), stream.duplicates());
            if (!gatewayIds.contains(stream.gatewayId()))
            {
                out.println("      not checked: no counters were given for gateway " + stream.gatewayId());
            }
            else if (!listed(gateways, stream))
            {
                out.println("      note: gateway " + stream.gatewayId() + "'s counters list no such stream " +
                    "(a destination or worker it no longer has)");
            }
        }
    }

    private static boolean listed(final List<GatewayFigures> gateways, final CoreStream stream)
    {
        for (final GatewayFigures gateway : gateways)
        {
            if (gateway.gatewayId().equals(stream.gatewayId()))
            {
                for (final GatewayStream own : gateway.streams())
                {
                    if (own.region().equals(stream.region()) && own.worker() == stream.worker())
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static CoreStream find(final CoreFigures core, final String gatewayId, final String region, final int worker)
    {
        for (final CoreStream stream : core.streams())
        {
            if (stream.gatewayId().equals(gatewayId) && stream.region().equals(region) && stream.worker() == worker)
            {
                return stream;
            }
        }
        return null;
    }

    private void verdict(final String what, final List<String> differences)
    {
        out.printf("%s: %s%n", what, differences.isEmpty() ? OK : NOT_OK);
        for (final String difference : differences)
        {
            out.println("      " + difference);
        }
        findings += differences.size();
    }
}
