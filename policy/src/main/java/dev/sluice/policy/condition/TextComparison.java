package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field == "text"} or {@code field != "text"} on a text field, or on {@code lower(field)};
 * exact, or ignoring ASCII case for {@code lower(...)} and for fields whose
 * {@link dev.sluice.policy.field.TextForm} says so. False when the field is
 * absent, for both operators. Immutable; any thread.
 */
public final class TextComparison extends Condition
{
    private final Field field;
    private final boolean equal;
    private final String value;
    private final int readFieldId;
    private final boolean ignoreAsciiCase;
    private final boolean lowered;

    /**
     * @param field a text base field.
     * @param equal true for {@code ==}, false for {@code !=}.
     * @param value the literal; folded already when the field ignores ASCII case.
     */
    public TextComparison(final Field field, final boolean equal, final String value)
    {
        this(field, equal, value, false);
    }

    /**
     * @param field   a text base field.
     * @param equal   true for {@code ==}, false for {@code !=}.
     * @param value   the literal; folded already when case is ignored.
     * @param lowered written as {@code lower(field)}: ignores ASCII case whatever the field.
     */
    public TextComparison(final Field field, final boolean equal, final String value, final boolean lowered)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
        }
        this.field = field;
        this.equal = equal;
        this.value = value;
        this.readFieldId = field.readFieldId();
        this.lowered = lowered;
        this.ignoreAsciiCase = lowered || field.textForm().ignoresAsciiCase();
    }

    public Field field()
    {
        return field;
    }

    /**
     * @return true for {@code ==}, false for {@code !=}.
     */
    public boolean isEqual()
    {
        return equal;
    }

    public String value()
    {
        return value;
    }

    /**
     * @return true when the test ignores ASCII case: {@code lower(...)}, or a field that compares so.
     */
    public boolean ignoresAsciiCase()
    {
        return ignoreAsciiCase;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        return reader.isPresent(id) && Texts.sameText(reader.text(id), value, ignoreAsciiCase) == equal;
    }

    public void appendTo(final StringBuilder out)
    {
        TextMatch.appendOperand(out, field, lowered);
        out.append(equal ? " == " : " != ");
        Texts.appendQuoted(out, value);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
