package dev.sluice.policy.condition;

import dev.sluice.policy.field.FieldReader;

/**
 * {@code true} or {@code false}; also what constant parts of a condition fold to.
 * Immutable; any thread.
 */
public final class ConstantCondition extends Condition
{
    public static final ConstantCondition TRUE = new ConstantCondition(true);
    public static final ConstantCondition FALSE = new ConstantCondition(false);

    private final boolean value;

    private ConstantCondition(final boolean value)
    {
        this.value = value;
    }

    public boolean value()
    {
        return value;
    }

    public boolean test(final FieldReader reader)
    {
        return value;
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(value);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
