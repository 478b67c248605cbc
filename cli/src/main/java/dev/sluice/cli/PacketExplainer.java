package dev.sluice.cli;

import dev.sluice.cli.Explanation.Delivery;
import dev.sluice.dataplane.classify.BurstFieldReader;
import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.DecodedPacket;
import dev.sluice.dataplane.decode.FieldText;
import dev.sluice.dataplane.residency.ResidencyPlan;
import dev.sluice.dataplane.residency.RuleRouting;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.PacketFields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a policy does with one decoded packet, and why: the rule that matches (or the default),
 * its action, the data classes the packet carries, and for each of the policy's regions what it
 * receives (raw, transformed, blocked, nothing), with the residency rule that decides. The
 * destinations come from the same {@link ResidencyPlan} a gateway builds, so the explanation is
 * the gateway's decision, not a second reading of the document. For {@code sluice policy explain}
 * and {@code sluice policy diff}; one thread.
 */
final class PacketExplainer
{
    /** How a packet is shown: its addresses, protocol, ports and names, the empty ones left out. */
    private static final List<String> SUMMARY_FIELDS = List.of(
        "ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tunnel.type",
        "dns.qry.name", "tls.sni");
    private static final DropReason[] DROP_REASONS = DropReason.values();
    private static final String NOT_DECODED = "not decoded";

    private final Policy policy;
    private final ResidencyPlan plan;
    private final Reasons reasons;
    private final ForwardingSimulation forwarding;
    private final BurstFieldReader reader = new BurstFieldReader();
    private final FieldText summary = FieldText.of(SUMMARY_FIELDS);

    /**
     * @param policy       the policy.
     * @param originRegion the region the packets are captured in (the gateway's).
     */
    PacketExplainer(final Policy policy, final String originRegion)
    {
        this.policy = policy;
        this.plan = ResidencyPlan.build(policy, originRegion, policy.regions());
        this.reasons = new Reasons(policy, originRegion);
        this.forwarding = new ForwardingSimulation(policy);
    }

    Policy policy()
    {
        return policy;
    }

    Explanation explain(final DecodedPacket packet, final long number)
    {
        final String shown = describe(packet, number);
        final Map<String, Delivery> destinations = new LinkedHashMap<>();
        if (packet.isDropped())
        {
            final String reason = DROP_REASONS[packet.dropReasonOrdinal()].toString();
            for (final String region : policy.regions())
            {
                destinations.put(region, new Delivery("nothing", "not decoded"));
            }
            return new Explanation(number, shown, NOT_DECODED, NOT_DECODED, "dropped before the rules (" + reason + ")",
                List.of(), destinations, null);
        }

        reader.select(packet.burst(), packet.index());
        final int ruleIndex = policy.firstMatch(reader);
        final RuleActions actions = policy.actionsFor(ruleIndex);
        final String ruleName = reasons.ruleName(ruleIndex);
        final String rule = reasons.ruleWithPlace(ruleIndex);

        final List<String> classes = new ArrayList<>();
        final List<String> presentClasses = new ArrayList<>();
        final long present =
            reasons.presentClasses(reader, (id) -> id < PacketFields.BASE_FIELD_COUNT, classes, presentClasses);
        reasons.taggedClasses(actions, classes, presentClasses);
        final RuleRouting routing = plan.routing();
        final int slot = routing.slot(ruleIndex);
        final long blockedByTags = routing.blockedForPacket(slot, present & plan.classifiedFields());
        final String notForwarded = forwarding.notForwarded(ruleIndex, reader, packet.burst().timestampNs[packet.index()]);

        for (int d = 0; d < plan.destinations().size(); d++)
        {
            final String region = plan.destinations().get(d);
            if (null != notForwarded)
            {
                destinations.put(region, new Delivery("nothing", notForwarded));
                continue;
            }
            if (!RuleRouting.includes(routing.routedTo(slot), d))
            {
                destinations.put(region, new Delivery("nothing", Reasons.notRouted(actions)));
                continue;
            }
            final String why = reasons.forRegion(presentClasses, region);
            if (0 != (present & plan.blockedFields(d)) || RuleRouting.includes(blockedByTags, d))
            {
                destinations.put(region, new Delivery("blocked", why));
            }
            else if (0 != transformedBits(present, plan.transformFields(d)))
            {
                destinations.put(region, new Delivery("transformed", why));
            }
            else
            {
                destinations.put(region, new Delivery("raw", presentClasses.isEmpty() ? "no data class" : why));
            }
        }
        return new Explanation(number, shown, ruleName, rule, actions.toString(), classes, destinations, null);
    }

    private static byte transformedBits(final long present, final byte transformFields)
    {
        byte bits = 0;
        for (int id = 0; id < PacketFields.BASE_FIELD_COUNT; id++)
        {
            if (0 != (present & (1L << id)))
            {
                bits |= CompiledRules.addressBit(id);
            }
        }
        return (byte)(bits & transformFields);
    }

    private String describe(final DecodedPacket packet, final long number)
    {
        final String[] values = summary.line(packet, number).split("\t", -1);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length && i < SUMMARY_FIELDS.size(); i++)
        {
            if (!values[i].isEmpty())
            {
                out.append(out.isEmpty() ? "" : " ").append(SUMMARY_FIELDS.get(i)).append('=').append(values[i]);
            }
        }
        return out.isEmpty() ? "(no IP)" : out.toString();
    }
}
