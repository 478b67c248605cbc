package dev.sluice.policy.residency;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy's data-residency rules: where each data class may go from each origin region, raw
 * or only after a transform. Fail closed: a class, origin or destination that no rule covers is
 * blocked, and so is everything in a policy with no {@code residency:} section.
 * <p>
 * A rule naming an origin explicitly takes precedence over the class's {@code origin: any} rule.
 * The parser rejects two rules for the same class and origin, so the lookup is unambiguous.
 * <p>
 * Immutable; any thread. {@link #decide} does not allocate.
 */
public final class Residency
{
    /** No rules: every decision is BLOCK. */
    public static final Residency NONE = new Residency(List.of(), List.of());

    private final Set<String> regions;
    private final List<ResidencyRule> rules;
    private final Map<String, Map<String, ResidencyRule>> byClassAndOrigin = new HashMap<>();
    private final Map<String, ResidencyRule> anyOriginByClass = new HashMap<>();

    /**
     * @param regions every region the policy declares.
     * @param rules   the rules; at most one per (class, origin) and one {@code any} per class.
     */
    public Residency(final List<String> regions, final List<ResidencyRule> rules)
    {
        this.regions = Collections.unmodifiableSet(new LinkedHashSet<>(regions));
        this.rules = List.copyOf(rules);
        for (final ResidencyRule rule : rules)
        {
            if (rule.anyOrigin())
            {
                if (null != anyOriginByClass.putIfAbsent(rule.dataClass(), rule))
                {
                    throw new IllegalArgumentException("two 'origin: any' rules for " + rule.dataClass());
                }
                continue;
            }
            final Map<String, ResidencyRule> byOrigin = byClassAndOrigin.computeIfAbsent(rule.dataClass(), ignore -> new HashMap<>());
            for (final String origin : rule.origins())
            {
                if (null != byOrigin.putIfAbsent(origin, rule))
                {
                    throw new IllegalArgumentException("two rules for " + rule.dataClass() + " from " + origin);
                }
            }
        }
    }

    /**
     * @param dataClass         the data class, e.g. {@code pii.ip}.
     * @param originRegion      the region the data comes from (the gateway's region).
     * @param destinationRegion the region it would go to.
     * @return RAW, TRANSFORM(method) or BLOCK; BLOCK when no rule covers the class and origin.
     */
    public ResidencyDecision decide(final String dataClass, final String originRegion, final String destinationRegion)
    {
        final ResidencyRule rule = ruleFor(dataClass, originRegion);
        return null == rule ? ResidencyDecision.BLOCK : rule.decide(destinationRegion);
    }

    /**
     * @param dataClass the data class.
     * @return true when some residency rule, for any origin, is about the class: the policy
     * controls where it goes (a detector that finds the class in free text then matters).
     */
    public boolean names(final String dataClass)
    {
        return byClassAndOrigin.containsKey(dataClass) || anyOriginByClass.containsKey(dataClass);
    }

    /**
     * @param dataClass    the data class.
     * @param originRegion the origin region.
     * @return the rule that decides for them, or null when none does (so everything is blocked).
     */
    public ResidencyRule ruleFor(final String dataClass, final String originRegion)
    {
        final Map<String, ResidencyRule> byOrigin = byClassAndOrigin.get(dataClass);
        final ResidencyRule explicit = null == byOrigin ? null : byOrigin.get(originRegion);
        if (null != explicit)
        {
            return explicit;
        }
        return regions.contains(originRegion) ? anyOriginByClass.get(dataClass) : null;
    }

    /**
     * @return every declared region, in declaration order.
     */
    public Set<String> regions()
    {
        return regions;
    }

    /**
     * @return the rules, in document order.
     */
    public List<ResidencyRule> rules()
    {
        return rules;
    }
}
