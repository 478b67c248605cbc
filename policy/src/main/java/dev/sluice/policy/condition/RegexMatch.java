package dev.sluice.policy.condition;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.regex.Regex;

/**
 * {@code field matches "regex"} on a text field, and on {@code lower(field)}: true when the
 * value contains a match. The expression was compiled at parse time to a DFA (or, past its
 * state cap, an NFA simulated with per-thread scratch), so a test is linear in the value, never
 * backtracks and allocates nothing once warm. False when the field is absent. Immutable; any
 * thread.
 */
public final class RegexMatch extends Condition
{
    private final Field field;
    private final Regex regex;
    private final boolean lowered;
    private final int readFieldId;

    /**
     * @param field   a text base field.
     * @param regex   the compiled expression, its case mode already chosen for the field.
     * @param lowered written as {@code lower(field)}.
     */
    public RegexMatch(final Field field, final Regex regex, final boolean lowered)
    {
        if (FieldType.STRING != field.type() || FieldKind.BASE != field.kind())
        {
            throw new IllegalArgumentException("not a text base field: " + field);
        }
        this.field = field;
        this.regex = regex;
        this.lowered = lowered;
        this.readFieldId = field.readFieldId();
    }

    public Field field()
    {
        return field;
    }

    public Regex regex()
    {
        return regex;
    }

    public boolean lowered()
    {
        return lowered;
    }

    public boolean test(final FieldReader reader)
    {
        final int id = readFieldId;
        return reader.isPresent(id) && regex.find(reader.text(id));
    }

    public void appendTo(final StringBuilder out)
    {
        // The literal is the expression as written: a backslash in it is the expression's own.
        TextMatch.appendOperand(out, field, lowered);
        out.append(" matches \"").append(regex.source()).append('"');
    }

    int precedence()
    {
        return PRECEDENCE_ATOM;
    }
}
