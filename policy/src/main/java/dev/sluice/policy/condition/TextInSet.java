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
    /** How the set prints when it names lists ({@code $internal-nets}, {@code {$a, 443}}); null: its members. */
    private final String spelling;
    private final int readFieldId;

    /**
     * @param field a text base field.
     * @param set   the members, compared as the field's form says.
     */
    public TextInSet(final Field field, final TextSet set)
    {
        this(field, set, null);
    }

    /**
     * @param field    as for the other constructor.
     * @param set      the members, including those of the lists it names.
     * @param spelling the set as written when it names lists, canonical ({@code $internal-nets},
     *                 {@code {$admin-ports, 443}}); null to print the members.
     */
    public TextInSet(final Field field, final TextSet set, final String spelling)
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
        this.spelling = spelling;
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

    /**
     * @return the set as written when it names lists, or null.
     */
    public String spelling()
    {
        return spelling;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        return reader.isPresent(id) && set.contains(reader.text(id));
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(field.name()).append(" in ");
        if (null == spelling)
        {
            out.append('{').append(set).append('}');
        }
        else
        {
            out.append(spelling);
        }
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
