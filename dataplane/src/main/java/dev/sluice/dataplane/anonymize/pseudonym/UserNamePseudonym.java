package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * A user name's pseudonym: SipHash-2-4 under the {@link KeyDerivation#USER} subkey, written as
 * a fixed-length token of {@value Base32Token#LENGTH} lowercase base32 characters (60 bits of
 * the PRF output), whatever the name's length. Keyed, so nobody without the site key can
 * compute the pseudonym of a guessed name; deterministic, so the same name joins across
 * records of one region and epoch. Not reversible: an analyst finds a known user by computing
 * its pseudonym ({@code sluice anonymize --method user}).
 * <p>
 * Collisions: two of n distinct names share a token with probability about n^2 / 2^61 (birthday
 * bound over 60 bits): 4.3e-7 for a million names, 4.3e-3 for a hundred million. The bytes are
 * hashed as given: names that differ in case (or Unicode normalization) get different tokens.
 * Names up to {@value #MAX_LENGTH_BYTES} bytes.
 */
public final class UserNamePseudonym implements IdentifierPseudonym
{
    /** Longest accepted name, in bytes. */
    public static final int MAX_LENGTH_BYTES = 1024;

    private final SipHash24 prf;

    /**
     * @param key a 16-byte key (the {@link KeyDerivation#USER} subkey); copied.
     */
    public UserNamePseudonym(final byte[] key)
    {
        prf = new SipHash24(key);
    }

    /**
     * @param keys the site key's derivation.
     * @return the user-name pseudonym of that site key.
     */
    public static UserNamePseudonym fromSiteKey(final KeyDerivation keys)
    {
        final byte[] subkey = keys.subkey(KeyDerivation.USER, SipHash24.KEY_LENGTH_BYTES);
        try
        {
            return new UserNamePseudonym(subkey);
        }
        finally
        {
            java.util.Arrays.fill(subkey, (byte)0);
        }
    }

    public int pseudonymize(
        final byte[] in, final int offset, final int length, final byte[] out, final int outOffset, final int outLimit)
    {
        if (0 == length)
        {
            return PseudonymReason.EMPTY;
        }
        if (length > MAX_LENGTH_BYTES)
        {
            return PseudonymReason.TOO_LONG;
        }
        if (outLimit - outOffset < Base32Token.LENGTH)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }
        Base32Token.write(prf.hash(in, offset, length), out, outOffset);
        return Base32Token.LENGTH;
    }

    public String toString()
    {
        return "UserNamePseudonym{key=<secret>}";
    }
}
