package dev.sluice.dataplane.decode.event.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link JsonParser} and what reads its index ({@link JsonParser#find}, values, text,
 * {@link TelemetryView}, {@link JsonParser#visitFields}): no input may make any of them throw
 * (the document fills its memory exactly, so a read past it would), a rejection has a listed
 * reason and an offset inside the document, an accepted document's index is a well-formed
 * tree, and a parser with small limits and no UTF-8 check agrees with the default one except
 * where its limits or UTF-8 tolerance explain it.
 * <p>
 * Differential: for ASCII inputs, Jackson's strict streaming parser ({@link JacksonReference})
 * must accept exactly what this parser accepts and read the same fields, except for the
 * documented differences (lone surrogates, which Jackson accepts; the depth and token limits).
 * <p>
 * Seeds: {@code JsonParserFuzzTestInputs/parsesAnyBytes}, the conformance cases and a few
 * telemetry documents ({@link JsonFuzzSeeds} writes them). Run as a fuzzer with
 * {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=JsonParserFuzzTest}.
 */
class JsonParserFuzzTest
{
    private static final List<String> REASONS = Arrays.asList(JsonParser.REJECT_REASONS);

    private final JsonParser parser = new JsonParser();
    private final JsonParser small = new JsonParser(16, 4, false);
    private final TelemetryView telemetry = new TelemetryView();
    private final EventText text = new EventText(64);
    private final JsonPath[] paths = {
        JsonPath.compile("a"), JsonPath.compile("0"), JsonPath.compile("a.0.b"), JsonPath.compile("lat"), JsonPath.compile("1.1")};

    @FuzzTest(maxDuration = "4m")
    void parsesAnyBytes(final byte[] input)
    {
        final MemorySegment exact = MemorySegment.ofArray(input);
        final boolean accepted = parser.parse(exact, 0, input.length);
        check(parser, accepted, input.length);
        final String reason = parser.rejectReason();

        final boolean smallAccepted = small.parse(exact, 0, input.length);
        check(small, smallAccepted, input.length);
        if (accepted)
        {
            assertTrue(smallAccepted || JsonParser.TOO_DEEP.equals(small.rejectReason()) ||
                JsonParser.TOO_MANY_TOKENS.equals(small.rejectReason()), small.rejectReason());
        }
        else if (smallAccepted)
        {
            assertEquals(JsonParser.INVALID_UTF8, reason, "only the UTF-8 check may make the default parser stricter");
        }

        if (isAscii(input))
        {
            final List<JacksonReference.Field> expected = JacksonReference.fields(input);
            if (accepted)
            {
                assertNotNull(expected, () -> "Jackson rejects what JsonParser accepts: " + new String(input));
                JacksonReference.assertSameFields(expected, JacksonReference.fields(parser), new String(input));
            }
            else if (null != expected)
            {
                assertTrue(JsonParser.BAD_SURROGATE.equals(reason) || JsonParser.TOO_DEEP.equals(reason) ||
                    JsonParser.TOO_MANY_TOKENS.equals(reason),
                    () -> "Jackson accepts what JsonParser rejects with " + reason + " at " + parser.rejectOffset() + ": " + new String(input));
            }
        }
    }

    private void check(final JsonParser json, final boolean accepted, final int length)
    {
        if (!accepted)
        {
            assertTrue(REASONS.contains(json.rejectReason()), json.rejectReason());
            assertTrue(json.rejectOffset() >= 0 && json.rejectOffset() <= length, "offset " + json.rejectOffset());
            assertEquals(0, json.tokenCount());
            return;
        }
        assertNull(json.rejectReason());
        final int count = json.tokenCount();
        assertTrue(count >= 1);
        assertEquals(count, json.next(0), "the root spans every token");
        for (int token = 0; token < count; token++)
        {
            final int kind = json.kind(token);
            assertTrue(kind >= JsonParser.OBJECT && kind <= JsonParser.NULL, "kind " + kind);
            assertTrue(json.next(token) > token && json.next(token) <= count, "next");
            assertTrue(json.start(token) >= 0 && json.start(token) <= json.end(token) && json.end(token) <= length, "range");
            if (kind == JsonParser.OBJECT)
            {
                for (int key = token + 1; key < json.next(token); key = json.next(key + 1))
                {
                    assertEquals(JsonParser.KEY, json.kind(key), "members start with a key");
                    assertTrue(json.next(key + 1) <= json.next(token), "members nest");
                }
            }
            else if (kind != JsonParser.ARRAY)
            {
                assertEquals(token + 1, json.next(token), "a scalar has no subtree");
            }
            json.text(token, text);
            json.integer(token);
            json.decimal(token);
        }
        for (final JsonPath path : paths)
        {
            final int found = json.find(path);
            assertTrue(found >= -1 && found < count);
        }
        telemetry.wrap(json);
        telemetry.visitFields(new JsonTesting.Recorder());
        json.visitFields(new JsonTesting.Recorder());
    }

    private static boolean isAscii(final byte[] input)
    {
        for (final byte b : input)
        {
            if (b < 0)
            {
                return false;
            }
        }
        return true;
    }
}
