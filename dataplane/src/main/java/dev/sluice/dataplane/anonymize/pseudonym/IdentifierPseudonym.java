package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * One kind of identifier turned into its pseudonym: reads the value's bytes, writes the
 * pseudonym into the caller's buffer and returns its length, or a negative
 * {@link PseudonymReason} when the value is not such an identifier. Never throws on bad input
 * (it is data, and a bad value is a counted verdict); allocates nothing once warm. Instances
 * hold cipher state: one per worker thread.
 */
public interface IdentifierPseudonym
{
    /**
     * @param in        the value's bytes (ASCII for the structured identifiers).
     * @param offset    first byte.
     * @param length    bytes.
     * @param out       where the pseudonym goes; may not overlap {@code in}.
     * @param outOffset first byte written.
     * @param outLimit  first byte that may not be written.
     * @return bytes written, or a negative {@link PseudonymReason}.
     */
    int pseudonymize(byte[] in, int offset, int length, byte[] out, int outOffset, int outLimit);

    /**
     * @param reason a negative result of {@link #pseudonymize}.
     * @return what is wrong with the value, for a person.
     */
    default String describe(final int reason)
    {
        return PseudonymReason.describe(reason);
    }
}
