package dev.sluice.dataplane.anonymize.pseudonym;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A keyed pseudonym: HMAC-SHA256 (RFC 2104, FIPS 198-1) of a value, truncated to a stated
 * length of 4 to 32 bytes. Truncation keeps the leftmost bytes, as RFC 2104 section 5 and
 * RFC 4231 test case 5 do. The conservative choice next to {@link SipHash24}: standard and
 * reimplementable by any analyst's tool, at a fraction of a microsecond per short value.
 * <p>
 * HMAC is computed here from one reused SHA-256 {@link MessageDigest} as RFC 2104 defines it,
 * H((K ^ opad) || H((K ^ ipad) || m)), with the padded key blocks prepared once and
 * {@code digest(buf, off, len)} writing into preallocated arrays. {@code javax.crypto.Mac}
 * gives the same bytes (the tests compare every length against it) but its
 * {@code doFinal(out, off)} still allocates a 32-byte array per value inside the JDK's
 * HmacCore ({@code engineDoFinal()} returns a new array that is then copied), 48 bytes per
 * pseudonym; this way allocates nothing once warm. Both hash the two padded key blocks per
 * value, so neither is slower. Not thread-safe (the digest has state): one instance per worker thread.
 */
public final class HmacSha256Pseudonym
{
    /** Shortest truncation: 32 bits, a pseudonym for joins within a small population only. */
    public static final int MIN_LENGTH_BYTES = 4;
    /** The whole HMAC-SHA256 output. */
    public static final int MAX_LENGTH_BYTES = 32;

    private static final int BLOCK_BYTES = 64;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha256;
    private final int lengthBytes;
    private final byte[] innerPad = new byte[BLOCK_BYTES];
    private final byte[] outerPad = new byte[BLOCK_BYTES];
    private final byte[] digest = new byte[MAX_LENGTH_BYTES];

    /**
     * @param key         the HMAC key (any length; a {@link KeyDerivation} subkey in production); not kept.
     * @param lengthBytes output bytes, {@value #MIN_LENGTH_BYTES} to {@value #MAX_LENGTH_BYTES}.
     */
    public HmacSha256Pseudonym(final byte[] key, final int lengthBytes)
    {
        if (lengthBytes < MIN_LENGTH_BYTES || lengthBytes > MAX_LENGTH_BYTES)
        {
            throw new IllegalArgumentException("HMAC-SHA256 pseudonym length must be " + MIN_LENGTH_BYTES + " to " +
                MAX_LENGTH_BYTES + " bytes, got " + lengthBytes);
        }
        if (null == key || 0 == key.length)
        {
            throw new IllegalArgumentException("HMAC-SHA256 pseudonym needs a non-empty key");
        }
        this.lengthBytes = lengthBytes;
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JDK has no SHA-256, which every Java SE platform must provide", ex);
        }

        // RFC 2104 section 2: a key longer than the block is hashed first, a shorter one padded with zeros.
        final byte[] blockKey = key.length > BLOCK_BYTES ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK_BYTES; i++)
        {
            final byte k = i < blockKey.length ? blockKey[i] : 0;
            innerPad[i] = (byte)(k ^ IPAD);
            outerPad[i] = (byte)(k ^ OPAD);
        }
        if (blockKey != key)
        {
            Arrays.fill(blockKey, (byte)0);
        }
    }

    /**
     * @return the bytes each pseudonym has.
     */
    public int lengthBytes()
    {
        return lengthBytes;
    }

    /**
     * Writes the truncated HMAC of {@code in[offset, offset + length)} to {@code out[outOffset, outOffset + lengthBytes())}.
     *
     * @param in        the value's bytes.
     * @param offset    first byte.
     * @param length    bytes.
     * @param out       where the pseudonym goes.
     * @param outOffset first byte written.
     * @return {@link #lengthBytes()}.
     */
    public int pseudonymize(final byte[] in, final int offset, final int length, final byte[] out, final int outOffset)
    {
        hmac(in, offset, length);
        System.arraycopy(digest, 0, out, outOffset, lengthBytes);
        return lengthBytes;
    }

    /**
     * The leftmost eight bytes of the HMAC of a range, big-endian, for callers that turn the
     * pseudonym into another alphabet ({@link UserNamePseudonym}).
     *
     * @param in     the value's bytes.
     * @param offset first byte.
     * @param length bytes.
     * @return the first eight HMAC bytes as a long.
     */
    public long pseudonymLong(final byte[] in, final int offset, final int length)
    {
        hmac(in, offset, length);
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return value;
    }

    private void hmac(final byte[] in, final int offset, final int length)
    {
        try
        {
            sha256.update(innerPad, 0, BLOCK_BYTES);
            sha256.update(in, offset, length);
            sha256.digest(digest, 0, MAX_LENGTH_BYTES);
            sha256.update(outerPad, 0, BLOCK_BYTES);
            sha256.update(digest, 0, MAX_LENGTH_BYTES);
            sha256.digest(digest, 0, MAX_LENGTH_BYTES);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException("SHA-256 output is 32 bytes", ex);
        }
    }

    /**
     * Overwrites the padded key blocks and the last digest; the instance is unusable afterwards.
     */
    public void wipe()
    {
        Arrays.fill(innerPad, (byte)0);
        Arrays.fill(outerPad, (byte)0);
        Arrays.fill(digest, (byte)0);
    }

    public String toString()
    {
        return "HmacSha256Pseudonym{lengthBytes=" + lengthBytes + ", key=<secret>}";
    }
}
