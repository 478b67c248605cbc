package dev.sluice.cli;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sluice anonymize-capture}: a summary with counts by reason, key files checked, usage errors. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CaptureAnonymizeCommandTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @Test
    void anonymizesACaptureAndPrintsWhatItDid(@TempDir final Path directory) throws IOException
    {
        final Path key = directory.resolve("site.key");
        CryptoPan.writeKeyFile(key, new byte[CryptoPan.KEY_LENGTH_BYTES]);
        final Path input = shared("pcap/zeek/tcp_reassembly.pcap");
        final Path output = directory.resolve("out.pcap");
        assertEquals(0, run("anonymize-capture", "--key-file", key.toString(), input.toString(), output.toString()), err());
        assertTrue(Files.size(output) > 24);
        final String summary = out();
        assertTrue(summary.contains("packets_read 117\n"), summary);
        assertTrue(summary.contains("addresses_rewritten "), summary);
        assertTrue(summary.contains("packets_per_second "), summary);
        assertTrue(summary.contains("undecodable."), summary);
        assertTrue(summary.contains("were left out"), summary);

        outBytes.reset();
        final Path kept = directory.resolve("kept.pcap");
        assertEquals(0, run("anonymize-capture", "--keep-unanonymizable", "--key-file", key.toString(), input.toString(),
            kept.toString()), err());
        assertTrue(out().contains("packets_written 117\n"), out());
        assertTrue(Files.size(kept) > Files.size(output));
    }

    @Test
    void refusesAKeyFileOthersCanReadWithoutPrintingIt(@TempDir final Path directory) throws IOException
    {
        final byte[] secret = new byte[CryptoPan.KEY_LENGTH_BYTES];
        java.util.Arrays.fill(secret, (byte)0x7E);
        final Path key = directory.resolve("open.key");
        Files.writeString(key, HexFormat.of().formatHex(secret) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final Path output = directory.resolve("out.pcap");
        assertEquals(1, run("anonymize-capture", "--key-file", key.toString(),
            shared("pcap/zeek/tcp_truncated-header.pcap").toString(), output.toString()));
        assertTrue(err().contains(key.toString()), err());
        assertFalse(err().contains("7e7e") || out().contains("7e7e"), "key bytes never printed");
        assertFalse(Files.exists(output));
    }

    @Test
    void usageMistakesExitWithTwo(@TempDir final Path directory) throws IOException
    {
        assertEquals(2, run("anonymize-capture", "in.pcap", "out.pcap"));
        assertTrue(err().contains("--key-file"), err());
        assertEquals(2, run("anonymize-capture", "--key-file", "k", "in.pcap"));
        assertEquals(2, run("anonymize-capture", "--key-file", "k", "--bogus", "in.pcap", "out.pcap"));
    }

    private int run(final String... args)
    {
        return SluiceCommand.run(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static Path shared(final String relativePath)
    {
        final Path file = Path.of(System.getProperty("sluice.shared.data"), relativePath);
        assertTrue(Files.isRegularFile(file), "shared data missing: " + file);
        return file;
    }
}
