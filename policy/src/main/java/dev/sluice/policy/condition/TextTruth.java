package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * A bare text field used as a condition, e.g. {@code tls.sni}: true when the field is present
 * and not empty. Immutable; any thread.
 */
public final class TextTruth extends Condition
{
    private final Field field;
    private final int readFieldId;

    /**
     * @param field a text base field.
     */
    public TextTruth(final Field field)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
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
        final int id = readFieldId;
        return reader.isPresent(id) && reader.text(id).length() > 0;
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
