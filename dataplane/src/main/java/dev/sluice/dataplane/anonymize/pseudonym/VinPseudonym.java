package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * A VIN's pseudonym (ISO 3779, 49 CFR 565): the WMI (positions 1-3, the maker) is kept,
 * positions 4-8 and 10-17 (13 characters) are FF1-encrypted over the VIN alphabet (digits and
 * the letters without I, O and Q: radix 33, tweaked with the WMI), and position 9 is set to the
 * check digit of the result (49 CFR 565.15: transliterate, weight 8 7 6 5 4 3 2 10 0 9 8 7 6 5
 * 4 3 2, sum mod 11, 10 written as X), so the pseudonym passes VIN validators. It is a valid
 * VIN by alphabet and check digit; its model-year letter (position 10) is not checked against
 * the year table. Letters are written uppercase unless every letter of the input was
 * lowercase. Reversible with the key; position 9 is recomputed on the way back too (a VIN from
 * outside North America without a check digit comes back with one).
 */
public final class VinPseudonym implements ReversiblePseudonym
{
    /** Characters in a VIN. */
    public static final int LENGTH = 17;
    /** The VIN alphabet in numeral order. */
    static final String ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

    private static final int WMI_LENGTH = 3;
    private static final int X_NUMERAL = ALPHABET.indexOf('X');
    private static final int CHECK_INDEX = 8;
    private static final int MASKED = LENGTH - WMI_LENGTH - 1;
    private static final int[] WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    /** 49 CFR 565.15 Table IV: the value of each VIN character, indexed by numeral. */
    private static final int[] TRANSLITERATION = new int[ALPHABET.length()];
    private static final byte[] NUMERAL_OF = new byte[128];
    private static final byte[] UPPER = ALPHABET.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LOWER = ALPHABET.toLowerCase().getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static
    {
        java.util.Arrays.fill(NUMERAL_OF, (byte)-1);
        for (int i = 0; i < ALPHABET.length(); i++)
        {
            final char c = ALPHABET.charAt(i);
            NUMERAL_OF[c] = (byte)i;
            NUMERAL_OF[Character.toLowerCase(c)] = (byte)i;
            if (c >= '0' && c <= '9')
            {
                TRANSLITERATION[i] = c - '0';
            }
        }
        // Pairs of groups: letters, then their values (A-H = 1-8, J-R = 1-9 without O and Q, S-Z = 2-9).
        final String[][] groups = {{"ABCDEFGH", "12345678"}, {"JKLMNPR", "1234579"}, {"STUVWXYZ", "23456789"}};
        for (final String[] group : groups)
        {
            for (int i = 0; i < group[0].length(); i++)
            {
                TRANSLITERATION[ALPHABET.indexOf(group[0].charAt(i))] = group[1].charAt(i) - '0';
            }
        }
    }

    private final Ff1Mask mask;

    /**
     * @param keys the site key's derivation; the {@link KeyDerivation#FF1_VIN} subkey is used.
     */
    public VinPseudonym(final KeyDerivation keys)
    {
        mask = new Ff1Mask(keys, KeyDerivation.FF1_VIN, ALPHABET.length());
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
        if (length > LENGTH)
        {
            return PseudonymReason.TOO_LONG;
        }
        boolean anyUpper = false;
        boolean anyLower = false;
        for (int i = 0; i < length; i++)
        {
            final byte b = in[offset + i];
            if (b < 0 || NUMERAL_OF[b] < 0)
            {
                return PseudonymReason.BAD_CHARACTER;
            }
            anyUpper |= b >= 'A' && b <= 'Z';
            anyLower |= b >= 'a' && b <= 'z';
        }
        if (length != LENGTH)
        {
            return PseudonymReason.BAD_LENGTH;
        }
        if (outLimit - outOffset < LENGTH)
        {
            return PseudonymReason.OUTPUT_TOO_SMALL;
        }

        int masked = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            final byte numeral = NUMERAL_OF[in[offset + i]];
            if (i < WMI_LENGTH)
            {
                mask.tweak[i] = numeral;
            }
            else if (i != CHECK_INDEX)
            {
                mask.numerals[masked++] = numeral;
            }
        }
        mask.apply(encrypt, MASKED, WMI_LENGTH);

        final byte[] alphabet = anyLower && !anyUpper ? LOWER : UPPER;
        int sum = 0;
        masked = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            if (CHECK_INDEX == i)
            {
                continue;
            }
            final int numeral = i < WMI_LENGTH ? mask.tweak[i] : mask.numerals[masked++];
            out[outOffset + i] = alphabet[numeral];
            sum += TRANSLITERATION[numeral] * WEIGHTS[i];
        }
        final int check = sum % 11;
        out[outOffset + CHECK_INDEX] = 10 == check ? alphabet[X_NUMERAL] : (byte)('0' + check);
        return LENGTH;
    }

    /**
     * @param vin 17 VIN characters.
     * @return the check character position 9 should hold.
     */
    static char checkCharacter(final String vin)
    {
        int sum = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            sum += TRANSLITERATION[NUMERAL_OF[vin.charAt(i)]] * WEIGHTS[i];
        }
        final int check = sum % 11;
        return 10 == check ? 'X' : (char)('0' + check);
    }

    public String toString()
    {
        return "VinPseudonym{key=<secret>}";
    }
}
