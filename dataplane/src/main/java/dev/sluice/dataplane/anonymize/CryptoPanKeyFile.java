package dev.sluice.dataplane.anonymize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads and writes Crypto-PAn key files (32 raw bytes, or 64 hex characters); called by
 * whichever thread loads configuration, never on the data path. The same file is a region's
 * site key for the keyed pseudonyms ({@link #readSiteKey}: Crypto-PAn uses its 32 bytes as
 * they are, the pseudonyms derive subkeys from them), with the same checks.
 * <p>
 * Messages name the file and what is wrong with it but never echo any of its bytes. Public for
 * the region-scoped key directory ({@code anonymize.keys.KeyDirectory}), which reads its files
 * with the same checks.
 */
public final class CryptoPanKeyFile
{
    private static final String CRYPTO_PAN = "Crypto-PAn key file";
    private static final String SITE_KEY = "site key file";

    private static final int HEX_KEY_LENGTH_CHARS = CryptoPan.KEY_LENGTH_BYTES * 2;
    /** Anything longer is not a key file; refuse before reading a large file into memory. */
    private static final long MAX_FILE_LENGTH_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private CryptoPanKeyFile()
    {
    }

    /**
     * @param keyFile a key file, private to its owner.
     * @return a new 32-byte key; the caller zeroes it when done.
     * @throws IOException if the file is missing, accessible by group or others, or not a key.
     */
    public static byte[] read(final Path keyFile) throws IOException
    {
        return read(CRYPTO_PAN, keyFile);
    }

    /**
     * Reads a site key: a key file as for Crypto-PAn, refused when group or others may read,
     * write or execute it; messages call it a site key file.
     *
     * @param keyFile the file.
     * @return a new 32-byte key; the caller wipes it when done.
     * @throws IOException if the file is missing, too open, or neither 32 raw bytes nor 64 hex characters.
     */
    public static byte[] readSiteKey(final Path keyFile) throws IOException
    {
        return read(SITE_KEY, keyFile);
    }

    private static byte[] read(final String label, final Path keyFile) throws IOException
    {
        if (!Files.isRegularFile(keyFile))
        {
            throw new IOException(label + " " + keyFile + " does not exist or is not a regular file");
        }

        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = Files.getPosixFilePermissions(keyFile);
        }
        catch (final UnsupportedOperationException ex)
        {
            throw new IOException(
                "cannot check the permissions of " + label + " " + keyFile +
                ": its file system has no POSIX permissions; keep keys on a POSIX file system with mode 600", ex);
        }
        for (final PosixFilePermission permission : permissions)
        {
            if (GROUP_OR_OTHERS.contains(permission))
            {
                throw new IOException(
                    label + " " + keyFile + " is accessible by group or others (" +
                    PosixFilePermissions.toString(permissions) + "); a key must be private to its owner: chmod 600 " + keyFile);
            }
        }

        final long fileLengthBytes = Files.size(keyFile);
        if (fileLengthBytes > MAX_FILE_LENGTH_BYTES)
        {
            throw new IOException(
                label + " " + keyFile + " is " + fileLengthBytes + " bytes; expected " +
                CryptoPan.KEY_LENGTH_BYTES + " raw bytes or " + HEX_KEY_LENGTH_CHARS + " hex characters");
        }

        final byte[] content = Files.readAllBytes(keyFile);
        try
        {
            return parse(label, keyFile, content);
        }
        finally
        {
            Arrays.fill(content, (byte)0);
        }
    }

    /**
     * The key in a key file's content: exactly 32 bytes are the raw key, anything else must be 64
     * hex digits with optional ASCII whitespace around them.
     *
     * @param keyFile where the content came from, for messages.
     * @param content the file's bytes; not modified.
     * @return a new 32-byte key.
     * @throws IOException if the content is neither form.
     */
    static byte[] parse(final Path keyFile, final byte[] content) throws IOException
    {
        return parse(CRYPTO_PAN, keyFile, content);
    }

    private static byte[] parse(final String label, final Path keyFile, final byte[] content) throws IOException
    {
        if (content.length == CryptoPan.KEY_LENGTH_BYTES)
        {
            return content.clone();
        }

        return parseHex(label, keyFile, content);
    }

    static void write(final Path keyFile, final byte[] key) throws IOException
    {
        if (null == key || key.length != CryptoPan.KEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException(
                "Crypto-PAn key must be " + CryptoPan.KEY_LENGTH_BYTES + " bytes, got " + (null == key ? "null" : key.length));
        }

        final FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
        try
        {
            // Created with mode 600 in one step, so the key is never readable by others, not even briefly.
            Files.createFile(keyFile, ownerOnly);
        }
        catch (final UnsupportedOperationException ex)
        {
            throw new IOException(
                "cannot create Crypto-PAn key file " + keyFile + " with mode 600: its file system has no POSIX permissions", ex);
        }

        final byte[] text = new byte[HEX_KEY_LENGTH_CHARS + 1];
        try
        {
            for (int i = 0; i < key.length; i++)
            {
                text[i * 2] = HEX_DIGITS[(key[i] >>> 4) & 0xF];
                text[i * 2 + 1] = HEX_DIGITS[key[i] & 0xF];
            }
            text[HEX_KEY_LENGTH_CHARS] = '\n';
            Files.write(keyFile, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            // The umask may have narrowed the owner's bits; set exactly 600.
            Files.setPosixFilePermissions(keyFile, OWNER_READ_WRITE);
        }
        catch (final IOException ex)
        {
            Files.deleteIfExists(keyFile);
            throw ex;
        }
        finally
        {
            Arrays.fill(text, (byte)0);
        }
    }

    private static byte[] parseHex(final String label, final Path keyFile, final byte[] content) throws IOException
    {
        int start = 0;
        int end = content.length;
        while (start < end && isAsciiWhitespace(content[start]))
        {
            start++;
        }
        while (end > start && isAsciiWhitespace(content[end - 1]))
        {
            end--;
        }

        if (end - start != HEX_KEY_LENGTH_CHARS)
        {
            throw new IOException(
                label + " " + keyFile + " holds " + content.length + " bytes (" + (end - start) +
                " without surrounding whitespace); expected " + CryptoPan.KEY_LENGTH_BYTES + " raw bytes or " +
                HEX_KEY_LENGTH_CHARS + " hex characters");
        }

        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            final int highNibble = hexValue(content[start + i * 2]);
            final int lowNibble = hexValue(content[start + i * 2 + 1]);
            if (highNibble < 0 || lowNibble < 0)
            {
                Arrays.fill(key, (byte)0);
                throw new IOException(
                    label + " " + keyFile + " is neither " + CryptoPan.KEY_LENGTH_BYTES + " raw bytes nor " +
                    HEX_KEY_LENGTH_CHARS + " hex characters: the character at offset " +
                    (start + i * 2 + (highNibble < 0 ? 0 : 1)) + " is not a hex digit");
            }
            key[i] = (byte)((highNibble << 4) | lowNibble);
        }

        return key;
    }

    private static int hexValue(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static boolean isAsciiWhitespace(final byte b)
    {
        return ' ' == b || '\t' == b || '\n' == b || '\r' == b || '\f' == b || 0x0B == b;
    }
}
