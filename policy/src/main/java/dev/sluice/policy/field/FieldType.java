package dev.sluice.policy.field;

/**
 * The type of a field's value, which decides which operators and literals apply to it.
 * Events will add text and other types. Immutable; any thread.
 */
public enum FieldType
{
    /** An unsigned whole number of at most 63 bits, read with {@link FieldReader#integer(int)}. */
    INTEGER("integer"),
    /** An IPv4 or IPv6 address, read with {@link FieldReader#addressVersion(int)} and the two halves. */
    ADDRESS("address");

    private final String label;

    FieldType(final String label)
    {
        this.label = label;
    }

    /**
     * @return the lower-case name used in messages.
     */
    public String label()
    {
        return label;
    }
}
