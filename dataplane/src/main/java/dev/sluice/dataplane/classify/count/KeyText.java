package dev.sluice.dataplane.classify.count;

/**
 * Key values as the text a count record holds: whole numbers in decimal, IPv4 addresses dotted,
 * IPv6 addresses as eight hexadecimal groups (not shortened: plain to write, and read by every
 * parser, the gateway's address rewriter included). Allocation-free; any thread.
 */
final class KeyText
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private KeyText()
    {
    }

    /**
     * @return the index after the written digits, or -1 when they do not fit before {@code target.length}.
     */
    static int decimal(final long value, final char[] target, final int at)
    {
        if (at < 0)
        {
            return -1;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }
        if (value < 0 || at + digits > target.length)
        {
            return -1;
        }
        long rest = value;
        for (int i = at + digits - 1; i >= at; i--)
        {
            target[i] = (char)('0' + rest % 10);
            rest /= 10;
        }
        return at + digits;
    }

    /**
     * @param version 4 or 6.
     * @param high    IPv6: bits 127..64; IPv4: unused.
     * @param low     IPv6: bits 63..0; IPv4: the address.
     * @return the index after the address, or -1 when it does not fit.
     */
    static int address(final int version, final long high, final long low, final char[] target, final int at)
    {
        if (4 == version)
        {
            if (at + 15 > target.length)
            {
                return -1;
            }
            int i = at;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                i = decimal((low >>> shift) & 0xFF, target, i);
                if (shift > 0)
                {
                    target[i++] = '.';
                }
            }
            return i;
        }
        if (at + 39 > target.length)
        {
            return -1;
        }
        int i = at;
        for (int group = 0; group < 8; group++)
        {
            final long bits = group < 4 ? high : low;
            final int value = (int)((bits >>> (48 - 16 * (group & 3))) & 0xFFFF);
            boolean started = false;
            for (int shift = 12; shift >= 0; shift -= 4)
            {
                final int nibble = (value >>> shift) & 0xF;
                if (started || 0 != nibble || 0 == shift)
                {
                    target[i++] = HEX[nibble];
                    started = true;
                }
            }
            if (group < 7)
            {
                target[i++] = ':';
            }
        }
        return i;
    }
}
