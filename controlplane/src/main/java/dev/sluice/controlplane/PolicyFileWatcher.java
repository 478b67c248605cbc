package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * Polls one policy file's modification time and size and yields its text once a change has settled: the
 * file must look the same on two polls one interval apart and must not change while it is read, so a
 * half-written file is not submitted. Called only on the control plane's agent thread.
 */
final class PolicyFileWatcher
{
    /**
     * What one poll found.
     */
    enum Outcome
    {
        /** Nothing new to submit. */
        NONE,
        /** {@link #text()} holds new, settled content to submit. */
        CHANGED,
        /** The file could not be read or is not UTF-8; {@link #error()} says why. */
        ERROR
    }

    private final Path file;
    private final long pollIntervalMs;
    private long nextPollMs;
    private long candidateModifiedNs;
    private long candidateSizeBytes = -1;
    private long deliveredModifiedNs;
    private long deliveredSizeBytes = -1;
    private String deliveredText;
    private String text;
    private String error;
    private boolean reportedMissing;

    PolicyFileWatcher(final Path file, final long pollIntervalMs)
    {
        this.file = file;
        this.pollIntervalMs = pollIntervalMs;
    }

    Path file()
    {
        return file;
    }

    /**
     * @return the settled text after {@link Outcome#CHANGED}.
     */
    String text()
    {
        return text;
    }

    /**
     * @return why the file could not be used after {@link Outcome#ERROR}.
     */
    String error()
    {
        return error;
    }

    /**
     * Look at the file if the poll interval has passed.
     *
     * @param nowMs current epoch time.
     * @return what was found.
     */
    Outcome poll(final long nowMs)
    {
        if (nowMs < nextPollMs)
        {
            return Outcome.NONE;
        }
        nextPollMs = nowMs + pollIntervalMs;
        text = null;
        error = null;

        final BasicFileAttributes before;
        try
        {
            before = Files.readAttributes(file, BasicFileAttributes.class);
        }
        catch (final NoSuchFileException ex)
        {
            candidateSizeBytes = -1;
            return reportMissingOnce();
        }
        catch (final IOException ex)
        {
            return fail("cannot read attributes of " + file + ": " + ex);
        }
        reportedMissing = false;

        final long modifiedNs = before.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        final long sizeBytes = before.size();
        if (modifiedNs == deliveredModifiedNs && sizeBytes == deliveredSizeBytes)
        {
            return Outcome.NONE;
        }
        if (modifiedNs != candidateModifiedNs || sizeBytes != candidateSizeBytes)
        {
            // Changed since the last poll: wait until it has looked the same for a whole interval.
            candidateModifiedNs = modifiedNs;
            candidateSizeBytes = sizeBytes;
            return Outcome.NONE;
        }

        final byte[] bytes;
        final BasicFileAttributes after;
        try
        {
            bytes = Files.readAllBytes(file);
            after = Files.readAttributes(file, BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            candidateSizeBytes = -1;
            return fail("cannot read " + file + ": " + ex);
        }
        if (after.lastModifiedTime().to(TimeUnit.NANOSECONDS) != modifiedNs ||
            after.size() != sizeBytes ||
            bytes.length != sizeBytes)
        {
            candidateModifiedNs = after.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            candidateSizeBytes = after.size();
            return Outcome.NONE;
        }

        deliveredModifiedNs = modifiedNs;
        deliveredSizeBytes = sizeBytes;
        final String decoded;
        try
        {
            decoded = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            return fail(file + " is not valid UTF-8");
        }

        if (decoded.equals(deliveredText))
        {
            return Outcome.NONE;
        }
        deliveredText = decoded;
        text = decoded;
        return Outcome.CHANGED;
    }

    private Outcome reportMissingOnce()
    {
        if (reportedMissing)
        {
            return Outcome.NONE;
        }
        reportedMissing = true;
        return fail("watched policy file " + file + " does not exist");
    }

    private Outcome fail(final String reason)
    {
        error = reason;
        return Outcome.ERROR;
    }
}
