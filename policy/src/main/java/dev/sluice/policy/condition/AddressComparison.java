package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field == prefix} or {@code field != prefix} on an address field, where a single address
 * is a /32 or /128 prefix. An address of the other family never equals the prefix. False when
 * the field is absent, for both operators. Immutable; any thread.
 */
public final class AddressComparison extends Condition
{
    private final Field field;
    private final boolean equal;
    private final AddressPrefix prefix;
    private final int readFieldId;
    private final int version;
    private final long networkHigh;
    private final long networkLow;
    private final long maskHigh;
    private final long maskLow;

    /**
     * @param field  an address base field.
     * @param equal  true for {@code ==}, false for {@code !=}.
     * @param prefix the literal.
     */
    public AddressComparison(final Field field, final boolean equal, final AddressPrefix prefix)
    {
        if (FieldType.ADDRESS != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not an address base field: " + field);
        }
        this.field = field;
        this.equal = equal;
        this.prefix = prefix;
        this.readFieldId = field.readFieldId();
        this.version = prefix.version();
        this.networkHigh = prefix.high();
        this.networkLow = prefix.low();
        this.maskHigh = prefix.maskHigh();
        this.maskLow = prefix.maskLow();
    }

    public Field field()
    {
        return field;
    }

    /**
     * @return true for {@code ==}, false for {@code !=}.
     */
    public boolean isEqual()
    {
        return equal;
    }

    public AddressPrefix prefix()
    {
        return prefix;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        if (!reader.isPresent(id))
        {
            return false;
        }

        final boolean matches = reader.addressVersion(id) == version &&
            (reader.addressHigh(id) & maskHigh) == networkHigh &&
            (reader.addressLow(id) & maskLow) == networkLow;
        return matches == equal;
    }

    public void appendTo(final StringBuilder out)
    {
        out.append(field.name()).append(equal ? " == " : " != ").append(prefix);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
