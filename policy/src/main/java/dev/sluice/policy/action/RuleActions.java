package dev.sluice.policy.action;

import dev.sluice.policy.field.FieldCatalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * What one rule does with the items it decides: keep, drop or sample 1 in N, plus which
 * address fields to anonymize and with which method. Field sets are bitmasks over base field
 * ids ({@code 1L << PacketFields.IP_SRC}), so the dataplane tests them without allocating.
 * <p>
 * Today a rule anonymizes with at most one method; the per-method masks
 * ({@link #anonymizeFieldMask(AnonymizationMethod)}) already allow several.
 * <p>
 * Immutable; any thread.
 */
public final class RuleActions
{
    private static final AnonymizationMethod[] METHODS = AnonymizationMethod.values();

    public static final RuleActions KEEP = new RuleActions(ActionKind.KEEP, 1, new long[METHODS.length]);
    public static final RuleActions DROP = new RuleActions(ActionKind.DROP, 1, new long[METHODS.length]);

    private final ActionKind kind;
    private final int sampleDenominator;
    private final long[] masksByMethod;
    private final long anonymizeFieldMask;
    private final AnonymizationMethod anonymizationMethod;

    private RuleActions(final ActionKind kind, final int sampleDenominator, final long[] masksByMethod)
    {
        this.kind = kind;
        this.sampleDenominator = sampleDenominator;
        this.masksByMethod = masksByMethod;

        long union = 0;
        AnonymizationMethod first = null;
        for (int i = 0; i < masksByMethod.length; i++)
        {
            union |= masksByMethod[i];
            if (null == first && 0 != masksByMethod[i])
            {
                first = METHODS[i];
            }
        }
        this.anonymizeFieldMask = union;
        this.anonymizationMethod = first;
    }

    /**
     * @param kind              keep, drop or sample.
     * @param sampleDenominator N of {@code sample 1/N}, at least 1; must be 1 unless sampling.
     * @param masksByMethod     base-field bitmask per {@link AnonymizationMethod#ordinal()}; all 0 for drop.
     * @return the actions.
     */
    public static RuleActions of(final ActionKind kind, final int sampleDenominator, final long[] masksByMethod)
    {
        if (masksByMethod.length != METHODS.length)
        {
            throw new IllegalArgumentException("one mask per anonymization method");
        }
        if (sampleDenominator < 1 || (ActionKind.SAMPLE != kind && 1 != sampleDenominator))
        {
            throw new IllegalArgumentException("sample denominator " + sampleDenominator + " for " + kind);
        }
        long union = 0;
        for (final long mask : masksByMethod)
        {
            union |= mask;
        }
        if (ActionKind.DROP == kind && 0 != union)
        {
            throw new IllegalArgumentException("drop cannot anonymize");
        }
        if (ActionKind.DROP == kind)
        {
            return DROP;
        }
        if (ActionKind.KEEP == kind && 0 == union)
        {
            return KEEP;
        }

        return new RuleActions(kind, sampleDenominator, masksByMethod.clone());
    }

    public ActionKind kind()
    {
        return kind;
    }

    /**
     * @return N of {@code sample 1/N}; 1 for keep and drop.
     */
    public int sampleDenominator()
    {
        return sampleDenominator;
    }

    /**
     * @return every base field to anonymize, by any method, as a bitmask over field ids.
     */
    public long anonymizeFieldMask()
    {
        return anonymizeFieldMask;
    }

    /**
     * @param method a method.
     * @return the base fields to anonymize with that method.
     */
    public long anonymizeFieldMask(final AnonymizationMethod method)
    {
        return masksByMethod[method.ordinal()];
    }

    /**
     * @return the method used, or null when nothing is anonymized.
     */
    public AnonymizationMethod anonymizationMethod()
    {
        return anonymizationMethod;
    }

    /**
     * @param catalogue the catalogue the field ids refer to.
     * @return the actions in policy syntax, e.g. {@code [keep, anonymize ip.src, ip.dst with cryptopan]}.
     */
    public List<String> describe(final FieldCatalogue catalogue)
    {
        final ArrayList<String> actions = new ArrayList<>();
        actions.add(ActionKind.SAMPLE == kind ? "sample 1/" + sampleDenominator : kind.keyword());
        for (final AnonymizationMethod method : METHODS)
        {
            final long mask = masksByMethod[method.ordinal()];
            if (0 != mask)
            {
                final StringBuilder text = new StringBuilder("anonymize ");
                for (int id = 0; id < 64; id++)
                {
                    if (0 != (mask & (1L << id)))
                    {
                        if (text.length() > "anonymize ".length())
                        {
                            text.append(", ");
                        }
                        text.append(id < catalogue.size() ? catalogue.byId(id).name() : "#" + id);
                    }
                }
                actions.add(text.append(" with ").append(method.keyword()).toString());
            }
        }
        return List.copyOf(actions);
    }

    public String toString()
    {
        return describe(FieldCatalogue.standard()).toString();
    }
}
