package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field in {values and ranges}} on an integer field; false when the field is absent.
 * Immutable; any thread.
 */
public final class IntegerInSet extends Condition
{
    private final Field field;
    private final IntegerSet set;
    private final int readFieldId;
    private final int shift;
    private final long mask;

    /**
     * @param field an integer base or derived field (not an alias).
     * @param set   the members.
     */
    public IntegerInSet(final Field field, final IntegerSet set)
    {
        if (FieldType.INTEGER != field.type() || FieldKind.ALIAS == field.kind())
        {
            throw new IllegalArgumentException("not an integer base or derived field: " + field);
        }
        this.field = field;
        this.set = set;
        this.readFieldId = field.readFieldId();
        this.shift = field.bitShift();
        this.mask = field.bitMask();
    }

    public Field field()
    {
        return field;
    }

    public IntegerSet set()
    {
        return set;
    }

    public boolean test(final FieldReader reader)
    {
        return reader.isPresent(readFieldId) && set.contains((reader.integer(readFieldId) >>> shift) & mask);
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(field.name()).append(" in {").append(set).append('}');
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
