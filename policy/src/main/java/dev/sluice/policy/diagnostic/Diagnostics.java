package dev.sluice.policy.diagnostic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the diagnostics for one source document while it is read and validated, then hands
 * them out in document order. Stops collecting after {@link #MAX_DIAGNOSTICS} so that a hostile
 * document cannot make the report itself unbounded.
 * <p>
 * Confined to the thread that reads the document.
 */
public final class Diagnostics
{
    /** Diagnostics kept per document; one more error says that the rest were left out. */
    public static final int MAX_DIAGNOSTICS = 200;

    private final String sourceName;
    private final ArrayList<Diagnostic> diagnostics = new ArrayList<>();
    private int errorCount;
    private boolean truncated;

    public Diagnostics(final String sourceName)
    {
        this.sourceName = null == sourceName ? "<unnamed>" : sourceName;
    }

    /**
     * @return the source name every diagnostic carries.
     */
    public String sourceName()
    {
        return sourceName;
    }

    public void error(final SourcePosition position, final String message, final String hint)
    {
        add(Severity.ERROR, position, message, hint);
    }

    public void error(final SourcePosition position, final String message)
    {
        add(Severity.ERROR, position, message, null);
    }

    public void warning(final SourcePosition position, final String message, final String hint)
    {
        add(Severity.WARNING, position, message, hint);
    }

    public void warning(final SourcePosition position, final String message)
    {
        add(Severity.WARNING, position, message, null);
    }

    /**
     * Record a diagnostic. Errors are always counted, even past the cap, so {@link #hasErrors()}
     * stays true.
     *
     * @param severity error or warning.
     * @param position where; {@link SourcePosition#START} when nothing better is known.
     * @param message  what is wrong.
     * @param hint     how to fix it, or null.
     */
    public void add(final Severity severity, final SourcePosition position, final String message, final String hint)
    {
        if (Severity.ERROR == severity)
        {
            errorCount++;
        }

        if (diagnostics.size() < MAX_DIAGNOSTICS)
        {
            final SourcePosition at = null == position ? SourcePosition.START : position;
            diagnostics.add(new Diagnostic(severity, sourceName, at.line(), at.column(), message, hint));
        }
        else if (!truncated)
        {
            truncated = true;
            final SourcePosition at = null == position ? SourcePosition.START : position;
            diagnostics.add(new Diagnostic(
                Severity.ERROR, sourceName, at.line(), at.column(),
                "too many problems; only the first " + MAX_DIAGNOSTICS + " are reported", null));
        }
    }

    /**
     * @return true when at least one error was reported.
     */
    public boolean hasErrors()
    {
        return errorCount > 0;
    }

    /**
     * @return how many errors were reported, including any beyond the cap.
     */
    public int errorCount()
    {
        return errorCount;
    }

    /**
     * @return every diagnostic, sorted by position; diagnostics at the same position keep the
     * order in which they were reported.
     */
    public List<Diagnostic> sorted()
    {
        final ArrayList<Diagnostic> copy = new ArrayList<>(diagnostics);
        copy.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        return List.copyOf(copy);
    }
}
