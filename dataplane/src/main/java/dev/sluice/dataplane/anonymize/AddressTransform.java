package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.generalize.AddressTruncation;
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
    /** The policy's truncation; null when its method is Crypto-PAn. */
    private AddressTruncation truncation;
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
        if (AnonymizationMethod.TRUNCATE != policy.addressMethod())
        {
            truncation = null;
            return;
        }
        final AnonymizationSettings settings = policy.anonymizationSettings();
        if (null == truncation || truncation.ipv4PrefixBits() != settings.truncateIpv4Bits() ||
            truncation.ipv6PrefixBits() != settings.truncateIpv6Bits())
        {
            truncation = new AddressTruncation(settings.truncateIpv4Bits(), settings.truncateIpv6Bits());
        }
    }

    /** @return true when addresses can be transformed under the current method. */
    public boolean canTransform()
    {
        return null != truncation || null != keys.cryptoPan();
    }

    /**
     * @param version 4 or 6.
     * @param high    IPv6 bits 0..63 (ignored for IPv4).
     * @param low     IPv6 bits 64..127, or the IPv4 address in the low 32 bits.
     */
    public void apply(final byte version, final long high, final long low)
    {
        if (null != truncation)
        {
            if (4 == version)
            {
                resultHigh = 0;
                resultLow = truncation.ipv4((int)low) & 0xFFFF_FFFFL;
            }
            else
            {
                resultHigh = truncation.ipv6High(high);
                resultLow = truncation.ipv6Low(low);
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
}
