package dev.sluice.policy.regex;

/**
 * A regular expression for {@code field matches "..."}: compiled at parse time to a Thompson
 * NFA and, when its DFA has at most {@link #MAX_DFA_STATES} states (almost always), to a DFA
 * built eagerly then; otherwise the NFA is simulated. Either way a test runs in time linear in
 * the text, never backtracks, and allocates nothing once the thread has tested once.
 * <p>
 * A test answers whether the text <em>contains</em> a match (anchor with {@code ^} and
 * {@code $} for the whole text). Values are matched character by character, and a value read
 * from an item holds one byte per character; characters above 255 are matched only by
 * {@code .}, negated classes and {@code \D \W \S}. {@code .} matches anything but a line feed;
 * {@code ^} and {@code $} are the start and end of the text.
 * <p>
 * Immutable; any thread.
 */
public final class Regex
{
    /** Largest count of a repetition {@code {m,n}}. */
    public static final int MAX_REPEAT = RegexParser.MAX_REPEAT;

    /** Most instructions of the compiled NFA. */
    public static final int MAX_INSTRUCTIONS = Program.MAX_INSTRUCTIONS;

    /** Most states of an eagerly built DFA; above it the NFA is simulated. */
    public static final int MAX_DFA_STATES = 10_000;

    private final String source;
    private final CaseMode caseMode;
    private final Program program;
    private final Dfa dfa;
    private final NfaMatcher nfa;

    private Regex(final String source, final CaseMode caseMode, final Program program, final Dfa dfa)
    {
        this.source = source;
        this.caseMode = caseMode;
        this.program = program;
        this.dfa = dfa;
        this.nfa = null == dfa ? new NfaMatcher(program) : null;
    }

    /**
     * @param source   the expression.
     * @param caseMode how letters compare.
     * @return the compiled expression.
     * @throws RegexSyntaxException when it is not valid, with the offset in {@code source}.
     */
    public static Regex compile(final String source, final CaseMode caseMode)
    {
        return compile(source, caseMode, MAX_DFA_STATES);
    }

    /**
     * @param maxDfaStates most DFA states; 0 always simulates the NFA (tests of that path).
     */
    static Regex compile(final String source, final CaseMode caseMode, final int maxDfaStates)
    {
        final Program program = Program.compile(RegexParser.parse(source, caseMode), caseMode);
        final Dfa dfa = maxDfaStates > 0 ? Dfa.build(program, maxDfaStates) : null;
        return new Regex(source, caseMode, program, dfa);
    }

    /**
     * @param text the value (any {@link CharSequence}, e.g. a reader's flyweight); not kept.
     * @return true when it contains a match.
     */
    public boolean find(final CharSequence text)
    {
        final Dfa dfa = this.dfa;
        return null != dfa ? dfa.find(program, text) : nfa.find(text);
    }

    /**
     * @return the expression as written.
     */
    public String source()
    {
        return source;
    }

    /**
     * @return how letters compare.
     */
    public CaseMode caseMode()
    {
        return caseMode;
    }

    /**
     * @return the number of DFA states, or 0 when the NFA is simulated.
     */
    public int dfaStateCount()
    {
        return null == dfa ? 0 : dfa.stateCount();
    }

    /**
     * @return the number of NFA instructions.
     */
    public int instructionCount()
    {
        return program.size();
    }

    public String toString()
    {
        return source;
    }
}
