package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field in {values and ranges}} on an integer field; false when the field is absent. On
 * a repeated field it holds when any occurrence is in the set. Immutable; any thread.
 */
public final class IntegerInSet extends Condition
{
    private final Field field;
    private final IntegerSet set;
    private final int readFieldId;
    private final int shift;
    private final long mask;
    private final boolean repeated;

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
        this.repeated = field.isRepeated();
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
        final int id = readFieldId;
        if (!repeated)
        {
            return reader.isPresent(id) && set.contains((reader.integer(id) >>> shift) & mask);
        }

        final int occurrences = reader.occurrences(id);
        for (int i = 0; i < occurrences; i++)
        {
            if (set.contains(reader.integer(id, i)))
            {
                return true;
            }
        }
        return false;
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
