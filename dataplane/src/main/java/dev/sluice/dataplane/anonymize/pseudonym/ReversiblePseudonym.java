package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * An identifier pseudonym that the key holder can undo: the format-preserving (FF1) masks.
 * {@code reverse(pseudonymize(x)) == x} for every valid x whose check digit, if it has one,
 * was right (check digits are recomputed, not carried).
 */
public interface ReversiblePseudonym extends IdentifierPseudonym
{
    /**
     * @param in        a pseudonym's bytes.
     * @param offset    first byte.
     * @param length    bytes.
     * @param out       where the original goes; may not overlap {@code in}.
     * @param outOffset first byte written.
     * @param outLimit  first byte that may not be written.
     * @return bytes written, or a negative {@link PseudonymReason}.
     */
    int reverse(byte[] in, int offset, int length, byte[] out, int outOffset, int outLimit);
}
