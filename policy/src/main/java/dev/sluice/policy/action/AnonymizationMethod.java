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
    CRYPTOPAN("cryptopan", FieldType.ADDRESS);

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
        return appliesTo(field.type()) ||
            (this == CRYPTOPAN && FieldType.STRING == field.type() && field.id() >= EventFields.FIRST_ID);
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
