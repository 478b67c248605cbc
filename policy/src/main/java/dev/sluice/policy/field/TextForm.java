package dev.sluice.policy.field;

/**
 * What the values of a {@link FieldType#STRING} field look like, which decides how literals are
 * checked and how values compare. Immutable; any thread.
 */
public enum TextForm
{
    /** Any text; compared exactly, case-sensitive. */
    FREE,
    /**
     * A DNS host name, dotted, without the trailing dot ({@code dns.qry.name}, {@code tls.sni}).
     * Compared ignoring ASCII case, because DNS names are case-insensitive (RFC 4343) and
     * resolvers randomise the case of the names they ask for (DNS 0x20), so the same name
     * arrives in many spellings.
     */
    HOSTNAME,
    /** One of a fixed list of lower-case words ({@code tunnel.type}); compared exactly. */
    KEYWORD;

    /**
     * @return true when values of this form compare ignoring ASCII case.
     */
    public boolean ignoresAsciiCase()
    {
        return HOSTNAME == this;
    }
}
