package dev.sluice.controlplane;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of {@link PolicyValidator#validate(String, String)}: valid, or every error with its location
 * (for example {@code "policy.yaml:3:7: error: unknown field ip.srcc"}). Immutable, so any thread may use it.
 *
 * @param errors every error, one entry each (an entry may span lines, e.g. with a hint); empty when valid.
 */
public record Validation(List<String> errors)
{
    private static final Validation OK = new Validation(List.of());

    /**
     * @param errors every error found; copied.
     */
    public Validation
    {
        errors = List.copyOf(Objects.requireNonNull(errors, "errors"));
    }

    /**
     * @return the outcome for a valid document.
     */
    public static Validation ok()
    {
        return OK;
    }

    /**
     * @param errors every error found; must not be empty.
     * @return the outcome for an invalid document.
     */
    public static Validation invalid(final List<String> errors)
    {
        if (errors.isEmpty())
        {
            throw new IllegalArgumentException("an invalid document needs at least one error");
        }
        return new Validation(errors);
    }

    /**
     * @return true when the document has no errors.
     */
    public boolean isValid()
    {
        return errors.isEmpty();
    }

    /**
     * @return every error, one per line, in the order reported.
     */
    public String message()
    {
        return String.join("\n", errors);
    }
}
