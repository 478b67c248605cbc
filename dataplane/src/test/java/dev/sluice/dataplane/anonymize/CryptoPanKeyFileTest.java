package dev.sluice.dataplane.anonymize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryptoPanKeyFileTest
{
    private static final int SAMPLE_RAW = CryptoPanVectors.ipv4("24.5.0.80");
    private static final int SAMPLE_ANONYMIZED = CryptoPanVectors.ipv4("100.9.15.210");

    @TempDir
    Path directory;

    @Test
    void loadsAHexKeyFileWithSurroundingWhitespace() throws IOException
    {
        final String hex = HexFormat.of().formatHex(CryptoPanVectors.referenceKey());
        final Path keyFile = privateFile("hex.key", ("  \n" + hex.toUpperCase() + "\r\n\n").getBytes(StandardCharsets.US_ASCII));

        assertEquals(SAMPLE_ANONYMIZED, CryptoPan.fromKeyFile(keyFile).anonymizeIpv4(SAMPLE_RAW));
    }

    @Test
    void loadsARawKeyFile() throws IOException
    {
        final Path keyFile = privateFile("raw.key", CryptoPanVectors.referenceKey());

        assertEquals(SAMPLE_ANONYMIZED, CryptoPan.fromKeyFile(keyFile, 0).anonymizeIpv4(SAMPLE_RAW));
    }

    @Test
    void refusesAKeyFileReadableByGroupOrOthers() throws IOException
    {
        for (final String mode : new String[]{ "rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-------" })
        {
            final Path keyFile = privateFile("key-" + mode, CryptoPanVectors.referenceKey());
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(mode));
            if ("rw-------".equals(mode))
            {
                CryptoPan.fromKeyFile(keyFile);
                continue;
            }

            final IOException ex = assertThrows(IOException.class, () -> CryptoPan.fromKeyFile(keyFile), mode);
            assertTrue(ex.getMessage().contains(keyFile.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("chmod 600 " + keyFile), ex.getMessage());
            assertTrue(ex.getMessage().contains(mode), ex.getMessage());
        }
    }

    @Test
    void refusesKeyFilesOfTheWrongLengthOrAlphabetWithoutEchoingThem() throws IOException
    {
        final String hex = HexFormat.of().formatHex(CryptoPanVectors.referenceKey());
        final byte[][] contents = {
            new byte[0],
            new byte[31],
            new byte[33],
            hex.substring(1).getBytes(StandardCharsets.US_ASCII),
            (hex + "00").getBytes(StandardCharsets.US_ASCII),
            ("zz" + hex.substring(2)).getBytes(StandardCharsets.US_ASCII),
            (hex.substring(0, 63) + "g").getBytes(StandardCharsets.US_ASCII),
            (hex.substring(0, 30) + " " + hex.substring(31)).getBytes(StandardCharsets.US_ASCII),
            new byte[5000],
        };
        for (int i = 0; i < contents.length; i++)
        {
            final Path keyFile = privateFile("bad-" + i, contents[i]);
            final IOException ex = assertThrows(IOException.class, () -> CryptoPan.fromKeyFile(keyFile), "content " + i);
            assertTrue(ex.getMessage().contains(keyFile.toString()), ex.getMessage());
            assertFalse(ex.getMessage().contains(hex.substring(4, 12)), ex.getMessage());
        }

        assertThrows(IOException.class, () -> CryptoPan.fromKeyFile(directory.resolve("missing.key")));
    }

    @Test
    void writesANewKeyFileWithMode600AndReadsItBack() throws IOException
    {
        final byte[] key = CryptoPan.generateKey(new SecureRandom());
        assertEquals(CryptoPan.KEY_LENGTH_BYTES, key.length);
        assertFalse(Arrays.equals(new byte[CryptoPan.KEY_LENGTH_BYTES], key));

        final Path keyFile = directory.resolve("new.key");
        CryptoPan.writeKeyFile(keyFile, key);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertEquals(CryptoPan.KEY_LENGTH_BYTES * 2 + 1, Files.size(keyFile));
        final CryptoPan fromFile = CryptoPan.fromKeyFile(keyFile);
        final CryptoPan fromBytes = new CryptoPan(key);
        for (final int address : new int[]{ 0, SAMPLE_RAW, -1, 0x0A00_0001 })
        {
            assertEquals(fromBytes.anonymizeIpv4(address), fromFile.anonymizeIpv4(address));
        }

        assertThrows(FileAlreadyExistsException.class, () -> CryptoPan.writeKeyFile(keyFile, key));
        assertThrows(IllegalArgumentException.class, () -> CryptoPan.writeKeyFile(directory.resolve("short.key"), new byte[16]));
    }

    @Test
    void roundTripsTheReferenceKeyThroughAFile() throws IOException
    {
        final Path keyFile = directory.resolve("reference.key");
        CryptoPan.writeKeyFile(keyFile, CryptoPanVectors.referenceKey());

        assertArrayEquals(
            (HexFormat.of().formatHex(CryptoPanVectors.referenceKey()) + "\n").getBytes(StandardCharsets.US_ASCII),
            Files.readAllBytes(keyFile));
        assertEquals(SAMPLE_ANONYMIZED, CryptoPan.fromKeyFile(keyFile).anonymizeIpv4(SAMPLE_RAW));
    }

    private Path privateFile(final String name, final byte[] content) throws IOException
    {
        final Path file = directory.resolve(name);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
