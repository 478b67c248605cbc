package dev.sluice.dataplane.anonymize.pseudonym;

import java.util.Arrays;

/**
 * A value's generic pseudonym as lowercase hex text: SipHash-2-4 (16 hex characters, the fast
 * PRF) or HMAC-SHA256 truncated to {@value #HMAC_LENGTH_BYTES} bytes (32 hex characters), each
 * under its own {@link KeyDerivation} subkey. For values with no structure to keep (session
 * ids, free-text identifiers); at most {@value #MAX_LENGTH_BYTES} bytes. Not reversible.
 */
public final class KeyedHashPseudonym implements IdentifierPseudonym
{
    /** HMAC output kept: 128 bits, RFC 2104's recommended minimum of half the hash. */
    public static final int HMAC_LENGTH_BYTES = 16;
    /** Longest accepted value. */
    public static final int MAX_LENGTH_BYTES = 64 * 1024;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SipHash24 sipHash;
    private final HmacSha256Pseudonym hmac;
    private final byte[] digest = new byte[HMAC_LENGTH_BYTES];
    private final String name;

    private KeyedHashPseudonym(final SipHash24 sipHash, final HmacSha256Pseudonym hmac, final String name)
    {
        this.sipHash = sipHash;
        this.hmac = hmac;
        this.name = name;
    }

    /**
     * @param keys the site key's derivation.
     * @return SipHash-2-4 under the {@link KeyDerivation#SIPHASH} subkey, as 16 hex characters.
     */
    public static KeyedHashPseudonym sipHash(final KeyDerivation keys)
    {
        final byte[] subkey = keys.subkey(KeyDerivation.SIPHASH, SipHash24.KEY_LENGTH_BYTES);
        try
        {
            return new KeyedHashPseudonym(new SipHash24(subkey), null, "siphash");
        }
        finally
        {
            Arrays.fill(subkey, (byte)0);
        }
    }

    /**
     * @param keys the site key's derivation.
     * @return HMAC-SHA256 under the {@link KeyDerivation#HMAC_SHA256} subkey, truncated to 16 bytes, as 32 hex characters.
     */
    public static KeyedHashPseudonym hmacSha256(final KeyDerivation keys)
    {
        final byte[] subkey = keys.subkey(KeyDerivation.HMAC_SHA256, HmacSha256Pseudonym.MAX_LENGTH_BYTES);
        try
        {
            return new KeyedHashPseudonym(null, new HmacSha256Pseudonym(subkey, HMAC_LENGTH_BYTES), "hmac-sha256");
        }
        finally
        {
            Arrays.fill(subkey, (byte)0);
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
        final int outLength = null != sipHash ? 2 * Long.BYTES : 2 * HMAC_LENGTH_BYTES;
        if (outLimit - outOffset < outLength)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }
        if (null != sipHash)
        {
            final long value = sipHash.hash(in, offset, length);
            for (int i = 0; i < 2 * Long.BYTES; i++)
            {
                out[outOffset + i] = HEX[(int)(value >>> (60 - 4 * i)) & 0xF];
            }
        }
        else
        {
            hmac.pseudonymize(in, offset, length, digest, 0);
            for (int i = 0; i < HMAC_LENGTH_BYTES; i++)
            {
                out[outOffset + 2 * i] = HEX[(digest[i] >>> 4) & 0xF];
                out[outOffset + 2 * i + 1] = HEX[digest[i] & 0xF];
            }
        }
        return outLength;
    }

    public String toString()
    {
        return "KeyedHashPseudonym{" + name + ", key=<secret>}";
    }
}
