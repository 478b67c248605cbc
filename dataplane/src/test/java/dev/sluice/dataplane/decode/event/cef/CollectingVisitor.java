package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects visited fields for assertions: {@link #fields} keeps the first value of each name
 * (text as a String, integers as Long, addresses as {@link InetAddress}), {@link #names} all names in order.
 */
final class CollectingVisitor implements EventFieldVisitor
{
    final Map<String, Object> fields = new LinkedHashMap<>();
    final List<String> names = new ArrayList<>();

    static CollectingVisitor of(final dev.sluice.dataplane.decode.event.EventParser parser)
    {
        final CollectingVisitor visitor = new CollectingVisitor();
        parser.visitFields(visitor);
        return visitor;
    }

    Object get(final String name)
    {
        return fields.get(name);
    }

    @Override
    public void text(final String name, final CharSequence value)
    {
        put(name, value.toString());
    }

    @Override
    public void integer(final String name, final long value)
    {
        put(name, value);
    }

    @Override
    public void decimal(final String name, final double value)
    {
        put(name, value);
    }

    @Override
    public void bool(final String name, final boolean value)
    {
        put(name, value);
    }

    @Override
    public void address(final String name, final int version, final long high, final long low)
    {
        try
        {
            final byte[] bytes = 4 == version ?
                ByteBuffer.allocate(4).putInt((int)low).array() : ByteBuffer.allocate(16).putLong(high).putLong(low).array();
            put(name, InetAddress.getByAddress(bytes));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void put(final String name, final Object value)
    {
        names.add(name);
        fields.putIfAbsent(name, value);
    }

    static InetAddress ip(final String literal)
    {
        try
        {
            return InetAddress.getByName(literal);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(literal, ex);
        }
    }
}
