package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * A bare integer field used as a condition, e.g. {@code tcp.flags.syn}: true when the field is
 * present and not zero. Immutable; any thread.
 */
public final class IntegerTruth extends Condition
{
    private final Field field;
    private final int readFieldId;
    private final int shift;
    private final long mask;

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
    }

    public Field field()
    {
        return field;
    }

    public boolean test(final FieldReader reader)
    {
        return reader.isPresent(readFieldId) && 0 != ((reader.integer(readFieldId) >>> shift) & mask);
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
