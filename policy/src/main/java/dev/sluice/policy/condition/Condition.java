package dev.sluice.policy.condition;

import dev.sluice.policy.field.FieldReader;

/**
 * A compiled rule condition: a tree of small immutable nodes, each of which tests an item
 * through a {@link FieldReader} without allocating. The same tree serves the interpreter (the
 * dataplane today), {@code explain} (walk it with pattern matching over the sealed subtypes),
 * and the bytecode compiler to come, which will generate code from it.
 * <p>
 * {@link #toString()} prints the condition back in policy syntax (aliases appear expanded, and
 * {@code !=} on a repeated field as {@code not ==}); the printed text parses to an equivalent
 * condition.
 * <p>
 * Immutable; any thread may call {@link #test(FieldReader)} with its own reader.
 */
public abstract sealed class Condition
    permits ConstantCondition, AndCondition, OrCondition, NotCondition,
    IntegerComparison, IntegerTruth, IntegerInSet, AddressComparison, AddressInSet,
    TextComparison, TextTruth, TextInSet, TextMatch, RegexMatch, TextLength, FieldPresence
{
    static final int PRECEDENCE_OR = 1;
    static final int PRECEDENCE_AND = 2;
    static final int PRECEDENCE_NOT = 3;
    static final int PRECEDENCE_ATOM = 4;

    Condition()
    {
    }

    /**
     * @param reader the item.
     * @return true when the item satisfies the condition.
     */
    public abstract boolean test(FieldReader reader);

    /**
     * Append the condition in policy syntax.
     *
     * @param out where to write.
     */
    public abstract void appendTo(StringBuilder out);

    abstract int precedence();

    final void appendOperand(final StringBuilder out, final Condition operand)
    {
        if (operand.precedence() < precedence())
        {
            out.append('(');
            operand.appendTo(out);
            out.append(')');
        }
        else
        {
            operand.appendTo(out);
        }
    }

    public final String toString()
    {
        final StringBuilder out = new StringBuilder();
        appendTo(out);
        return out.toString();
    }
}
