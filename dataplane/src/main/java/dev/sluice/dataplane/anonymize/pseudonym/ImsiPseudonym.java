package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * An IMSI's pseudonym: MCC and MNC (the home network, {@link MobileCountryCodes} for the MNC's
 * length) are kept, the MSIN is FF1-encrypted in radix 10 (tweaked with MCC+MNC), so the
 * result is an IMSI of the same length on the same network. Up to 15 digits, digits only, with
 * an MSIN of at least 6 digits (FF1's domain minimum). Reversible with the key.
 */
public final class ImsiPseudonym implements ReversiblePseudonym
{
    /** ITU-T E.212: at most 15 digits. */
    public static final int MAX_DIGITS = 15;
    private static final int MCC_DIGITS = 3;
    private static final int MIN_MSIN_DIGITS = 6;

    private final Ff1Mask mask;

    /**
     * @param keys the site key's derivation; the {@link KeyDerivation#FF1_IMSI} subkey is used.
     */
    public ImsiPseudonym(final KeyDerivation keys)
    {
        mask = new Ff1Mask(keys, KeyDerivation.FF1_IMSI, 10);
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
        final int invalid = Ff1Mask.checkDigits(in, offset, length, MAX_DIGITS);
        if (0 != invalid)
        {
            return invalid;
        }
        if (length <= MCC_DIGITS + 2)
        {
            return PseudonymReason.TOO_FEW_DIGITS;
        }
        final int mcc = (in[offset] - '0') * 100 + (in[offset + 1] - '0') * 10 + (in[offset + 2] - '0');
        final int keptDigits = MCC_DIGITS + MobileCountryCodes.mncLength(mcc, in[offset + MCC_DIGITS] - '0');
        final int msinDigits = length - keptDigits;
        if (msinDigits < MIN_MSIN_DIGITS)
        {
            return PseudonymReason.TOO_FEW_DIGITS;
        }
        if (outLimit - outOffset < length)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }

        for (int i = 0; i < keptDigits; i++)
        {
            mask.tweak[i] = (byte)(in[offset + i] - '0');
            out[outOffset + i] = in[offset + i];
        }
        for (int i = 0; i < msinDigits; i++)
        {
            mask.numerals[i] = (byte)(in[offset + keptDigits + i] - '0');
        }
        mask.apply(encrypt, msinDigits, keptDigits);
        for (int i = 0; i < msinDigits; i++)
        {
            out[outOffset + keptDigits + i] = (byte)('0' + mask.numerals[i]);
        }
        return length;
    }

    public String toString()
    {
        return "ImsiPseudonym{key=<secret>}";
    }
}
