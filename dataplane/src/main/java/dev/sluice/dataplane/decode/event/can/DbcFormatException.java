package dev.sluice.dataplane.decode.event.can;

import dev.sluice.policy.diagnostic.Diagnostic;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A DBC file that cannot be used: every problem found, each with file:line:column and, where
 * one helps, a hint. Thrown at load time, never on the data path.
 */
public final class DbcFormatException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    DbcFormatException(final List<Diagnostic> diagnostics)
    {
        super(diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    /**
     * @return the problems in document order.
     */
    public List<Diagnostic> diagnostics()
    {
        return diagnostics;
    }
}
