package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field in {addresses and prefixes}} on an address field; false when absent.
 * Immutable; any thread.
 */
public final class AddressInSet extends Condition
{
    private final Field field;
    private final AddressSet set;
    /** How the set prints when it names lists ({@code $internal-nets}, {@code {$a, 443}}); null: its members. */
    private final String spelling;
    private final int readFieldId;

    /**
     * @param field an address base field.
     * @param set   the members, either family.
     */
    public AddressInSet(final Field field, final AddressSet set)
    {
        this(field, set, null);
    }

    /**
     * @param field    as for the other constructor.
     * @param set      the members, including those of the lists it names.
     * @param spelling the set as written when it names lists, canonical ({@code $internal-nets},
     *                 {@code {$admin-ports, 443}}); null to print the members.
     */
    public AddressInSet(final Field field, final AddressSet set, final String spelling)
    {
        if (FieldType.ADDRESS != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not an address base field: " + field);
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

    public AddressSet set()
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
        return reader.isPresent(id) &&
            set.contains(reader.addressVersion(id), reader.addressHigh(id), reader.addressLow(id));
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
