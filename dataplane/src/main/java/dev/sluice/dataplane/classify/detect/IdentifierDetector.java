package dev.sluice.dataplane.classify.detect;

import java.lang.foreign.MemorySegment;

/**
 * Finds identifiers (addresses, e-mail, MAC, IMSI/IMEI, VIN, phone and card numbers) in free text
 * in time linear in the text, without a backtracking regular expression and without allocating per
 * call. Both engines ({@link DfaIdentifierDetector}, {@link HyperscanIdentifierDetector}) apply the
 * same rules ({@link IdentifierRules}), so they find the same identifiers. One thread per instance:
 * a worker owns its detector.
 */
public interface IdentifierDetector extends AutoCloseable
{
    /**
     * @param text   holds the text (any bytes; identifiers are ASCII).
     * @param offset where the text starts.
     * @param length bytes of text.
     * @return the kinds found, as {@link IdentifierKind#bit()}s.
     */
    default int detect(final MemorySegment text, final long offset, final int length)
    {
        return detect(text, offset, length, null);
    }

    /**
     * @param text    holds the text.
     * @param offset  where the text starts.
     * @param length  bytes of text.
     * @param handler told about every identifier found, or null.
     * @return the kinds found, as {@link IdentifierKind#bit()}s.
     */
    int detect(MemorySegment text, long offset, int length, IdentifierMatchHandler handler);

    /**
     * @return the engine's name, for logs: {@code "dfa"} or {@code "hyperscan"}.
     */
    String engine();

    /**
     * Frees native resources (Hyperscan's scratch); the detector is unusable afterwards.
     */
    @Override
    void close();
}
