package dev.sluice.controlplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Every accepted policy version on disk, with full history.
 *
 * <pre>
 *   &lt;dir&gt;/store.lock          held while a control plane uses the store
 *   &lt;dir&gt;/policy-&lt;v&gt;.meta      version, sourceName, storedTimestampMs, sha256, lengthBytes (properties)
 *   &lt;dir&gt;/policy-&lt;v&gt;.yaml      the document, UTF-8, exactly as submitted
 * </pre>
 *
 * A version is committed when both files exist and the document matches the metadata's SHA-256; the meta
 * file is written first, so a crash can leave a number used (never reused) but never a document without
 * its metadata. The current version is the highest committed one. Called by one thread at a time: the
 * control plane's agent thread once it runs.
 */
public final class PolicyStore implements AutoCloseable
{
    /**
     * File locked while a control plane uses the store, so two cannot assign the same version.
     */
    public static final String LOCK_FILE_NAME = "store.lock";

    static final String FILE_PREFIX = "policy-";
    static final String DOCUMENT_SUFFIX = ".yaml";
    static final String METADATA_SUFFIX = ".meta";
    static final String TEMP_SUFFIX = ".tmp";

    private static final String VERSION_KEY = "version";
    private static final String SOURCE_NAME_KEY = "sourceName";
    private static final String STORED_TIMESTAMP_KEY = "storedTimestampMs";
    private static final String SHA256_KEY = "sha256";
    private static final String LENGTH_KEY = "lengthBytes";

    private static final Logger LOGGER = System.getLogger(PolicyStore.class.getName());

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<String> loadWarnings = new ArrayList<>();
    private final TreeSet<Long> committedVersions = new TreeSet<>();
    private long highestAssignedVersion;
    private StoredPolicy current;

