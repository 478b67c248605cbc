package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.policy.Policy;

/**
 * Computes the Crypto-PAn form of the addresses (outer, and inner for tunnelled packets) of
 * every forwarded item that a rule asked to anonymize, or that some destination may only
 * receive transformed. Each address is transformed at most once per item, however many
 * destinations need it; the residency stage then picks, per destination, whether the raw or
 * the transformed value leaves. Worker thread only.
 */
public final class AnonymizeStage
{
    private final AddressTransform transform;

    /**
     * @param cryptoPan the site's keyed Crypto-PAn, or null when the gateway has no key (then no
     *                  policy that needs a transform is accepted, see {@code PolicyInstaller})
     */
    public AnonymizeStage(final CryptoPan cryptoPan)
    {
        this(WorkerKeys.fixed(cryptoPan));
    }

    private AnonymizeStage(final WorkerKeys keys)
    {
        this.transform = new AddressTransform(keys);
    }

    /** Follows a policy version's address method (Crypto-PAn or truncation); call between bursts. */
    public void use(final Policy policy)
    {
        transform.use(policy);
    }

    /**
     * @param keys the worker's keys, refreshed by the worker at each burst boundary: every item of
     *             a burst is anonymized under the same key epoch
     * @return a stage that anonymizes with the worker's current key epoch
     */
    public static AnonymizeStage withKeys(final WorkerKeys keys)
    {
        return new AnonymizeStage(keys);
    }

    public boolean canTransform()
    {
        return transform.canTransform();
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
            final int outer = isIp(burst.ipVersion[i]) ? AnonymizedFields.ADDRESSES : 0;
            final int inner = isIp(burst.innerIpVersion[i]) ? AnonymizedFields.INNER_ADDRESSES : 0;
            final int wanted = (burst.anonymizeFields[i] | precomputeTransforms) & (outer | inner);
            if (wanted == 0)
            {
                continue;
            }
            if ((wanted & AnonymizedFields.SRC_ADDRESS) != 0)
            {
                transform.apply(burst.ipVersion[i], burst.srcAddressHigh[i], burst.srcAddressLow[i]);
                burst.anonSrcAddressHigh[i] = transform.resultHigh();
                burst.anonSrcAddressLow[i] = transform.resultLow();
            }
            if ((wanted & AnonymizedFields.DST_ADDRESS) != 0)
            {
                transform.apply(burst.ipVersion[i], burst.dstAddressHigh[i], burst.dstAddressLow[i]);
                burst.anonDstAddressHigh[i] = transform.resultHigh();
                burst.anonDstAddressLow[i] = transform.resultLow();
            }
            if ((wanted & AnonymizedFields.INNER_SRC_ADDRESS) != 0)
            {
                transform.apply(burst.innerIpVersion[i], burst.innerSrcAddressHigh[i], burst.innerSrcAddressLow[i]);
                burst.anonInnerSrcAddressHigh[i] = transform.resultHigh();
                burst.anonInnerSrcAddressLow[i] = transform.resultLow();
            }
            if ((wanted & AnonymizedFields.INNER_DST_ADDRESS) != 0)
            {
                transform.apply(burst.innerIpVersion[i], burst.innerDstAddressHigh[i], burst.innerDstAddressLow[i]);
                burst.anonInnerDstAddressHigh[i] = transform.resultHigh();
                burst.anonInnerDstAddressLow[i] = transform.resultLow();
            }
            burst.anonymizedReady[i] = (byte)wanted;
        }
    }

    private static boolean isIp(final byte version)
    {
        return version == 4 || version == 6;
    }
}
