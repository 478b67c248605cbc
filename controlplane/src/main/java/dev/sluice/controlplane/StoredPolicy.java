package dev.sluice.controlplane;

import java.util.Objects;

/**
 * One accepted policy version as the {@link PolicyStore} keeps it. Immutable, so any thread may use it.
 *
 * @param version           assigned version, from 1, never reused.
 * @param sourceName        where the document came from (file path or the CLI's source name).
 * @param document          the YAML text exactly as stored.
 * @param storedTimestampMs epoch time it was stored.
 * @param sha256            hex SHA-256 of the document's UTF-8 bytes.
 */
public record StoredPolicy(long version, String sourceName, String document, long storedTimestampMs, String sha256)
{
    /**
     * @param version           assigned version, from 1.
     * @param sourceName        where the document came from.
     * @param document          the YAML text.
     * @param storedTimestampMs epoch time it was stored.
     * @param sha256            hex SHA-256 of the document's UTF-8 bytes.
     */
    public StoredPolicy
    {
        if (version < 1)
        {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(sha256, "sha256");
    }

    @Override
    public String toString()
    {
        return "StoredPolicy[version=" + version + ", sourceName=" + sourceName + ", storedTimestampMs=" +
            storedTimestampMs + ", sha256=" + sha256 + ", documentChars=" + document.length() + "]";
    }
}
