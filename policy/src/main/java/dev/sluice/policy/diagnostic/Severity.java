package dev.sluice.policy.diagnostic;

/**
 * How bad a {@link Diagnostic} is: an error rejects the document, a warning does not.
 * Immutable; any thread.
 */
public enum Severity
{
    ERROR("error"),
    WARNING("warning");

    private final String label;

    Severity(final String label)
    {
        this.label = label;
    }

    /**
     * @return the lower-case word used in {@code file:line:column: error: message} output.
     */
    public String label()
    {
        return label;
    }
}
