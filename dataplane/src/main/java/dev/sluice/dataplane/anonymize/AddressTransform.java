package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.AnonymizationSettings;

/**
 * The transformed form of an address, as the policy in force asks for it: the Crypto-PAn image
 * under the site's key, or the address truncated to a prefix (the policy's
 * {@code anonymization.truncate-ipv4/-ipv6}). A policy uses one of the two (the parser refuses
 * both), so a worker keeps one of these and points it at each policy version it switches to.
 * <p>
 * Results are left in {@link #resultHigh()} and {@link #resultLow()} in the dataplane's address
 * representation: IPv4 in the low 32 bits of {@code low}, IPv6 as two big-endian halves. Worker
 * thread only; allocates nothing.
 */
public final class AddressTransform
{
    private final WorkerKeys keys;
    /** Prefix bits kept when truncating; -1 when the method is Crypto-PAn. */
    private int ipv4Bits = -1;
    private int ipv6Bits = -1;
    private long resultHigh;
    private long resultLow;

    /**
     * @param keys the worker's keys: Crypto-PAn of the key epoch in force (none when the gateway has
     *             no key; then only truncation is possible, and {@code PolicyInstaller} refuses
     *             policies that need more).
     */
    public AddressTransform(final WorkerKeys keys)
    {
        this.keys = keys;
    }

    /**
     * Follows a policy version: its address method and prefix lengths. Cheap; call it when the
     * worker switches policies.
     */
    public void use(final Policy policy)
    {
        if (AnonymizationMethod.TRUNCATE == policy.addressMethod())
        {
            final AnonymizationSettings settings = policy.anonymizationSettings();
            ipv4Bits = settings.truncateIpv4Bits();
            ipv6Bits = settings.truncateIpv6Bits();
        }
        else
        {
            ipv4Bits = -1;
            ipv6Bits = -1;
        }
    }

    /** @return true when addresses can be transformed under the current method. */
    public boolean canTransform()
    {
        return ipv4Bits >= 0 || null != keys.cryptoPan();
    }

    /**
     * @param version 4 or 6.
     * @param high    IPv6 bits 0..63 (ignored for IPv4).
     * @param low     IPv6 bits 64..127, or the IPv4 address in the low 32 bits.
     */
    public void apply(final byte version, final long high, final long low)
    {
        if (ipv4Bits >= 0)
        {
            if (4 == version)
            {
                resultHigh = 0;
                resultLow = truncate(low << 32, ipv4Bits) >>> 32;
            }
            else
            {
                resultHigh = truncate(high, ipv6Bits);
                resultLow = truncate(low, ipv6Bits - 64);
            }
            return;
        }
        final CryptoPan cryptoPan = keys.cryptoPan();
        if (null == cryptoPan)
        {
            throw new IllegalStateException("a policy asks for Crypto-PAn but the gateway has no key");
        }
        if (4 == version)
        {
            resultHigh = 0;
            resultLow = cryptoPan.anonymizeIpv4((int)low) & 0xFFFF_FFFFL;
        }
        else
        {
            cryptoPan.anonymizeIpv6(high, low);
            resultHigh = cryptoPan.resultHigh();
            resultLow = cryptoPan.resultLow();
        }
    }

    public long resultHigh()
    {
        return resultHigh;
    }

    public long resultLow()
    {
        return resultLow;
    }

    /** The first {@code bits} bits of a 64-bit half kept ({@code bits} may lie outside 0..64). */
    static long truncate(final long half, final int bits)
    {
        return bits <= 0 ? 0 : bits >= 64 ? half : half & (-1L << (64 - bits));
    }
}
