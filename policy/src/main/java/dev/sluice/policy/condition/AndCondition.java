package dev.sluice.policy.condition;

import dev.sluice.policy.field.FieldReader;

import java.util.List;

/**
 * True when every operand is; stops at the first false one. Build with {@link Conditions#and}.
 * Immutable; any thread.
 */
public final class AndCondition extends Condition
{
    private final Condition[] operands;

    AndCondition(final Condition[] operands)
    {
        this.operands = operands;
    }

    public List<Condition> operands()
    {
        return List.of(operands);
    }

    public boolean test(final FieldReader reader)
    {
        for (final Condition operand : operands)
        {
            if (!operand.test(reader))
            {
                return false;
            }
        }
        return true;
    }

    public void appendTo(final StringBuilder out)
    {
        for (int i = 0; i < operands.length; i++)
        {
            if (i > 0)
            {
                out.append(" and ");
            }
            appendOperand(out, operands[i]);
        }
    }

    int precedence()
    {
        return PRECEDENCE_AND;
    }
}
