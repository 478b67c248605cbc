package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

/**
 * Computes the Crypto-PAn form of the addresses (outer, and inner for tunnelled packets) of
 * every forwarded item that a rule asked to anonymize, or that some destination may only
 * receive transformed. Each address is transformed at most once per item, however many
 * destinations need it; the residency stage then picks, per destination, whether the raw or
 * the transformed value leaves. Worker thread only.
 */
public final class AnonymizeStage
{
    private final WorkerKeys keys;
    /** The key epoch's instance for the burst being anonymized. */
    private CryptoPan cryptoPan;
    private long resultHigh;
    private long resultLow;

    /**
     * @param cryptoPan the site's keyed Crypto-PAn, or null when the gateway has no key (then no
     *                  policy that needs a transform is accepted, see {@code PolicyInstaller})
     */
    public AnonymizeStage(final CryptoPan cryptoPan)
    {
        this.keys = WorkerKeys.fixed(cryptoPan);
    }

    private AnonymizeStage(final WorkerKeys keys)
    {
        this.keys = keys;
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
        return keys.cryptoPan() != null;
    }

    /**
     * @param precomputeTransforms {@link AnonymizedFields} bits some destination needs transformed for every item
     */
    public void apply(final PacketBurst burst, final byte precomputeTransforms)
    {
        cryptoPan = keys.cryptoPan();
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
            if (cryptoPan == null)
            {
                throw new IllegalStateException("a policy asks for Crypto-PAn but the gateway has no key");
            }
            if ((wanted & AnonymizedFields.SRC_ADDRESS) != 0)
            {
                transform(burst.ipVersion[i], burst.srcAddressHigh[i], burst.srcAddressLow[i]);
                burst.anonSrcAddressHigh[i] = resultHigh;
                burst.anonSrcAddressLow[i] = resultLow;
            }
            if ((wanted & AnonymizedFields.DST_ADDRESS) != 0)
            {
                transform(burst.ipVersion[i], burst.dstAddressHigh[i], burst.dstAddressLow[i]);
                burst.anonDstAddressHigh[i] = resultHigh;
                burst.anonDstAddressLow[i] = resultLow;
            }
            if ((wanted & AnonymizedFields.INNER_SRC_ADDRESS) != 0)
            {
                transform(burst.innerIpVersion[i], burst.innerSrcAddressHigh[i], burst.innerSrcAddressLow[i]);
                burst.anonInnerSrcAddressHigh[i] = resultHigh;
                burst.anonInnerSrcAddressLow[i] = resultLow;
            }
            if ((wanted & AnonymizedFields.INNER_DST_ADDRESS) != 0)
            {
                transform(burst.innerIpVersion[i], burst.innerDstAddressHigh[i], burst.innerDstAddressLow[i]);
                burst.anonInnerDstAddressHigh[i] = resultHigh;
                burst.anonInnerDstAddressLow[i] = resultLow;
            }
            burst.anonymizedReady[i] = (byte)wanted;
        }
    }

    private static boolean isIp(final byte version)
    {
        return version == 4 || version == 6;
    }

    /** Leaves the transformed address in {@link #resultHigh} and {@link #resultLow}, for both families. */
    private void transform(final byte version, final long high, final long low)
    {
        if (version == 4)
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
}
