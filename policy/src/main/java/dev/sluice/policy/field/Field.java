package dev.sluice.policy.field;

import java.util.List;
import java.util.Objects;

/**
 * A named field of an item that rules can test and actions can name. Each field has a dense id
 * (its index in the {@link FieldCatalogue}), a type, a valid value range for integers (the
 * longest value, in characters, for text), and optionally a default data class.
 * <p>
 * A {@link FieldKind#DERIVED} field reads {@code (base >>> bitShift) & bitMask} of its base
 * field; an {@link FieldKind#ALIAS} stands for either of two base fields. A
 * {@linkplain #isRepeated() repeated} base field can have several values per item (every VLAN
 * tag of a stack), outermost first. Fields are compared by identity: each exists once, in its
 * catalogue.
 * <p>
 * Immutable; any thread.
 */
public final class Field
{
    /** The longest text literal a dynamic text field is compared with. */
    public static final int DYNAMIC_TEXT_LENGTH = 65_535;

    private final int id;
    private final String name;
    private final FieldType type;
    private final String description;
    private final String defaultDataClass;
    private final FieldKind kind;
    private final boolean repeated;
    private final TextForm textForm;
    private final List<String> textValues;
    private final int readFieldId;
    private final int bitShift;
    private final long bitMask;
    private final long minValue;
    private final long maxValue;
    private final List<Field> aliasedFields;
    private final List<Field> baseFields;
    private final DynamicPrefix dynamicPrefix;
    private final List<PathStep> dynamicPath;

    private Field(
        final int id,
        final String name,
        final FieldType type,
        final String description,
        final String defaultDataClass,
        final FieldKind kind,
        final boolean repeated,
        final TextForm textForm,
        final List<String> textValues,
        final int readFieldId,
        final int bitShift,
        final long bitMask,
        final long minValue,
        final long maxValue,
        final List<Field> aliasedFields,
        final Field derivedFrom,
        final DynamicName dynamicName)
    {
        if (id < 0)
        {
            throw new IllegalArgumentException("field ids are not negative: " + id);
        }
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.description = Objects.requireNonNull(description, "description");
        this.defaultDataClass = defaultDataClass;
        this.kind = kind;
        this.repeated = repeated;
        this.textForm = textForm;
        this.textValues = List.copyOf(textValues);
        this.readFieldId = readFieldId;
        this.bitShift = bitShift;
        this.bitMask = bitMask;
        this.minValue = minValue;
        this.maxValue = maxValue;
        this.aliasedFields = aliasedFields;
        this.baseFields = switch (kind)
        {
            case BASE -> List.of(this);
            case DERIVED -> List.of(derivedFrom);
            case ALIAS -> aliasedFields;
        };
        this.dynamicPrefix = null == dynamicName ? null : dynamicName.prefix();
        this.dynamicPath = null == dynamicName ? List.of() : dynamicName.path();
    }

    /**
     * An integer or address field the {@link FieldReader} serves, with at most one value per item.
     *
     * @param id               dense id.
     * @param name             dotted name, e.g. {@code tcp.dstport}.
     * @param type             {@link FieldType#INTEGER} or {@link FieldType#ADDRESS}; text fields are made by {@link #text}.
     * @param minValue         smallest valid value (integers; 0 for addresses).
     * @param maxValue         largest valid value (integers; 0 for addresses).
     * @param description      one line for {@code explain} and documentation.
     * @param defaultDataClass the data class the field belongs to unless a policy says more, or null.
     * @return the field.
     */
    public static Field base(
        final int id,
        final String name,
        final FieldType type,
        final long minValue,
        final long maxValue,
        final String description,
        final String defaultDataClass)
    {
        if (FieldType.STRING == type)
        {
            throw new IllegalArgumentException("text fields are made with Field.text: " + name);
        }
        return new Field(
            id, name, type, description, defaultDataClass, FieldKind.BASE, false, null, List.of(),
            id, 0, -1L, minValue, maxValue, List.of(), null, null);
    }

