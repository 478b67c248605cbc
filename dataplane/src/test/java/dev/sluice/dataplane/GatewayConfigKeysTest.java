package dev.sluice.dataplane;

import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.Packets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code anonymization.key-dir}: resolved against the configuration's directory, and a
 * directory that does not exist is reported where it is written, with what to do.
 */
class GatewayConfigKeysTest
{
    private static final String VALID = """
        gateway:
          id: gw-1
          site: paris-1
          region: eu-west
        source:
          pcap: site.pcap
        destinations:
          - region: eu-west
            channel: aeron:ipc
        """;

    @TempDir
    Path directory;

    @BeforeEach
    void capture() throws IOException
    {
        try (CaptureFileWriter writer = CaptureFileWriter.create(
            directory.resolve("site.pcap"), LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            writer.write(1_700_000_000_000_000_000L, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 443, 0x002));
        }
    }

    @Test
    void readsTheKeyDirectoryRelativeToTheFile() throws IOException
    {
        Files.createDirectories(directory.resolve("keys/eu-west"));
        final GatewayContext context =
            GatewayConfig.parse("gw.yaml", VALID + "anonymization:\n  key-dir: keys/\n", directory).context();
        assertEquals(directory.resolve("keys"), context.anonymizationKeyDirectory());
        assertNull(context.anonymizationKeyFile());
        context.conclude();
    }

    @Test
    void aMissingKeyDirectoryIsReportedWhereItIsWritten()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> GatewayConfig.parse("gw.yaml", VALID + "anonymization:\n  key-dir: keys/\n", directory));
        assertEquals(List.of(
            "invalid gateway configuration:",
            "gw.yaml:11:12: error: anonymization.key-dir: '" + directory.resolve("keys") + "' is not a directory",
            "  hint: create it and provision the region's keys as <key-dir>/<region>/<epoch id>.key, mode 600"),
            error.getMessage().lines().toList());
    }

    @Test
    void aMisspeltKeyGetsAHint()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> GatewayConfig.parse("gw.yaml", VALID + "anonymization:\n  key-dirs: keys/\n", directory));
        assertEquals("gw.yaml:11:3: error: unknown key 'key-dirs' in anonymization", error.getMessage().lines().toList().get(1));
    }
}
