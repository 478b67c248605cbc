package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field OP value} on an integer (base or derived) field; false when the field is absent,
 * for every operator including {@code !=}. On a repeated field it holds when any occurrence
 * satisfies it; {@code !=} is not allowed there, because the language's {@code repeated != v}
 * means {@code not (repeated == v)}, which the parser builds instead.
 * Immutable; any thread.
 */
public final class IntegerComparison extends Condition
{
    private final Field field;
    private final ComparisonOperator operator;
    private final long value;
    private final int readFieldId;
    private final int shift;
    private final long mask;
    private final boolean repeated;

    /**
     * @param field    an integer base or derived field (not an alias).
     * @param operator the comparison; not {@code !=} on a repeated field.
     * @param value    the literal.
     */
    public IntegerComparison(final Field field, final ComparisonOperator operator, final long value)
    {
        if (FieldType.INTEGER != field.type() || FieldKind.ALIAS == field.kind())
        {
            throw new IllegalArgumentException("not an integer base or derived field: " + field);
        }
        if (field.isRepeated() && ComparisonOperator.NE == operator)
        {
            throw new IllegalArgumentException("'!=' on the repeated field " + field + " is 'not ==': build that instead");
        }
        this.field = field;
        this.operator = operator;
        this.value = value;
        this.readFieldId = field.readFieldId();
        this.shift = field.bitShift();
        this.mask = field.bitMask();
        this.repeated = field.isRepeated();
    }

    public Field field()
    {
        return field;
    }

    public ComparisonOperator operator()
    {
        return operator;
    }

    public long value()
    {
        return value;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        if (!repeated)
        {
            return reader.isPresent(id) && matches((reader.integer(id) >>> shift) & mask);
        }

        final int occurrences = reader.occurrences(id);
        for (int i = 0; i < occurrences; i++)
        {
            if (matches(reader.integer(id, i)))
            {
                return true;
            }
        }
        return false;
    }

    private boolean matches(final long actual)
    {
        return operator.holds(actual, value);
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(field.name()).append(' ').append(operator.symbol()).append(' ').append(value);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
