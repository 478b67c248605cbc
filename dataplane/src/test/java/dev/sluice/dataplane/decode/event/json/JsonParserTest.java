package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accessors: lookups by path, the index layout, text with escapes, integers and decimals.
 */
class JsonParserTest
{
    private static final String DOCUMENT = """
        {"vehicle":{"speed":12.5,"vin":"1HGCM82633A004352","tags":["a","b\\n"]},
         "fixes":[{"lat":46.5,"lon":7.5},{"lat":-1,"lon":2}],
         "0":"key zero", "n":null, "ok":true, "dup":1, "dup":2, "esc\\u0061ped":"yes", "big":-9223372036854775808}
        """;

    private final JsonParser parser = new JsonParser();
    private final EventText text = new EventText(64);

    @Test
    void findsValuesByPath()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(parser, arena, DOCUMENT), () -> parser.rejectReason() + " at " + parser.rejectOffset());
            assertEquals(12.5, parser.decimal(find("vehicle.speed")));
            assertEquals(JsonParser.DECIMAL, parser.kind(find("vehicle.speed")));
            assertEquals("1HGCM82633A004352", parser.text(find("vehicle.vin"), text).toString());
            assertEquals("b\n", parser.text(find("vehicle.tags.1"), text).toString());
            assertEquals(-1, find("vehicle.tags.2"));
            assertEquals(-1, find("vehicle.tags.x"));
            assertEquals(46.5, parser.decimal(find("fixes.0.lat")));
            assertEquals(-1, parser.integer(find("fixes.1.lat")));
            assertEquals(JsonParser.INTEGER, parser.kind(find("fixes.1.lat")));
            assertEquals(-1.0, parser.decimal(find("fixes.1.lat")));
            assertEquals("key zero", parser.text(find("0"), text).toString(), "a digit segment is a key in an object");
            assertEquals(JsonParser.NULL, parser.kind(find("n")));
            assertTrue(parser.bool(find("ok")));
            assertEquals(2, parser.integer(find("dup")), "the last duplicate wins");
            assertEquals("yes", parser.text(find("escaped"), text).toString(), "keys compare with escapes resolved");
            assertEquals(Long.MIN_VALUE, parser.integer(find("big")));
            assertEquals(-1, find("missing"));
            assertEquals(-1, find("ok.deeper"));
            assertEquals(-1, find("fixes.01"), "a leading zero is not an index");
            assertEquals(JsonParser.OBJECT, parser.kind(find("vehicle")));
            assertEquals("[\"a\",\"b\\n\"]", parser.text(find("vehicle.tags"), text).toString(), "a container's text is its JSON");
            assertEquals("12.5", parser.text(find("vehicle.speed"), text).toString(), "a number's text is its literal");
        }
    }

    private int find(final String path)
    {
        return parser.find(JsonPath.compile(path));
    }

    @Test
    void indexLayoutSkipsSubtrees()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(parser, arena, "{\"a\":[1,{\"b\":true}],\"c\":\"x\"}"));
            assertEquals(9, parser.tokenCount());
            final int[] kinds = {JsonParser.OBJECT, JsonParser.KEY, JsonParser.ARRAY, JsonParser.INTEGER, JsonParser.OBJECT,
                JsonParser.KEY, JsonParser.TRUE, JsonParser.KEY, JsonParser.STRING};
            final int[] nexts = {9, 2, 7, 4, 7, 6, 7, 8, 9};
            for (int token = 0; token < kinds.length; token++)
            {
                assertEquals(kinds[token], parser.kind(token), "kind of " + token);
                assertEquals(nexts[token], parser.next(token), "next of " + token);
            }
            assertEquals(0, parser.start(0));
            assertEquals(28, parser.end(0));
            assertEquals(2, parser.start(1), "a key's bytes start after its quote");
            assertEquals(3, parser.end(1));
        }
    }

    @Test
    void decodesEscapesIntoUtf8()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(parser, arena, "\"\\u00e9\\u20ac\\ud83d\\ude97\\\"\\\\\\/\\b\\f\\n\\r\\t x\""));
            parser.text(0, text);
            assertEquals("é€\uD83D\uDE97\"\\/\b\f\n\r\t x", text.toString());
            assertTrue(parser.escaped(0));
            assertTrue(parser.textEquals(0, "é€\uD83D\uDE97\"\\/\b\f\n\r\t x".getBytes(StandardCharsets.UTF_8)));
            assertFalse(parser.textEquals(0, "é".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void truncatesLongTextIntoASmallSink()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(parser, arena, "[\"abcdef\",\"ab\\ncdef\"]"));
            final EventText small = new EventText(3);
            assertEquals("abc", parser.text(1, small).toString());
            assertTrue(small.truncated());
            assertEquals("ab\n", parser.text(2, small).toString());
            assertTrue(small.truncated());
        }
    }

    @Test
    void decimalsMatchDoubleParseDoubleWhereExact()
    {
        final SplittableRandom random = new SplittableRandom(42);
        try (Arena arena = Arena.ofConfined())
        {
            for (int i = 0; i < 20_000; i++)
            {
                final long significand = random.nextLong(1, 1L << 53);
                final int scale = random.nextInt(0, 15);
                final String literal = decimalLiteral(significand, scale, random.nextBoolean());
                assertTrue(JsonTesting.parse(parser, arena, literal), literal);
                final double expected = Double.parseDouble(literal);
                final double actual = parser.decimal(0);
                if (Long.toString(significand).length() <= 15)
                {
                    assertEquals(expected, actual, literal);
                }
                else
                {
                    assertEquals(expected, actual, 2 * Math.ulp(expected), literal);
                }
            }
            for (final String literal : List.of("1e308", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
                "123456789012345678901234567890e-10", "0.1e-320", "1e-310", "9007199254740993", "1e23", "8.41e21"))
            {
                assertTrue(JsonTesting.parse(parser, arena, literal), literal);
                final double expected = Double.parseDouble(literal);
                assertEquals(expected, parser.decimal(0), Math.max(Double.MIN_VALUE, 2 * Math.ulp(expected)), literal);
            }
        }
    }

    private static String decimalLiteral(final long significand, final int scale, final boolean exponent)
    {
        final String digits = Long.toString(significand);
        if (exponent)
        {
            return digits + "e-" + scale;
        }
        if (scale == 0)
        {
            return digits;
        }
        final String padded = "0".repeat(Math.max(0, scale - digits.length() + 1)) + digits;
        return padded.substring(0, padded.length() - scale) + "." + padded.substring(padded.length() - scale);
    }

    @Test
    void pathsAreCheckedWhenCompiled()
    {
        assertEquals(3, JsonPath.compile("fixes.0.lat").length());
        assertEquals(0, JsonPath.compile("fixes.0.lat").index(1));
        assertEquals(JsonPath.NOT_AN_INDEX, JsonPath.compile("fixes.0.lat").index(0));
        assertEquals("vehicle.speed", JsonPath.ofFieldName("json.vehicle.speed").toString());
        assertThrows(IllegalArgumentException.class, () -> JsonPath.compile(""));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.compile("a..b"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.compile("a."));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.ofFieldName("syslog.severity"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.compile("x".repeat(JsonPath.MAX_SEGMENT_BYTES + 1)));
    }

    @Test
    void rejectedDocumentHasNoTokensAndTheParserIsReusable()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertFalse(JsonTesting.parse(parser, arena, "{\"a\":"));
            assertEquals(0, parser.tokenCount());
            assertEquals(-1, parser.find(JsonPath.compile("a")));
            assertEquals(List.of(), JsonTesting.fields(parser));
            assertTrue(JsonTesting.parse(parser, arena, "{\"a\":1}"));
            assertEquals(List.of("json.a=1"), JsonTesting.fields(parser));
        }
    }
}
