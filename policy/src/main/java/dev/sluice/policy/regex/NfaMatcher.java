package dev.sluice.policy.regex;

/**
 * Simulates a {@link Program} directly (a Pike VM without captures), for expressions whose DFA
 * would be too large: O(instructions) per character, so still linear in the text, and no
 * allocation per test. Each thread gets its own scratch arrays, created on its first test and
 * reused after, so one immutable condition serves every worker.
 * <p>
 * Any thread.
 */
final class NfaMatcher
{
    private final Program program;
    private final ThreadLocal<Scratch> scratch;

    NfaMatcher(final Program program)
    {
        this.program = program;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(program.size()));
    }

    /**
     * @param text the value.
     * @return true when the text contains a match.
     */
    boolean find(final CharSequence text)
    {
        final Program program = this.program;
        final Scratch scratch = this.scratch.get();
        final int[] marks = scratch.marks;
        final int[] stack = scratch.stack;
        final int matchPc = program.matchPc();
        int[] current = scratch.current;
        int[] next = scratch.next;

        final int length = text.length();
        int generation = scratch.nextGeneration();
        int count = program.addClosure(0, true, 0 == length, current, 0, marks, generation, stack);
        if (marks[matchPc] == generation)
        {
            return true;
        }
        for (int i = 0; i < length; i++)
        {
            final int characterClass = program.classOf(text.charAt(i));
            final boolean atEnd = i + 1 == length;
            generation = scratch.nextGeneration();
            int nextCount = 0;
            for (int k = 0; k < count; k++)
            {
                final int pc = current[k];
                if (program.consumes(pc, characterClass))
                {
                    nextCount = program.addClosure(pc + 1, false, atEnd, next, nextCount, marks, generation, stack);
                }
            }
            if (marks[matchPc] == generation)
            {
                return true;
            }
            if (0 == nextCount)
            {
                return false;
            }
            final int[] swap = current;
            current = next;
            next = swap;
            count = nextCount;
        }
        return false;
    }

    /** One thread's working arrays. */
    private static final class Scratch
    {
        final int[] current;
        final int[] next;
        final int[] marks;
        final int[] stack;
        private int generation;

        Scratch(final int size)
        {
            current = new int[size];
            next = new int[size];
            marks = new int[size];
            stack = new int[size];
        }

        int nextGeneration()
        {
            if (Integer.MAX_VALUE == generation)
            {
                java.util.Arrays.fill(marks, 0);
                generation = 0;
            }
            return ++generation;
        }
    }
}
