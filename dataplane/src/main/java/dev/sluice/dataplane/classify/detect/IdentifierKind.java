package dev.sluice.dataplane.classify.detect;

/**
 * The identifiers the built-in detectors find in free text, each with the data class a record
 * holding one is put in. {@link #bit()} is the kind's bit in the sets {@link IdentifierDetector#detect}
 * returns. Immutable; any thread.
 */
public enum IdentifierKind
{
    /** A dotted quad, octets 0-255 without leading zeros. */
    IPV4("pii.ip"),
    /** RFC 4291 text, {@code ::} compression and an IPv4 tail included. */
    IPV6("pii.ip"),
    /** A practical RFC 5322 subset: {@code local@domain.tld}. */
    EMAIL("pii.email"),
    /** Six hex pairs joined by {@code :} or {@code -}, or Cisco's three dotted groups of four. */
    MAC("pii.mac"),
    /** 15 digits, first digit 2-7 (a plausible MCC), failing the Luhn check (else it is an IMEI). */
    IMSI("pii.imsi"),
    /** 15 digits passing the Luhn check. */
    IMEI("pii.imei"),
    /** 17 characters without I, O, Q, with a valid ISO 3779 check digit at position 9. */
    VIN("pii.vehicle"),
    /** E.164: {@code +}, then 8-15 digits with optional spaces, dashes, dots and parentheses. */
    PHONE("pii.phone"),
    /** 13-19 digits passing the Luhn check, ungrouped or in groups of four. */
    PAYMENT_CARD("pii.card");

    private static final IdentifierKind[] VALUES = values();

    private final String dataClass;

    IdentifierKind(final String dataClass)
    {
        this.dataClass = dataClass;
    }

    /**
     * @return the data class a record holding this identifier belongs to ({@code pii.ip}, ...).
     */
    public String dataClass()
    {
        return dataClass;
    }

    /**
     * @return true for IPv4 and IPv6 addresses, which the address methods rewrite wherever they
     * are written, rather than as identifiers found one by one.
     */
    public boolean isAddress()
    {
        return IPV4 == this || IPV6 == this;
    }

    /**
     * @return this kind's bit in a detection result.
     */
    public int bit()
    {
        return 1 << ordinal();
    }

    /**
     * @param kinds a detection result.
     * @return true when this kind is in it.
     */
    public boolean isIn(final int kinds)
    {
        return 0 != (kinds & bit());
    }

    /**
     * @param ordinal a kind's ordinal, as a match handler receives it.
     * @return the kind.
     */
    public static IdentifierKind of(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
