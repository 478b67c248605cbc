package dev.sluice.policy.compile;

import dev.sluice.policy.condition.AddressComparison;
import dev.sluice.policy.condition.AddressInSet;
import dev.sluice.policy.condition.AndCondition;
import dev.sluice.policy.condition.ComparisonOperator;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.FieldPresence;
import dev.sluice.policy.condition.IntegerComparison;
import dev.sluice.policy.condition.IntegerInSet;
import dev.sluice.policy.condition.IntegerSet;
import dev.sluice.policy.condition.IntegerTruth;
import dev.sluice.policy.condition.OrCondition;
import dev.sluice.policy.condition.RegexMatch;
import dev.sluice.policy.condition.TextComparison;
import dev.sluice.policy.condition.TextInSet;
import dev.sluice.policy.condition.TextLength;
import dev.sluice.policy.condition.TextMatch;
import dev.sluice.policy.condition.TextTruth;
import dev.sluice.policy.field.Field;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an item must have for a condition to hold, read off the condition's {@code and} spine:
 * fields that must be present (every field test is false on an absent field) and, for integer
 * base fields compared with {@code ==} or a small {@code in} set, the values the field must
 * take. The generated code uses them to rule out, with a few compares per item, most rules
 * before trying any (see {@link ConditionEmitter}). Only ever a necessary condition: a rule
 * that meets its requirements is still tested in full.
 * Used by one compilation on one thread.
 */
public final class Requirements
{
    /** Value sets larger than this are left as presence only: the dispatch switch would grow too much. */
    static final int MAX_VALUES = 32;

    /** Per base field id: null for presence only, else the values the field must have (may be empty). */
    private final HashMap<Integer, TreeSet<Long>> byField = new HashMap<>();

    private Requirements()
    {
    }

    static Requirements of(final Condition condition)
    {
        final Requirements requirements = new Requirements();
        requirements.collect(condition);
        return requirements;
    }

    /**
     * @param condition a rule's condition.
     * @return the base field ids an item must have for the condition to hold (a necessary condition only).
     */
    public static Set<Integer> requiredFields(final Condition condition)
    {
        return Set.copyOf(of(condition).byField.keySet());
    }

    Map<Integer, TreeSet<Long>> byField()
    {
        return byField;
    }

    private void collect(final Condition condition)
    {
        switch (condition)
        {
            case AndCondition and -> and.operands().forEach(this::collect);
            case OrCondition or ->
            {
                // Only what every alternative requires: presence of the fields they share.
                Requirements common = null;
                for (final Condition operand : or.operands())
                {
                    final Requirements each = of(operand);
                    if (null == common)
                    {
                        common = each;
                        common.byField.replaceAll((id, values) -> null);
                    }
                    else
                    {
                        common.byField.keySet().retainAll(each.byField.keySet());
                    }
                }
                if (null != common)
                {
                    common.byField.keySet().forEach(this::presence);
                }
            }
            case IntegerComparison c when isDispatchable(c.field()) && ComparisonOperator.EQ == c.operator() &&
                c.value() >= 0 && c.value() <= Integer.MAX_VALUE ->
            {
                final TreeSet<Long> values = new TreeSet<>();
                values.add(c.value());
                values(c.field().readFieldId(), values);
            }
            case IntegerInSet s when isDispatchable(s.field()) && null != smallSet(s.set()) ->
                values(s.field().readFieldId(), smallSet(s.set()));
            case IntegerComparison c -> presence(c.field().readFieldId());
            case IntegerInSet s -> presence(s.field().readFieldId());
            case IntegerTruth t -> presence(t.field().readFieldId());
            case AddressComparison c -> presence(c.field().readFieldId());
            case AddressInSet s -> presence(s.field().readFieldId());
            case TextComparison c -> presence(c.field().readFieldId());
            case TextMatch m -> presence(m.field().readFieldId());
            case RegexMatch m -> presence(m.field().readFieldId());
            case TextInSet s -> presence(s.field().readFieldId());
            case TextLength l -> presence(l.field().readFieldId());
            case TextTruth t -> presence(t.field().readFieldId());
            case FieldPresence p -> presence(p.field().readFieldId());
            default ->
            {
                // Constants and 'not' require nothing.
            }
        }
    }

    private static boolean isDispatchable(final Field field)
    {
        return !field.isRepeated() && 0 == field.bitShift() && -1L == field.bitMask();
    }

    private static TreeSet<Long> smallSet(final IntegerSet set)
    {
        final TreeSet<Long> values = new TreeSet<>();
        for (int i = 0; i < set.rangeCount(); i++)
        {
            if (set.rangeLow(i) < 0 || set.rangeHigh(i) > Integer.MAX_VALUE ||
                set.rangeHigh(i) - set.rangeLow(i) >= MAX_VALUES - values.size())
            {
                return null;
            }
            for (long v = set.rangeLow(i); v <= set.rangeHigh(i); v++)
            {
                values.add(v);
            }
        }
        return values;
    }

    private void presence(final int fieldId)
    {
        byField.putIfAbsent(fieldId, null);
    }

    private void values(final int fieldId, final TreeSet<Long> values)
    {
        final TreeSet<Long> existing = byField.get(fieldId);
        if (null == existing)
        {
            byField.put(fieldId, new TreeSet<>(values));
            return;
        }
        for (final Iterator<Long> it = existing.iterator(); it.hasNext(); )
        {
            if (!values.contains(it.next()))
            {
                it.remove();
            }
        }
    }
}
