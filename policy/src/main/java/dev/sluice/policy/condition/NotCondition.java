package dev.sluice.policy.condition;

import dev.sluice.policy.field.FieldReader;

/**
 * True when its operand is false. Because a comparison on an absent field is false,
 * {@code not tcp.dstport == 80} is true for a UDP packet, as in Wireshark.
 * Build with {@link Conditions#not}. Immutable; any thread.
 */
public final class NotCondition extends Condition
{
    private final Condition operand;

    NotCondition(final Condition operand)
    {
        this.operand = operand;
    }

    public Condition operand()
    {
        return operand;
    }

    public boolean test(final FieldReader reader)
    {
        return !operand.test(reader);
    }

    public void appendTo(final StringBuilder out)
    {
        out.append("not ");
        appendOperand(out, operand);
    }

    int precedence()
    {
        return PRECEDENCE_NOT;
    }
}
