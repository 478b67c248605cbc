package dev.sluice.dataplane.anonymize.pseudonym;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Subkeys of a site key: one 32-byte site key per region and epoch, and for each pseudonym
 * method a subkey from HKDF-SHA256 (RFC 5869) whose info string names the method
 * ({@link #SIPHASH}, {@link #FF1_IMSI}, ...), so no two methods share key material: a
 * pseudonym of one method says nothing about another's, and a leaked subkey exposes one method
 * only. The salt is empty (RFC 5869 section 3.1: a zero salt is fine when the input key is
 * already uniformly random, as a generated site key is). Crypto-PAn is not derived: it keeps
 * the raw 32 bytes so its output stays bit-exact with the reference key files.
 * <p>
 * Used when keys are loaded, never per value; allocates freely. Messages never contain key
 * bytes. Any thread (each call has its own Mac).
 */
public final class KeyDerivation
{
    /** Site key length: 256 bits, the same key files as Crypto-PAn. */
    public static final int SITE_KEY_LENGTH_BYTES = 32;

    /** Info for {@link SipHash24} pseudonyms (16-byte subkey). */
    public static final String SIPHASH = "sluice/v1/siphash";
    /** Info for {@link HmacSha256Pseudonym} pseudonyms (32-byte subkey). */
    public static final String HMAC_SHA256 = "sluice/v1/hmac-sha256";
    /** Info for {@link UserNamePseudonym}. */
    public static final String USER = "sluice/v1/user";
    /** Info for {@link EmailPseudonym}. */
    public static final String EMAIL = "sluice/v1/email";
    /** Info for {@link MacAddressPseudonym} (FF1 AES-256 key). */
    public static final String FF1_MAC = "sluice/v1/ff1/mac";
    /** Info for {@link ImsiPseudonym}. */
    public static final String FF1_IMSI = "sluice/v1/ff1/imsi";
    /** Info for {@link ImeiPseudonym}. */
    public static final String FF1_IMEI = "sluice/v1/ff1/imei";
    /** Info for {@link VinPseudonym}. */
    public static final String FF1_VIN = "sluice/v1/ff1/vin";
    /** Info for {@link PhoneNumberPseudonym}. */
    public static final String FF1_PHONE = "sluice/v1/ff1/phone";

    private static final int HASH_LENGTH_BYTES = 32;
    private static final int MAX_OUTPUT_BYTES = 255 * HASH_LENGTH_BYTES;

    private final byte[] prk;

    /**
     * @param siteKey the region's key for this epoch, 32 bytes; not kept (only its HKDF pseudorandom key is).
     */
    public KeyDerivation(final byte[] siteKey)
    {
        if (null == siteKey || siteKey.length != SITE_KEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException("site key must be " + SITE_KEY_LENGTH_BYTES + " bytes, got " +
                (null == siteKey ? "null" : siteKey.length));
        }
        prk = extract(new byte[0], siteKey);
    }

    /**
     * @param info        the method's info string, one of the constants of this class.
     * @param lengthBytes subkey length.
     * @return a new subkey; the caller wipes it once the method has its key schedule.
     */
    public byte[] subkey(final String info, final int lengthBytes)
    {
        return expand(prk, info.getBytes(StandardCharsets.US_ASCII), lengthBytes);
    }

    /**
     * Overwrites the pseudorandom key once every subkey is derived.
     */
    public void wipe()
    {
        Arrays.fill(prk, (byte)0);
    }

    /**
     * HKDF-Extract (RFC 5869 section 2.2).
     *
     * @param salt optional salt; empty means HashLen zeros.
     * @param ikm  input keying material.
     * @return the 32-byte pseudorandom key.
     */
    public static byte[] extract(final byte[] salt, final byte[] ikm)
    {
        final Mac mac = hmac(0 == salt.length ? new byte[HASH_LENGTH_BYTES] : salt);
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand (RFC 5869 section 2.3).
     *
     * @param prk         pseudorandom key, at least 32 bytes.
     * @param info        context and application specific information.
     * @param lengthBytes output length, at most 255 * 32.
     * @return the output keying material.
     */
    public static byte[] expand(final byte[] prk, final byte[] info, final int lengthBytes)
    {
        if (lengthBytes < 1 || lengthBytes > MAX_OUTPUT_BYTES)
        {
            throw new IllegalArgumentException("HKDF-SHA256 output must be 1 to " + MAX_OUTPUT_BYTES + " bytes, got " + lengthBytes);
        }
        final Mac mac = hmac(prk);
        final byte[] okm = new byte[lengthBytes];
        byte[] previous = new byte[0];
        int written = 0;
        for (int counter = 1; written < lengthBytes; counter++)
        {
            mac.update(previous);
            mac.update(info);
            mac.update((byte)counter);
            final byte[] block = mac.doFinal();
            Arrays.fill(previous, (byte)0);
            final int take = Math.min(block.length, lengthBytes - written);
            System.arraycopy(block, 0, okm, written, take);
            written += take;
            previous = block;
        }
        Arrays.fill(previous, (byte)0);
        return okm;
    }

    private static Mac hmac(final byte[] key)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JDK has no HmacSHA256, which every Java SE platform must provide", ex);
        }
    }

    public String toString()
    {
        return "KeyDerivation{key=<secret>}";
    }
}
