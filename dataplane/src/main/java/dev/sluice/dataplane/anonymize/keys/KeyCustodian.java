package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPanKeyFile;
import dev.sluice.policy.keys.KeyEpochs;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keeps this gateway's anonymization keys, on the conductor thread, off the data path.
 * <p>
 * <b>Where keys come from.</b> A policy carries only key metadata (its {@code keys:} section:
 * epochs per region, and the overlap); the control plane never handles key bytes. The key bytes
 * are provisioned inside the region, as {@code <key-dir>/<region>/<epoch id>.key}, and this
 * gateway reads only its own region's directory ({@link KeyDirectory}). A gateway configured with
 * a single {@code anonymization.key-file} instead runs that key, always active, for policies
 * without a {@code keys:} section.
 * <p>
 * <b>At apply</b> ({@link #resolve}): every epoch of the region still needed (active now,
 * starting later, or replaced less than the overlap ago) must have its key; a key already
 * loaded is reused (so a rollback within the overlap needs no file), any other is read now, and
 * the worker instances of every needed epoch are built now. A missing or unsafe key file
 * rejects the policy, naming the file to provision. {@link #commit} or {@link #discard} follows.
 * <p>
 * <b>Rotation</b> ({@link #doWork}): the workers switch epochs themselves at burst boundaries;
 * the custodian logs each switch (names and times, never key bytes), counts it, and once the
 * overlap after a switch ends, drops the replaced epoch's instances and zeroes its key.
 * <p>
 * Conductor thread only.
 */
public final class KeyCustodian implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(KeyCustodian.class.getName());
    /** The epoch id the single key of {@code anonymization.key-file} runs under. */
    public static final String KEY_FILE_EPOCH = "key-file";

    /** What {@link #resolve} found. */
    public record Resolution(KeyRing ring, List<String> errors, String noKeyReason)
    {
        /** Whether a worker has a key to transform with now. */
        public boolean canTransform()
        {
            return null == noKeyReason;
        }
    }

    /** A loaded key and the instances built from it, one per worker slot. */
    private record Loaded(SiteKey key, EpochMethods[] methods)
    {
    }

    private final String region;
    private final KeyDirectory directory;
    private final int workerSlots;
    private final int cacheSlots;
    private final EpochNanoClock clock;
    private final AtomicCounter switchCounter;
    private final KeyRing keyFileRing;
    private final SiteKey keyFileKey;
    private final KeyRing noKeys;
    private final Map<String, Loaded> loaded = new HashMap<>();
    private final Map<String, Loaded> pending = new HashMap<>();

    private KeyRing current;
    private int currentEpoch = KeySchedule.NO_EPOCH;
    private long nextChangeNs = KeySchedule.NEVER;
    private long switches;

    /**
     * @param region        this gateway's region.
     * @param directory     the region's key directory ({@code anonymization.key-dir}), or null.
     * @param keyFile       the single key of {@code anonymization.key-file}, or null.
     * @param workerSlots   workers that anonymize: each gets instances of its own.
     * @param cacheSlots    Crypto-PAn cache slots per instance.
     * @param clock         wall-clock time.
     * @param switchCounter counts epoch switches, or null.
     * @throws IOException if the key file cannot be read or is not private to its owner.
     */
    public KeyCustodian(
        final String region,
        final KeyDirectory directory,
        final Path keyFile,
        final int workerSlots,
        final int cacheSlots,
        final EpochNanoClock clock,
        final AtomicCounter switchCounter) throws IOException
    {
        if (workerSlots < 1)
        {
            throw new IllegalArgumentException("workerSlots must be at least 1, got " + workerSlots);
        }
        if (null != directory && !directory.region().equals(region))
        {
            throw new IllegalArgumentException("key directory of region " + directory.region() + " for a gateway of " + region);
        }
        this.region = region;
        this.directory = directory;
        this.workerSlots = workerSlots;
        this.cacheSlots = cacheSlots;
        this.clock = clock;
        this.switchCounter = switchCounter;
        this.noKeys = KeyRing.empty(region);
        if (null == keyFile)
        {
            keyFileKey = null;
            keyFileRing = null;
        }
        else
        {
            final byte[] bytes = CryptoPanKeyFile.read(keyFile);
            try
            {
                keyFileKey = new SiteKey(region, KEY_FILE_EPOCH, bytes);
            }
            finally
            {
                Arrays.fill(bytes, (byte)0);
            }
            keyFileRing = new KeyRing(
                KeySchedule.always(region, KEY_FILE_EPOCH), new EpochMethods[][]{instances(keyFileKey)}, 0);
        }
    }

    /**
     * Finds or loads the keys a policy's {@code keys:} section needs on this gateway, and builds
     * the workers' instances. Follow with {@link #commit} when the policy is applied, else {@link #discard}.
     *
     * @param keys the policy's key metadata.
     * @return the ring, or the errors that reject the policy; and why nothing can be transformed, if so.
     */
    public Resolution resolve(final KeyEpochs keys)
    {
        discard();
        if (!keys.declared())
        {
            if (null != keyFileRing)
            {
                return new Resolution(keyFileRing, List.of(), null);
            }
            return new Resolution(noKeys, List.of(), null == directory ?
                "this gateway has no anonymization key; set anonymization.key-file in the gateway configuration" :
                "the policy has no 'keys:' section naming the key epochs of region " + region +
                    " (this gateway reads its keys from " + directory.regionDirectory() + ")");
        }
        if (null == directory)
        {
            return new Resolution(null, List.of(
                "the policy's 'keys:' section declares key epochs, but this gateway has no anonymization.key-dir: set " +
                "anonymization.key-dir in the gateway configuration and provision <key-dir>/" + region +
                "/<epoch id>.key inside region " + region), null);
        }

        final long nowNs = clock.nanoTime();
        final KeySchedule schedule = KeySchedule.of(region, keys.forRegion(region), keys.overlapNs());
        final EpochMethods[][] methods = new EpochMethods[schedule.size()][];
        final List<String> errors = new ArrayList<>();
        for (int epoch = 0; epoch < schedule.size(); epoch++)
        {
            if (!schedule.retainedAt(epoch, nowNs))
            {
                continue;
            }
            final String id = schedule.id(epoch);
            Loaded keyed = loaded.get(id);
            if (null == keyed)
            {
                try
                {
                    final SiteKey key = directory.read(id);
                    keyed = new Loaded(key, instances(key));
                    pending.put(id, keyed);
                }
                catch (final IOException | RuntimeException ex)
                {
                    errors.add("key epoch " + schedule.label(epoch) + " (from " + KeySchedule.format(schedule.fromNs(epoch)) +
                        "): " + ex.getMessage());
                    continue;
                }
            }
            methods[epoch] = keyed.methods();
        }
        if (!errors.isEmpty())
        {
            discard();
            return new Resolution(null, errors, null);
        }

        final int active = schedule.activeAt(nowNs);
        final KeyRing ring = new KeyRing(schedule, methods, active);
        String noKeyReason = null;
        if (0 == schedule.size())
        {
            noKeyReason = "the policy's 'keys:' section has no key epoch of region " + region;
        }
        else if (KeySchedule.NO_EPOCH == active)
        {
            noKeyReason = "no key epoch of region " + region + " is active yet: the first, " + schedule.id(0) +
                ", starts at " + KeySchedule.format(schedule.fromNs(0));
        }
        return new Resolution(ring, List.of(), noKeyReason);
    }

    /**
     * The policy whose ring {@link #resolve} returned is applied: its keys become the loaded ones,
     * and keys it no longer needs are zeroed.
     */
    public void commit(final KeyRing ring)
    {
        loaded.putAll(pending);
        pending.clear();
        final KeyRing previous = current;
        current = ring;
        final long nowNs = clock.nanoTime();
        final KeySchedule schedule = ring.schedule();
        final int active = schedule.activeAt(nowNs);
        if (ring != previous && KeySchedule.NO_EPOCH != active)
        {
            LOG.log(System.Logger.Level.INFO, describe(schedule, active, nowNs));
        }
        currentEpoch = active;
        retire(nowNs);
        nextChangeNs = schedule.nextChangeNs(nowNs);
    }

    /** The policy {@link #resolve} was asked about is not applied: zeroes the keys read for it alone. */
    public void discard()
    {
        for (final Loaded keyed : pending.values())
        {
            keyed.key().destroy();
        }
        pending.clear();
    }

    /**
     * Notices epoch switches and overlap ends of the applied ring: logs and counts a switch, drops
     * a replaced epoch once its overlap ended. Conductor duty cycle.
     *
     * @return 1 when something changed, else 0.
     */
    public int doWork()
    {
        if (KeySchedule.NEVER == nextChangeNs)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs < nextChangeNs)
        {
            return 0;
        }
        final KeySchedule schedule = current.schedule();
        final int active = schedule.activeAt(nowNs);
        if (active != currentEpoch)
        {
            final int previous = currentEpoch;
            currentEpoch = active;
            switches++;
            if (null != switchCounter)
            {
                switchCounter.increment();
            }
            LOG.log(System.Logger.Level.INFO, "anonymization key epoch " + schedule.label(active) + " active" +
                (KeySchedule.NO_EPOCH == previous ? "" : ", previous " + schedule.label(previous) + " retained until " +
                    KeySchedule.format(schedule.retainedUntilNs(previous))));
        }
        retire(nowNs);
        nextChangeNs = schedule.nextChangeNs(nowNs);
        return 1;
    }

    /** Epoch switches noticed since start. */
    public long switches()
    {
        return switches;
    }

    /** Epoch ids whose keys are loaded now (for tests and status; never the keys). */
    public List<String> loadedEpochs()
    {
        final List<String> ids = new ArrayList<>(loaded.keySet());
        ids.sort(null);
        return ids;
    }

    /** Zeroes every key. */
    @Override
    public void close()
    {
        discard();
        for (final Loaded keyed : loaded.values())
        {
            keyed.key().destroy();
        }
        loaded.clear();
        if (null != keyFileKey)
        {
            keyFileKey.destroy();
        }
    }

    /** Zeroes the keys the applied ring no longer needs at {@code nowNs} and drops their instances. */
    private void retire(final long nowNs)
    {
        final KeySchedule schedule = current.schedule();
        final boolean fromDirectory = current != keyFileRing && current != noKeys;
        for (final Iterator<Map.Entry<String, Loaded>> it = loaded.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<String, Loaded> entry = it.next();
            final int epoch = fromDirectory ? indexOf(schedule, entry.getKey()) : KeySchedule.NO_EPOCH;
            if (KeySchedule.NO_EPOCH != epoch && schedule.retainedAt(epoch, nowNs))
            {
                continue;
            }
            if (KeySchedule.NO_EPOCH != epoch)
            {
                current.retire(epoch);
                LOG.log(System.Logger.Level.INFO, "anonymization key of epoch " + schedule.label(epoch) +
                    " dropped: its overlap ended at " + KeySchedule.format(schedule.retainedUntilNs(epoch)));
            }
            entry.getValue().key().destroy();
            it.remove();
        }
    }

    private EpochMethods[] instances(final SiteKey key)
    {
        final EpochMethods[] methods = new EpochMethods[workerSlots];
        for (int slot = 0; slot < workerSlots; slot++)
        {
            methods[slot] = EpochMethods.of(key, cacheSlots);
        }
        return methods;
    }

    private static int indexOf(final KeySchedule schedule, final String id)
    {
        for (int epoch = 0; epoch < schedule.size(); epoch++)
        {
            if (schedule.id(epoch).equals(id))
            {
                return epoch;
            }
        }
        return KeySchedule.NO_EPOCH;
    }

    private static String describe(final KeySchedule schedule, final int active, final long nowNs)
    {
        final StringBuilder text = new StringBuilder("anonymization keys of region ").append(schedule.region())
            .append(": epoch ").append(schedule.id(active)).append(" active");
        for (int epoch = 0; epoch < schedule.size(); epoch++)
        {
            if (epoch < active && schedule.retainedAt(epoch, nowNs))
            {
                text.append(", ").append(schedule.id(epoch)).append(" retained until ")
                    .append(KeySchedule.format(schedule.retainedUntilNs(epoch)));
            }
            else if (epoch > active)
            {
                text.append(", ").append(schedule.id(epoch)).append(" from ").append(KeySchedule.format(schedule.fromNs(epoch)));
            }
        }
        return text.toString();
    }
}
