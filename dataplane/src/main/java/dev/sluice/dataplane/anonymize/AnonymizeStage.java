package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

/**
 * Computes the Crypto-PAn form of the addresses of every forwarded item that a rule asked to
 * anonymize, or that some destination may only receive transformed. Each address is
 * transformed at most once per item, however many destinations need it; the residency stage
 * then picks, per destination, whether the raw or the transformed value leaves.
 * Worker thread only.
 */
public final class AnonymizeStage
{
    private final CryptoPan cryptoPan;

    /**
     * @param cryptoPan the site's keyed Crypto-PAn, or null when the gateway has no key (then no
     *                  policy that needs a transform is accepted, see {@code GatewayConductor})
     */
    public AnonymizeStage(final CryptoPan cryptoPan)
    {
        this.cryptoPan = cryptoPan;
    }

    public boolean canTransform()
    {
        return cryptoPan != null;
    }

    /**
     * @param precomputeTransforms {@link AnonymizedFields} bits some destination needs transformed for every item
     */
    public void apply(final PacketBurst burst, final byte precomputeTransforms)
    {
        final int count = burst.count();
        for (int i = 0; i < count; i++)
        {
            if (burst.verdict[i] != Verdict.PASS)
            {
                continue;
            }
            final int wanted = (burst.anonymizeFields[i] | precomputeTransforms) & AnonymizedFields.ADDRESSES;
            final byte version = burst.ipVersion[i];
            if (wanted == 0 || (version != 4 && version != 6))
            {
                continue;
            }
            if (cryptoPan == null)
            {
                throw new IllegalStateException("a policy asks for Crypto-PAn but the gateway has no key");
            }
            if ((wanted & AnonymizedFields.SRC_ADDRESS) != 0)
            {
                if (version == 4)
                {
                    burst.anonSrcAddressHigh[i] = 0;
                    burst.anonSrcAddressLow[i] = cryptoPan.anonymizeIpv4((int)burst.srcAddressLow[i]) & 0xFFFF_FFFFL;
                }
                else
                {
                    cryptoPan.anonymizeIpv6(burst.srcAddressHigh[i], burst.srcAddressLow[i]);
                    burst.anonSrcAddressHigh[i] = cryptoPan.resultHigh();
                    burst.anonSrcAddressLow[i] = cryptoPan.resultLow();
                }
            }
            if ((wanted & AnonymizedFields.DST_ADDRESS) != 0)
            {
                if (version == 4)
                {
                    burst.anonDstAddressHigh[i] = 0;
                    burst.anonDstAddressLow[i] = cryptoPan.anonymizeIpv4((int)burst.dstAddressLow[i]) & 0xFFFF_FFFFL;
                }
                else
                {
                    cryptoPan.anonymizeIpv6(burst.dstAddressHigh[i], burst.dstAddressLow[i]);
                    burst.anonDstAddressHigh[i] = cryptoPan.resultHigh();
                    burst.anonDstAddressLow[i] = cryptoPan.resultLow();
                }
            }
            burst.anonymizedReady[i] = (byte)wanted;
        }
    }
}
