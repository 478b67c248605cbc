package dev.sluice.policy.action;

import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldType;

import java.util.ArrayList;
import java.util.List;

/**
 * A transform that {@code anonymize ... with <method>} and residency's {@code after:} name.
 * Each method says which field types it can transform. Immutable; any thread.
 */
public enum AnonymizationMethod
{
    /** Prefix-preserving, keyed address anonymization (Crypto-PAn), IPv4 and IPv6. */
    CRYPTOPAN("cryptopan", FieldType.ADDRESS),
    /** Addresses cut to a prefix (the policy's {@code anonymization.truncate}, /24 and /48 by default). */
    TRUNCATE("truncate", FieldType.ADDRESS),
    /** A user name's keyed token: 12 base32 characters of SipHash-2-4 under the site key's user subkey. */
    USER("user", FieldType.STRING),
    /** A keyed token of any value: SipHash-2-4, 16 hex characters (the fast keyed PRF). */
    SIPHASH("siphash", FieldType.STRING),
    /** A keyed token of any value: HMAC-SHA256 truncated to 16 bytes, 32 hex characters. */
    HMAC("hmac", FieldType.STRING),
    /** The local part of an e-mail address pseudonymized, the domain kept or pseudonymized. */
    EMAIL("email", FieldType.STRING),
    /** A MAC address with its OUI kept and the rest format-preserving (FF1). */
    MAC("mac", FieldType.STRING),
    /** An IMSI with MCC and MNC kept and the MSIN format-preserving (FF1). */
    IMSI("imsi", FieldType.STRING),
    /** An IMEI with its TAC kept, the serial format-preserving (FF1) and the check digit recomputed. */
    IMEI("imei", FieldType.STRING),
    /** A VIN with its WMI kept, the rest format-preserving (FF1) and the check digit recomputed. */
    VIN("vin", FieldType.STRING),
    /** A phone number with its country code kept and the other digits format-preserving (FF1). */
    PHONE("phone", FieldType.STRING),
    /** A position generalized to the centre of its geohash cell, coarsened further by the k-anonymity guard. */
    GEOHASH("geohash", FieldType.STRING),
    /** A speed or heading rounded to {@code anonymization.speed-step} / {@code heading-step}. */
    ROUND("round", FieldType.INTEGER),
    /** A time cut down to the start of its {@code anonymization.time-bucket}. */
    BUCKET("bucket", FieldType.STRING);

    private static final AnonymizationMethod[] VALUES = values();

    private final String keyword;
    private final FieldType fieldType;

    AnonymizationMethod(final String keyword, final FieldType fieldType)
    {
        this.keyword = keyword;
        this.fieldType = fieldType;
    }

    /**
     * @return the word that names the method in a policy.
     */
    public String keyword()
    {
        return keyword;
    }

    /**
     * @param type a field type.
     * @return true when the method can transform fields of that type.
     */
    public boolean appliesTo(final FieldType type)
    {
        return fieldType == type;
    }

    /**
     * Whether {@code anonymize <field> with <method>} can carry out its promise for this field.
     * Crypto-PAn transforms address fields, and also an event's text fields ({@code syslog.msg},
     * {@code cef.msg}, {@code json.*} read as text): an event leaves the site as its text, so
     * anonymizing such a field rewrites every IPv4 and IPv6 address written in the event. A
     * packet's text fields (a DNS name, a TLS server name) hold no address to rewrite. Only a field
     * named on its own qualifies: a data class of text fields ({@code pii.user}) names values that
     * are not addresses, which Crypto-PAn cannot transform.
     *
     * @param field a base field.
     * @return true when the method can anonymize it.
     */
    public boolean appliesTo(final Field field)
    {
        final boolean eventText = FieldType.STRING == field.type() && field.id() >= EventFields.FIRST_ID;
        return switch (this)
        {
            case CRYPTOPAN, TRUNCATE -> FieldType.ADDRESS == field.type() || eventText;
            case GEOHASH -> EventFields.VEHICLE_LAT == field.id() || EventFields.VEHICLE_LON == field.id();
            case ROUND -> EventFields.VEHICLE_SPEED == field.id() || EventFields.VEHICLE_HEADING == field.id();
            case BUCKET -> EventFields.VEHICLE_TIME == field.id();
            default -> eventText;
        };
    }

    /**
     * @return true for the methods that rewrite addresses (in address fields and in an event's text).
     */
    public boolean transformsAddresses()
    {
        return FieldType.ADDRESS == fieldType;
    }

    /**
     * @return what the method transforms, for messages ("address fields", "an event's text fields").
     */
    public String transformsWhat()
    {
        return switch (this)
        {
            case CRYPTOPAN, TRUNCATE -> "address fields (and the addresses written in an event's text fields)";
            case GEOHASH -> "positions (vehicle.lat and vehicle.lon)";
            case ROUND -> "speeds and headings (vehicle.speed and vehicle.heading)";
            case BUCKET -> "times (vehicle.time)";
            default -> "an event's text fields";
        };
    }

    /**
     * @return the field type the method transforms.
     */
    public FieldType fieldType()
    {
        return fieldType;
    }

    /**
     * @param keyword a word from a policy.
     * @return the method, or null when none has that keyword.
     */
    public static AnonymizationMethod byKeyword(final String keyword)
    {
        for (final AnonymizationMethod method : VALUES)
        {
            if (method.keyword.equals(keyword))
            {
                return method;
            }
        }
        return null;
    }

    /**
     * @return every method's keyword, for "did you mean" hints.
     */
    public static List<String> keywords()
    {
        final ArrayList<String> keywords = new ArrayList<>(VALUES.length);
        for (final AnonymizationMethod method : VALUES)
        {
            keywords.add(method.keyword);
        }
        return List.copyOf(keywords);
    }
}
