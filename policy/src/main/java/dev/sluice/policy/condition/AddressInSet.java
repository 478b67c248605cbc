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
    private final int readFieldId;

    /**
     * @param field an address base field.
     * @param set   the members, either family.
     */
    public AddressInSet(final Field field, final AddressSet set)
    {
        if (FieldType.ADDRESS != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not an address base field: " + field);
        }
        this.field = field;
        this.set = set;
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

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        return reader.isPresent(id) &&
            set.contains(reader.addressVersion(id), reader.addressHigh(id), reader.addressLow(id));
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
