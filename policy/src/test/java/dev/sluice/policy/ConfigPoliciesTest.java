package dev.sluice.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example policies in {@code config/policies} are what users copy first: each parses with no
 * error and no warning, and prints back to a document that parses to the same policy.
 */
class ConfigPoliciesTest
{
    @Test
    void everyExamplePolicyIsCleanAndRoundTrips() throws IOException
    {
        final Path directory = Path.of("..", "config", "policies");
        final List<Path> files;
        try (Stream<Path> listing = Files.list(directory))
        {
            files = listing.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 3, files::toString);
        for (final Path file : files)
        {
            final PolicyParseResult result = PolicyParser.parse(file.toString(), Files.readString(file));
            assertEquals(List.of(), result.diagnostics(), file.toString());
            final Policy policy = result.policy().orElseThrow();
            assertEquals(policy.describe(), Policies.parseOk(policy.describe()).describe(), file.toString());
        }
    }
}
