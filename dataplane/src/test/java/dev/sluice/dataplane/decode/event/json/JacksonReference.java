package dev.sluice.dataplane.decode.event.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.sluice.dataplane.decode.event.EventFieldVisitor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields Jackson's streaming parser (default, strict features) reads from a document (decoded
 * as UTF-8 by the JDK first, see {@link #fields(byte[])}), named
 * and typed as {@link JsonParser#visitFields} names them: the independent implementation of the
 * differential checks. Streaming rather than the tree model because the tree keeps only the last
 * of duplicate keys, and the parser reports all.
 */
final class JacksonReference
{
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE).maxNestingDepth(10_000).build())
        .build();

    private JacksonReference()
    {
    }

    /** A field as name and value: a Long, Double, Boolean or String. */
    record Field(String name, Object value)
    {
    }

    /**
     * @param document the bytes.
     * @return the fields, or null when Jackson rejects the document.
     */
    static List<Field> fields(final byte[] document)
    {
        final List<Field> fields = new ArrayList<>();
        // Jackson guesses UTF-16 or UTF-32 from NULs among the first four bytes (RFC 4627), so "3\0\0\0" would be
        // a UTF-32 "3" to it; JSON is UTF-8 (RFC 8259 section 8.1): the JDK's strict decoder decides that, Jackson the rest.
        final String text;
        try
        {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(document))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser jackson = FACTORY.createParser(text))
        {
            final Deque<String> names = new ArrayDeque<>();
            final Deque<int[]> elements = new ArrayDeque<>();
            String name = JsonParser.FIELD_ROOT;
            JsonToken token = jackson.nextToken();
            if (null == token)
            {
                return null;
            }
            do
            {
                if (token == JsonToken.FIELD_NAME)
                {
                    name = names.peek() + "." + jackson.currentName();
                    token = jackson.nextToken();
                }
                else if (!elements.isEmpty() && elements.peek()[0] >= 0 && token != JsonToken.END_ARRAY && token != JsonToken.END_OBJECT)
                {
                    name = names.peek() + "." + elements.peek()[0]++;
                }
                switch (token)
                {
                    case START_OBJECT ->
                    {
                        names.push(name);
                        elements.push(new int[]{-1});
                    }
                    case START_ARRAY ->
                    {
                        names.push(name);
                        elements.push(new int[]{0});
                    }
                    case END_OBJECT, END_ARRAY ->
                    {
                        names.pop();
                        elements.pop();
                    }
                    case VALUE_STRING -> fields.add(new Field(name, jackson.getText()));
                    case VALUE_NUMBER_INT -> fields.add(jackson.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER ?
                        new Field(name, jackson.getBigIntegerValue().doubleValue()) : new Field(name, jackson.getLongValue()));
                    case VALUE_NUMBER_FLOAT -> fields.add(new Field(name, Double.parseDouble(jackson.getText())));
                    case VALUE_TRUE -> fields.add(new Field(name, Boolean.TRUE));
                    case VALUE_FALSE -> fields.add(new Field(name, Boolean.FALSE));
                    case VALUE_NULL ->
                    {
                        // JsonParser reports nothing for null.
                    }
                    default -> throw new IllegalStateException("unexpected Jackson token " + token);
                }
                if (names.isEmpty())
                {
                    break;
                }
                token = jackson.nextToken();
            }
            while (null != token);
            if (!names.isEmpty() || null != jackson.nextToken())
            {
                return null;
            }
            return fields;
        }
        catch (final JsonProcessingException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The fields {@link JsonParser#visitFields} reports, in the same form. */
    static List<Field> fields(final JsonParser parser)
    {
        final List<Field> fields = new ArrayList<>();
        parser.visitFields(new EventFieldVisitor()
        {
            @Override
            public void text(final String name, final CharSequence value)
            {
                fields.add(new Field(name, value.toString()));
            }

            @Override
            public void integer(final String name, final long value)
            {
                fields.add(new Field(name, value));
            }

            @Override
            public void decimal(final String name, final double value)
            {
                fields.add(new Field(name, value));
            }

            @Override
            public void bool(final String name, final boolean value)
            {
                fields.add(new Field(name, value));
            }

            @Override
            public void address(final String name, final int version, final long high, final long low)
            {
                throw new AssertionError("JSON has no address fields");
            }
        });
        return fields;
    }

    /**
     * Asserts both lists hold the same fields; decimals within 2 units in the last place
     * ({@link JsonParser}'s documented bound), exactly when {@code exactDecimals}.
     */
    static void assertSameFields(final List<Field> expected, final List<Field> actual, final String document)
    {
        assertEquals(expected.size(), actual.size(), () -> "field count of " + document + ": " + expected + " vs " + actual);
        for (int i = 0; i < expected.size(); i++)
        {
            final Field e = expected.get(i);
            final Field a = actual.get(i);
            assertEquals(e.name(), a.name(), document);
            if (e.value() instanceof Double d && a.value() instanceof Double v)
            {
                final boolean close = d.equals(v) || Math.abs(d - v) <= 2 * Math.ulp(d) || (Double.isInfinite(d) && d.equals(v));
                assertTrue(close, () -> e.name() + ": Jackson " + d + ", JsonParser " + v + " in " + document);
            }
            else
            {
                assertEquals(e.value(), a.value(), () -> e.name() + " in " + document);
            }
        }
    }
}
