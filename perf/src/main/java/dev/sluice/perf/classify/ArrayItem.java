package dev.sluice.perf.classify;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;

/**
 * A copy of one item's fields in plain arrays, indexed by field id, behind the smallest possible
 * {@link FieldReader}: every method a few loads that the JIT inlines into the generated code. It
 * shows what rule matching costs apart from the reader; the gap to {@code BurstFieldReader} is
 * what the reader costs. Single thread.
 */
final class ArrayItem implements FieldReader
{
    private static final int MAX_OCCURRENCES = 4;

    private final int[] occurrences;
    private final long[] integers;
    private final int[] versions;
    private final long[] highs;
    private final long[] lows;
    private final CharSequence[] texts;

    /**
     * @param catalogue the fields to copy.
     * @param source    the item, read once.
     */
    ArrayItem(final FieldCatalogue catalogue, final FieldReader source)
    {
        final int size = catalogue.size();
        occurrences = new int[size];
        integers = new long[size * MAX_OCCURRENCES];
        versions = new int[size];
        highs = new long[size];
        lows = new long[size];
        texts = new CharSequence[size];
        for (final Field field : catalogue.fields())
        {
            final int id = field.id();
            if (FieldKind.BASE != field.kind() || !source.isPresent(id))
            {
                continue;
            }
            occurrences[id] = Math.min(MAX_OCCURRENCES, source.occurrences(id));
            switch (field.type())
            {
                case INTEGER ->
                {
                    for (int i = 0; i < occurrences[id]; i++)
                    {
                        integers[id * MAX_OCCURRENCES + i] = source.integer(id, i);
                    }
                }
                case ADDRESS ->
                {
                    versions[id] = source.addressVersion(id);
                    highs[id] = source.addressHigh(id);
                    lows[id] = source.addressLow(id);
                }
                case STRING -> texts[id] = source.text(id).toString();
            }
        }
    }

    public boolean isPresent(final int fieldId)
    {
        return fieldId < occurrences.length && occurrences[fieldId] > 0;
    }

    public int occurrences(final int fieldId)
    {
        return fieldId < occurrences.length ? occurrences[fieldId] : 0;
    }

    public long integer(final int fieldId, final int occurrence)
    {
        return integers[fieldId * MAX_OCCURRENCES + occurrence];
    }

    public CharSequence text(final int fieldId)
    {
        return texts[fieldId];
    }

    public int addressVersion(final int fieldId)
    {
        return versions[fieldId];
    }

    public long addressHigh(final int fieldId)
    {
        return highs[fieldId];
    }

    public long addressLow(final int fieldId)
    {
        return lows[fieldId];
    }
}
