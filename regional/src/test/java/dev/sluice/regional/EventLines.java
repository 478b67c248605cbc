package dev.sluice.regional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.protocol.EventKind;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks an event line against the event that was sent: its kind by label (or the number of an
 * unknown kind) and its body in the form the writer documents ({@link NdjsonFields#EVENT},
 * {@link NdjsonFields#BODY} or {@link NdjsonFields#BODY_B64}), holding exactly the body's content.
 * <p>
 * Any thread.
 */
final class EventLines
{
    private static final ObjectMapper STRICT = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EventLines()
    {
    }

    /** @return the number of fields the event's own part of the line has (ts_ns, the kind, the body). */
    static int assertEvent(final int kindCode, final byte[] body, final JsonNode line)
    {
        final EventKind kind = EventKind.get(kindCode);
        if (null != kind)
        {
            assertEquals(kind.label(), line.get(NdjsonFields.KIND).asText());
            assertNull(line.get(NdjsonFields.EVENT_KIND));
        }
        else
        {
            assertEquals(kindCode, line.get(NdjsonFields.EVENT_KIND).asInt());
            assertNull(line.get(NdjsonFields.KIND));
        }

        final JsonNode event = line.get(NdjsonFields.EVENT);
        final JsonNode text = line.get(NdjsonFields.BODY);
        final JsonNode base64 = line.get(NdjsonFields.BODY_B64);
        assertEquals(1, (null == event ? 0 : 1) + (null == text ? 0 : 1) + (null == base64 ? 0 : 1),
            "one body form: " + line);
        if (null != event)
        {
            assertTrue(EventKind.JSON == kind || EventKind.FLOW == kind, "embedded only for json and flow: " + line);
            assertTrue(event.isObject());
            assertEquals(parse(body), event);
        }
        else if (null != text)
        {
            assertTrue(isUtf8(body));
            assertArrayEquals(body, text.asText().getBytes(StandardCharsets.UTF_8));
            if ((EventKind.JSON == kind || EventKind.FLOW == kind) && body.length < 2 * EventBodyJson.MAX_DEPTH)
            {
                // Too short to nest deeper than the writer checks: an object Jackson accepts must be embedded.
                final JsonNode parsed = parse(body);
                assertFalse(null != parsed && parsed.isObject(), "a valid object is embedded: " + line);
            }
        }
        else
        {
            assertFalse(isUtf8(body), "text bodies are readable: " + line);
            assertArrayEquals(body, Base64.getDecoder().decode(base64.asText()));
        }
        return 3;
    }

    static boolean isUtf8(final byte[] body)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body));
            return true;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }

    /** @return the body as Jackson reads it, or null when Jackson rejects it. */
    static JsonNode parse(final byte[] body)
    {
        try
        {
            return STRICT.readTree(body);
        }
        catch (final Exception ex)
        {
            return null;
        }
    }
}
