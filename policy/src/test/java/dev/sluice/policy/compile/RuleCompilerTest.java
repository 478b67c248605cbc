package dev.sluice.policy.compile;

import dev.sluice.policy.condition.ComparisonOperator;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.Conditions;
import dev.sluice.policy.condition.IntegerComparison;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.TestItem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleCompilerTest
{
    private static final FieldCatalogue CATALOGUE = FieldCatalogue.standard();

    @Test
    void compiledMatcherIsAHiddenClassThatCanUnload()
    {
        final RuleCompiler.Selection selection = RuleCompiler.select(new Condition[]{ port(80), port(443) });
        assertTrue(selection.compiled(), selection.note());
        assertTrue(selection.matcher().getClass().isHidden());
        assertEquals(1, selection.matcher().firstMatch(TestItem.item().with("tcp.dstport", 443)));
        assertEquals(-1, selection.matcher().firstMatch(TestItem.item().with("udp.dstport", 443)));
    }

    @Test
    void propertyFalseSelectsTheInterpreter()
    {
        final String before = System.getProperty(RuleCompiler.COMPILE_PROP_NAME);
        System.setProperty(RuleCompiler.COMPILE_PROP_NAME, "false");
        try
        {
            final RuleCompiler.Selection selection = RuleCompiler.select(new Condition[]{ port(80) });
            assertFalse(selection.compiled());
            assertInstanceOf(InterpretedMatcher.class, selection.matcher());
            assertTrue(selection.note().contains(RuleCompiler.COMPILE_PROP_NAME), selection.note());
        }
        finally
        {
            if (null == before)
            {
                System.clearProperty(RuleCompiler.COMPILE_PROP_NAME);
            }
            else
            {
                System.setProperty(RuleCompiler.COMPILE_PROP_NAME, before);
            }
        }
    }

    @Test
    void manyRulesAreSplitIntoMethodsTheJitCompiles()
    {
        final Condition[] conditions = new Condition[5_000];
        for (int i = 0; i < conditions.length; i++)
        {
            conditions[i] = Conditions.and(List.of(port(i), new IntegerComparison(CATALOGUE.byName("ip.ttl"), ComparisonOperator.GT, i & 63)));
        }
        final RuleCompiler.Selection selection = RuleCompiler.select(conditions);
        assertTrue(selection.compiled(), selection.note());
        final TestItem item = TestItem.item().with("ip.ttl", 64).with("tcp.dstport", 4_321);
        assertEquals(4_321, selection.matcher().firstMatch(item));
        assertEquals(selection.interpreter().firstMatch(item), selection.matcher().firstMatch(item));
    }

    @Test
    void aRuleTooLargeForOneMethodFallsBackToTheInterpreter()
    {
        final List<Condition> ports = new ArrayList<>();
        for (int i = 0; i < 2_000; i++)
        {
            ports.add(port(i));
        }
        final RuleCompiler.Selection selection = RuleCompiler.select(new Condition[]{ Conditions.or(ports) });
        assertFalse(selection.compiled());
        assertTrue(selection.note().startsWith("compilation failed"), selection.note());
        assertEquals(0, selection.matcher().firstMatch(TestItem.item().with("tcp.dstport", 1_999)));
    }

    private static Condition port(final long port)
    {
        return new IntegerComparison(CATALOGUE.byName("tcp.dstport"), ComparisonOperator.EQ, port);
    }
}
