package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * Writes the top 60 bits of a 64-bit PRF output as twelve lowercase base32 characters (the
 * RFC 4648 alphabet, lowercased): a fixed-length token that is a valid user name, e-mail local
 * part and DNS label. Stateless.
 */
final class Base32Token
{
    /** Characters per token: 12 x 5 = 60 bits. */
    static final int LENGTH = 12;

    private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Base32Token()
    {
    }

    static void write(final long prfOutput, final byte[] out, final int outOffset)
    {
        for (int i = 0; i < LENGTH; i++)
        {
            out[outOffset + i] = ALPHABET[(int)(prfOutput >>> (Long.SIZE - 5 * (i + 1))) & 31];
        }
    }
}
