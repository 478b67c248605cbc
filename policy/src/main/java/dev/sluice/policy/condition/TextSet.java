package dev.sluice.policy.condition;

import java.util.List;
import java.util.TreeSet;

/**
 * A set of text values, exact or ignoring ASCII case. Membership is allocation-free: an open
 * addressing table probed with a hash computed over the value's characters, so the value can be
 * any {@link CharSequence} (the dataplane's flyweights).
 * Immutable; any thread.
 */
public final class TextSet
{
    private final List<String> values;
    private final boolean ignoreAsciiCase;
    private final String[] table;
    private final int tableMask;

    /**
     * @param values          the members, in any order, may repeat; folded already when ignoring case.
     * @param ignoreAsciiCase compare ignoring ASCII case.
     */
    public TextSet(final List<String> values, final boolean ignoreAsciiCase)
    {
        this.values = List.copyOf(new TreeSet<>(values));
        this.ignoreAsciiCase = ignoreAsciiCase;

        int capacity = 2;
        while (capacity < this.values.size() * 2)
        {
            capacity <<= 1;
        }
        table = new String[capacity];
        tableMask = capacity - 1;
        for (final String value : this.values)
        {
            int slot = Texts.hash(value, ignoreAsciiCase) & tableMask;
            while (null != table[slot])
            {
                slot = (slot + 1) & tableMask;
            }
            table[slot] = value;
        }
    }

    /**
     * @param text a value.
     * @return true when it is a member.
     */
    public boolean contains(final CharSequence text)
    {
        final String[] table = this.table;
        int slot = Texts.hash(text, ignoreAsciiCase) & tableMask;
        while (true)
        {
            final String member = table[slot];
            if (null == member)
            {
                return false;
            }
            if (Texts.sameText(text, member, ignoreAsciiCase))
            {
                return true;
            }
            slot = (slot + 1) & tableMask;
        }
    }

    /**
     * @return the distinct members, sorted.
     */
    public List<String> values()
    {
        return values;
    }

    public boolean ignoresAsciiCase()
    {
        return ignoreAsciiCase;
    }

    /**
     * @return the members in policy syntax, e.g. {@code "a.example", "b.example"}.
     */
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++)
        {
            if (i > 0)
            {
                out.append(", ");
            }
            Texts.appendQuoted(out, values.get(i));
        }
        return out.toString();
    }
}
