package dev.sluice.policy.field;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A set of field ids, as bits over words of 64: what rules anonymize, what a data class
 * covers. There is no limit on ids; a set is as long as its largest member needs.
 * {@link #contains(int)}, {@link #nextId(int)} and {@link #intersects(FieldSet)} do not
 * allocate, so the dataplane can test sets per item.
 * <p>
 * Immutable; any thread.
 */
public final class FieldSet
{
    /** The set with no members. */
    public static final FieldSet EMPTY = new FieldSet(new long[0]);

    private static final int WORD_SHIFT = 6;

    /** Trailing zero words trimmed, so equal sets have equal arrays. */
    private final long[] words;

    private FieldSet(final long[] words)
    {
        this.words = words;
    }

    /**
     * @param ids field ids, each at least 0.
     * @return the set of them.
     */
    public static FieldSet of(final int... ids)
    {
        final Builder builder = new Builder();
        for (final int id : ids)
        {
            builder.add(id);
        }
        return builder.build();
    }

    /**
     * @param fields fields.
     * @return the set of their ids.
     */
    public static FieldSet of(final Collection<Field> fields)
    {
        final Builder builder = new Builder();
        for (final Field field : fields)
        {
            builder.add(field.id());
        }
        return builder.build();
    }

    /**
     * @return a builder for a new set.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @param id a field id (any int; negative ids are never members).
     * @return true when the id is in the set.
     */
    public boolean contains(final int id)
    {
        final int word = id >>> WORD_SHIFT;
        return id >= 0 && word < words.length && 0 != (words[word] & (1L << id));
    }

    /**
     * Iterate without allocating: {@code for (int id = set.nextId(0); id >= 0; id = set.nextId(id + 1))}.
     *
     * @param fromId the smallest id to consider.
     * @return the smallest member at least {@code fromId}, or -1 when there is none.
     */
    public int nextId(final int fromId)
    {
        int word = Math.max(0, fromId) >>> WORD_SHIFT;
        if (word >= words.length)
        {
            return -1;
        }
        long bits = fromId <= 0 ? words[word] : words[word] & (-1L << fromId);
        while (true)
        {
            if (0 != bits)
            {
                return (word << WORD_SHIFT) + Long.numberOfTrailingZeros(bits);
            }
            if (++word >= words.length)
            {
                return -1;
            }
            bits = words[word];
        }
    }

    /**
     * @param other another set.
     * @return true when the sets share a member.
     */
    public boolean intersects(final FieldSet other)
    {
        final int common = Math.min(words.length, other.words.length);
        for (int i = 0; i < common; i++)
        {
            if (0 != (words[i] & other.words[i]))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param other another set.
     * @return the members of either.
     */
    public FieldSet union(final FieldSet other)
    {
        if (other.words.length > words.length)
        {
            return other.union(this);
        }
        final long[] merged = words.clone();
        for (int i = 0; i < other.words.length; i++)
        {
            merged[i] |= other.words[i];
        }
        return Arrays.equals(merged, words) ? this : new FieldSet(merged);
    }

    public boolean isEmpty()
    {
        return 0 == words.length;
    }

    /**
     * @return the number of members.
     */
    public int size()
    {
        int size = 0;
        for (final long word : words)
        {
            size += Long.bitCount(word);
        }
        return size;
    }

    /**
     * @return the members, ascending.
     */
    public int[] ids()
    {
        final int[] ids = new int[size()];
        int next = 0;
        for (int id = nextId(0); id >= 0; id = nextId(id + 1))
        {
            ids[next++] = id;
        }
        return ids;
    }

    /**
     * @param catalogue the catalogue the ids refer to.
     * @return the member fields, in id order; ids the catalogue lacks are left out.
     */
    public List<Field> fields(final FieldCatalogue catalogue)
    {
        final ArrayList<Field> fields = new ArrayList<>(size());
        for (int id = nextId(0); id >= 0 && id < catalogue.size(); id = nextId(id + 1))
        {
            fields.add(catalogue.byId(id));
        }
        return List.copyOf(fields);
    }

    public boolean equals(final Object other)
    {
        return other instanceof FieldSet set && Arrays.equals(words, set.words);
    }

    public int hashCode()
    {
        return Arrays.hashCode(words);
    }

    /**
     * @return the ids, e.g. {@code {5, 6}}.
     */
    public String toString()
    {
        return Arrays.toString(ids()).replace('[', '{').replace(']', '}');
    }

    /**
     * Collects ids for a new {@link FieldSet}. Confined to the thread that uses it.
     */
    public static final class Builder
    {
        private long[] words = new long[1];

        private Builder()
        {
        }

        /**
         * @param id a field id, at least 0.
         * @return this.
         */
        public Builder add(final int id)
        {
            if (id < 0)
            {
                throw new IllegalArgumentException("field ids are not negative: " + id);
            }
            final int word = id >>> WORD_SHIFT;
            if (word >= words.length)
            {
                words = Arrays.copyOf(words, Math.max(word + 1, words.length * 2));
            }
            words[word] |= 1L << id;
            return this;
        }

        /**
         * @param set ids to add.
         * @return this.
         */
        public Builder addAll(final FieldSet set)
        {
            for (int id = set.nextId(0); id >= 0; id = set.nextId(id + 1))
            {
                add(id);
            }
            return this;
        }

        /**
         * @return the set of the ids added so far.
         */
        public FieldSet build()
        {
            int length = words.length;
            while (length > 0 && 0 == words[length - 1])
            {
                length--;
            }
            return 0 == length ? EMPTY : new FieldSet(Arrays.copyOf(words, length));
        }
    }
}
