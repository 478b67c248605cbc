package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field in {"a", "b"}} on a text field; false when the field is absent.
 * Immutable; any thread.
 */
public final class TextInSet extends Condition
{
    private final Field field;
    private final TextSet set;
    private final int readFieldId;

    /**
     * @param field a text base field.
     * @param set   the members, compared as the field's form says.
     */
    public TextInSet(final Field field, final TextSet set)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
        }
        if (set.ignoresAsciiCase() != field.textForm().ignoresAsciiCase())
        {
            throw new IllegalArgumentException("the set must compare as " + field + " does");
        }
        this.field = field;
        this.set = set;
        this.readFieldId = field.readFieldId();
    }

    public Field field()
    {
        return field;
    }

    public TextSet set()
    {
        return set;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        return reader.isPresent(id) && set.contains(reader.text(id));
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
