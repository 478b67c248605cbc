package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.FieldReader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Helpers for the event reader tests: one-rule policies, the messages each rule matches through
 * {@link Policy#firstMatch} (as the classify stage runs it), and a thread allocation probe.
 */
final class EventPolicyTesting
{
    private static final String HEADER = "sluice-policy: 1\nname: events\nmatch: first\ndefault: keep\n";

    private EventPolicyTesting()
    {
    }

    /**
     * @param when a rule's condition.
     * @return a policy whose one rule drops what the condition matches.
     */
    static Policy oneRule(final String when)
    {
        return TestPolicies.parse(HEADER + "rules:\n  - name: r\n    when: " + when + "\n    then: drop\n");
    }

    /**
     * @param rules conditions, one rule each, in order.
     * @return a policy with a rule per condition.
     */
    static Policy rules(final String... rules)
    {
        final StringBuilder text = new StringBuilder(HEADER).append("rules:\n");
        for (int i = 0; i < rules.length; i++)
        {
            text.append("  - name: r").append(i).append("\n    when: ").append(rules[i]).append("\n    then: drop\n");
        }
        return TestPolicies.parse(text.toString());
    }

    /**
     * @param count    how many items.
     * @param selected positions the item at index i and returns true when it is an item (parsed).
     * @param policy   the policy.
     * @param reader   the reader {@code selected} positions.
     * @return the indexes of the items the policy's first rule matches.
     */
    static List<Integer> matching(final int count, final IntPredicate selected, final Policy policy, final FieldReader reader)
    {
        final List<Integer> matched = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            if (selected.test(i) && 0 == policy.firstMatch(reader))
            {
                matched.add(i);
            }
        }
        return matched;
    }

    /** Off-heap copies of lines, as the ingest ring holds them. */
    static MemorySegment[] segments(final List<String> lines, final Arena arena)
    {
        final MemorySegment[] segments = new MemorySegment[lines.size()];
        for (int i = 0; i < segments.length; i++)
        {
            final byte[] bytes = lines.get(i).getBytes(StandardCharsets.UTF_8);
            segments[i] = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, segments[i], java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            segments[i] = segments[i].asSlice(0, bytes.length);
        }
        return segments;
    }

    /** Measures the bytes a workload allocates on this thread, after warming it up. */
    static long allocatedBytes(final Runnable pass, final int warmUpPasses, final int measuredPasses)
    {
        return AllocationProbe.fewestBytes(pass, warmUpPasses, measuredPasses, 3);
    }

    static void assertMatches(final List<Integer> expected, final List<Integer> actual, final String rule)
    {
        assertEquals(expected, actual, rule);
    }
}
