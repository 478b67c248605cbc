package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPanKeyFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The key files of this gateway's own region, provisioned inside the region:
 * {@code <key-dir>/<region>/<epoch id>.key}, each 32 raw bytes or 64 hex characters and private
 * to its owner (mode 600; files readable or writable by group or others are refused, as
 * {@link CryptoPanKeyFile} refuses them).
 * <p>
 * The region is fixed at construction and every path is built from it, so a gateway never
 * opens another region's directory; a file that resolves (through a symbolic link) outside the
 * region's directory is refused as well, so another region's key cannot reach it by a link.
 * <p>
 * Conductor thread; never on the data path.
 */
public final class KeyDirectory
{
    /** The file name suffix of a key file. */
    public static final String KEY_FILE_SUFFIX = ".key";
    /** Region names and epoch ids that are safe as one path element. */
    private static final Pattern PATH_ELEMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path root;
    private final String region;
    private final Path regionDirectory;

    /**
     * @param root   the configured {@code anonymization.key-dir}.
     * @param region this gateway's region.
     */
    public KeyDirectory(final Path root, final String region)
    {
        this.root = Objects.requireNonNull(root, "root");
        this.region = requirePathElement(region, "region");
        this.regionDirectory = root.resolve(region);
    }

    public Path root()
    {
        return root;
    }

    public String region()
    {
        return region;
    }

    /** {@code <key-dir>/<region>}: the only directory this gateway reads keys from. */
    public Path regionDirectory()
    {
        return regionDirectory;
    }

    /**
     * @param epochId an epoch id.
     * @return where the epoch's key file is provisioned.
     */
    public Path keyFile(final String epochId)
    {
        return regionDirectory.resolve(requirePathElement(epochId, "epoch id") + KEY_FILE_SUFFIX);
    }

    /**
     * Reads an epoch's key.
     *
     * @param epochId an epoch id of this region.
     * @return the key.
     * @throws IOException if the file is missing, not private to its owner, outside the region's
     *                     directory, or not a key; the message names the file, never its bytes.
     */
    public SiteKey read(final String epochId) throws IOException
    {
        final Path keyFile = keyFile(epochId);
        if (!Files.isRegularFile(keyFile))
        {
            throw new IOException("key file " + keyFile + " of epoch " + region + "/" + epochId + " is not provisioned: " +
                "put the epoch's key there inside region " + region + " (32 raw bytes or 64 hex characters, mode 600)");
        }
        final Path realDirectory = regionDirectory.toRealPath();
        final Path realFile = keyFile.toRealPath();
        if (!realDirectory.equals(realFile.getParent()))
        {
            throw new IOException("key file " + keyFile + " resolves to " + realFile + ", outside region " + region +
                "'s key directory " + realDirectory + ": a gateway reads only its own region's keys; put the key file itself there");
        }
        final byte[] key = CryptoPanKeyFile.read(keyFile);
        try
        {
            return new SiteKey(region, epochId, key);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private static String requirePathElement(final String name, final String what)
    {
        if (null == name || !PATH_ELEMENT.matcher(name).matches())
        {
            throw new IllegalArgumentException(
                "invalid " + what + " '" + name + "' for a key path: use up to 64 letters, digits, '.', '_' and '-', " +
                "starting with a letter or digit");
        }
        return name;
    }
}
