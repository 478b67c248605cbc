package dev.sluice.dataplane.counters;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's side of DESIGN §9's accounting, checked the same way by the demo's table (live
 * snapshots) and by {@code sluice reconcile} (snapshots read back from a counters file): each
 * check returns what does not balance, in words, and nothing when everything does. Any thread.
 */
public final class GatewayAccounting
{
    private GatewayAccounting()
    {
    }

    /**
     * {@code received = forwarded + aggregated + filtered + sampled_out + dropped{reason}}, with
     * nothing in flight.
     */
    public static List<String> sourceFindings(final SourceCounters.Snapshot source)
    {
        final List<String> findings = new ArrayList<>();
        final long outcomes = source.forwarded() + source.aggregated() + source.filtered() + source.sampledOut() +
            source.dropped();
        final long difference = source.received() - outcomes;
        if (difference > 0)
        {
            findings.add(String.format("received is larger by %,d: %,d items have no outcome yet (in flight)",
                difference, difference));
        }
        else if (difference < 0)
        {
            findings.add(String.format("the outcomes are larger than received by %,d", -difference));
        }
        return findings;
    }

    /** The terms of a destination's decisions as a finding names them; {@code not_routed} only where a rule routed. */
    public static String decisionTerms(final long notRouted)
    {
        return 0 == notRouted ? "raw + transformed + blocked" : "raw + transformed + blocked + not routed";
    }

    /**
     * One destination: every forwarded item decided once ({@code raw + transformed + blocked +
     * not_routed = forwarded}), every flow record emitted decided once, and every allowed one sent or dropped
     * with a counted reason (nothing in flight).
     *
     * @param forwarded    the source's forwarded items (every worker's, as the destination's sum)
     * @param flowsEmitted the flow records the flow tables emitted
     */
    public static List<String> destinationFindings(
        final long forwarded, final long flowsEmitted, final DestinationCounters.Snapshot destination)
    {
        final List<String> findings = new ArrayList<>();
        compare(findings, decisionTerms(destination.notRouted()), destination.decided(), "forwarded", forwarded);
        compare(findings, "flow records decided", destination.flowRecordsDecided(), "flow records emitted", flowsEmitted);
        if (destination.inFlight() != 0)
        {
            findings.add(String.format("%,d allowed packet summaries neither sent nor dropped (in flight)",
                destination.inFlight()));
        }
        if (destination.flowRecordsInFlight() != 0)
        {
            findings.add(String.format("%,d allowed flow records neither sent nor dropped (in flight)",
                destination.flowRecordsInFlight()));
        }
        return findings;
    }

    /**
     * The event worker: {@code received = forwarded + aggregated + filtered + sampled_out + dropped{reason}},
     * nothing in flight.
     */
    public static List<String> eventFindings(final EventCounters.Snapshot events)
    {
        final List<String> findings = new ArrayList<>();
        final long difference = events.unaccounted();
        if (difference > 0)
        {
            findings.add(String.format("events received is larger by %,d: %,d events have no outcome yet (in flight)",
                difference, difference));
        }
        else if (difference < 0)
        {
            findings.add(String.format("the event outcomes are larger than received by %,d", -difference));
        }
        return findings;
    }

    /**
     * One destination of the event worker: every forwarded event and every count record decided
     * once ({@code raw + transformed + blocked + not_routed = forwarded + count_records}) and every
     * allowed one sent or dropped with a counted reason.
     *
     * @param forwarded events forwarded plus count records emitted
     */
    public static List<String> eventDestinationFindings(
        final long forwarded, final EventDestinationCounters.Snapshot destination)
    {
        final List<String> findings = new ArrayList<>();
        compare(findings, decisionTerms(destination.notRouted()), destination.decided(), "events forwarded + count records", forwarded);
        if (destination.inFlight() != 0)
        {
            findings.add(String.format("%,d allowed events neither sent nor dropped (in flight)", destination.inFlight()));
        }
        return findings;
    }

    private static void compare(
        final List<String> findings, final String leftName, final long left, final String rightName, final long right)
    {
        if (left != right)
        {
            findings.add(String.format("%s = %,d, %s = %,d: %s is larger by %,d",
                leftName, left, rightName, right, left > right ? leftName : rightName, Math.abs(left - right)));
        }
    }
}
