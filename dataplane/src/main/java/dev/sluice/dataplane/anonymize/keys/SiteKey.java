package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;

import java.util.Arrays;
import java.util.Objects;

/**
 * The anonymization key of one region and epoch: 32 secret bytes, provisioned inside the region
 * and never sent anywhere. Every keyed method of the epoch derives from it: Crypto-PAn takes the
 * bytes as they are (so a key file gives the same images as {@code ./sluice anonymize
 * --key-file}), every other method asks for a subkey of its own through {@link #keyDerivation}, so no
 * two methods ever share key material and learning one subkey reveals neither the key nor
 * another subkey.
 * <p>
 * The bytes never leave this object except into a method instance or a subkey: no accessor
 * returns them, {@link #toString()} names only the region and epoch, and {@link #destroy()}
 * overwrites them with zeros once the epoch is no longer needed.
 * <p>
 * Created and destroyed on the conductor thread (off the data path); the methods it makes are
 * then used by one worker thread each.
 */
public final class SiteKey
{
    /** The key's length: Crypto-PAn's 16-byte AES key and 16-byte pad. */
    public static final int LENGTH_BYTES = CryptoPan.KEY_LENGTH_BYTES;

    private final String region;
    private final String epochId;
    private final byte[] key;
    private boolean destroyed;

    /**
     * @param region  the region the key belongs to.
     * @param epochId the epoch it is the key of.
     * @param key     32 bytes; copied, so the caller can (and should) zero its own array.
     */
    public SiteKey(final String region, final String epochId, final byte[] key)
    {
        this.region = Objects.requireNonNull(region, "region");
        this.epochId = Objects.requireNonNull(epochId, "epochId");
        if (null == key || key.length != LENGTH_BYTES)
        {
            throw new IllegalArgumentException(
                "a site key is " + LENGTH_BYTES + " bytes, got " + (null == key ? "null" : key.length + " bytes"));
        }
        this.key = key.clone();
    }

    public String region()
    {
        return region;
    }

    public String epochId()
    {
        return epochId;
    }

    /** {@code region/epoch}, for messages and logs. */
    public String label()
    {
        return region + "/" + epochId;
    }

    /**
     * A Crypto-PAn instance keyed with this key, for one worker thread.
     *
     * @param cacheSlots slots per cache, see {@link CryptoPan#CryptoPan(byte[], int)}.
     * @return a new instance.
     * @throws IllegalStateException once destroyed.
     */
    public CryptoPan cryptoPan(final int cacheSlots)
    {
        requireLive();
        return new CryptoPan(key, cacheSlots);
    }

    /**
     * The subkeys of this key for the keyed methods other than Crypto-PAn, derived the one way
     * the dataplane and the analysts' tool ({@code sluice anonymize}) share: HKDF-SHA256 with an
     * info string per method ({@link KeyDerivation}).
     *
     * @return a new derivation; the caller wipes it once the methods have their keys.
     * @throws IllegalStateException once destroyed.
     */
    public KeyDerivation keyDerivation()
    {
        requireLive();
        return new KeyDerivation(key);
    }

    /** Overwrites the key with zeros; afterwards no method can be made from it. Idempotent. */
    public void destroy()
    {
        Arrays.fill(key, (byte)0);
        destroyed = true;
    }

    public boolean isDestroyed()
    {
        return destroyed;
    }

    /** Names the key, never shows it. */
    @Override
    public String toString()
    {
        return "SiteKey[" + label() + (destroyed ? ", destroyed" : "") + "]";
    }

    private void requireLive()
    {
        if (destroyed)
        {
            throw new IllegalStateException("the key of " + label() + " was destroyed: its epoch is no longer retained");
        }
    }
}
