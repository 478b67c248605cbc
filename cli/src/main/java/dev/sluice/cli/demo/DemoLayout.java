package dev.sluice.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the demo puts things under its output directory. A new run clears the previous run's
 * results and state but keeps the generated key. Main thread.
 *
 * @param root the output directory (default {@code demo-output})
 */
record DemoLayout(Path root, String aeronDirectory)
{
    static DemoLayout prepare(final Path root) throws IOException
    {
        final DemoLayout layout = new DemoLayout(
            root.toAbsolutePath().normalize(),
            Path.of(System.getProperty("java.io.tmpdir"), "sluice-demo-aeron-" + ProcessHandle.current().pid()).toString());
        deleteRecursively(layout.regionalDirectory());
        deleteRecursively(layout.root().resolve("state"));
        deleteRecursively(layout.root().resolve("policies"));
        Files.createDirectories(layout.regionalDirectory());
        Files.createDirectories(layout.capture().getParent());
        Files.createDirectories(layout.keyFile().getParent());
        return layout;
    }

    Path capture()
    {
        return root.resolve("capture").resolve("eu-edge-site.pcap");
    }

    Path keyFile()
    {
        return root.resolve("keys").resolve("eu-west-cryptopan.key");
    }

    Path policyFile()
    {
        return root.resolve("policies").resolve("demo-policy.yaml");
    }

    Path brokenPolicyFile()
    {
        return root.resolve("policies").resolve("demo-policy-broken.yaml");
    }

    Path policyStore()
    {
        return root.resolve("state").resolve("controlplane");
    }

    Path gatewayState()
    {
        return root.resolve("state").resolve("gateway");
    }

    Path regionalDirectory()
    {
        return root.resolve("regional");
    }

    Path regionalFile(final String region)
    {
        return regionalDirectory().resolve(region + ".ndjson");
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
