package dev.sluice.policy.field;

import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.Addresses;

import java.util.Arrays;

/**
 * A {@link FieldReader} over plain arrays, for tests: set base fields by name, leave the rest
 * absent. It serves the fields of one catalogue (the standard one, or a policy's with its
 * dynamic fields) and reports any id beyond it absent, as the contract asks of readers. Reads do not allocate; {@link #text(int)} returns one reused flyweight, as the
 * dataplane's readers do. Every read checks the {@link FieldReader} call contract (base ids,
 * present fields, the method that matches the type, occurrences in range) and fails the test
 * when it is broken.
 */
public final class TestItem implements FieldReader
{
    private static final int MAX_OCCURRENCES = 16;
    private static final int MAX_TEXT = 1024;

    private final FieldCatalogue catalogue;
    private final int[] occurrences;
    private final long[][] integers;
    private final int[] versions;
    private final long[] highs;
    private final long[] lows;
    private final char[][] texts;
    private final int[] textLengths;
    private final TextView view = new TextView();

    public TestItem()
    {
        this(FieldCatalogue.standard());
    }

    /**
     * @param catalogue the fields the item can have, e.g. a policy's {@code catalogue()}.
     */
    public TestItem(final FieldCatalogue catalogue)
    {
        this.catalogue = catalogue;
        final int size = catalogue.size();
        occurrences = new int[size];
        integers = new long[size][];
        versions = new int[size];
        highs = new long[size];
        lows = new long[size];
        texts = new char[size][];
        textLengths = new int[size];
    }

    public static TestItem item()
    {
        return new TestItem();
    }

    /**
     * @param catalogue the fields the item can have, e.g. a policy's {@code catalogue()}.
     * @return an item with every field absent.
     */
    public static TestItem item(final FieldCatalogue catalogue)
    {
        return new TestItem(catalogue);
    }

    /**
     * @param name   an integer base field.
     * @param values its value; several for a repeated field, outermost first.
     * @return this.
     */
    public TestItem with(final String name, final long... values)
    {
        final Field field = base(name, FieldType.INTEGER);
        if (values.length > 1 && !field.isRepeated())
        {
            throw new IllegalArgumentException(name + " is not repeated");
        }
        setIntegers(field.id(), values);
        return this;
    }

    /**
     * @param name  an address base field (the value is an IPv4 or IPv6 literal) or a text field.
     * @param value its value.
     * @return this.
     */
    public TestItem with(final String name, final String value)
    {
        final Field field = catalogue.byName(name);
        if (null != field && FieldType.STRING == field.type())
        {
            setText(base(name, FieldType.STRING).id(), value);
            return this;
        }
        final AddressPrefix prefix = Addresses.parsePrefix(value);
        setAddress(base(name, FieldType.ADDRESS).id(), prefix.version(), prefix.high(), prefix.low());
        return this;
    }

    public TestItem without(final String name)
    {
        occurrences[base(name, null).id()] = 0;
        return this;
    }

    public TestItem clear()
    {
        Arrays.fill(occurrences, 0);
        return this;
    }

    public void setInteger(final int id, final long value)
    {
        setIntegers(id, value);
    }

    /**
     * @param id     a repeated (or, with one value, any) integer field.
     * @param values its values, outermost first; none makes the field absent.
     */
    public void setIntegers(final int id, final long... values)
    {
        if (values.length > MAX_OCCURRENCES)
        {
            throw new IllegalArgumentException("at most " + MAX_OCCURRENCES + " occurrences");
        }
        if (null == integers[id])
        {
            integers[id] = new long[MAX_OCCURRENCES];
        }
        System.arraycopy(values, 0, integers[id], 0, values.length);
        occurrences[id] = values.length;
    }

    public void setAddress(final int id, final int version, final long high, final long low)
    {
        occurrences[id] = 1;
        versions[id] = version;
        highs[id] = high;
        lows[id] = low;
    }

    public void setText(final int id, final CharSequence value)
    {
        if (value.length() > MAX_TEXT)
        {
            throw new IllegalArgumentException("at most " + MAX_TEXT + " characters");
        }
        if (null == texts[id])
        {
            texts[id] = new char[MAX_TEXT];
        }
        for (int i = 0; i < value.length(); i++)
        {
            texts[id][i] = value.charAt(i);
        }
        textLengths[id] = value.length();
        occurrences[id] = 1;
    }

    public void setAbsent(final int id)
    {
        occurrences[id] = 0;
    }

    private Field base(final String name, final FieldType type)
    {
        final Field field = catalogue.byName(name);
        if (null == field || FieldKind.BASE != field.kind() || (null != type && type != field.type()))
        {
            throw new IllegalArgumentException("not a base " + (null == type ? "" : type.label() + " ") + "field: " + name);
        }
        return field;
    }

    public boolean isPresent(final int fieldId)
    {
        return occurrences(fieldId) > 0;
    }

    public int occurrences(final int fieldId)
    {
        checkBase(fieldId);
        return fieldId < occurrences.length ? occurrences[fieldId] : 0;
    }

    public long integer(final int fieldId, final int occurrence)
    {
        checkRead(fieldId, FieldType.INTEGER);
        if (occurrence < 0 || occurrence >= occurrences[fieldId])
        {
            throw new AssertionError("occurrence " + occurrence + " of field " + fieldId + " read; it has " + occurrences[fieldId]);
        }
        return integers[fieldId][occurrence];
    }

    public CharSequence text(final int fieldId)
    {
        checkRead(fieldId, FieldType.STRING);
        return view.wrap(texts[fieldId], textLengths[fieldId]);
    }

    public int addressVersion(final int fieldId)
    {
        checkRead(fieldId, FieldType.ADDRESS);
        return versions[fieldId];
    }

    public long addressHigh(final int fieldId)
    {
        checkRead(fieldId, FieldType.ADDRESS);
        return highs[fieldId];
    }

    public long addressLow(final int fieldId)
    {
        checkRead(fieldId, FieldType.ADDRESS);
        return lows[fieldId];
    }

    private void checkBase(final int fieldId)
    {
        if (fieldId < 0 || (fieldId < catalogue.size() && FieldKind.BASE != catalogue.byId(fieldId).kind()))
        {
            throw new AssertionError("reader asked for a non-base field id " + fieldId);
        }
    }

    private void checkRead(final int fieldId, final FieldType type)
    {
        checkBase(fieldId);
        if (fieldId >= occurrences.length || 0 == occurrences[fieldId])
        {
            throw new AssertionError("value of absent field " + fieldId + " read");
        }
        if (catalogue.byId(fieldId).type() != type)
        {
            throw new AssertionError("field " + fieldId + " read as " + type.label());
        }
    }

    /** The reused flyweight {@link #text(int)} returns: valid until the next call. */
    private static final class TextView implements CharSequence
    {
        private char[] chars;
        private int length;

        TextView wrap(final char[] chars, final int length)
        {
            this.chars = chars;
            this.length = length;
            return this;
        }

        public int length()
        {
            return length;
        }

        public char charAt(final int index)
        {
            if (index < 0 || index >= length)
            {
                throw new IndexOutOfBoundsException(index);
            }
            return chars[index];
        }

        public CharSequence subSequence(final int start, final int end)
        {
            return toString().substring(start, end);
        }

        public String toString()
        {
            return new String(chars, 0, length);
        }
    }
}
