package dev.sluice.policy.condition;

/**
 * An IPv4 or IPv6 prefix (a single address is a /32 or /128), held as two 64-bit halves in the
 * same layout as {@link dev.sluice.policy.field.FieldReader}: IPv4 in the low 32 bits of
 * {@code low} with {@code high} 0. Host bits are always zero. Immutable; any thread.
 *
 * @param version      4 or 6.
 * @param high         bits 127..64 of the network address (IPv6), 0 for IPv4.
 * @param low          bits 63..0 (IPv6) or the 32-bit address (IPv4), host bits cleared.
 * @param prefixLength 0..32 (IPv4) or 0..128 (IPv6).
 */
public record AddressPrefix(int version, long high, long low, int prefixLength)
{
    public AddressPrefix
    {
        if ((4 != version && 6 != version) || prefixLength < 0 || prefixLength > bits(version))
        {
            throw new IllegalArgumentException("bad prefix: version " + version + " length " + prefixLength);
        }
        high = high & maskHigh(version, prefixLength);
        low = low & maskLow(version, prefixLength);
    }

    /**
     * @param version 4 or 6.
     * @return 32 or 128.
     */
    public static int bits(final int version)
    {
        return 4 == version ? 32 : 128;
    }

    /**
     * @return the mask for bits 127..64 (0 for IPv4).
     */
    public static long maskHigh(final int version, final int prefixLength)
    {
        if (4 == version || 0 == prefixLength)
        {
            return 0L;
        }
        return prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
    }

    /**
     * @return the mask for bits 63..0 (the 32-bit mask for IPv4).
     */
    public static long maskLow(final int version, final int prefixLength)
    {
        if (4 == version)
        {
            return 0 == prefixLength ? 0L : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
        }
        return prefixLength <= 64 ? 0L : -1L << (128 - prefixLength);
    }

    public long maskHigh()
    {
        return maskHigh(version, prefixLength);
    }

    public long maskLow()
    {
        return maskLow(version, prefixLength);
    }

    /**
     * @return the last address of the prefix, bits 127..64.
     */
    public long lastHigh()
    {
        return high | ~maskHigh() & (4 == version ? 0L : -1L);
    }

    /**
     * @return the last address of the prefix, bits 63..0.
     */
    public long lastLow()
    {
        return low | ~maskLow() & (4 == version ? 0xFFFF_FFFFL : -1L);
    }

    /**
     * @return true when this is a single address (/32 or /128).
     */
    public boolean isSingleAddress()
    {
        return prefixLength == bits(version);
    }

    /**
     * @return true when the address is in this prefix.
     */
    public boolean contains(final int addressVersion, final long addressHigh, final long addressLow)
    {
        return addressVersion == version &&
            (addressHigh & maskHigh()) == high &&
            (addressLow & maskLow()) == low;
    }

    /**
     * @return canonical text: dotted IPv4 or RFC 5952 IPv6, with {@code /length} unless a single address.
     */
    public String toString()
    {
        final String address = Addresses.format(version, high, low);
        return isSingleAddress() ? address : address + "/" + prefixLength;
    }
}
