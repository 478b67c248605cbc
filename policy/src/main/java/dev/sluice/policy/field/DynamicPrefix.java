package dev.sluice.policy.field;

/**
 * A name prefix under which fields are made by being named, because they cannot be listed in
 * advance: the keys of structured data, of JSON documents, CEF extensions, LEEF attributes and
 * the signals of a DBC file. A policy that names {@code json.vehicle.speed} gets a
 * {@link FieldKind#BASE} field of that name ({@link FieldResolver}), whose
 * {@link Field#dynamicPrefix()} and {@link Field#dynamicPath()} tell the reader where to find
 * the value. See {@link DynamicName} for the syntax of the path.
 * <p>
 * Immutable; any thread.
 */
public enum DynamicPrefix
{
    /** {@code syslog.sd.<SD-ID>.<param>}: a parameter of RFC 5424 structured data. */
    SYSLOG_SD("syslog.sd", 2, false, "structured-data parameter", "syslog.sd.<SD-ID>.<param>, e.g. syslog.sd.origin.ip"),
    /** {@code cef.<key>}: a CEF extension key that is not one of the fixed {@code cef.*} fields. */
    CEF("cef", 1, false, "CEF extension", "cef.<key>, e.g. cef.cs1"),
    /** {@code leef.<key>}: a LEEF event attribute that is not one of the fixed {@code leef.*} fields. */
    LEEF("leef", 1, false, "LEEF attribute", "leef.<key>, e.g. leef.identSrc"),
    /** {@code json.<path>}: a value of a JSON document, by member names and array indexes. */
    JSON("json", 0, true, "JSON value", "json.<key>[.<key>...], with [N] for array elements, e.g. json.fixes[0].lat"),
    /** {@code can.<message>.<signal>}: a signal of a CAN frame, decoded with the DBC file. */
    CAN("can", 2, false, "CAN signal", "can.<message>.<signal>, e.g. can.EngineData.EngineSpeed");

    private static final DynamicPrefix[] VALUES = values();

    private final String prefix;
    private final int steps;
    private final boolean allowsIndexes;
    private final String what;
    private final String form;

    DynamicPrefix(final String prefix, final int steps, final boolean allowsIndexes, final String what, final String form)
    {
        this.prefix = prefix;
        this.steps = steps;
        this.allowsIndexes = allowsIndexes;
        this.what = what;
        this.form = form;
    }

    /**
     * @return the prefix without its trailing dot, e.g. {@code json}.
     */
    public String prefix()
    {
        return prefix;
    }

    /**
     * @return how many keys a path has exactly, or 0 when any number (at least one) will do.
     */
    public int steps()
    {
        return steps;
    }

    /**
     * @return true when the path may index arrays ({@code [0]}).
     */
    public boolean allowsIndexes()
    {
        return allowsIndexes;
    }

    /**
     * @return what a field under the prefix is, for descriptions: "JSON value".
     */
    public String what()
    {
        return what;
    }

    /**
     * @return the shape of a name under the prefix, with an example, for hints.
     */
    public String form()
    {
        return form;
    }

    /**
     * @param name a field name as written.
     * @return the prefix the name starts with (followed by {@code .} or {@code [}), or null.
     */
    public static DynamicPrefix of(final CharSequence name)
    {
        for (final DynamicPrefix candidate : VALUES)
        {
            if (candidate.starts(name))
            {
                return candidate;
            }
        }
        return null;
    }

    private boolean starts(final CharSequence name)
    {
        final int length = prefix.length();
        if (name.length() <= length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (name.charAt(i) != prefix.charAt(i))
            {
                return false;
            }
        }
        final char next = name.charAt(length);
        return '.' == next || '[' == next;
    }
}
