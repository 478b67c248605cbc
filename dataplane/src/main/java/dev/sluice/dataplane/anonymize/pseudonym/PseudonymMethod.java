package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * The identifier pseudonym methods by name, each built from a site key the one way the
 * dataplane and the analysts' tool both use, so both produce the same pseudonym for a value.
 * Crypto-PAn (addresses) is not here: it keeps the raw site key and has its own class.
 */
public enum PseudonymMethod
{
    /** {@link KeyedHashPseudonym#hmacSha256}. */
    HMAC("hmac"),
    /** {@link KeyedHashPseudonym#sipHash}. */
    SIPHASH("siphash"),
    /** {@link UserNamePseudonym}. */
    USER("user"),
    /** {@link EmailPseudonym}. */
    EMAIL("email"),
    /** {@link MacAddressPseudonym}. */
    MAC("mac"),
    /** {@link ImsiPseudonym}. */
    IMSI("imsi"),
    /** {@link ImeiPseudonym}. */
    IMEI("imei"),
    /** {@link VinPseudonym}. */
    VIN("vin"),
    /** {@link PhoneNumberPseudonym}. */
    PHONE("phone");

    private final String keyword;

    PseudonymMethod(final String keyword)
    {
        this.keyword = keyword;
    }

    /**
     * @return the method's name in policies and on the command line.
     */
    public String keyword()
    {
        return keyword;
    }

    /**
     * @param keyword a method name.
     * @return the method, or null if there is none by that name.
     */
    public static PseudonymMethod byKeyword(final String keyword)
    {
        for (final PseudonymMethod method : values())
        {
            if (method.keyword.equals(keyword))
            {
                return method;
            }
        }
        return null;
    }

    /**
     * @param keys       the site key's derivation.
     * @param keepDomain for {@link #EMAIL}: whether the domain stays as written.
     * @return a new pseudonym of this method (one per thread).
     */
    public IdentifierPseudonym create(final KeyDerivation keys, final boolean keepDomain)
    {
        return switch (this)
        {
            case HMAC -> KeyedHashPseudonym.hmacSha256(keys);
            case SIPHASH -> KeyedHashPseudonym.sipHash(keys);
            case USER -> UserNamePseudonym.fromSiteKey(keys);
            case EMAIL -> EmailPseudonym.fromSiteKey(keys, keepDomain);
            case MAC -> new MacAddressPseudonym(keys);
            case IMSI -> new ImsiPseudonym(keys);
            case IMEI -> new ImeiPseudonym(keys);
            case VIN -> new VinPseudonym(keys);
            case PHONE -> new PhoneNumberPseudonym(keys);
        };
    }
}
