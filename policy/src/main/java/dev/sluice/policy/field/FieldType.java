package dev.sluice.policy.field;

/**
 * The type of a field's value, which decides which operators and literals apply to it.
 * Immutable; any thread.
 */
public enum FieldType
{
    /** An unsigned whole number of at most 63 bits, read with {@link FieldReader#integer(int, int)}. */
    INTEGER("integer"),
    /** An IPv4 or IPv6 address, read with {@link FieldReader#addressVersion(int)} and the two halves. */
    ADDRESS("address"),
    /** A sequence of characters (a DNS name, a TLS server name), read with {@link FieldReader#text(int)}. */
    STRING("text");

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

    /**
     * @return "an integer", "an address", "a text": the label with its article, for messages.
     */
    public String labelWithArticle()
    {
        return (INTEGER == this || ADDRESS == this ? "an " : "a ") + label;
    }
}
