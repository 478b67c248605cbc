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
    /** How the set prints when it names lists ({@code $internal-nets}, {@code {$a, 443}}); null: its members. */
    private final String spelling;
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
        this(field, set, null);
    }

    /**
     * @param field    as for the other constructor.
     * @param set      the members, including those of the lists it names.
     * @param spelling the set as written when it names lists, canonical ({@code $internal-nets},
     *                 {@code {$admin-ports, 443}}); null to print the members.
     */
    public IntegerInSet(final Field field, final IntegerSet set, final String spelling)
    {
        if (FieldType.INTEGER != field.type() || FieldKind.ALIAS == field.kind())
        {
            throw new IllegalArgumentException("not an integer base or derived field: " + field);
        }
        this.field = field;
        this.set = set;
        this.spelling = spelling;
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
