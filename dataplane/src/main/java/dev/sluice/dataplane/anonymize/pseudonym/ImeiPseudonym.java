package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * An IMEI's pseudonym (3GPP TS 23.003 section 6.2): the 8-digit TAC (the device model) is
 * kept, the 6-digit serial number is FF1-encrypted in radix 10 (tweaked with the TAC; 10^6 is
 * exactly FF1's domain minimum), and the 15th digit, the Luhn check digit, is recomputed so
 * the pseudonym passes every IMEI validator. An IMEISV (16 digits: TAC, serial, 2-digit
 * software version, no check digit) keeps its software version. Digits only. Reversible with
 * the key; the check digit is recomputed on the way back too, so an input with a wrong check
 * digit comes back with the right one.
 */
public final class ImeiPseudonym implements ReversiblePseudonym
{
    /** IMEI: TAC, serial, check digit. */
    public static final int IMEI_DIGITS = 15;
    /** IMEISV: TAC, serial, software version. */
    public static final int IMEISV_DIGITS = 16;
    private static final int TAC_DIGITS = 8;
    private static final int SERIAL_DIGITS = 6;

    private final Ff1Mask mask;

    /**
     * @param keys the site key's derivation; the {@link KeyDerivation#FF1_IMEI} subkey is used.
     */
    public ImeiPseudonym(final KeyDerivation keys)
    {
        mask = new Ff1Mask(keys, KeyDerivation.FF1_IMEI, 10);
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
        final int invalid = Ff1Mask.checkDigits(in, offset, length, IMEISV_DIGITS);
        if (0 != invalid)
        {
            return invalid;
        }
        if (length != IMEI_DIGITS && length != IMEISV_DIGITS)
        {
            return PseudonymReason.BAD_LENGTH;
        }
        if (outLimit - outOffset < length)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }

        for (int i = 0; i < TAC_DIGITS; i++)
        {
            mask.tweak[i] = (byte)(in[offset + i] - '0');
            out[outOffset + i] = in[offset + i];
        }
        for (int i = 0; i < SERIAL_DIGITS; i++)
        {
            mask.numerals[i] = (byte)(in[offset + TAC_DIGITS + i] - '0');
        }
        mask.apply(encrypt, SERIAL_DIGITS, TAC_DIGITS);
        for (int i = 0; i < SERIAL_DIGITS; i++)
        {
            out[outOffset + TAC_DIGITS + i] = (byte)('0' + mask.numerals[i]);
        }
        if (IMEI_DIGITS == length)
        {
            out[outOffset + IMEI_DIGITS - 1] = (byte)('0' + luhnCheckDigit(out, outOffset, IMEI_DIGITS - 1));
        }
        else
        {
            out[outOffset + IMEISV_DIGITS - 2] = in[offset + IMEISV_DIGITS - 2];
            out[outOffset + IMEISV_DIGITS - 1] = in[offset + IMEISV_DIGITS - 1];
        }
        return length;
    }

    /**
     * The Luhn check digit of ASCII digits: every second digit from the right of the payload
     * is doubled (digits of the product summed), the check digit tops the sum up to a multiple of 10.
     *
     * @param digits ASCII digits.
     * @param offset first digit.
     * @param length payload digits (14 for an IMEI).
     * @return the check digit, 0 to 9.
     */
    static int luhnCheckDigit(final byte[] digits, final int offset, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i++)
        {
            int d = digits[offset + length - 1 - i] - '0';
            if (0 == (i & 1))
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }

    public String toString()
    {
        return "ImeiPseudonym{key=<secret>}";
    }
}
