package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * A MAC address's pseudonym: the OUI (first 24 bits: the maker, and the
 * multicast/locally-administered bits) is kept, the last 24 bits are FF1-encrypted as six hex
 * numerals (radix 16, domain 16^6 = 16.7 M), tweaked with the OUI. The layout is kept as
 * written: {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff}, {@code aabb.ccdd.eeff} or
 * {@code aabbccddeeff}; the output's hex letters are uppercase when the input's letters all
 * are, else lowercase (the OUI included: a mixed-case input comes out in lowercase, the same
 * address). Reversible with the key.
 */
public final class MacAddressPseudonym implements ReversiblePseudonym
{
    private static final int HEX_DIGITS = 12;
    private static final int OUI_HEX_DIGITS = 6;
    private static final byte[] LOWER = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] UPPER = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Ff1Mask mask;

    /**
     * @param keys the site key's derivation; the {@link KeyDerivation#FF1_MAC} subkey is used.
     */
    public MacAddressPseudonym(final KeyDerivation keys)
    {
        mask = new Ff1Mask(keys, KeyDerivation.FF1_MAC, 16);
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
        if (length != 17 && length != 14 && length != 12)
        {
            return length > 17 ? PseudonymReason.TOO_LONG : PseudonymReason.BAD_LENGTH;
        }
        final byte separator = 17 == length ? in[offset + 2] : (byte)'.';
        if (17 == length && ':' != separator && '-' != separator)
        {
            return PseudonymReason.BAD_SEPARATOR;
        }
        if (outLimit - outOffset < length)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }

        int hexCount = 0;
        boolean anyUpper = false;
        boolean anyLower = false;
        for (int i = 0; i < length; i++)
        {
            final byte b = in[offset + i];
            if (isSeparatorPosition(length, i))
            {
                if (b != separator)
                {
                    return PseudonymReason.BAD_SEPARATOR;
                }
                continue;
            }
            final int value = Ff1Mask.hexDigit(b);
            if (value < 0)
            {
                return ':' == b || '-' == b || '.' == b ? PseudonymReason.BAD_SEPARATOR : PseudonymReason.BAD_CHARACTER;
            }
            anyUpper |= b >= 'A' && b <= 'F';
            anyLower |= b >= 'a' && b <= 'f';
            if (hexCount < OUI_HEX_DIGITS)
            {
                mask.tweak[hexCount] = (byte)value;
            }
            else
            {
                mask.numerals[hexCount - OUI_HEX_DIGITS] = (byte)value;
            }
            hexCount++;
        }

        mask.apply(encrypt, HEX_DIGITS - OUI_HEX_DIGITS, OUI_HEX_DIGITS);

        final byte[] digits = anyUpper && !anyLower ? UPPER : LOWER;
        hexCount = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = in[offset + i];
            if (isSeparatorPosition(length, i))
            {
                out[outOffset + i] = b;
            }
            else
            {
                // The OUI is rewritten in the output's case too, so a mixed-case input gives one case throughout.
                out[outOffset + i] = hexCount < OUI_HEX_DIGITS ?
                    digits[Ff1Mask.hexDigit(b)] : digits[mask.numerals[hexCount - OUI_HEX_DIGITS]];
                hexCount++;
            }
        }
        return length;
    }

    private static boolean isSeparatorPosition(final int length, final int index)
    {
        return switch (length)
        {
            case 17 -> 2 == index % 3;
            case 14 -> 4 == index || 9 == index;
            default -> false;
        };
    }

    public String toString()
    {
        return "MacAddressPseudonym{key=<secret>}";
    }
}
