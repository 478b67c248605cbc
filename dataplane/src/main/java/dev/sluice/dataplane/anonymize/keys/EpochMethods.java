package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import dev.sluice.dataplane.anonymize.pseudonym.SipHash24;
import dev.sluice.policy.action.AnonymizationMethod;

import java.util.Arrays;
import java.util.Objects;

/**
 * The keyed method instances of one epoch for one worker: everything a worker anonymizes with
 * while the epoch is active. Built on the conductor thread when a policy naming the epoch is
 * applied (never on the data path), then used by that one worker thread only: the instances
 * keep caches and scratch state.
 * <p>
 * Other keyed methods (pseudonyms) join here as fields made from the epoch's {@link SiteKey},
 * each from a subkey of its own ({@link SiteKey#keyDerivation}); a worker then switches all of
 * them at once when it switches epochs.
 */
public final class EpochMethods
{
    /** HKDF info of the vehicle identity the k-anonymity guard counts by. */
    static final String VEHICLE_IDENTITY = "sluice/v1/vehicle-identity";

    private final String label;
    private final CryptoPan cryptoPan;
    private final TextAddressAnonymizer textAddresses;
    /** Indexed by {@link AnonymizationMethod#ordinal()}: the identifier pseudonyms; null for other methods, or without a site key. */
    private final IdentifierPseudonym[] pseudonyms;
    private final IdentifierPseudonym emailKeepingDomain;
    private final SipHash24 vehicleIdentity;

    /**
     * Crypto-PAn only (a worker assembled by hand around one instance): the identifier methods
     * are unavailable, so events that need them fail closed.
     *
     * @param label     {@code region/epoch}, for messages.
     * @param cryptoPan the epoch's Crypto-PAn for this worker.
     */
    public EpochMethods(final String label, final CryptoPan cryptoPan)
    {
        this.label = Objects.requireNonNull(label, "label");
        this.cryptoPan = Objects.requireNonNull(cryptoPan, "cryptoPan");
        this.textAddresses = new TextAddressAnonymizer(cryptoPan);
        this.pseudonyms = new IdentifierPseudonym[AnonymizationMethod.values().length];
        this.emailKeepingDomain = null;
        this.vehicleIdentity = null;
    }

    private EpochMethods(final SiteKey key, final int cacheSlots)
    {
        this.label = key.label();
        this.cryptoPan = key.cryptoPan(cacheSlots);
        this.textAddresses = new TextAddressAnonymizer(cryptoPan);
        this.pseudonyms = new IdentifierPseudonym[AnonymizationMethod.values().length];
        final KeyDerivation derivation = key.keyDerivation();
        try
        {
            for (final AnonymizationMethod method : AnonymizationMethod.values())
            {
                final PseudonymMethod pseudonym = PseudonymMethod.byKeyword(method.keyword());
                if (null != pseudonym)
                {
                    pseudonyms[method.ordinal()] = pseudonym.create(derivation, false);
                }
            }
            emailKeepingDomain = PseudonymMethod.EMAIL.create(derivation, true);
            final byte[] identityKey = derivation.subkey(VEHICLE_IDENTITY, SipHash24.KEY_LENGTH_BYTES);
            vehicleIdentity = new SipHash24(identityKey);
            Arrays.fill(identityKey, (byte)0);
        }
        finally
        {
            derivation.wipe();
        }
    }

    /**
     * @param key        the epoch's key; must not be destroyed.
     * @param cacheSlots Crypto-PAn cache slots.
     * @return a worker's instances of the epoch's methods.
     */
    public static EpochMethods of(final SiteKey key, final int cacheSlots)
    {
        return new EpochMethods(key, cacheSlots);
    }

    /**
     * @param method          an identifier method ({@code user}, {@code hmac}, {@code imsi}, ...).
     * @param keepEmailDomain for {@code email}: the policy's {@code keep-email-domain}.
     * @return this worker's instance, or null when the method is not an identifier method or
     * this epoch was made without a site key.
     */
    public IdentifierPseudonym pseudonym(final AnonymizationMethod method, final boolean keepEmailDomain)
    {
        return AnonymizationMethod.EMAIL == method && keepEmailDomain ? emailKeepingDomain : pseudonyms[method.ordinal()];
    }

    /**
     * The keyed identity the k-anonymity guard counts vehicles by: SipHash-2-4 of the VIN (or
     * driver id) under a subkey of its own, so nobody without the key can tell which vehicle a
     * count is about. 0 without a site key (the guard then counts every vehicle as one: stricter).
     */
    public long vehicleIdentity(final byte[] value, final int offset, final int length)
    {
        return null == vehicleIdentity ? 0 : vehicleIdentity.hash(value, offset, length);
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
