package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * A phone number's pseudonym: an E.164 number, with or without the leading '+', whose spaces
 * and dashes stay where they are; the country code ({@link CountryCodes}) is kept and the
 * remaining digits (at least 6, FF1's domain minimum; at most 15 digits in all, E.164's
 * limit) are FF1-encrypted in radix 10, tweaked with the country code. National formats
 * (a leading 0, parentheses) are not E.164 and are refused with a reason. Reversible with the key.
 */
public final class PhoneNumberPseudonym implements ReversiblePseudonym
{
    /** ITU-T E.164: at most 15 digits, country code included. */
    public static final int MAX_DIGITS = 15;
    /** Digits plus separators: anything longer is not a phone number. */
    public static final int MAX_LENGTH = 32;
    private static final int MIN_MASKED_DIGITS = 6;

    private final Ff1Mask mask;
    private final int[] digitPositions = new int[MAX_DIGITS];

    /**
     * @param keys the site key's derivation; the {@link KeyDerivation#FF1_PHONE} subkey is used.
     */
    public PhoneNumberPseudonym(final KeyDerivation keys)
    {
        mask = new Ff1Mask(keys, KeyDerivation.FF1_PHONE, 10);
    }

    @Override
    public int transform(
        final boolean encrypt,
        final byte[] in,
        final int offset,
        final int length,
        final byte[] out,
        final int outOffset,
        final int outLimit)
    {
        if (0 == length)
        {
            return PseudonymReason.EMPTY;
        }
        if (length > MAX_LENGTH)
        {
            return PseudonymReason.TOO_LONG;
        }
        final int start = '+' == in[offset] ? 1 : 0;
        if (start >= length || Ff1Mask.digit(in[offset + start]) < 0)
        {
            return PseudonymReason.BAD_CHARACTER;
        }
        int digits = 0;
        for (int i = start; i < length; i++)
        {
            final byte b = in[offset + i];
            if (Ff1Mask.digit(b) >= 0)
            {
                if (MAX_DIGITS == digits)
                {
                    return PseudonymReason.TOO_LONG;
                }
                digitPositions[digits++] = i;
            }
            else if (' ' != b && '-' != b)
            {
                return PseudonymReason.BAD_CHARACTER;
            }
        }

        final int codeLength = CountryCodes.length(
            digitAt(in, offset, 0, digits), digitAt(in, offset, 1, digits), digitAt(in, offset, 2, digits));
        if (0 == codeLength)
        {
            return PseudonymReason.UNKNOWN_COUNTRY_CODE;
        }
        final int masked = digits - codeLength;
        if (masked < MIN_MASKED_DIGITS)
        {
            return PseudonymReason.TOO_FEW_DIGITS;
        }
        if (outLimit - outOffset < length)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }

        for (int i = 0; i < codeLength; i++)
        {
            mask.tweak[i] = (byte)digitAt(in, offset, i, digits);
        }
        for (int i = 0; i < masked; i++)
        {
            mask.numerals[i] = (byte)digitAt(in, offset, codeLength + i, digits);
        }
        mask.apply(encrypt, masked, codeLength);

        System.arraycopy(in, offset, out, outOffset, length);
        for (int i = 0; i < masked; i++)
        {
            out[outOffset + digitPositions[codeLength + i]] = (byte)('0' + mask.numerals[i]);
        }
        return length;
    }

    private int digitAt(final byte[] in, final int offset, final int index, final int digits)
    {
        return index < digits ? in[offset + digitPositions[index]] - '0' : -1;
    }

    public String toString()
    {
        return "PhoneNumberPseudonym{key=<secret>}";
    }
}
