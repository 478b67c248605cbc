package dev.sluice.dataplane.anonymize.generalize;

/**
 * Keeps the first n bits of an address and zeroes the rest: IPv4 /n for n = 0..32, IPv6 /n for
 * n = 0..128 over the (high, low) pair of longs that {@code CryptoPan} uses (high = bits 0..63 in
 * network order). Truncation is the cheapest generalization: it keeps what routing and
 * aggregation by subnet need and drops the host part, with no key to manage.
 * <p>
 * The masks are computed once here because Java shifts take the count modulo the width:
 * {@code -1 << 32} is -1, not 0, so a naive {@code ~(-1 >>> n)} keeps every bit for /0 and a naive
 * {@code -1L << (64 - n)} keeps every bit of the low half for /64. Precomputing per prefix length
 * removes both edge cases from the data path and leaves one AND per half.
 * <p>
 * Immutable, so any thread may call it; allocation-free.
 */
public final class AddressTruncation
{
    /** Bits in an IPv4 address. */
    public static final int IPV4_BITS = 32;

    /** Bits in an IPv6 address. */
    public static final int IPV6_BITS = 128;

    private final int ipv4PrefixBits;
    private final int ipv6PrefixBits;
    private final int ipv4Mask;
    private final long ipv6HighMask;
    private final long ipv6LowMask;

    /**
     * A truncation to the given prefix lengths.
     *
     * @param ipv4PrefixBits bits of an IPv4 address kept, 0..32.
     * @param ipv6PrefixBits bits of an IPv6 address kept, 0..128.
     * @throws IllegalArgumentException if a length is out of range (a configuration error).
     */
    public AddressTruncation(final int ipv4PrefixBits, final int ipv6PrefixBits)
    {
        if (ipv4PrefixBits < 0 || ipv4PrefixBits > IPV4_BITS)
        {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + ipv4PrefixBits);
        }
        if (ipv6PrefixBits < 0 || ipv6PrefixBits > IPV6_BITS)
        {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, got " + ipv6PrefixBits);
        }
        this.ipv4PrefixBits = ipv4PrefixBits;
        this.ipv6PrefixBits = ipv6PrefixBits;
        this.ipv4Mask = ipv4Mask(ipv4PrefixBits);
        this.ipv6HighMask = keepFirstBits(Math.min(ipv6PrefixBits, Long.SIZE));
        this.ipv6LowMask = keepFirstBits(Math.max(ipv6PrefixBits - Long.SIZE, 0));
    }

    /**
     * The mask that keeps the first {@code prefixBits} bits of an IPv4 address.
     *
     * @param prefixBits 0..32.
     * @return the mask (0 for /0, -1 for /32).
     */
    public static int ipv4Mask(final int prefixBits)
    {
        return 0 == prefixBits ? 0 : -1 << (IPV4_BITS - prefixBits);
    }

    /**
     * The mask that keeps the first {@code bits} bits of a 64-bit half.
     *
     * @param bits 0..64.
     * @return the mask (0 for 0 bits, -1 for 64).
     */
    public static long keepFirstBits(final int bits)
    {
        return 0 == bits ? 0L : -1L << (Long.SIZE - bits);
    }

    /**
     * @param address an IPv4 address, network order in an int (first octet in the top byte).
     * @return the address with all but its first {@link #ipv4PrefixBits()} bits zeroed.
     */
    public int ipv4(final int address)
    {
        return address & ipv4Mask;
    }

    /**
     * @param high bits 0..63 of an IPv6 address.
     * @return those bits truncated to the configured prefix.
     */
    public long ipv6High(final long high)
    {
        return high & ipv6HighMask;
    }

    /**
     * @param low bits 64..127 of an IPv6 address.
     * @return those bits truncated to the configured prefix.
     */
    public long ipv6Low(final long low)
    {
        return low & ipv6LowMask;
    }

    /**
     * @return IPv4 bits kept.
     */
    public int ipv4PrefixBits()
    {
        return ipv4PrefixBits;
    }

    /**
     * @return IPv6 bits kept.
     */
    public int ipv6PrefixBits()
    {
        return ipv6PrefixBits;
    }

    @Override
    public String toString()
    {
        return "AddressTruncation{ipv4=/" + ipv4PrefixBits + ", ipv6=/" + ipv6PrefixBits + "}";
    }
}
