package dev.sluice.policy.condition;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.field.FieldType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * A list declared once under a policy's {@code lists:} and referenced by conditions as
 * {@code $name}: addresses and prefixes, integers and ranges, or texts, never a mix. Its set is
 * built once, so that every rule (and both fields of an alias) that names it shares one
 * {@link AddressSet}, {@link IntegerSet} or {@link TextSet}, however large.
 * <p>
 * Immutable once built; any thread.
 */
public final class NamedList
{
    /** Letters, digits, '_' and '-', starting with a letter: what follows a '$' in a condition. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private final String name;
    private final SourcePosition position;
    private final FieldType type;
    private final List<SourcePosition> elementPositions;
    private final List<AddressPrefix> prefixes;
    private final List<long[]> ranges;
    private final List<String> texts;
    private final AddressSet addresses;
    private final IntegerSet integers;
    private final TextSet exactTexts;
    private final TextSet foldedTexts;

    private NamedList(final Builder builder)
    {
        name = builder.name;
        position = builder.position;
        type = builder.type;
        elementPositions = List.copyOf(builder.elementPositions);
        prefixes = List.copyOf(builder.prefixes);
        ranges = List.copyOf(builder.ranges);
        texts = List.copyOf(builder.texts);
        addresses = FieldType.ADDRESS == type ? new AddressSet(prefixes) : null;
        integers = FieldType.INTEGER == type ? new IntegerSet(ranges) : null;
        exactTexts = FieldType.STRING == type ? new TextSet(texts, false) : null;
        if (FieldType.STRING == type)
        {
            final ArrayList<String> folded = new ArrayList<>(texts.size());
            for (final String text : texts)
            {
                folded.add(Texts.foldAsciiCase(text));
            }
            foldedTexts = new TextSet(folded, true);
        }
        else
        {
            foldedTexts = null;
        }
    }

    public String name()
    {
        return name;
    }

    /**
     * @return where the list's name is declared.
     */
    public SourcePosition position()
    {
        return position;
    }

    /**
     * @return what its elements are: {@link FieldType#ADDRESS}, {@link FieldType#INTEGER} or {@link FieldType#STRING}.
     */
    public FieldType type()
    {
        return type;
    }

    /**
     * @return the number of elements as written.
     */
    public int size()
    {
        return elementPositions.size();
    }

    /**
     * @return the members when the list holds addresses, else null.
     */
    public AddressSet addresses()
    {
        return addresses;
    }

    /**
     * @return the members when the list holds integers, else null.
     */
    public IntegerSet integers()
    {
        return integers;
    }

    /**
     * @param ignoreAsciiCase as the field it is compared with does (host names).
     * @return the members when the list holds texts, folded to lower case for host names; else null.
     */
    public TextSet texts(final boolean ignoreAsciiCase)
    {
        return ignoreAsciiCase ? foldedTexts : exactTexts;
    }

    /**
     * @return the prefixes as written, for merging into a set that also has literals.
     */
    List<AddressPrefix> prefixList()
    {
        return prefixes;
    }

    /**
     * @return the ranges as written ({@code [low, high]}), parallel to {@link #elementPositions()}.
     */
    List<long[]> rangeList()
    {
        return ranges;
    }

    /**
     * @return the texts as written, parallel to {@link #elementPositions()}.
     */
    List<String> textList()
    {
        return texts;
    }

    /**
     * @return where each element is, in the order written.
     */
    public List<SourcePosition> elementPositions()
    {
        return elementPositions;
    }

    /**
     * The members in policy syntax, canonical (sorted, merged, distinct), for printing the
     * {@code lists:} section back: prefixes and ranges as a condition writes them, texts as given.
     *
     * @return one string per member; texts unquoted.
     */
    public List<String> canonicalMembers()
    {
        final ArrayList<String> members = new ArrayList<>();
        switch (type)
        {
            case ADDRESS ->
            {
                for (final AddressPrefix prefix : addresses.prefixes())
                {
                    members.add(prefix.toString());
                }
            }
            case INTEGER ->
            {
                for (int i = 0; i < integers.rangeCount(); i++)
                {
                    final long low = integers.rangeLow(i);
                    final long high = integers.rangeHigh(i);
                    members.add(low == high ? Long.toString(low) : low + ".." + high);
                }
            }
            case STRING -> members.addAll(exactTexts.values());
        }
        return members;
    }

    public String toString()
    {
        return "$" + name;
    }

    /**
     * Reads the elements of one list, reporting each bad element at its position; single thread.
     */
    public static final class Builder
    {
        private final String name;
        private final SourcePosition position;
        private final Diagnostics diagnostics;
        private final ArrayList<SourcePosition> elementPositions = new ArrayList<>();
        private final ArrayList<AddressPrefix> prefixes = new ArrayList<>();
        private final ArrayList<long[]> ranges = new ArrayList<>();
        private final ArrayList<String> texts = new ArrayList<>();
        private FieldType type;
        private SourcePosition firstPosition;
        private boolean failed;

        /**
         * @param name        a valid name (see {@link #NAME}).
         * @param position    where it is declared.
         * @param diagnostics where problems go.
         */
        public Builder(final String name, final SourcePosition position, final Diagnostics diagnostics)
        {
            this.name = name;
            this.position = position;
            this.diagnostics = diagnostics;
        }

        /**
         * Add one element: text when {@code quoted} (unless it reads as an address: YAML needs
         * quotes around {@code ::1}), otherwise an address or prefix, an integer, or a range
         * {@code a..b} (also {@code a-b}), read as a condition reads a set element.
         *
         * @param text      the element's value.
         * @param quoted    whether the document quoted it.
         * @param positions maps an offset in {@code text} to its source position.
         */
        public void add(final String text, final boolean quoted, final IntFunction<SourcePosition> positions)
        {
            final Object value = ConditionParser.listElement(text, quoted, positions, diagnostics);
            if (null == value)
            {
                failed = true;
                return;
            }
            final FieldType elementType = switch (value)
            {
                case AddressPrefix ignored -> FieldType.ADDRESS;
                case long[] ignored -> FieldType.INTEGER;
                default -> FieldType.STRING;
            };
            final SourcePosition at = positions.apply(0);
            if (null == type)
            {
                type = elementType;
                firstPosition = at;
            }
            else if (type != elementType)
            {
                failed = true;
                diagnostics.error(
                    at,
                    "list '" + name + "' holds " + plural(type) + " (its first element is at line " + firstPosition.line() +
                        ", column " + firstPosition.column() + "), but this is " + elementType.labelWithArticle(),
                    FieldType.STRING == elementType ?
                        "a list holds one kind of value; write addresses and numbers without quotes" :
                        "a list holds one kind of value; declare a second list for " + plural(elementType));
                return;
            }
            elementPositions.add(at);
            switch (value)
            {
                case AddressPrefix prefix -> prefixes.add(prefix);
                case long[] range -> ranges.add(range);
                default -> texts.add((String)value);
            }
        }

        /**
         * Record an element whose error the caller reported: the list will not be built.
         */
        public void markFailed()
        {
            failed = true;
        }

        /**
         * @return the list, or null when it had errors or is empty (reported).
         */
        public NamedList build()
        {
            if (null == type && !failed)
            {
                diagnostics.error(position, "list '" + name + "' is empty", "a list needs at least one value; add values or remove it");
                return null;
            }
            return failed ? null : new NamedList(this);
        }

        static String plural(final FieldType type)
        {
            return switch (type)
            {
                case ADDRESS -> "addresses";
                case INTEGER -> "integers";
                case STRING -> "texts";
            };
        }
    }
}