    private PolicyStore(final Path directory, final FileChannel lockChannel, final FileLock lock)
    {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Open (creating if needed) the store in a directory, lock it and load its versions.
     *
     * @param directory the store directory.
     * @return the open store.
     * @throws IOException if the directory cannot be created or read, or another control plane holds it.
     */
    public static PolicyStore open(final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final Path lockFile = directory.resolve(LOCK_FILE_NAME);
        final FileChannel lockChannel = FileChannel.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        final FileLock lock;
        try
        {
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException | IOException ex)
        {
            lockChannel.close();
            throw new IOException("policy store " + directory + " is in use by another control plane", ex);
        }
        if (null == lock)
        {
            lockChannel.close();
            throw new IOException("policy store " + directory + " is in use by another control plane");
        }

        final PolicyStore store = new PolicyStore(directory, lockChannel, lock);
        try
        {
            store.load();
        }
        catch (final IOException | RuntimeException ex)
        {
            store.close();
            throw ex;
        }
        return store;
    }

    /**
     * @return the store directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return the highest committed version, or null when the store is empty.
     */
    public StoredPolicy current()
    {
        return current;
    }

    /**
     * @return the highest committed version number, 0 when the store is empty.
     */
    public long currentVersion()
    {
        return null == current ? 0 : current.version();
    }

    /**
     * @return the highest version number ever assigned, committed or not; the next one is this plus 1.
     */
    public long highestAssignedVersion()
    {
        return highestAssignedVersion;
    }

    /**
     * @return every committed version number, ascending.
     */
    public List<Long> versions()
    {
        return List.copyOf(committedVersions);
    }

    /**
     * @return what was wrong with the files found at open (damaged or half-written versions), one per entry.
     */
    public List<String> loadWarnings()
    {
        return List.copyOf(loadWarnings);
    }

    /**
     * Store a document under the next version and make it current.
     *
     * @param sourceName        where the document came from.
     * @param document          the YAML text.
     * @param storedTimestampMs epoch time to record.
     * @return the stored version.
     * @throws IOException if it cannot be written durably; the version number is then used up.
     */
    public StoredPolicy append(final String sourceName, final String document, final long storedTimestampMs)
        throws IOException
    {
        final long version = highestAssignedVersion + 1;
        highestAssignedVersion = version;

        final byte[] documentBytes = document.getBytes(StandardCharsets.UTF_8);
        final String sha256 = sha256Hex(documentBytes);
        final Properties metadata = new Properties();
        metadata.setProperty(VERSION_KEY, Long.toString(version));
        metadata.setProperty(SOURCE_NAME_KEY, sourceName);
        metadata.setProperty(STORED_TIMESTAMP_KEY, Long.toString(storedTimestampMs));
        metadata.setProperty(SHA256_KEY, sha256);
        metadata.setProperty(LENGTH_KEY, Integer.toString(documentBytes.length));
        final ByteArrayOutputStream metadataBytes = new ByteArrayOutputStream();
        metadata.store(metadataBytes, "sluice policy version metadata");

        writeDurably(metadataFile(version), metadataBytes.toByteArray());
        writeDurably(documentFile(version), documentBytes);
        syncDirectory();

        // What gateways receive is what a restart reads back, even for text that does not survive UTF-8.
        final String storedDocument = new String(documentBytes, StandardCharsets.UTF_8);
        current = new StoredPolicy(version, sourceName, storedDocument, storedTimestampMs, sha256);
        committedVersions.add(version);
        return current;
    }

    /**
     * Read any committed version back from disk.
     *
     * @param version to read.
     * @return the stored version.
     * @throws IOException if it is missing or damaged.
     */
    public StoredPolicy read(final long version) throws IOException
    {
        return readVersion(version);
    }

    /**
     * Release the lock so another control plane may open the store.
     */
    public void close()
    {
        try
        {
            if (lock.isValid())
            {
                lock.release();
            }
        }
        catch (final IOException ex)
        {
            LOGGER.log(Level.WARNING, "could not release " + directory.resolve(LOCK_FILE_NAME), ex);
        }
        finally
        {
            try
            {
                lockChannel.close();
            }
            catch (final IOException ex)
            {
                LOGGER.log(Level.WARNING, "could not close " + directory.resolve(LOCK_FILE_NAME), ex);
            }
        }
    }

    Path documentFile(final long version)
    {
        return directory.resolve(FILE_PREFIX + version + DOCUMENT_SUFFIX);
    }

    Path metadataFile(final long version)
    {
        return directory.resolve(FILE_PREFIX + version + METADATA_SUFFIX);
    }

    private void load() throws IOException
    {
        final TreeSet<Long> documentVersions = new TreeSet<>();
        final TreeSet<Long> metadataVersions = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, FILE_PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.endsWith(DOCUMENT_SUFFIX))
                {
                    addVersion(documentVersions, name, DOCUMENT_SUFFIX);
                }
                else if (name.endsWith(METADATA_SUFFIX))
                {
                    addVersion(metadataVersions, name, METADATA_SUFFIX);
                }
            }
        }

        highestAssignedVersion = Math.max(
            documentVersions.isEmpty() ? 0 : documentVersions.last(),
            metadataVersions.isEmpty() ? 0 : metadataVersions.last());

        for (final long version : documentVersions.descendingSet())
        {
            if (!metadataVersions.contains(version))
            {
                warn("version " + version + " has a document but no metadata; ignored");
                continue;
            }
            try
            {
                final StoredPolicy policy = readVersion(version);
                committedVersions.add(version);
                if (null == current)
                {
                    current = policy;
                }
            }
            catch (final IOException ex)
            {
                warn("version " + version + " is damaged and ignored: " + ex.getMessage());
            }
        }
        for (final long version : metadataVersions)
        {
            if (!documentVersions.contains(version))
            {
                warn("version " + version + " was never committed (metadata without document); number not reused");
            }
        }
    }

    private void addVersion(final TreeSet<Long> versions, final String name, final String suffix)
    {
        final String digits = name.substring(FILE_PREFIX.length(), name.length() - suffix.length());
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit))
        {
            warn("ignoring " + name + ": not a policy version file");
            return;
        }
        final long version = Long.parseLong(digits);
        if (version < 1 || !name.equals(FILE_PREFIX + version + suffix))
        {
            warn("ignoring " + name + ": not a canonical version number");
            return;
        }
        versions.add(version);
    }

    private StoredPolicy readVersion(final long version) throws IOException
    {
        final Properties metadata = new Properties();
        try (InputStream in = Files.newInputStream(metadataFile(version)))
        {
            metadata.load(in);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException("unreadable metadata " + metadataFile(version) + ": " + ex.getMessage(), ex);
        }

        final String sourceName = metadata.getProperty(SOURCE_NAME_KEY);
        final String sha256 = metadata.getProperty(SHA256_KEY);
        final long storedTimestampMs;
        final long recordedVersion;
        try
        {
            recordedVersion = Long.parseLong(metadata.getProperty(VERSION_KEY, ""));
            storedTimestampMs = Long.parseLong(metadata.getProperty(STORED_TIMESTAMP_KEY, ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException("bad number in " + metadataFile(version), ex);
        }
        if (recordedVersion != version || null == sourceName || null == sha256)
        {
            throw new IOException("incomplete or mismatched metadata in " + metadataFile(version));
        }

        final byte[] documentBytes = Files.readAllBytes(documentFile(version));
        final String actualSha256 = sha256Hex(documentBytes);
        if (!actualSha256.equals(sha256))
        {
            throw new IOException(documentFile(version) + " does not match its recorded SHA-256");
        }

        final String document;
        try
        {
            document = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(documentBytes))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IOException(documentFile(version) + " is not valid UTF-8", ex);
        }

        return new StoredPolicy(version, sourceName, document, storedTimestampMs, sha256);
    }

    private void writeDurably(final Path file, final byte[] bytes) throws IOException
    {
        final Path tempFile = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try
        {
            try (FileChannel channel = FileChannel.open(
                tempFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(tempFile);
        }
    }

    private void syncDirectory() throws IOException
    {
        // Makes the renames durable; Linux allows fsync on a directory opened for reading.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private void warn(final String warning)
    {
        loadWarnings.add(warning);
        LOGGER.log(Level.WARNING, "policy store " + directory + ": " + warning);
    }

    static String sha256Hex(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java runtime provides SHA-256", ex);
        }
    }
}
