package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code len(field) OP n}: the length of a text field's value in characters, compared; false when
 * the field is absent, for every operator. Allocates nothing. Immutable; any thread.
 */
public final class TextLength extends Condition
{
    private final Field field;
    private final ComparisonOperator operator;
    private final long value;
    private final int readFieldId;

    /**
     * @param field    a text base field.
     * @param operator the comparison.
     * @param value    the length compared with.
     */
    public TextLength(final Field field, final ComparisonOperator operator, final long value)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
        }
        this.field = field;
        this.operator = operator;
        this.value = value;
        this.readFieldId = field.readFieldId();
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
        return reader.isPresent(id) && operator.holds(reader.text(id).length(), value);
    }

    public void appendTo(final StringBuilder out)
    {
        out.append("len(").append(field.name()).append(") ").append(operator.symbol()).append(' ').append(value);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
