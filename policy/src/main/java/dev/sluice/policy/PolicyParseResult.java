package dev.sluice.policy;

import dev.sluice.policy.diagnostic.Diagnostic;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link PolicyParser#parse}: every diagnostic, in document order, and the policy
 * when there were no errors (warnings do not prevent a policy). Immutable; any thread.
 */
public final class PolicyParseResult
{
    private final List<Diagnostic> diagnostics;
    private final Policy policy;
    private final boolean hasErrors;

    PolicyParseResult(final List<Diagnostic> diagnostics, final Policy policy)
    {
        this.diagnostics = List.copyOf(diagnostics);
        this.hasErrors = diagnostics.stream().anyMatch(Diagnostic::isError);
        this.policy = hasErrors ? null : policy;
    }

    /**
     * @return true when at least one diagnostic is an error; then {@link #policy()} is empty.
     */
    public boolean hasErrors()
    {
        return hasErrors;
    }

    /**
     * @return every error and warning, sorted by line and column.
     */
    public List<Diagnostic> diagnostics()
    {
        return diagnostics;
    }

    /**
     * @return the policy, present exactly when there are no errors.
     */
    public Optional<Policy> policy()
    {
        return Optional.ofNullable(policy);
    }

    /**
     * @return the diagnostics, one per line, as a compiler prints them.
     */
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (final Diagnostic diagnostic : diagnostics)
        {
            out.append(diagnostic).append('\n');
        }
        return out.toString();
    }
}
