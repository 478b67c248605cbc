package dev.sluice.dataplane.testing;

import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Policies for stage tests: parsed from text (which must be valid) or read from the golden
 * policies under {@code src/test/resources/dev/sluice/dataplane/}.
 * <p>
 * Stateless; any thread.
 */
public final class TestPolicies
{
    private TestPolicies()
    {
    }

    public static Policy parse(final String text)
    {
        final PolicyParseResult result = PolicyParser.parse("test-policy.yaml", text);
        if (result.hasErrors() || result.policy().isEmpty())
        {
            return fail("test policy does not parse: " + result);
        }
        return result.policy().orElseThrow();
    }

    /** Text of {@code src/test/resources/dev/sluice/dataplane/<name>}. */
    public static String resource(final String name)
    {
        try (InputStream in = TestPolicies.class.getResourceAsStream("/dev/sluice/dataplane/" + name))
        {
            if (in == null)
            {
                return fail("no test resource /dev/sluice/dataplane/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The demo's policy: keep most, sample DNS 1/10 and ICMP 1/4; pii.ip raw to eu-west, Crypto-PAn to us-east. */
    public static Policy edgeDemo()
    {
        return parse(resource("edge-demo-policy.yaml"));
    }
}
