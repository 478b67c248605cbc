package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;

/**
 * A bare dynamic field used as a condition, e.g. {@code json.debug} or
 * {@code syslog.sd.origin.ip}: true when the item has the field, whatever its value. Fixed
 * fields keep their typed meaning when bare ("present and not zero", "present and not empty");
 * a dynamic field may have no type but the one this test leaves open, and for open-ended data
 * "does the event carry it" is the question asked. Immutable; any thread.
 */
public final class FieldPresence extends Condition
{
    private final Field field;
    private final int readFieldId;

    /**
     * @param field a base field.
     */
    public FieldPresence(final Field field)
    {
        if (FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a base field: " + field);
        }
        this.field = field;
        this.readFieldId = field.readFieldId();
    }

    public Field field()
    {
        return field;
    }

    public boolean test(final FieldReader reader)
    {
        return reader.isPresent(readFieldId);
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
