package dev.sluice.dataplane.classify.detect;

import java.lang.foreign.MemorySegment;

/**
 * The pure-Java engine, always available: one left-to-right pass over a copy of the text with one
 * table look-up per byte (a small automaton whose state is the set of open runs), each run judged
 * once when it closes ({@link IdentifierRules}). Linear in the text; no regular expression. One
 * thread; allocates nothing per call once its copy of the text has grown to the longest text seen.
 */
public final class DfaIdentifierDetector implements IdentifierDetector
{
    /** The engine's name in logs. */
    public static final String ENGINE = "dfa";

    private final IdentifierRules rules = new IdentifierRules();

    @Override
    public int detect(final MemorySegment text, final long offset, final int length, final IdentifierMatchHandler handler)
    {
        rules.load(text, offset, length, handler);
        rules.scanAll();
        return rules.finish();
    }

    @Override
    public String engine()
    {
        return ENGINE;
    }

    @Override
    public void close()
    {
    }
}
