package dev.sluice.policy.residency;

import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.diagnostic.SourcePosition;

import java.util.Map;
import java.util.Set;

/**
 * One {@code residency:} entry: for a data class and its origin regions, the regions it may
 * reach raw and the regions it may reach only after a transform; everywhere else it is blocked.
 * Immutable; any thread.
 *
 * @param dataClass the class, e.g. {@code pii.ip}.
 * @param anyOrigin true for {@code origin: any}: the rule covers every origin no other rule names.
 * @param origins   the origin regions (empty when {@code anyOrigin}).
 * @param raw       regions the data may reach untransformed.
 * @param after     per transform, the regions the data may reach after it.
 * @param position  where the entry is written.
 */
public record ResidencyRule(
    String dataClass,
    boolean anyOrigin,
    Set<String> origins,
    Set<String> raw,
    Map<AnonymizationMethod, Set<String>> after,
    SourcePosition position)
{
    /** values() copies the array on each call; decide() is on the data path. */
    private static final AnonymizationMethod[] METHODS = AnonymizationMethod.values();

    public ResidencyRule
    {
        origins = Set.copyOf(origins);
        raw = Set.copyOf(raw);
        after = Map.copyOf(after);
    }

    /**
     * @param destinationRegion where the data would go.
     * @return RAW when listed under raw; TRANSFORM for the first method (in declaration order of
     * {@link AnonymizationMethod}) that lists it; BLOCK otherwise.
     */
    public ResidencyDecision decide(final String destinationRegion)
    {
        if (raw.contains(destinationRegion))
        {
            return ResidencyDecision.RAW;
        }
        for (final AnonymizationMethod method : METHODS)
        {
            final Set<String> regions = after.get(method);
            if (null != regions && regions.contains(destinationRegion))
            {
                return ResidencyDecision.transform(method);
            }
        }
        return ResidencyDecision.BLOCK;
    }
}
