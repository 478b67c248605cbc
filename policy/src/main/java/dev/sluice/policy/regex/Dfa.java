package dev.sluice.policy.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * A {@link Program} determinized at parse time (subset construction, every state built
 * eagerly): one table read per character of the text, and an immutable table that any number
 * of threads share. Construction gives up, and the caller simulates the NFA instead, when the
 * automaton would pass {@code maxStates} states, a table of {@link #MAX_TABLE_ENTRIES} entries,
 * {@link #MAX_WORK} steps of construction or {@link #MAX_STORED_PCS} instructions held by its states, so a pathological expression costs bounded time
 * and memory at parse time and still matches in linear time.
 * <p>
 * A state that holds MATCH is not stored: reaching it answers "yes" at once (only whether the
 * text contains a match counts), and a state with no thread answers "no".
 * <p>
 * Immutable; any thread.
 */
final class Dfa
{
    /** Most entries (states x classes) of one table: 4 MiB. */
    static final int MAX_TABLE_ENTRIES = 1 << 20;

    /** Most closure steps spent building one DFA. */
    static final long MAX_WORK = 50_000_000L;

    /** Most instructions held by the states while building (their sets are kept to recognise them): 16 MiB. */
    static final long MAX_STORED_PCS = 4_000_000L;

    private static final int ACCEPT = -1;
    private static final int DEAD = -2;

    private final int[] table;
    private final int stride;
    private final boolean[] acceptsAtEnd;
    private final boolean startAccepts;
    private final int stateCount;

    private Dfa(final int[] table, final int stride, final boolean[] acceptsAtEnd, final boolean startAccepts, final int stateCount)
    {
        this.table = table;
        this.stride = stride;
        this.acceptsAtEnd = acceptsAtEnd;
        this.startAccepts = startAccepts;
        this.stateCount = stateCount;
    }

    /**
     * @param program   the NFA.
     * @param maxStates most states.
     * @return the DFA, or null when it would be too large.
     */
    static Dfa build(final Program program, final int maxStates)
    {
        final int size = program.size();
        final int classes = program.classCount();
        final int matchPc = program.matchPc();
        final int[] marks = new int[size];
        final int[] stack = new int[size];
        final int[] list = new int[size];
        int generation = 1;

        final int startCount = program.addClosure(0, true, false, list, 0, marks, generation, stack);
        if (marks[matchPc] == generation)
        {
            return new Dfa(new int[classes], classes, new boolean[]{ true }, true, 1);
        }

        final ArrayList<StateKey> states = new ArrayList<>();
        final HashMap<StateKey, Integer> indexes = new HashMap<>();
        final StateKey start = key(list, startCount, true);
        states.add(start);
        indexes.put(start, 0);

        int[] transitions = new int[Math.min(MAX_TABLE_ENTRIES, 64 * classes)];
        final ArrayList<Boolean> atEnd = new ArrayList<>();
        long work = 0;
        long stored = startCount;
        for (int s = 0; s < states.size(); s++)
        {
            final StateKey state = states.get(s);
            final int[] pcs = state.pcs();
            for (int c = 0; c < classes; c++)
            {
                generation++;
                int count = 0;
                for (final int pc : pcs)
                {
                    if (program.consumes(pc, c))
                    {
                        count = program.addClosure(pc + 1, false, false, list, count, marks, generation, stack);
                    }
                }
                work += pcs.length + count;
                final int target;
                if (marks[matchPc] == generation)
                {
                    target = ACCEPT;
                }
                else if (0 == count)
                {
                    target = DEAD;
                }
                else
                {
                    final StateKey next = key(list, count, false);
                    final Integer known = indexes.get(next);
                    if (null != known)
                    {
                        target = known;
                    }
                    else
                    {
                        stored += count;
                        if (states.size() >= maxStates || (long)(states.size() + 1) * classes > MAX_TABLE_ENTRIES ||
                            stored > MAX_STORED_PCS)
                        {
                            return null;
                        }
                        target = states.size();
                        states.add(next);
                        indexes.put(next, target);
                    }
                }
                final int entry = s * classes + c;
                if (entry >= transitions.length)
                {
                    transitions = Arrays.copyOf(transitions, (int)Math.min(MAX_TABLE_ENTRIES, 2L * transitions.length));
                }
                transitions[entry] = target;
            }
            if (work > MAX_WORK)
            {
                return null;
            }

            generation++;
            for (final int pc : pcs)
            {
                if (Program.END == program.op(pc))
                {
                    program.addClosure(pc, state.start(), true, list, 0, marks, generation, stack);
                }
            }
            atEnd.add(marks[matchPc] == generation);
        }

        final int stateCount = states.size();
        final boolean[] acceptsAtEnd = new boolean[stateCount];
        for (int i = 0; i < stateCount; i++)
        {
            acceptsAtEnd[i] = atEnd.get(i);
        }
        markDeadEnds(transitions, stateCount, classes, acceptsAtEnd);

        // A column per class, not per character: a table of a few KiB stays in L1, which measured
        // 20-25% faster on syslog lines than one column per character (62 KiB at 61 states)
        // despite the extra read of the class map (perf/RESULTS.md).
        final int[] table = new int[stateCount * classes];
        for (int i = 0; i < table.length; i++)
        {
            final int target = transitions[i];
            table[i] = target < 0 ? target : target * classes;
        }
        return new Dfa(table, classes, acceptsAtEnd, false, stateCount);
    }

    /**
     * A state that only loops to itself and does not accept at the end can never lead to a
     * match (an anchored expression that failed at the start): make it DEAD, so that a test
     * stops there instead of reading the rest of the value.
     */
    private static void markDeadEnds(final int[] transitions, final int stateCount, final int classes, final boolean[] acceptsAtEnd)
    {
        final boolean[] deadEnd = new boolean[stateCount];
        for (int s = 0; s < stateCount; s++)
        {
            boolean selfOnly = !acceptsAtEnd[s];
            for (int c = 0; c < classes && selfOnly; c++)
            {
                selfOnly = transitions[s * classes + c] == s;
            }
            deadEnd[s] = selfOnly;
        }
        for (int i = 0; i < stateCount * classes; i++)
        {
            if (transitions[i] >= 0 && deadEnd[transitions[i]])
            {
                transitions[i] = DEAD;
            }
        }
    }

    private static StateKey key(final int[] list, final int count, final boolean start)
    {
        final int[] pcs = Arrays.copyOf(list, count);
        Arrays.sort(pcs);
        return new StateKey(pcs, start);
    }

    /**
     * @param program the program this DFA was built from (for the character classes).
     * @param text    the value.
     * @return true when the text contains a match.
     */
    boolean find(final Program program, final CharSequence text)
    {
        if (startAccepts)
        {
            return true;
        }
        final int[] table = this.table;
        int state = 0;
        final int length = text.length();
        for (int i = 0; i < length; i++)
        {
            state = table[state + program.classOf(text.charAt(i))];
            if (state < 0)
            {
                return ACCEPT == state;
            }
        }
        return acceptsAtEnd[state / stride];
    }

    int stateCount()
    {
        return stateCount;
    }

    /** A sorted set of instructions and whether it is the state at the start of the text: a state's identity. */
    private record StateKey(int[] pcs, boolean start)
    {
        public boolean equals(final Object other)
        {
            return other instanceof StateKey key && start == key.start && Arrays.equals(pcs, key.pcs);
        }

        public int hashCode()
        {
            return Arrays.hashCode(pcs) * 2 + (start ? 1 : 0);
        }
    }
}
