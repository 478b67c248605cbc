package dev.sluice.regional;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class EventBodyJsonTest
{
    private final EventBodyJson json = new EventBodyJson();

    @Test
    void copiesValidObjectsWithoutTheWhitespaceBetweenTokens()
    {
        assertObject("{}", "{}");
        assertObject("{}", " \t\r\n{ \n }\n");
        assertObject("{\"a\":1}", "{\"a\":1}");
        assertObject("{\"a\":{\"b\":[]},\"c\":[1,-0,2.5,-1e5,3E+2,4.0e-10,true,false,null,\"x y\"]}",
            "{ \"a\" : { \"b\" : [ ] } ,\n  \"c\" : [ 1 , -0 , 2.5 , -1e5 , 3E+2 , 4.0e-10 , true , false , null , \"x y\" ] }\n");
        assertObject("{\"esc\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}",
            "{\"esc\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}");
        assertObject("{\"été\":\"日本 😀\"}", "{ \"été\" : \"日本 😀\" }");
        assertObject("{\"a\":[[{}],{\"b\":[{}]}]}", "{\"a\":[[{}],{\"b\":[{}]}]}");
    }

    @Test
    void refusesWhatIsNotExactlyOneValidObject()
    {
        for (final String body : new String[]{
            "", " ", "[]", "[1]", "\"text\"", "1", "true", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}",
            "{,}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{1:2}", "{'a':1}", "{a:1}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
            "{\"a\":[}", "{\"a\":]}", "{\"a\":{]}", "{}{}", "{} x", "{}}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
            "{\"a\":-}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}",
            "{\"a\":fals}", "{\"a\":nul}", "{\"a\":True}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
            "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", "{\"a\":1}\u0000", "{/* c */}",
            "\u00a0{}", "{\"a\":\"\\"})
        {
            assertEquals(-1, putObject(body.getBytes(StandardCharsets.UTF_8)), body);
        }
        assertEquals(-1, putObject(new byte[]{ '{', '"', (byte)0xC3, '"', ':', '1', '}' }), "truncated UTF-8");
        assertEquals(-1, putObject(new byte[]{ '{', '"', (byte)0xC0, (byte)0xAF, '"', ':', '1', '}' }), "overlong");
        assertEquals(-1, putObject(new byte[]{ '{', '"', 'a', '"', ':', '"', (byte)0xED, (byte)0xA0, (byte)0x80, '"', '}' }),
            "surrogate");
        assertEquals(-1, putObject(new byte[]{ '{', '"', 'a', '"', ':', '"', (byte)0xFF, '"', '}' }), "0xFF");
    }

    @Test
    void nestsUpToTheMaximumDepth()
    {
        final String deepest = "{\"a\":" + "[".repeat(EventBodyJson.MAX_DEPTH - 1) + "]".repeat(EventBodyJson.MAX_DEPTH - 1) + "}";
        assertObject(deepest, deepest);
        final String tooDeep = "{\"a\":" + "[".repeat(EventBodyJson.MAX_DEPTH) + "]".repeat(EventBodyJson.MAX_DEPTH) + "}";
        assertEquals(-1, putObject(tooDeep.getBytes(StandardCharsets.US_ASCII)));
        assertObject("{}", "{}");
    }

    @Test
    void escapesTextAsAJsonString()
    {
        assertString("", "");
        assertString("<13>plain", "<13>plain");
        assertString("q\\\"b\\\\s/", "q\"b\\s/");
        assertString("\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f", "\b\f\n\r\t\u0000\u0001\u001f\u007f");
        assertString("été 日本 😀 \u0080 \uFFFF \uD800\uDC00 \uDBFF\uDFFF", "été 日本 😀 \u0080 \uFFFF \uD800\uDC00 \uDBFF\uDFFF");
    }

    @Test
    void refusesTextThatIsNotUtf8()
    {
        final byte[][] bodies = {
            { (byte)0x80 }, { (byte)0xBF }, { (byte)0xC0, (byte)0x80 }, { (byte)0xC1, (byte)0xBF }, { (byte)0xC3 },
            { (byte)0xC3, 'a' }, { (byte)0xE0, (byte)0x80, (byte)0x80 }, { (byte)0xE0, (byte)0x9F, (byte)0xBF },
            { (byte)0xED, (byte)0xA0, (byte)0x80 }, { (byte)0xED, (byte)0xBF, (byte)0xBF }, { (byte)0xE2, (byte)0x82 },
            { (byte)0xF0, (byte)0x80, (byte)0x80, (byte)0x80 }, { (byte)0xF0, (byte)0x8F, (byte)0xBF, (byte)0xBF },
            { (byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80 }, { (byte)0xF5, (byte)0x80, (byte)0x80, (byte)0x80 },
            { (byte)0xF0, (byte)0x9F, (byte)0x98 }, { (byte)0xFE }, { (byte)0xFF }, { 'o', 'k', (byte)0xE2, (byte)0x28, (byte)0xA1 },
        };
        for (final byte[] body : bodies)
        {
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[6 * body.length]);
            assertEquals(-1, EventBodyJson.putString(new UnsafeBuffer(body), 0, body.length, dst, 0), toHex(body));
            assertEquals(false, EventLines.isUtf8(body), "the JDK agrees: " + toHex(body));
        }
    }

    private void assertObject(final String expected, final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final int length = putObject(bytes);
        assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, length, body);
        final byte[] written = new byte[length];
        lastOutput.getBytes(3, written);
        assertEquals(expected, new String(written, StandardCharsets.UTF_8));
        assertNotNull(EventLines.parse(written));
        assertEquals(EventLines.parse(bytes), EventLines.parse(written));
    }

    private UnsafeBuffer lastOutput;

    private int putObject(final byte[] body)
    {
        // The body at an offset in its buffer, and written at an offset, as in a batch and a line.
        final byte[] framed = new byte[body.length + 10];
        System.arraycopy(body, 0, framed, 5, body.length);
        framed[4] = '{';
        framed[5 + body.length] = '}';
        lastOutput = new UnsafeBuffer(new byte[body.length + 8]);
        return json.putObject(new UnsafeBuffer(framed), 5, body.length, lastOutput, 3);
    }

    private static void assertString(final String expectedJson, final String text)
    {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[EventBodyJson.STRING_BYTES_PER_BODY_BYTE * body.length + 2]);
        final int length = EventBodyJson.putString(new UnsafeBuffer(body), 0, body.length, dst, 1);
        final byte[] written = new byte[length];
        dst.getBytes(1, written);
        assertEquals(expectedJson, new String(written, StandardCharsets.UTF_8));
        final String quoted = "\"" + new String(written, StandardCharsets.UTF_8) + "\"";
        assertEquals(text, EventLines.parse(quoted.getBytes(StandardCharsets.UTF_8)).asText());
    }

    private static String toHex(final byte[] bytes)
    {
        final StringBuilder hex = new StringBuilder();
        for (final byte b : bytes)
        {
            hex.append(String.format("%02x ", b & 0xFF));
        }
        return hex.toString();
    }
}
