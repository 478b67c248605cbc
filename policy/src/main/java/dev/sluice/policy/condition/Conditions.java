package dev.sluice.policy.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * Builders for the boolean nodes that fold constants and flatten nesting, so that
 * {@code true and x} is {@code x} and a condition that can only be true is
 * {@link ConstantCondition#TRUE} (which is how unreachable rules are found).
 * Stateless; any thread.
 */
public final class Conditions
{
    private Conditions()
    {
    }

    public static Condition and(final List<Condition> operands)
    {
        final ArrayList<Condition> kept = new ArrayList<>(operands.size());
        for (final Condition operand : operands)
        {
            if (ConstantCondition.FALSE == operand)
            {
                return ConstantCondition.FALSE;
            }
            if (operand instanceof AndCondition and)
            {
                kept.addAll(and.operands());
            }
            else if (ConstantCondition.TRUE != operand)
            {
                kept.add(operand);
            }
        }

        return switch (kept.size())
        {
            case 0 -> ConstantCondition.TRUE;
            case 1 -> kept.getFirst();
            default -> new AndCondition(kept.toArray(new Condition[0]));
        };
    }

    public static Condition or(final List<Condition> operands)
    {
        final ArrayList<Condition> kept = new ArrayList<>(operands.size());
        for (final Condition operand : operands)
        {
            if (ConstantCondition.TRUE == operand)
            {
                return ConstantCondition.TRUE;
            }
            if (operand instanceof OrCondition or)
            {
                kept.addAll(or.operands());
            }
            else if (ConstantCondition.FALSE != operand)
            {
                kept.add(operand);
            }
        }

        return switch (kept.size())
        {
            case 0 -> ConstantCondition.FALSE;
            case 1 -> kept.getFirst();
            default -> new OrCondition(kept.toArray(new Condition[0]));
        };
    }

    public static Condition not(final Condition operand)
    {
        if (ConstantCondition.TRUE == operand)
        {
            return ConstantCondition.FALSE;
        }
        if (ConstantCondition.FALSE == operand)
        {
            return ConstantCondition.TRUE;
        }
        return new NotCondition(operand);
    }
}
