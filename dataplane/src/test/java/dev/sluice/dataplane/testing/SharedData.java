package dev.sluice.dataplane.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds the shared real test data (captures, vectors) that Surefire points the
 * {@code sluice.shared.data} property at; tests read it in place and never copy it.
 * <p>
 * Stateless; any thread.
 */
public final class SharedData
{
    public static final String PROPERTY = "sluice.shared.data";

    private SharedData()
    {
    }

    public static Path root()
    {
        final String property = System.getProperty(PROPERTY);
        if (null == property)
        {
            return fail("system property " + PROPERTY + " is not set: run the tests through Maven (./sluice test)");
        }
        final Path root = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isDirectory(root))
        {
            return fail("shared test data not found at " + root + " (" + PROPERTY + ")");
        }
        return root;
    }

    /** A capture under {@code pcap/}, e.g. {@code zeek/http-vlan-0.pcap}; fails when it is missing. */
    public static Path pcap(final String relativePath)
    {
        final Path file = root().resolve("pcap").resolve(relativePath);
        if (!Files.isRegularFile(file))
        {
            return fail("shared capture missing: " + file);
        }
        return file;
    }
}
