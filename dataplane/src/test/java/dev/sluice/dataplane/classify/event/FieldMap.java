package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every field a parser's {@code visitFields} reports, by name (the last value wins): the tests' oracle. */
final class FieldMap implements EventFieldVisitor
{
    final Map<String, Object> values = new LinkedHashMap<>();

    /** An address as its version and both halves. */
    record Address(int version, long high, long low)
    {
    }

    FieldMap clear()
    {
        values.clear();
        return this;
    }

    Object get(final String name)
    {
        return values.get(name);
    }

    /** The value as the policy reads an integer: truncated toward zero, null when absent or negative. */
    Long integer(final String name)
    {
        final Object value = values.get(name);
        if (value instanceof Long l)
        {
            return l >= 0 ? l : null;
        }
        if (value instanceof Double d)
        {
            return d >= 0 && d < 0x1p63 ? (long)d.doubleValue() : null;
        }
        return null;
    }

    @Override
    public void text(final String name, final CharSequence value)
    {
        values.put(name, value.toString());
    }

    @Override
    public void integer(final String name, final long value)
    {
        values.put(name, value);
    }

    @Override
    public void decimal(final String name, final double value)
    {
        values.put(name, value);
    }

    @Override
    public void bool(final String name, final boolean value)
    {
        values.put(name, value);
    }

    @Override
    public void address(final String name, final int version, final long high, final long low)
    {
        values.put(name, new Address(version, high, low));
    }
}
