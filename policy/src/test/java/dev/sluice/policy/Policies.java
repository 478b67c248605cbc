package dev.sluice.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helpers: golden policies from src/test/resources and parsing that must succeed.
 */
final class Policies
{
    private Policies()
    {
    }

    static String resource(final String name)
    {
        try (InputStream in = Policies.class.getResourceAsStream(name))
        {
            if (null == in)
            {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static Policy parseOk(final String text)
    {
        final PolicyParseResult result = PolicyParser.parse("test.yaml", text);
        assertTrue(result.policy().isPresent(), result::toString);
        return result.policy().orElseThrow();
    }

    static Policy example()
    {
        return parseOk(resource("eu-edge-demo.yaml"));
    }
}
