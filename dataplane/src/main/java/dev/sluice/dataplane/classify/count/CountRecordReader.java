package dev.sluice.dataplane.classify.count;

import dev.sluice.policy.field.FieldReader;

/**
 * The fields of one count record: its key fields, as the counted events had them, and nothing
 * else. Residency and anonymization decide a record through it as they decide an event
 * ({@code EventDelivery}): a key field's data class makes the record raw, transformed or blocked
 * per destination, and a value the rule or residency transforms is replaced in the record's text.
 * A record has no {@code item.kind}: no rule is ever matched against it. A flyweight over a
 * {@link CountTable} entry; worker thread only.
 */
public final class CountRecordReader implements FieldReader
{
    private final KeyChars text = new KeyChars();
    private CountTable table;
    private int[] ids;
    private int entry;

    CountRecordReader wrap(final CountTable table, final int slot, final int entry)
    {
        this.table = table;
        this.ids = table.plan().keys(slot).ids();
        this.entry = entry;
        return this;
    }

    private int key(final int fieldId)
    {
        for (int k = 0; k < ids.length; k++)
        {
            if (ids[k] == fieldId && table.keyLength(entry, k) >= 0)
            {
                return k;
            }
        }
        return -1;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        return key(fieldId) >= 0;
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return key(fieldId) >= 0 ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        return table.keyValue(entry, key(fieldId), 2);
    }

    /** The value as the record writes it (a number in decimal, an address in its notation). */
    @Override
    public CharSequence text(final int fieldId)
    {
        final int k = key(fieldId);
        return text.wrap(table.keyChars(), table.keyStart(entry, k), table.keyLength(entry, k));
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return (int)table.keyValue(entry, key(fieldId), 0);
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return table.keyValue(entry, key(fieldId), 1);
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return table.keyValue(entry, key(fieldId), 2);
    }

    /** A reusable view of characters of the table's key arena. */
    private static final class KeyChars implements CharSequence
    {
        private char[] chars;
        private int start;
        private int length;

        KeyChars wrap(final char[] chars, final int start, final int length)
        {
            this.chars = chars;
            this.start = start;
            this.length = length;
            return this;
        }

        @Override
        public int length()
        {
            return length;
        }

        @Override
        public char charAt(final int index)
        {
            return chars[start + index];
        }

        @Override
        public CharSequence subSequence(final int from, final int to)
        {
            return new String(chars, start + from, to - from);
        }

        @Override
        public String toString()
        {
            return new String(chars, start, length);
        }
    }
}
