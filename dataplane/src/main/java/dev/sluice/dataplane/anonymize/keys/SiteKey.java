package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The anonymization key of one region and epoch: 32 secret bytes, provisioned inside the region
 * and never sent anywhere. Every keyed method of the epoch derives from it: Crypto-PAn takes the
 * bytes as they are (so a key file gives the same images as {@code ./sluice anonymize
 * --key-file}), every other method asks for a subkey of its own with {@link #deriveSubkey}, so no
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

    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int HASH_LENGTH_BYTES = 32;
    /** RFC 5869 caps the output at 255 blocks of the hash. */
    public static final int MAX_SUBKEY_LENGTH_BYTES = 255 * HASH_LENGTH_BYTES;
    /**
     * The HKDF salt: a fixed, public domain separator (RFC 5869 section 3.1: a salt need not be
     * secret). It ties every subkey to this scheme, so the same key bytes used elsewhere with HKDF
     * yield different subkeys.
     */
    private static final byte[] SALT = "sluice site key v1".getBytes(StandardCharsets.US_ASCII);

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
     * A subkey for one method, HKDF-SHA256 (RFC 5869) of this key with a fixed salt and
     * {@code info} as the context: different {@code info} strings give independent subkeys.
     * Methods name themselves in {@code info} with a version, e.g. {@code "pseudonym/hmac-sha256/v1"},
     * so changing how a method uses its subkey never silently reuses an old one.
     *
     * @param info   names the method (UTF-8); not secret.
     * @param length bytes wanted, 1 to {@link #MAX_SUBKEY_LENGTH_BYTES}.
     * @return a new array; the caller zeroes it when done.
     * @throws IllegalStateException once destroyed.
     */
    public byte[] deriveSubkey(final String info, final int length)
    {
        Objects.requireNonNull(info, "info");
        requireLive();
        return hkdfSha256(SALT, key, info.getBytes(StandardCharsets.UTF_8), length);
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

    /**
     * HKDF-SHA256, RFC 5869: extract (PRK = HMAC(salt, ikm)), then expand
     * (T(i) = HMAC(PRK, T(i-1) | info | i)) to {@code length} bytes. Intermediate secrets are zeroed.
     */
    static byte[] hkdfSha256(final byte[] salt, final byte[] ikm, final byte[] info, final int length)
    {
        if (length < 1 || length > MAX_SUBKEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException("a subkey is 1 to " + MAX_SUBKEY_LENGTH_BYTES + " bytes, asked for " + length);
        }
        byte[] prk = null;
        byte[] block = new byte[0];
        try
        {
            final Mac mac = Mac.getInstance(HMAC_SHA256);
            // An empty salt means HashLen zeros (RFC 5869 section 2.2); SecretKeySpec refuses empty keys.
            mac.init(new SecretKeySpec(0 == salt.length ? new byte[HASH_LENGTH_BYTES] : salt, HMAC_SHA256));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC_SHA256));
            final byte[] okm = new byte[length];
            int written = 0;
            for (int counter = 1; written < length; counter++)
            {
                mac.update(block);
                mac.update(info);
                mac.update((byte)counter);
                final byte[] next = mac.doFinal();
                Arrays.fill(block, (byte)0);
                block = next;
                final int take = Math.min(block.length, length - written);
                System.arraycopy(block, 0, okm, written, take);
                written += take;
            }
            return okm;
        }
        catch (final GeneralSecurityException ex)
        {
            // HmacSHA256 is one of the algorithms every Java platform must provide.
            throw new IllegalStateException("the JDK provides no " + HMAC_SHA256, ex);
        }
        finally
        {
            if (null != prk)
            {
                Arrays.fill(prk, (byte)0);
            }
            Arrays.fill(block, (byte)0);
        }
    }
}
