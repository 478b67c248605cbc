package dev.sluice.policy.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A regular expression compiled to a Thompson NFA: a list of instructions, with the character
 * sets reduced to an alphabet of classes (characters that every set treats alike share a
 * class), so that the DFA's table has a column per class rather than per character.
 * <p>
 * The program starts with an unanchored prefix ({@code (?s:.)*}), so that a thread starts at
 * every position and "the text contains a match" is "some thread reaches MATCH". Only a yes or
 * no is computed, so threads have no priority and sets of them can be sorted and deduplicated.
 * <p>
 * Immutable once built; {@link #addClosure} works on the caller's arrays, so any thread.
 */
final class Program
{
    static final int CHARS = 0;
    static final int SPLIT = 1;
    static final int JMP = 2;
    static final int BEGIN = 3;
    static final int END = 4;
    static final int MATCH = 5;

    /** Most instructions a program may have. */
    static final int MAX_INSTRUCTIONS = 10_000;

    private final int[] op;
    private final int[] x;
    private final int[] y;
    private final int size;
    private final int classCount;
    private final int[] classOfChar;
    private final int otherClass;
    private final boolean[] accepts;

    private Program(
        final int[] op,
        final int[] x,
        final int[] y,
        final int size,
        final int classCount,
        final int[] classOfChar,
        final int otherClass,
        final boolean[] accepts)
    {
        this.op = op;
        this.x = x;
        this.y = y;
        this.size = size;
        this.classCount = classCount;
        this.classOfChar = classOfChar;
        this.otherClass = otherClass;
        this.accepts = accepts;
    }

    /**
     * @param root     the parsed expression.
     * @param caseMode whether the text is read with {@code A-Z} folded to {@code a-z}.
     * @return the program.
     * @throws RegexSyntaxException when it would have more than {@link #MAX_INSTRUCTIONS} instructions.
     */
    static Program compile(final RegexNode root, final CaseMode caseMode)
    {
        final long needed = 3 + sizeOf(root) + 1;
        if (needed > MAX_INSTRUCTIONS)
        {
            final RegexNode.Repeat culprit = largestRepeat(root);
            throw new RegexSyntaxException(
                null == culprit ? 0 : culprit.offset(),
                "regular expression is too large: " + (needed > 1_000_000 ? "more than 1000000" : String.valueOf(needed)) +
                    " instructions, at most " + MAX_INSTRUCTIONS,
                "lower the repetition counts, or use * or + where any number will do");
        }
        final Emitter emitter = new Emitter((int)needed);
        emitter.emit(SPLIT, 3, 1);
        final int any = emitter.set(CharClass.all());
        emitter.emit(CHARS, any, 0);
        emitter.emit(JMP, 0, 0);
        emitter.emit(root);
        emitter.emit(MATCH, 0, 0);
        return emitter.finish(caseMode);
    }

    /** The number of instructions the node compiles to, saturated far above the limit. */
    private static long sizeOf(final RegexNode node)
    {
        final long cap = 1L << 40;
        return switch (node)
        {
            case RegexNode.Chars ignored -> 1;
            case RegexNode.Begin ignored -> 1;
            case RegexNode.End ignored -> 1;
            case RegexNode.Empty ignored -> 0;
            case RegexNode.Concat concat ->
            {
                long total = 0;
                for (final RegexNode item : concat.items())
                {
                    total = Math.min(cap, total + sizeOf(item));
                }
                yield total;
            }
            case RegexNode.Alternation alternation ->
            {
                long total = 2L * (alternation.branches().size() - 1);
                for (final RegexNode branch : alternation.branches())
                {
                    total = Math.min(cap, total + sizeOf(branch));
                }
                yield total;
            }
            case RegexNode.Repeat repeat ->
            {
                final long item = sizeOf(repeat.item());
                if (repeat.max() < 0)
                {
                    yield 0 == repeat.min() ? item + 2 : Math.min(cap, repeat.min() * item + 1);
                }
                yield Math.min(cap, repeat.min() * item + (repeat.max() - repeat.min()) * (item + 1));
            }
        };
    }

    /** The outermost repetition that alone is too large, or null. */
    private static RegexNode.Repeat largestRepeat(final RegexNode node)
    {
        switch (node)
        {
            case RegexNode.Repeat repeat ->
            {
                return sizeOf(repeat) > MAX_INSTRUCTIONS ? repeat : largestRepeat(repeat.item());
            }
            case RegexNode.Concat concat ->
            {
                return firstLargest(concat.items());
            }
            case RegexNode.Alternation alternation ->
            {
                return firstLargest(alternation.branches());
            }
            default ->
            {
                return null;
            }
        }
    }

    private static RegexNode.Repeat firstLargest(final List<RegexNode> nodes)
    {
        for (final RegexNode item : nodes)
        {
            final RegexNode.Repeat found = largestRepeat(item);
            if (null != found)
            {
                return found;
            }
        }
        return null;
    }

    int size()
    {
        return size;
    }

    int matchPc()
    {
        return size - 1;
    }

    int classCount()
    {
        return classCount;
    }

    int op(final int pc)
    {
        return op[pc];
    }

    /**
     * @param c a character of the text.
     * @return its class.
     */
    int classOf(final char c)
    {
        return c < 256 ? classOfChar[c] : otherClass;
    }

    /**
     * @return true when the instruction at {@code pc} is a set that holds the class.
     */
    boolean consumes(final int pc, final int characterClass)
    {
        return CHARS == op[pc] && accepts[x[pc] + characterClass];
    }

    /**
     * Adds {@code pc} and every instruction it reaches without consuming a character to
     * {@code list}: sets, MATCH, and (when not at the end) END assertions, which wait for the end.
     * An instruction already marked with {@code generation} is skipped, so cycles of empty loops end.
     *
     * @return the new length of {@code list}.
     */
    int addClosure(
        final int pc,
        final boolean atBegin,
        final boolean atEnd,
        final int[] list,
        final int count,
        final int[] marks,
        final int generation,
        final int[] stack)
    {
        int length = count;
        int top = 0;
        if (marks[pc] != generation)
        {
            marks[pc] = generation;
            stack[top++] = pc;
        }
        while (top > 0)
        {
            final int p = stack[--top];
            final int target;
            switch (op[p])
            {
                case CHARS, MATCH ->
                {
                    list[length++] = p;
                    continue;
                }
                case END ->
                {
                    if (!atEnd)
                    {
                        list[length++] = p;
                        continue;
                    }
                    target = p + 1;
                }
                case BEGIN ->
                {
                    if (!atBegin)
                    {
                        continue;
                    }
                    target = p + 1;
                }
                case JMP -> target = x[p];
                default ->
                {
                    final int second = y[p];
                    if (marks[second] != generation)
                    {
                        marks[second] = generation;
                        stack[top++] = second;
                    }
                    target = x[p];
                }
            }
            if (marks[target] != generation)
            {
                marks[target] = generation;
                stack[top++] = target;
            }
        }
        return length;
    }

    /** Writes instructions; confined to the compiling thread. */
    private static final class Emitter
    {
        private final int[] op;
        private final int[] x;
        private final int[] y;
        private final ArrayList<CharClass> sets = new ArrayList<>();
        private int pc;

        Emitter(final int capacity)
        {
            op = new int[capacity];
            x = new int[capacity];
            y = new int[capacity];
        }

        int set(final CharClass set)
        {
            sets.add(set);
            return sets.size() - 1;
        }

        int emit(final int code, final int first, final int second)
        {
            op[pc] = code;
            x[pc] = first;
            y[pc] = second;
            return pc++;
        }

        void emit(final RegexNode node)
        {
            switch (node)
            {
                case RegexNode.Chars chars -> emit(CHARS, set(chars.set()), 0);
                case RegexNode.Begin ignored -> emit(BEGIN, 0, 0);
                case RegexNode.End ignored -> emit(END, 0, 0);
                case RegexNode.Empty ignored ->
                {
                }
                case RegexNode.Concat concat ->
                {
                    for (final RegexNode item : concat.items())
                    {
                        emit(item);
                    }
                }
                case RegexNode.Alternation alternation -> emitAlternation(alternation.branches());
                case RegexNode.Repeat repeat -> emitRepeat(repeat);
            }
        }

        private void emitAlternation(final List<RegexNode> branches)
        {
            final int[] jumps = new int[branches.size() - 1];
            for (int i = 0; i < branches.size() - 1; i++)
            {
                final int split = emit(SPLIT, pc + 1, 0);
                emit(branches.get(i));
                jumps[i] = emit(JMP, 0, 0);
                y[split] = pc;
            }
            emit(branches.getLast());
            for (final int jump : jumps)
            {
                x[jump] = pc;
            }
        }

        private void emitRepeat(final RegexNode.Repeat repeat)
        {
            final RegexNode item = repeat.item();
            if (repeat.max() < 0)
            {
                if (0 == repeat.min())
                {
                    final int split = emit(SPLIT, pc + 1, 0);
                    emit(item);
                    emit(JMP, split, 0);
                    y[split] = pc;
                    return;
                }
                for (int i = 0; i < repeat.min() - 1; i++)
                {
                    emit(item);
                }
                final int loop = pc;
                emit(item);
                emit(SPLIT, loop, pc + 1);
                return;
            }
            for (int i = 0; i < repeat.min(); i++)
            {
                emit(item);
            }
            final int optional = repeat.max() - repeat.min();
            final int[] splits = new int[optional];
            for (int i = 0; i < optional; i++)
            {
                splits[i] = emit(SPLIT, pc + 1, 0);
                emit(item);
            }
            for (final int split : splits)
            {
                y[split] = pc;
            }
        }

        Program finish(final CaseMode caseMode)
        {
            // Partition the symbols: two symbols share a class when every set holds both or neither.
            final int[] classOfSymbol = new int[CharClass.SYMBOLS];
            int classCount = 1;
            for (final CharClass set : sets)
            {
                final int[] split = new int[classCount * 2];
                Arrays.fill(split, -1);
                int newCount = 0;
                for (int symbol = 0; symbol < CharClass.SYMBOLS; symbol++)
                {
                    final int key = classOfSymbol[symbol] * 2 + (set.contains(symbol) ? 1 : 0);
                    if (split[key] < 0)
                    {
                        split[key] = newCount++;
                    }
                    classOfSymbol[symbol] = split[key];
                }
                classCount = newCount;
            }
            final int[] representative = new int[classCount];
            for (int symbol = CharClass.SYMBOLS - 1; symbol >= 0; symbol--)
            {
                representative[classOfSymbol[symbol]] = symbol;
            }
            final boolean[] accepts = new boolean[sets.size() * classCount];
            for (int s = 0; s < sets.size(); s++)
            {
                for (int c = 0; c < classCount; c++)
                {
                    accepts[s * classCount + c] = sets.get(s).contains(representative[c]);
                }
            }
            final int[] classOfChar = Arrays.copyOf(classOfSymbol, 256);
            if (CaseMode.EXACT != caseMode)
            {
                for (int c = 'A'; c <= 'Z'; c++)
                {
                    classOfChar[c] = classOfSymbol[c + ('a' - 'A')];
                }
            }
            for (int p = 0; p < pc; p++)
            {
                if (CHARS == op[p])
                {
                    x[p] *= classCount;
                }
            }
            return new Program(op, x, y, pc, classCount, classOfChar, classOfSymbol[CharClass.OTHER], accepts);
        }
    }
}
