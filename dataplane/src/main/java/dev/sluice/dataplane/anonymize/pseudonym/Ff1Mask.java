package dev.sluice.dataplane.anonymize.pseudonym;

import java.util.Arrays;

/**
 * The FF1 part every format-preserving identifier mask shares: the cipher under the method's
 * subkey, scratch numerals and a tweak made of the identifier's kept part (the OUI, MCC+MNC,
 * TAC, WMI or country code), so the same masked digits under different kept parts encrypt
 * differently and a pseudonym cannot be moved to another network or maker and still decrypt.
 * Not thread-safe.
 */
final class Ff1Mask
{
    /** Subkey length: AES-256. */
    static final int KEY_LENGTH_BYTES = 32;

    final byte[] numerals = new byte[Ff1.MAX_LENGTH];
    final byte[] tweak = new byte[16];
    private final Ff1 ff1;

    Ff1Mask(final KeyDerivation keys, final String info, final int radix)
    {
        final byte[] subkey = keys.subkey(info, KEY_LENGTH_BYTES);
        try
        {
            ff1 = new Ff1(subkey, radix);
        }
        finally
        {
            Arrays.fill(subkey, (byte)0);
        }
    }

    Ff1Mask(final byte[] key, final int radix)
    {
        ff1 = new Ff1(key, radix);
    }

    void apply(final boolean encrypt, final int numeralCount, final int tweakLength)
    {
        if (encrypt)
        {
            ff1.encrypt(numerals, 0, numeralCount, tweak, 0, tweakLength);
        }
        else
        {
            ff1.decrypt(numerals, 0, numeralCount, tweak, 0, tweakLength);
        }
    }

    /**
     * The checks every all-digit identifier (IMSI, IMEI) starts with.
     *
     * @return 0 when the value is 1..{@code maxDigits} decimal digits, else the {@link PseudonymReason}.
     */
    static int checkDigits(final byte[] in, final int offset, final int length, final int maxDigits)
    {
        if (0 == length)
        {
            return PseudonymReason.EMPTY;
        }
        if (length > maxDigits)
        {
            return PseudonymReason.TOO_LONG;
        }
        for (int i = 0; i < length; i++)
        {
            if (digit(in[offset + i]) < 0)
            {
                return PseudonymReason.BAD_CHARACTER;
            }
        }
        return 0;
    }

    static int digit(final byte b)
    {
        return b >= '0' && b <= '9' ? b - '0' : -1;
    }

    /** Hex digit value, or -1; sets nothing about case. */
    static int hexDigit(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }
}
