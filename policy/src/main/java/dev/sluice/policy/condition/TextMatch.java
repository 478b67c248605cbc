package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * {@code field contains "text"} (or {@code startswith}, {@code endswith}) on a text field, and the
 * same on {@code lower(field)}: exact, or ignoring ASCII case for {@code lower(...)} and for fields
 * whose {@link dev.sluice.policy.field.TextForm} says so. False when the field is absent. Allocates
 * nothing. Immutable; any thread.
 */
public final class TextMatch extends Condition
{
    private final Field field;
    private final TextOperator operator;
    private final String value;
    private final boolean lowered;
    private final int readFieldId;
    private final boolean ignoreAsciiCase;

    /**
     * @param field    a text base field.
     * @param operator the operator.
     * @param value    the literal; folded already when case is ignored.
     * @param lowered  written as {@code lower(field)}: ignores ASCII case whatever the field.
     */
    public TextMatch(final Field field, final TextOperator operator, final String value, final boolean lowered)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
        }
        this.field = field;
        this.operator = operator;
        this.value = value;
        this.lowered = lowered;
        this.readFieldId = field.readFieldId();
        this.ignoreAsciiCase = lowered || field.textForm().ignoresAsciiCase();
    }

    public Field field()
    {
        return field;
    }

    public TextOperator operator()
    {
        return operator;
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
        return reader.isPresent(id) && operator.test(reader.text(id), value, ignoreAsciiCase);
    }

    public void appendTo(final StringBuilder out)
    {
        appendOperand(out, field, lowered);
        out.append(' ').append(operator.word()).append(' ');
        Texts.appendQuoted(out, value);
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }

    static void appendOperand(final StringBuilder out, final Field field, final boolean lowered)
    {
        if (lowered)
        {
            out.append("lower(").append(field.name()).append(')');
        }
        else
        {
            out.append(field.name());
        }
    }
}
