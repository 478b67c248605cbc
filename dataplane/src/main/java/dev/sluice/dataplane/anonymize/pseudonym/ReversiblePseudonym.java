package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * An identifier pseudonym that the key holder can undo: the format-preserving (FF1) masks.
 * {@code reverse(pseudonymize(x)) == x} for every valid x whose check digit, if it has one,
 * was right (check digits are recomputed, not carried).
 */
public interface ReversiblePseudonym extends IdentifierPseudonym
{
    @Override
    default int pseudonymize(
        final byte[] in, final int offset, final int length, final byte[] out, final int outOffset, final int outLimit)
    {
        return transform(true, in, offset, length, out, outOffset, outLimit);
    }

    /**
     * @param in        a pseudonym's bytes.
     * @param offset    first byte.
     * @param length    bytes.
     * @param out       where the original goes; may not overlap {@code in}.
     * @param outOffset first byte written.
     * @param outLimit  first byte that may not be written.
     * @return bytes written, or a negative {@link PseudonymReason}.
     */
    default int reverse(final byte[] in, final int offset, final int length, final byte[] out, final int outOffset, final int outLimit)
    {
        return transform(false, in, offset, length, out, outOffset, outLimit);
    }

    /**
     * The mask one way or the other: FF1 encryption and decryption differ only in direction, so
     * each identifier parses and checks its value once for both.
     *
     * @param encrypt true to pseudonymize, false to reverse.
     * @return bytes written, or a negative {@link PseudonymReason}.
     */
    int transform(boolean encrypt, byte[] in, int offset, int length, byte[] out, int outOffset, int outLimit);
}
