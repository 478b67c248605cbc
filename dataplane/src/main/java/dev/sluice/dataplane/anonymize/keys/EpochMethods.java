package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;

import java.util.Objects;

/**
 * The keyed method instances of one epoch for one worker: everything a worker anonymizes with
 * while the epoch is active. Built on the conductor thread when a policy naming the epoch is
 * applied (never on the data path), then used by that one worker thread only: the instances
 * keep caches and scratch state.
 * <p>
 * Other keyed methods (pseudonyms) join here as fields made from the epoch's {@link SiteKey},
 * each from a subkey of its own ({@link SiteKey#deriveSubkey}); a worker then switches all of
 * them at once when it switches epochs.
 */
public final class EpochMethods
{
    private final String label;
    private final CryptoPan cryptoPan;
    private final TextAddressAnonymizer textAddresses;

    /**
     * @param label     {@code region/epoch}, for messages.
     * @param cryptoPan the epoch's Crypto-PAn for this worker.
     */
    public EpochMethods(final String label, final CryptoPan cryptoPan)
    {
        this.label = Objects.requireNonNull(label, "label");
        this.cryptoPan = Objects.requireNonNull(cryptoPan, "cryptoPan");
        this.textAddresses = new TextAddressAnonymizer(cryptoPan);
    }

    /**
     * @param key        the epoch's key; must not be destroyed.
     * @param cacheSlots Crypto-PAn cache slots.
     * @return a worker's instances of the epoch's methods.
     */
    public static EpochMethods of(final SiteKey key, final int cacheSlots)
    {
        return new EpochMethods(key.label(), key.cryptoPan(cacheSlots));
    }

    /** {@code region/epoch}. */
    public String label()
    {
        return label;
    }

    public CryptoPan cryptoPan()
    {
        return cryptoPan;
    }

    /** Rewrites the addresses in an event's text with {@link #cryptoPan()}. */
    public TextAddressAnonymizer textAddresses()
    {
        return textAddresses;
    }

    @Override
    public String toString()
    {
        return "EpochMethods[" + label + "]";
    }
}
