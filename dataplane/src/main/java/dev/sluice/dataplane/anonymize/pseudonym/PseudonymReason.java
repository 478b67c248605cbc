package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * Why a value has no pseudonym: the negative results of {@link IdentifierPseudonym}. Constants
 * rather than an enum so the data path returns them in an int with no allocation.
 */
public final class PseudonymReason
{
    /** The value is empty. */
    public static final int EMPTY = -1;
    /** The value is longer than any identifier of its kind. */
    public static final int TOO_LONG = -2;
    /** A character that this identifier cannot contain where it stands. */
    public static final int BAD_CHARACTER = -3;
    /** Not a length this identifier has. */
    public static final int BAD_LENGTH = -4;
    /** A MAC address's separators are not one of the accepted layouts. */
    public static final int BAD_SEPARATOR = -5;
    /** Not local-part@domain. */
    public static final int NOT_AN_EMAIL = -6;
    /** A phone number that starts with no assigned ITU-T E.164 country code. */
    public static final int UNKNOWN_COUNTRY_CODE = -7;
    /** Fewer than six digits to mask: their pseudonyms could be tabulated (FF1's domain minimum). */
    public static final int TOO_FEW_DIGITS = -8;
    /** The output buffer cannot hold the pseudonym. */
    public static final int OUTPUT_TOO_SMALL = -9;

    private PseudonymReason()
    {
    }

    /**
     * @param reason a negative pseudonym result.
     * @return a sentence for a person.
     */
    public static String describe(final int reason)
    {
        return switch (reason)
        {
            case EMPTY -> "the value is empty";
            case TOO_LONG -> "the value is too long for this kind of identifier";
            case BAD_CHARACTER -> "the value contains a character this kind of identifier cannot have there";
            case BAD_LENGTH -> "the value does not have a length this kind of identifier has";
            case BAD_SEPARATOR -> "the separators are not one of aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff";
            case NOT_AN_EMAIL -> "not an e-mail address (local-part@domain, domain of letters, digits, '-' and '.')";
            case UNKNOWN_COUNTRY_CODE -> "the number starts with no assigned ITU-T E.164 country code";
            case TOO_FEW_DIGITS -> "fewer than 6 digits after the kept prefix: too few to mask safely (FF1 minimum domain of 10^6)";
            case OUTPUT_TOO_SMALL -> "the output buffer is too small";
            default -> "unknown reason " + reason;
        };
    }
}
