package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key files of the gateway's own region: read in both forms, refused when group or others may
 * read or write them, and never taken from another region's directory, not even through a link.
 * No message shows a key's bytes.
 */
class KeyDirectoryTest
{
    @TempDir
    Path root;

    static Path provision(final Path root, final String region, final String id, final byte[] key) throws IOException
    {
        Files.createDirectories(root.resolve(region));
        final Path file = root.resolve(region).resolve(id + KeyDirectory.KEY_FILE_SUFFIX);
        CryptoPan.writeKeyFile(file, key);
        return file;
    }

    @Test
    void readsTheRegionsKeyFiles() throws IOException
    {
        provision(root, "eu-west", "2026-11", SiteKeyTest.sequentialKey());
        final Path raw = root.resolve("eu-west").resolve("2026-12.key");
        Files.write(raw, SiteKeyTest.reversedKey());
        Files.setPosixFilePermissions(raw, PosixFilePermissions.fromString("rw-------"));

        final KeyDirectory directory = new KeyDirectory(root, "eu-west");
        assertEquals(root.resolve("eu-west"), directory.regionDirectory());
        assertEquals(root.resolve("eu-west/2026-11.key"), directory.keyFile("2026-11"));
        final SiteKey hex = directory.read("2026-11");
        final SiteKey bytes = directory.read("2026-12");
        assertEquals("eu-west/2026-11", hex.label());
        assertEquals(new CryptoPan(SiteKeyTest.sequentialKey()).anonymizeIpv4(0x0A000001), hex.cryptoPan(0).anonymizeIpv4(0x0A000001));
        assertEquals(new CryptoPan(SiteKeyTest.reversedKey()).anonymizeIpv4(0x0A000001), bytes.cryptoPan(0).anonymizeIpv4(0x0A000001));
    }

    @Test
    void aMissingKeyFileIsNamedWithWhatToDo()
    {
        final IOException error = assertThrows(IOException.class, () -> new KeyDirectory(root, "eu-west").read("2026-12"));
        assertEquals("key file " + root.resolve("eu-west/2026-12.key") + " of epoch eu-west/2026-12 is not provisioned: " +
            "put the epoch's key there inside region eu-west (32 raw bytes or 64 hex characters, mode 600)", error.getMessage());
    }

    @Test
    void refusesAKeyFileGroupOrOthersMayRead() throws IOException
    {
        final Path file = provision(root, "eu-west", "2026-11", SiteKeyTest.sequentialKey());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        final IOException error = assertThrows(IOException.class, () -> new KeyDirectory(root, "eu-west").read("2026-11"));
        assertTrue(error.getMessage().contains("is accessible by group or others (rw-r-----)"), error.getMessage());
        assertTrue(error.getMessage().contains("chmod 600 " + file), error.getMessage());
        assertNoKeyBytes(error.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-----w-"));
        assertThrows(IOException.class, () -> new KeyDirectory(root, "eu-west").read("2026-11"), "writable by others");
    }

    @Test
    void neverReadsAnotherRegionsKey() throws IOException
    {
        final Path usEast = provision(root, "us-east", "2026-11", SiteKeyTest.sequentialKey());
        final KeyDirectory directory = new KeyDirectory(root, "eu-west");
        assertThrows(IOException.class, () -> directory.read("2026-11"), "only eu-west/ is looked in");

        Files.createDirectories(root.resolve("eu-west"));
        Files.createSymbolicLink(root.resolve("eu-west/2026-11.key"), usEast);
        final IOException error = assertThrows(IOException.class, () -> directory.read("2026-11"));
        assertTrue(error.getMessage().contains("outside region eu-west's key directory"), error.getMessage());
        assertNoKeyBytes(error.getMessage());

        assertThrows(IllegalArgumentException.class, () -> directory.keyFile("../us-east/2026-11"));
        assertThrows(IllegalArgumentException.class, () -> new KeyDirectory(root, "../us-east"));
        assertThrows(IllegalArgumentException.class, () -> directory.keyFile(".hidden"));
    }

    @Test
    void aKeyFileThatIsNotAKeyIsNamedWithoutItsContent() throws IOException
    {
        Files.createDirectories(root.resolve("eu-west"));
        final Path file = root.resolve("eu-west/bad.key");
        Files.writeString(file, "zz" + HexFormat.of().formatHex(SiteKeyTest.sequentialKey()).substring(2));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        final IOException error = assertThrows(IOException.class, () -> new KeyDirectory(root, "eu-west").read("bad"));
        assertTrue(error.getMessage().contains("is not a hex digit"), error.getMessage());
        assertNoKeyBytes(error.getMessage());
    }

    static void assertNoKeyBytes(final String text)
    {
        for (final byte[] key : new byte[][]{SiteKeyTest.sequentialKey(), SiteKeyTest.reversedKey()})
        {
            final String hex = HexFormat.of().formatHex(key);
            assertFalse(text.toLowerCase().contains(hex.substring(4, 20)), "key bytes in: " + text);
        }
    }
}
