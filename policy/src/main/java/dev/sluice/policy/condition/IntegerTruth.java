package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * A bare integer field used as a condition, e.g. {@code tcp.flags.syn}: true when the field is
 * present and not zero; on a repeated field, when any occurrence is not zero.
 * Immutable; any thread.
 */
public final class IntegerTruth extends Condition
{
    private final Field field;
    private final int readFieldId;
    private final int shift;
    private final long mask;
    private final boolean repeated;

    /**
     * @param field an integer base or derived field (not an alias).
     */
    public IntegerTruth(final Field field)
    {
        if (FieldType.INTEGER != field.type() || FieldKind.ALIAS == field.kind())
        {
            throw new IllegalArgumentException("not an integer base or derived field: " + field);
        }
        this.field = field;
        this.readFieldId = field.readFieldId();
        this.shift = field.bitShift();
        this.mask = field.bitMask();
        this.repeated = field.isRepeated();
    }

    public Field field()
    {
        return field;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        if (!repeated)
        {
            return reader.isPresent(id) && 0 != ((reader.integer(id) >>> shift) & mask);
        }

        final int occurrences = reader.occurrences(id);
        for (int i = 0; i < occurrences; i++)
        {
            if (0 != reader.integer(id, i))
            {
                return true;
            }
        }
        return false;
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(field.name());
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