    /**
     * An integer field that can have several values per item, outermost first, e.g. every
     * {@code vlan.id} of a QinQ stack.
     *
     * @param id               dense id.
     * @param name             dotted name.
     * @param minValue         smallest valid value.
     * @param maxValue         largest valid value.
     * @param description      one line.
     * @param defaultDataClass the default data class, or null.
     * @return the field.
     */
    public static Field repeated(
        final int id,
        final String name,
        final long minValue,
        final long maxValue,
        final String description,
        final String defaultDataClass)
    {
        return new Field(
            id, name, FieldType.INTEGER, description, defaultDataClass, FieldKind.BASE, true, null, List.of(),
            id, 0, -1L, minValue, maxValue, List.of(), null, null);
    }

    /**
     * A {@link FieldType#STRING} field with at most one value per item.
     *
     * @param id               dense id.
     * @param name             dotted name, e.g. {@code dns.qry.name}.
     * @param maxLength        the longest value, in characters; longer literals can never match.
     * @param form             what values look like and how they compare.
     * @param values           for {@link TextForm#KEYWORD}, every value the field can have; otherwise empty.
     * @param description      one line.
     * @param defaultDataClass the default data class, or null.
     * @return the field.
     */
    public static Field text(
        final int id,
        final String name,
        final int maxLength,
        final TextForm form,
        final List<String> values,
        final String description,
        final String defaultDataClass)
    {
        if (maxLength < 0 || (TextForm.KEYWORD == form) == values.isEmpty())
        {
            throw new IllegalArgumentException("a keyword field lists its values, other text fields none: " + name);
        }
        return new Field(
            id, name, FieldType.STRING, description, defaultDataClass, FieldKind.BASE, false, form, values,
            id, 0, -1L, 0, maxLength, List.of(), null, null);
    }

    /**
     * A single-bit flag of an integer base field.
     *
     * @param id          dense id.
     * @param name        dotted name, e.g. {@code tcp.flags.syn}.
     * @param base        the integer field holding the bit; not repeated.
     * @param bit         the bit's position, 0 = least significant.
     * @param description one line.
     * @return the field, valued 0 or 1.
     */
    public static Field flag(final int id, final String name, final Field base, final int bit, final String description)
    {
        if (FieldKind.BASE != base.kind || FieldType.INTEGER != base.type || base.repeated || bit < 0 || bit > 62)
        {
            throw new IllegalArgumentException("a flag needs a non-repeated integer base field and a bit in 0..62: " + name);
        }
        return new Field(
            id, name, FieldType.INTEGER, description, null, FieldKind.DERIVED, false, null, List.of(),
            base.id, bit, 1L, 0, 1, List.of(), base, null);
    }

    /**
     * A name that matches either of two base fields of the same type.
     *
     * @param id          dense id.
     * @param name        dotted name, e.g. {@code ip.addr}.
     * @param first       one field, e.g. {@code ip.src}.
     * @param second      the other, e.g. {@code ip.dst}.
     * @param description one line.
     * @return the field.
     */
    public static Field alias(final int id, final String name, final Field first, final Field second, final String description)
    {
        if (FieldKind.BASE != first.kind || FieldKind.BASE != second.kind || first.type != second.type ||
            first.textForm != second.textForm)
        {
            throw new IllegalArgumentException("an alias needs two base fields of one type: " + name);
        }
        return new Field(
            id, name, first.type, description, null, FieldKind.ALIAS, false, first.textForm, first.textValues, -1, 0, -1L,
            Math.min(first.minValue, second.minValue), Math.max(first.maxValue, second.maxValue), List.of(first, second), null, null);
    }

