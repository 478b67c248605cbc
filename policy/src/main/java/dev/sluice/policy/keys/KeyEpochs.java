package dev.sluice.policy.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * A policy's {@code keys:} section: the key epochs of every region and how long a replaced key
 * stays loaded. The control plane handles only this metadata, never key bytes. Immutable.
 *
 * @param declared  whether the document has a {@code keys:} section at all.
 * @param overlapNs how long, after an epoch's successor became active, the epoch's key stays
 *                  loaded (for a rollback within the window without re-provisioning).
 * @param epochs    every epoch, per region in order of {@link KeyEpoch#from()}.
 */
public record KeyEpochs(boolean declared, long overlapNs, List<KeyEpoch> epochs)
{
    /** What a policy without a {@code keys:} section has. */
    public static final KeyEpochs NONE = new KeyEpochs(false, 0, List.of());

    public KeyEpochs
    {
        if (overlapNs < 0)
        {
            throw new IllegalArgumentException("overlapNs must not be negative, got " + overlapNs);
        }
        epochs = List.copyOf(epochs);
    }

    /**
     * @param region a region name.
     * @return the region's epochs in order of {@link KeyEpoch#from()}; empty when it has none.
     */
    public List<KeyEpoch> forRegion(final String region)
    {
        final List<KeyEpoch> regionEpochs = new ArrayList<>();
        for (final KeyEpoch epoch : epochs)
        {
            if (epoch.region().equals(region))
            {
                regionEpochs.add(epoch);
            }
        }
        return regionEpochs;
    }
}
