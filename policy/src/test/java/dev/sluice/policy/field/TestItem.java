package dev.sluice.policy.field;

import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.Addresses;

import java.util.Arrays;

/**
 * A {@link FieldReader} over plain arrays, for tests: set base fields by name, leave the rest
 * absent. Reads do not allocate.
 */
public final class TestItem implements FieldReader
{
    private final boolean[] present = new boolean[FieldCatalogue.MAX_FIELDS];
    private final long[] integers = new long[FieldCatalogue.MAX_FIELDS];
    private final int[] versions = new int[FieldCatalogue.MAX_FIELDS];
    private final long[] highs = new long[FieldCatalogue.MAX_FIELDS];
    private final long[] lows = new long[FieldCatalogue.MAX_FIELDS];

    public static TestItem item()
    {
        return new TestItem();
    }

    /**
     * @param name  a base integer field.
     * @param value its value.
     * @return this.
     */
    public TestItem with(final String name, final long value)
    {
        final Field field = base(name);
        present[field.id()] = true;
        integers[field.id()] = value;
        return this;
    }

    /**
     * @param name    a base address field.
     * @param address an IPv4 or IPv6 address literal.
     * @return this.
     */
    public TestItem with(final String name, final String address)
    {
        final Field field = base(name);
        final AddressPrefix prefix = Addresses.parsePrefix(address);
        present[field.id()] = true;
        versions[field.id()] = prefix.version();
        highs[field.id()] = prefix.high();
        lows[field.id()] = prefix.low();
        return this;
    }

    public TestItem without(final String name)
    {
        present[base(name).id()] = false;
        return this;
    }

    public TestItem clear()
    {
        Arrays.fill(present, false);
        return this;
    }

    public void setInteger(final int id, final long value)
    {
        present[id] = true;
        integers[id] = value;
    }

    public void setAddress(final int id, final int version, final long high, final long low)
    {
        present[id] = true;
        versions[id] = version;
        highs[id] = high;
        lows[id] = low;
    }

    public void setAbsent(final int id)
    {
        present[id] = false;
    }

    private static Field base(final String name)
    {
        final Field field = FieldCatalogue.standard().byName(name);
        if (null == field || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a base field: " + name);
        }
        return field;
    }

    public boolean isPresent(final int fieldId)
    {
        checkBase(fieldId);
        return present[fieldId];
    }

    public long integer(final int fieldId)
    {
        checkRead(fieldId);
        return integers[fieldId];
    }

    public int addressVersion(final int fieldId)
    {
        checkRead(fieldId);
        return versions[fieldId];
    }

    public long addressHigh(final int fieldId)
    {
        checkRead(fieldId);
        return highs[fieldId];
    }

    public long addressLow(final int fieldId)
    {
        checkRead(fieldId);
        return lows[fieldId];
    }

    private static void checkBase(final int fieldId)
    {
        if (fieldId < 0 || fieldId >= PacketFields.BASE_FIELD_COUNT)
        {
            throw new AssertionError("reader asked for a non-base field id " + fieldId);
        }
    }

    private void checkRead(final int fieldId)
    {
        checkBase(fieldId);
        if (!present[fieldId])
        {
            throw new AssertionError("value of absent field " + fieldId + " read");
        }
    }
}
