package dev.sluice.dataplane.classify;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

import java.util.List;

/**
 * The key fields of a rule that keeps state per key ({@code rate-limit ... by}, {@code count by}),
 * resolved for reading them off an item: each field's read id, its kind of value, and for a
 * derived integer field the shift and mask that cut it out of its base field. Built off the data
 * path; immutable; any thread. Reading a key does not allocate.
 */
public final class KeyFields
{
    public static final byte INTEGER = 0;
    public static final byte ADDRESS = 1;
    public static final byte TEXT = 2;

    /** No keys: one state for the whole rule. */
    public static final KeyFields NONE = new KeyFields(new int[0], new byte[0], new int[0], new long[0]);

    private final int[] ids;
    private final byte[] types;
    private final int[] shifts;
    private final long[] masks;

    private KeyFields(final int[] ids, final byte[] types, final int[] shifts, final long[] masks)
    {
        this.ids = ids;
        this.types = types;
        this.shifts = shifts;
        this.masks = masks;
    }

    /**
     * @param keys the key fields, in the order written.
     * @return them resolved.
     */
    public static KeyFields of(final List<Field> keys)
    {
        if (keys.isEmpty())
        {
            return NONE;
        }
        final int n = keys.size();
        final int[] ids = new int[n];
        final byte[] types = new byte[n];
        final int[] shifts = new int[n];
        final long[] masks = new long[n];
        for (int k = 0; k < n; k++)
        {
            final Field key = keys.get(k);
            ids[k] = key.readFieldId();
            types[k] = FieldType.ADDRESS == key.type() ? ADDRESS : FieldType.STRING == key.type() ? TEXT : INTEGER;
            shifts[k] = key.bitShift();
            masks[k] = key.bitMask();
        }
        return new KeyFields(ids, types, shifts, masks);
    }

    /** How many key fields. */
    public int count()
    {
        return ids.length;
    }

    /** The read id of key {@code k}, for the {@link FieldReader}. */
    public int id(final int k)
    {
        return ids[k];
    }

    /** {@link #INTEGER}, {@link #ADDRESS} or {@link #TEXT}. */
    public byte type(final int k)
    {
        return types[k];
    }

    /**
     * @param reader     the item's fields; key {@code k} is an {@link #INTEGER} the item has.
     * @param occurrence which of a repeated field's values, 0 for the outermost.
     * @return the key's value (a derived field cut out of its base field).
     */
    public long integer(final FieldReader reader, final int k, final int occurrence)
    {
        return (reader.integer(ids[k], occurrence) >>> shifts[k]) & masks[k];
    }

    /** The read ids of every key, in order (not to be changed). */
    public int[] ids()
    {
        return ids;
    }
}
