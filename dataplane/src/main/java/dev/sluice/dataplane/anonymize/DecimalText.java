package dev.sluice.dataplane.anonymize;

/**
 * Plain decimal numbers as telemetry writes them, read from a field's text and written back
 * after generalization: an optional sign, digits, an optional fraction; no exponent, no spaces.
 * Allocation-free; any thread.
 */
final class DecimalText
{
    /** Digits kept of a whole part or a fraction: beyond 15, a double holds no more. */
    private static final int MAX_DIGITS = 15;
    private static final int MAX_DECIMALS = 9;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L };

    private DecimalText()
    {
    }

    /**
     * @param text a number as written.
     * @return its value, or NaN when it is not a plain decimal number (which the callers treat as
     * a value they cannot transform).
     */
    static double parse(final CharSequence text)
    {
        final int length = text.length();
        int i = 0;
        boolean negative = false;
        if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+'))
        {
            negative = text.charAt(i) == '-';
            i++;
        }
        long whole = 0;
        int wholeDigits = 0;
        while (i < length && isDigit(text.charAt(i)))
        {
            if (++wholeDigits > MAX_DIGITS)
            {
                return Double.NaN;
            }
            whole = whole * 10 + (text.charAt(i++) - '0');
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (i < length && text.charAt(i) == '.')
        {
            i++;
            while (i < length && isDigit(text.charAt(i)))
            {
                if (fractionDigits < MAX_DIGITS)
                {
                    fraction = fraction * 10 + (text.charAt(i) - '0');
                    fractionDigits++;
                }
                i++;
            }
        }
        if (i != length || 0 == wholeDigits)
        {
            return Double.NaN;
        }
        final double value = whole + fraction / Math.pow(10, fractionDigits);
        return negative ? -value : value;
    }

    /**
     * Writes a whole number.
     *
     * @return bytes written, or -1 when they do not fit before {@code limit}.
     */
    static int write(final long value, final byte[] out, final int offset, final int limit)
    {
        int at = offset;
        long magnitude = value;
        if (value < 0)
        {
            if (at >= limit || Long.MIN_VALUE == value)
            {
                return -1;
            }
            out[at++] = '-';
            magnitude = -value;
        }
        int digits = 1;
        for (long rest = magnitude / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        if (at + digits > limit)
        {
            return -1;
        }
        for (int d = digits - 1; d >= 0; d--)
        {
            out[at + d] = (byte)('0' + magnitude % 10);
            magnitude /= 10;
        }
        return at + digits - offset;
    }

    /**
     * Writes a number rounded to {@code decimals} places (0..9), without an exponent.
     *
     * @return bytes written, or -1 when they do not fit before {@code limit}.
     */
    static int write(final double value, final int decimals, final byte[] out, final int offset, final int limit)
    {
        final long scaled = Math.round(Math.abs(value) * POWERS_OF_TEN[decimals]);
        int at = offset;
        if (value < 0 && scaled != 0)
        {
            if (at >= limit)
            {
                return -1;
            }
            out[at++] = '-';
        }
        final int whole = write(scaled / POWERS_OF_TEN[decimals], out, at, limit);
        if (whole < 0)
        {
            return -1;
        }
        at += whole;
        if (decimals > 0)
        {
            if (at + 1 + decimals > limit)
            {
                return -1;
            }
            out[at++] = '.';
            long fraction = scaled % POWERS_OF_TEN[decimals];
            for (int d = decimals - 1; d >= 0; d--)
            {
                out[at + d] = (byte)('0' + fraction % 10);
                fraction /= 10;
            }
            at += decimals;
        }
        return at - offset;
    }

    /** The fewest decimals (at most 9) whose last place is no finer than {@code resolution}. */
    static int decimalsFor(final double resolution)
    {
        int decimals = 0;
        double place = 1.0;
        while (decimals < MAX_DECIMALS && place > resolution)
        {
            place /= 10.0;
            decimals++;
        }
        return decimals;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}
