package dev.sluice.controlplane;

import java.util.ArrayList;
import java.util.List;

/**
 * Test stand-in for the policy parser: every line containing {@code INVALID} is an error at its line and
 * column, so a document can carry several errors. Stateless; any thread may use it.
 */
final class TestPolicyValidator implements PolicyValidator
{
    static final String MARKER = "INVALID";

    public Validation validate(final String sourceName, final String text)
    {
        final List<String> errors = new ArrayList<>();
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final int column = lines[i].indexOf(MARKER);
            if (column >= 0)
            {
                errors.add(
                    sourceName + ":" + (i + 1) + ":" + (column + 1) + ": error: " + MARKER + " is not allowed here");
            }
        }
        return errors.isEmpty() ? Validation.ok() : Validation.invalid(errors);
    }
}
