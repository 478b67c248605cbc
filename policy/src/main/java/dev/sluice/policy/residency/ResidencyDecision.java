package dev.sluice.policy.residency;

import dev.sluice.policy.action.AnonymizationMethod;

import java.util.Locale;

/**
 * Whether data of a class may reach a destination region: raw, only after a transform, or not
 * at all. Instances are shared constants, so deciding never allocates.
 * Immutable; any thread.
 */
public final class ResidencyDecision
{
    /** The outcome. */
    public enum Kind
    {
        /** May be sent untransformed. */
        RAW,
        /** May be sent only after {@link ResidencyDecision#method()} transformed it. */
        TRANSFORM,
        /** Must not be sent (also when no rule covers the case: fail closed). */
        BLOCK
    }

    public static final ResidencyDecision RAW = new ResidencyDecision(Kind.RAW, null);
    public static final ResidencyDecision BLOCK = new ResidencyDecision(Kind.BLOCK, null);

    private static final ResidencyDecision[] TRANSFORMS = transforms();

    private final Kind kind;
    private final AnonymizationMethod method;

    private ResidencyDecision(final Kind kind, final AnonymizationMethod method)
    {
        this.kind = kind;
        this.method = method;
    }

    private static ResidencyDecision[] transforms()
    {
        final AnonymizationMethod[] methods = AnonymizationMethod.values();
        final ResidencyDecision[] decisions = new ResidencyDecision[methods.length];
        for (final AnonymizationMethod method : methods)
        {
            decisions[method.ordinal()] = new ResidencyDecision(Kind.TRANSFORM, method);
        }
        return decisions;
    }

    /**
     * @param method the transform required.
     * @return the shared TRANSFORM decision for that method.
     */
    public static ResidencyDecision transform(final AnonymizationMethod method)
    {
        return TRANSFORMS[method.ordinal()];
    }

    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the transform for {@link Kind#TRANSFORM}, otherwise null.
     */
    public AnonymizationMethod method()
    {
        return method;
    }

    public String toString()
    {
        return Kind.TRANSFORM == kind ? "transform(" + method.keyword() + ")" : kind.name().toLowerCase(Locale.ROOT);
    }
}
