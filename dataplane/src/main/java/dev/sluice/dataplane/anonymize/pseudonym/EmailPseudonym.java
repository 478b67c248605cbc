package dev.sluice.dataplane.anonymize.pseudonym;

import java.util.Arrays;

/**
 * An e-mail address's pseudonym: the local part becomes a {@value Base32Token#LENGTH}-character
 * base32 token (SipHash-2-4 under the first half of the {@link KeyDerivation#EMAIL} subkey, as
 * {@link UserNamePseudonym} does, with the same collision bound). With keep-domain the domain
 * stays as written, so mail per organization can still be counted; otherwise it becomes a
 * token of its own (the second half of the subkey, over the domain lowercased, since domains
 * are case-insensitive) under {@code .invalid} (RFC 2606: a name that can never resolve), so
 * the result is still an address to every parser: {@code k2m4...@p7qa....invalid}.
 * <p>
 * Accepted: local part of 1 to 64 bytes without whitespace, control characters or '@' (bytes
 * above 0x7F are allowed for SMTPUTF8), '@', domain of 1 to 253 letters, digits, '-' and '.'
 * that neither starts nor ends with '.'. Not reversible.
 */
public final class EmailPseudonym implements IdentifierPseudonym
{
    /** RFC 5321 section 4.5.3.1.1. */
    public static final int MAX_LOCAL_LENGTH = 64;
    /** RFC 1035 as used by RFC 5321: 253 characters of text. */
    public static final int MAX_DOMAIN_LENGTH = 253;

    private static final byte[] INVALID_TLD = ".invalid".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SipHash24 localPrf;
    private final SipHash24 domainPrf;
    private final boolean keepDomain;
    private final byte[] lowerDomain = new byte[MAX_DOMAIN_LENGTH];

    /**
     * @param key        32 bytes: the local part's SipHash key, then the domain's; copied.
     * @param keepDomain whether the domain stays as written.
     */
    public EmailPseudonym(final byte[] key, final boolean keepDomain)
    {
        if (null == key || key.length != 2 * SipHash24.KEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException("e-mail pseudonym key must be " + 2 * SipHash24.KEY_LENGTH_BYTES + " bytes");
        }
        localPrf = new SipHash24(key, 0);
        domainPrf = new SipHash24(key, SipHash24.KEY_LENGTH_BYTES);
        this.keepDomain = keepDomain;
    }

    /**
     * @param keys       the site key's derivation.
     * @param keepDomain whether the domain stays as written.
     * @return the e-mail pseudonym of that site key.
     */
    public static EmailPseudonym fromSiteKey(final KeyDerivation keys, final boolean keepDomain)
    {
        final byte[] subkey = keys.subkey(KeyDerivation.EMAIL, 2 * SipHash24.KEY_LENGTH_BYTES);
        try
        {
            return new EmailPseudonym(subkey, keepDomain);
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
        if (length > MAX_LOCAL_LENGTH + 1 + MAX_DOMAIN_LENGTH)
        {
            return PseudonymReason.TOO_LONG;
        }
        final int end = offset + length;
        int at = -1;
        for (int i = end - 1; i >= offset; i--)
        {
            if ('@' == in[i])
            {
                at = i;
                break;
            }
        }
        if (at < 0)
        {
            return PseudonymReason.NOT_AN_EMAIL;
        }
        final int localLength = at - offset;
        final int domainLength = end - at - 1;
        if (localLength < 1 || localLength > MAX_LOCAL_LENGTH || domainLength < 1 || domainLength > MAX_DOMAIN_LENGTH)
        {
            return PseudonymReason.NOT_AN_EMAIL;
        }
        for (int i = offset; i < at; i++)
        {
            final int b = in[i] & 0xFF;
            if (b <= ' ' || 0x7F == b || '@' == b)
            {
                return PseudonymReason.NOT_AN_EMAIL;
            }
        }
        if ('.' == in[at + 1] || '.' == in[end - 1])
        {
            return PseudonymReason.NOT_AN_EMAIL;
        }
        for (int i = at + 1; i < end; i++)
        {
            final byte b = in[i];
            final boolean ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || '-' == b || '.' == b;
            if (!ok)
            {
                return PseudonymReason.NOT_AN_EMAIL;
            }
        }

        final int outLength = Base32Token.LENGTH + 1 + (keepDomain ? domainLength : Base32Token.LENGTH + INVALID_TLD.length);
        if (outLimit - outOffset < outLength)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }
        Base32Token.write(localPrf.hash(in, offset, localLength), out, outOffset);
        out[outOffset + Base32Token.LENGTH] = '@';
        final int domainOut = outOffset + Base32Token.LENGTH + 1;
        if (keepDomain)
        {
            System.arraycopy(in, at + 1, out, domainOut, domainLength);
        }
        else
        {
            for (int i = 0; i < domainLength; i++)
            {
                final byte b = in[at + 1 + i];
                lowerDomain[i] = b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b;
            }
            Base32Token.write(domainPrf.hash(lowerDomain, 0, domainLength), out, domainOut);
            System.arraycopy(INVALID_TLD, 0, out, domainOut + Base32Token.LENGTH, INVALID_TLD.length);
        }
        return outLength;
    }

    public String toString()
    {
        return "EmailPseudonym{keepDomain=" + keepDomain + ", key=<secret>}";
    }
}
