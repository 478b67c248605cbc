package dev.sluice.policy.compile;

import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.field.FieldReader;

/**
 * The reference {@link RuleMatcher}: asks each condition tree in turn. It serves {@code explain},
 * the property tests that the generated code must agree with, the
 * {@code sluice.policy.compile=false} escape hatch, and policies whose code could not be generated.
 * Immutable; any thread.
 */
public final class InterpretedMatcher implements RuleMatcher
{
    private final Condition[] conditions;

    /**
     * @param conditions one per rule, in rule order; not copied, never modified.
     */
    public InterpretedMatcher(final Condition[] conditions)
    {
        this.conditions = conditions;
    }

    public int firstMatch(final FieldReader item)
    {
        final Condition[] conditions = this.conditions;
        for (int i = 0; i < conditions.length; i++)
        {
            if (conditions[i].test(item))
            {
                return i;
            }
        }
        return -1;
    }

    public String toString()
    {
        return "InterpretedMatcher{" + conditions.length + " rules}";
    }
}
