package dev.sluice.cli;

import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.residency.ResidencyDecision;
import dev.sluice.policy.residency.ResidencyRule;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Why a policy decides what it does with an item, in words: the rule that matched with its
 * place (file:line:column), and why a region may receive the data classes the item carries
 * (each class's residency decision for the region from the explained origin, with the residency
 * rule that makes it). Shared by the packet and event explainers.
 */
final class Reasons
{
    private final Policy policy;
    private final String originRegion;

    Reasons(final Policy policy, final String originRegion)
    {
        this.policy = policy;
        this.originRegion = originRegion;
    }

    /** {@code rule 'NAME'}, or {@code default} for {@link Policy#NO_MATCH}. */
    String ruleName(final int ruleIndex)
    {
        return Policy.NO_MATCH == ruleIndex ? "default" : "rule '" + policy.rules().get(ruleIndex).name() + "'";
    }

    /** The same, with the rule's place in the document. */
    String ruleWithPlace(final int ruleIndex)
    {
        return Policy.NO_MATCH == ruleIndex ? ruleName(ruleIndex) :
            ruleName(ruleIndex) + " (" + where(policy.rules().get(ruleIndex).position()) + ")";
    }

    /**
     * The policy's classes an item holds through the fields it serves: each as
     * {@code class (field, field)} in {@code described}, its name in {@code names}.
     *
     * @param served which field ids the item's kind has (packet fields, or event fields).
     * @return the present fields below 64 as a mask of ids (what the packet residency plan speaks in).
     */
    long presentClasses(final FieldReader reader, final IntPredicate served, final List<String> described, final List<String> names)
    {
        long present = 0;
        for (final String dataClass : policy.dataClasses())
        {
            final List<String> fields = new ArrayList<>();
            for (final Field field : policy.fieldsOf(dataClass))
            {
                if (served.test(field.id()) && reader.isPresent(field.readFieldId()))
                {
                    fields.add(field.name());
                    present |= field.id() < Long.SIZE ? 1L << field.id() : 0;
                }
            }
            if (!fields.isEmpty())
            {
                described.add(dataClass + " (" + String.join(", ", fields) + ")");
                names.add(dataClass);
            }
        }
        return present;
    }

    /**
     * The classes the rule's {@code tag} adds: {@code class (tagged by the rule)} in {@code described}
     * unless its fields already showed it, its name in {@code names}.
     */
    void taggedClasses(final RuleActions actions, final List<String> described, final List<String> names)
    {
        for (final String tag : actions.tags())
        {
            if (!names.contains(tag))
            {
                described.add(tag + " (tagged by the rule)");
                names.add(tag);
            }
        }
    }

    /** Why a region receives nothing of a routed item. */
    static String notRouted(final RuleActions actions)
    {
        return "the rule routes it to " + String.join(", ", actions.routes()) + " only";
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
