package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * One worker's view of the anonymization keys: the methods of the epoch it currently runs.
 * The worker calls {@link #refresh} at a burst (or batch) boundary with the ring of the policy
 * snapshot it runs; its stages then ask {@link #cryptoPan()} (and, later, the other methods of
 * {@link EpochMethods}). An epoch switch therefore never splits a burst: every item of a burst is
 * anonymized under one key.
 * <p>
 * Cheap on the data path: while the ring stays the same, a refresh is one comparison against
 * the next switch time (and a clock read only when a later epoch is scheduled); switching picks
 * an instance built when the policy was applied. No allocation.
 * <p>
 * Confined to its worker's thread, apart from {@link #switches()}.
 */
public final class WorkerKeys
{
    private final int slot;
    private final EpochNanoClock clock;
    private KeyRing ring;
    private EpochMethods current;
    private long nextSwitchNs = KeySchedule.NEVER;
    private volatile long switches;

    /**
     * @param slot  the worker's slot in every {@link KeyRing} (packet workers 0..n-1, then the event worker).
     * @param clock wall-clock time: epochs start at wall-clock instants.
     */
    public WorkerKeys(final int slot, final EpochNanoClock clock)
    {
        this.slot = slot;
        this.clock = clock;
    }

    /**
     * Keys that never change: one Crypto-PAn instance (or none), for stages and workers assembled
     * by hand. A snapshot that carries a ring still replaces it at the next refresh.
     *
     * @param cryptoPan the instance, or null for a worker without a key.
     */
    public static WorkerKeys fixed(final CryptoPan cryptoPan)
    {
        return fixedMethods(null == cryptoPan ? null : new EpochMethods("fixed", cryptoPan));
    }

    /**
     * Keys that never change: one epoch's methods (or none), for workers assembled by hand.
     *
     * @param methods the instances, e.g. {@link EpochMethods#of(SiteKey, int)}, or null for a worker without a key.
     */
    public static WorkerKeys fixedMethods(final EpochMethods methods)
    {
        final WorkerKeys keys = new WorkerKeys(0, new OffsetEpochNanoClock());
        keys.current = methods;
        return keys;
    }

    /**
     * Switches to the ring's current epoch when the ring is new or a switch is due. Worker thread,
     * at a burst or batch boundary.
     *
     * @param ring the snapshot's ring; null keeps what the worker has.
     * @return the methods in effect, or null without a key.
     */
    public EpochMethods refresh(final KeyRing ring)
    {
        if (null == ring)
        {
            return current;
        }
        if (ring != this.ring)
        {
            this.ring = ring;
            select(clock.nanoTime());
        }
        else if (KeySchedule.NEVER != nextSwitchNs)
        {
            final long nowNs = clock.nanoTime();
            if (nowNs >= nextSwitchNs)
            {
                select(nowNs);
            }
        }
        return current;
    }

    private void select(final long nowNs)
    {
        final EpochMethods next = ring.select(slot, nowNs);
        if (null != current && null != next && !current.label().equals(next.label()))
        {
            switches++;
        }
        current = next;
        nextSwitchNs = ring.schedule().nextSwitchNs(nowNs);
    }

    /** The methods in effect, or null. */
    public EpochMethods current()
    {
        return current;
    }

    /** The epoch's Crypto-PAn, or null without a key. */
    public CryptoPan cryptoPan()
    {
        final EpochMethods methods = current;
        return null == methods ? null : methods.cryptoPan();
    }

    /** The epoch's text address rewriter, or null without a key. */
    public TextAddressAnonymizer textAddresses()
    {
        final EpochMethods methods = current;
        return null == methods ? null : methods.textAddresses();
    }

    public int slot()
    {
        return slot;
    }

    /** How many times this worker moved to another epoch. Any thread. */
    public long switches()
    {
        return switches;
    }
}
