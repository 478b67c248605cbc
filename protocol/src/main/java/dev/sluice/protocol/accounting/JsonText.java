package dev.sluice.protocol.accounting;

/**
 * Builds one small JSON document (a counters file): objects, arrays, numbers, booleans and
 * escaped strings, with commas placed for the caller. Not for the data path: it allocates.
 * One thread.
 */
public final class JsonText
{
    private final StringBuilder text = new StringBuilder(1024);
    /** True when the next value or field in the current container needs no comma before it. */
    private boolean first = true;

    public JsonText beginObject()
    {
        separate();
        text.append('{');
        first = true;
        return this;
    }

    public JsonText beginObject(final String name)
    {
        name(name);
        text.append('{');
        first = true;
        return this;
    }

    public JsonText endObject()
    {
        text.append('}');
        first = false;
        return this;
    }

    public JsonText beginArray(final String name)
    {
        name(name);
        text.append('[');
        first = true;
        return this;
    }

    public JsonText endArray()
    {
        text.append(']');
        first = false;
        return this;
    }

    public JsonText field(final String name, final long value)
    {
        name(name);
        text.append(value);
        return this;
    }

    public JsonText field(final String name, final boolean value)
    {
        name(name);
        text.append(value);
        return this;
    }

    public JsonText field(final String name, final String value)
    {
        name(name);
        string(value);
        return this;
    }

    /** Writes the separator the field needs and its name; the value follows, and the next field needs a comma. */
    private void name(final String name)
    {
        separate();
        string(name);
        text.append(':');
    }

    private void separate()
    {
        if (!first)
        {
            text.append(',');
        }
        first = false;
    }

    private void string(final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        text.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }

    @Override
    public String toString()
    {
        return text.toString() + '\n';
    }
}
