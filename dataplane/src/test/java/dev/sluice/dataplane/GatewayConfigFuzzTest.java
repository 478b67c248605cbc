package dev.sluice.dataplane;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the gateway configuration reader: any text either yields a configuration or is
 * refused with an {@link IllegalArgumentException} whose every error names
 * {@code source:line:column}; nothing else escapes. Seeds in
 * {@code GatewayConfigFuzzTestInputs/anyTextIsAConfigOrPositionedErrors}.
 */
class GatewayConfigFuzzTest
{
    private static final Pattern ERROR_LINE = Pattern.compile("fuzz\\.yaml:[1-9][0-9]*:[1-9][0-9]*: error: .*", Pattern.DOTALL);

    @FuzzTest(maxDuration = "2m")
    void anyTextIsAConfigOrPositionedErrors(final String text)
    {
        if (text == null)
        {
            return;
        }
        try
        {
            assertNotNull(GatewayConfig.parse("fuzz.yaml", text, Path.of("/nonexistent-base")).context());
        }
        catch (final IllegalArgumentException ex)
        {
            final String[] lines = ex.getMessage().split("\n");
            assertTrue(lines[0].startsWith("invalid gateway configuration"), ex.getMessage());
            for (int i = 1; i < lines.length; i++)
            {
                assertTrue(ERROR_LINE.matcher(lines[i]).matches() || lines[i].startsWith("  hint: "),
                    "unpositioned error line: " + lines[i]);
            }
        }
    }
}
