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

    /** What an absent key field contributes to {@link #hash}. */
    private static final long ABSENT = 0x5A17_AB5E_17C0_FFEEL;

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

    /**
     * A 64-bit hash of the item's key values: the same values, the same hash, in every process
     * (no random seed), so a key sampled on one gateway is sampled on every other.
     *
     * @param reader the item's fields.
     * @return the hash; an absent key field hashes as itself.
     */
    public long hash(final FieldReader reader)
    {
        long h = 0x6A09_E667_F3BC_C909L;
        for (int k = 0; k < ids.length; k++)
        {
            final int id = ids[k];
            final int occurrences = reader.occurrences(id);
            if (0 == occurrences)
            {
                h = mix(h, ABSENT);
                continue;
            }
            h = mix(h, occurrences);
            switch (types[k])
            {
                case ADDRESS ->
                {
                    h = mix(h, reader.addressVersion(id));
                    h = mix(h, reader.addressHigh(id));
                    h = mix(h, reader.addressLow(id));
                }
                case TEXT ->
                {
                    final CharSequence text = reader.text(id);
                    final int length = text.length();
                    long t = 0xCBF2_9CE4_8422_2325L;
                    for (int i = 0; i < length; i++)
                    {
                        t = (t ^ text.charAt(i)) * 0x0000_0100_0000_01B3L;
                    }
                    h = mix(mix(h, length), t);
                }
                default ->
                {
                    for (int o = 0; o < occurrences; o++)
                    {
                        h = mix(h, integer(reader, k, o));
                    }
                }
            }
        }
        return finish(h);
    }

    /** Mixes one value into a running key hash. */
    public static long mix(final long h, final long value)
    {
        return Long.rotateLeft(h ^ (value * 0x9E37_79B9_7F4A_7C15L), 29) * 0xC2B2_AE3D_27D4_EB4FL;
    }

    /** MurmurHash3's finalizer, so that the low bits that pick a home slot depend on every bit. */
    public static long finish(final long hash)
    {
        long h = hash;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }
}
