package dev.sluice.cli;

import dev.sluice.policy.Policy;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.residency.ResidencyDecision;
import dev.sluice.policy.residency.ResidencyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a region may receive the data classes an item carries: each class's residency decision
 * for the region from the explained origin, with the residency rule (file:line:column) that
 * makes it. Shared by the packet and event explainers.
 */
final class ResidencyReasons
{
    private final Policy policy;
    private final String originRegion;

    ResidencyReasons(final Policy policy, final String originRegion)
    {
        this.policy = policy;
        this.originRegion = originRegion;
    }

    /** Each present class's residency decision for a region, with the rule that makes it. */
    String forRegion(final List<String> presentClasses, final String region)
    {
        final List<String> reasons = new ArrayList<>();
        for (final String dataClass : presentClasses)
        {
            final ResidencyDecision decision = policy.residency().decide(dataClass, originRegion, region);
            final ResidencyRule rule = policy.residency().ruleFor(dataClass, originRegion);
            final String text = switch (decision.kind())
            {
                case RAW -> "raw to " + region;
                case TRANSFORM -> "after " + decision.method().keyword() + " to " + region;
                case BLOCK -> null == rule ? "no residency rule for it from " + originRegion : "not allowed to " + region;
            };
            reasons.add(dataClass + " " + text + (null == rule ? "" : " (residency at " + where(rule.position()) + ")"));
        }
        return String.join("; ", reasons);
    }

    /** {@code file:line:column} of a place in the policy. */
    String where(final SourcePosition position)
    {
        return policy.sourceName() + ":" + position.line() + ":" + position.column();
    }
}
