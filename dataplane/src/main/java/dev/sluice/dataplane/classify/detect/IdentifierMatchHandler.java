package dev.sluice.dataplane.classify.detect;

/**
 * Receives each identifier a detector finds, for the explain tool and tests; the data path only
 * needs the bit set {@link IdentifierDetector#detect} returns. Called on the detecting thread,
 * during the call.
 */
@FunctionalInterface
public interface IdentifierMatchHandler
{
    /**
     * @param kind  the identifier's kind.
     * @param start offset of its first byte, relative to the text's offset.
     * @param end   offset after its last byte, relative to the text's offset.
     */
    void onMatch(IdentifierKind kind, int start, int end);
}