    /**
     * A field a policy makes by naming it under a {@link DynamicPrefix}: a base field with at
     * most one value per item, typed by how the policy uses it ({@link FieldResolver}).
     * Integers span 0..2^63-1, text up to {@link #DYNAMIC_TEXT_LENGTH} characters, free form.
     *
     * @param id   dense id, after the standard catalogue's.
     * @param name the parsed name.
     * @param type the type the policy's uses gave it.
     * @return the field, without a default data class.
     */
    public static Field dynamic(final int id, final DynamicName name, final FieldType type)
    {
        final String description = name.prefix().what() + " " + name.name() + ", " + type.label() + " by use";
        return switch (type)
        {
            case INTEGER -> new Field(
                id, name.name(), type, description, null, FieldKind.BASE, false, null, List.of(),
                id, 0, -1L, 0, Long.MAX_VALUE, List.of(), null, name);
            case ADDRESS -> new Field(
                id, name.name(), type, description, null, FieldKind.BASE, false, null, List.of(),
                id, 0, -1L, 0, 0, List.of(), null, name);
            case STRING -> new Field(
                id, name.name(), type, description, null, FieldKind.BASE, false, TextForm.FREE, List.of(),
                id, 0, -1L, 0, DYNAMIC_TEXT_LENGTH, List.of(), null, name);
        };
    }

    public int id()
    {
        return id;
    }

    public String name()
    {
        return name;
    }

    public FieldType type()
    {
        return type;
    }

    public String description()
    {
        return description;
    }

    /**
     * @return the data class this field belongs to by default (e.g. {@code pii.ip}), or null.
     */
    public String defaultDataClass()
    {
        return defaultDataClass;
    }

    public FieldKind kind()
    {
        return kind;
    }

    /**
     * @return true for a base field that can have several values per item; its values are read
     * with {@link FieldReader#occurrences(int)} and {@link FieldReader#integer(int, int)}.
     */
    public boolean isRepeated()
    {
        return repeated;
    }

    /**
     * @return for a text field (or an alias of text fields), what its values look like; otherwise null.
     */
    public TextForm textForm()
    {
        return textForm;
    }

    /**
     * @return for a {@link TextForm#KEYWORD} field, every value it can have; otherwise empty.
     */
    public List<String> textValues()
    {
        return textValues;
    }

    /**
     * @return the id of the base field the {@link FieldReader} is asked for: the field itself
     * for a base field, its base for a derived field, -1 for an alias.
     */
    public int readFieldId()
    {
        return readFieldId;
    }

    /**
     * @return right shift applied to the base value of a derived field (0 for base fields).
     */
    public int bitShift()
    {
        return bitShift;
    }

    /**
     * @return mask applied after the shift (-1, all bits, for base fields).
     */
    public long bitMask()
    {
        return bitMask;
    }

    /**
     * @return smallest valid integer value (0 for addresses and text).
     */
    public long minValue()
    {
        return minValue;
    }

    /**
     * @return largest valid integer value; for text, the longest value in characters.
     */
    public long maxValue()
    {
        return maxValue;
    }

    /**
     * @return for an alias, the two base fields it stands for; otherwise empty.
     */
    public List<Field> aliasedFields()
    {
        return aliasedFields;
    }

    /**
     * @return the base fields this name covers: itself for a base field, its base for a derived
     * field, both for an alias.
     */
    public List<Field> baseFields()
    {
        return baseFields;
    }

    /**
     * @return for a dynamic field ({@code json.a.b}, {@code syslog.sd.origin.ip}), its prefix;
     * null for the fields of the standard catalogue.
     */
    public DynamicPrefix dynamicPrefix()
    {
        return dynamicPrefix;
    }

    /**
     * @return for a dynamic field, the keys and indexes after its prefix ({@code json.fixes[0].lat}:
     * key fixes, index 0, key lat), which a reader resolves once per policy; otherwise empty.
     */
    public List<PathStep> dynamicPath()
    {
        return dynamicPath;
    }

    /**
     * @return true for a field made by a policy under a {@link DynamicPrefix}.
     */
    public boolean isDynamic()
    {
        return null != dynamicPrefix;
    }

    public String toString()
    {
        return name;
    }
}
