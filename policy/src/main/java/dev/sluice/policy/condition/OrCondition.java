package dev.sluice.policy.condition;

import dev.sluice.policy.field.FieldReader;

import java.util.List;

/**
 * True when any operand is; stops at the first true one. Build with {@link Conditions#or}.
 * Immutable; any thread.
 */
public final class OrCondition extends Condition
{
    private final Condition[] operands;

    OrCondition(final Condition[] operands)
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
            if (operand.test(reader))
            {
                return true;
            }
        }
        return false;
    }

    public void appendTo(final StringBuilder out)
    {
        for (int i = 0; i < operands.length; i++)
        {
            if (i > 0)
            {
                out.append(" or ");
            }
            appendOperand(out, operands[i]);
        }
    }

    int precedence()
    {
        return PRECEDENCE_OR;
    }
}
