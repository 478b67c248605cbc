package dev.sluice.dataplane.decode.event.json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.sluice.dataplane.decode.event.json.JsonParser.BAD_ESCAPE;
import static dev.sluice.dataplane.decode.event.json.JsonParser.BAD_SURROGATE;
import static dev.sluice.dataplane.decode.event.json.JsonParser.CONTROL_CHARACTER;
import static dev.sluice.dataplane.decode.event.json.JsonParser.EMPTY;
import static dev.sluice.dataplane.decode.event.json.JsonParser.INVALID_LITERAL;
import static dev.sluice.dataplane.decode.event.json.JsonParser.INVALID_NUMBER;
import static dev.sluice.dataplane.decode.event.json.JsonParser.INVALID_UTF8;
import static dev.sluice.dataplane.decode.event.json.JsonParser.TOO_DEEP;
import static dev.sluice.dataplane.decode.event.json.JsonParser.TOO_MANY_TOKENS;
import static dev.sluice.dataplane.decode.event.json.JsonParser.TRAILING_DATA;
import static dev.sluice.dataplane.decode.event.json.JsonParser.UNEXPECTED_CHARACTER;
import static dev.sluice.dataplane.decode.event.json.JsonParser.UNEXPECTED_END;
import static dev.sluice.dataplane.decode.event.json.JsonParser.UNTERMINATED_STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grammar, case by case, in the style of JSONTestSuite: {@code y_} documents must be
 * accepted (and, where given, report exactly the listed fields), {@code n_} documents must be
 * rejected with the given reason at the given offset, {@code i_} cases are where RFC 8259
 * leaves the choice to the parser and the expected outcome records ours. Written here, not
 * copied from JSONTestSuite. A summary of the counts is printed.
 */
class JsonConformanceTest
{
    private static final Map<String, Integer> SUMMARY = new TreeMap<>();

    record Case(String name, byte[] document, String reason, int offset, List<String> fields)
    {
        boolean accepted()
        {
            return null == reason;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    /** @return every case, for the fuzzer's seeds. */
    static List<Case> cases()
    {
        return List.copyOf(CASES);
    }

    private static void y(final String name, final String document, final String... fields)
    {
        CASES.add(new Case("y_" + name, utf8(document), null, -1, fields.length == 0 ? null : List.of(fields)));
    }

    private static void yBytes(final String name, final byte[] document, final String... fields)
    {
        CASES.add(new Case("y_" + name, document, null, -1, fields.length == 0 ? null : List.of(fields)));
    }

    private static void n(final String name, final String document, final String reason, final int offset)
    {
        CASES.add(new Case("n_" + name, utf8(document), reason, offset, null));
    }

    private static void nBytes(final String name, final byte[] document, final String reason, final int offset)
    {
        CASES.add(new Case("n_" + name, document, reason, offset, null));
    }

    private static void i(final String name, final String document, final String reason, final int offset, final String... fields)
    {
        CASES.add(new Case("i_" + name, utf8(document), reason, offset, List.of(fields)));
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(final String hex)
    {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static
    {
        // ----------------------------------------------------------------- structure
        y("object_empty", "{}");
        y("array_empty", "[]");
        y("object_simple", "{\"a\":1}", "json.a=1");
        y("object_members", "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":false,\"e\":null}",
            "json.a=1", "json.b=\"x\"", "json.c=true", "json.d=false");
        y("object_nested", "{\"vehicle\":{\"speed\":12.5,\"gear\":3}}", "json.vehicle.speed=12.5d", "json.vehicle.gear=3");
        y("array_of_objects", "{\"fixes\":[{\"lat\":1.5},{\"lat\":-2}]}", "json.fixes.0.lat=1.5d", "json.fixes.1.lat=-2");
        y("array_nested", "[[1,[2]],[],[[3]]]", "json.0.0=1", "json.0.1.0=2", "json.2.0.0=3");
        y("array_mixed", "[1,\"a\",true,null,{},[],2.5]", "json.0=1", "json.1=\"a\"", "json.2=true", "json.6=2.5d");
        y("object_empty_key", "{\"\":1}", "json.=1");
        y("object_duplicate_keys", "{\"a\":1,\"a\":2}", "json.a=1", "json.a=2");
        y("object_key_with_dot", "{\"a.b\":1}", "json.a.b=1");
        y("empty_containers_nested", "{\"a\":{},\"b\":[],\"c\":[{}]}");
        y("whitespace_everywhere", " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n", "json.a.0=1", "json.a.1=2");
        y("trailing_newline", "{\"a\":1}\n", "json.a=1");
        y("trailing_crlf", "[1]\r\n", "json.0=1");
        y("deep_64", "[".repeat(64) + "]".repeat(64));
        // ----------------------------------------------------------------- top-level scalars (RFC 8259 allows them)
        y("scalar_string", "\"x\"", "json=\"x\"");
        y("scalar_integer", "42", "json=42");
        y("scalar_negative", "-7", "json=-7");
        y("scalar_decimal", "1.5", "json=1.5d");
        y("scalar_true", "true", "json=true");
        y("scalar_false", " false ", "json=false");
        y("scalar_null", "null");
        // ----------------------------------------------------------------- numbers
        y("number_zero", "[0]", "json.0=0");
        y("number_minus_zero", "[-0]", "json.0=0");
        y("number_minus_zero_fraction", "[-0.0]", "json.0=-0.0d");
        y("number_fraction", "[123.456]", "json.0=123.456d");
        y("number_exponent", "[1e3]", "json.0=1000.0d");
        y("number_exponent_capital", "[1E3]", "json.0=1000.0d");
        y("number_exponent_plus", "[1e+3]", "json.0=1000.0d");
        y("number_exponent_minus", "[1e-3]", "json.0=0.001d");
        y("number_fraction_exponent", "[-1.25e2]", "json.0=-125.0d");
        y("number_exponent_leading_zeros", "[1e007]", "json.0=1.0E7d");
        y("number_long_max", "[9223372036854775807]", "json.0=9223372036854775807");
        y("number_long_min", "[-9223372036854775808]", "json.0=-9223372036854775808");
        y("number_beyond_long", "[9223372036854775808]", "json.0=9.223372036854776E18d");
        y("number_beyond_long_negative", "[-9223372036854775809]", "json.0=-9.223372036854776E18d");
        y("number_huge_integer", "[123456789012345678901234567890]", "json.0=1.2345678901234568E29d");
        y("number_huge_exponent", "[1e400]", "json.0=Infinityd");
        y("number_tiny_exponent", "[1e-400]", "json.0=0.0d");
        y("number_coordinate", "[46.498287177]", "json.0=46.498287177d");
        y("number_small_fraction", "[0.000001]", "json.0=1.0E-6d");
        y("number_after_key", "{\"n\":-12}", "json.n=-12");
        // ----------------------------------------------------------------- strings
        y("string_empty", "[\"\"]", "json.0=\"\"");
        y("string_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "json.0=\"\"\\/\b\f\n\r\t\"");
        y("string_unicode_escape_ascii", "[\"\\u0041\"]", "json.0=\"A\"");
        y("string_unicode_escape_latin", "[\"caf\\u00e9\"]", "json.0=\"café\"");
        y("string_unicode_escape_upper_hex", "[\"\\u00E9\"]", "json.0=\"é\"");
        y("string_unicode_escape_cjk", "[\"\\u4e2d\"]", "json.0=\"中\"");
        y("string_unicode_escape_nul", "[\"a\\u0000b\"]", "json.0=\"a\u0000b\"");
        y("string_surrogate_pair", "[\"\\ud83d\\ude00\"]", "json.0=\"\uD83D\uDE00\"");
        y("string_utf8_two_bytes", "[\"é\"]", "json.0=\"é\"");
        y("string_utf8_three_bytes", "[\"€\"]", "json.0=\"€\"");
        y("string_utf8_four_bytes", "[\"\uD83D\uDE97\"]", "json.0=\"\uD83D\uDE97\"");
        y("string_utf8_max", "[\"\uDBFF\uDFFF\"]", "json.0=\"\uDBFF\uDFFF\"");
        y("string_del_allowed", "[\"\u007f\"]", "json.0=\"\u007f\"");
        y("string_escaped_key", "{\"dri\\u0076er\":\"x\"}", "json.driver=\"x\"");
        y("string_with_brackets", "[\"}]{[,:\"]", "json.0=\"}]{[,:\"");
        y("string_u2028", "[\"\u2028\"]", "json.0=\"\u2028\"");
        // ----------------------------------------------------------------- literals
        y("literals_in_array", "[true,false,null]", "json.0=true", "json.1=false");

        // ----------------------------------------------------------------- rejected: empty and structure
        n("empty", "", EMPTY, 0);
        n("only_whitespace", " \n\t ", EMPTY, 0);
        n("object_unclosed", "{", UNEXPECTED_END, 1);
        n("array_unclosed", "[1", UNEXPECTED_END, 2);
        n("array_unclosed_after_comma", "[1,", UNEXPECTED_END, 3);
        n("object_unclosed_after_value", "{\"a\":1", UNEXPECTED_END, 6);
        n("object_missing_colon", "{\"a\" 1}", UNEXPECTED_CHARACTER, 5);
        n("object_missing_value", "{\"a\":}", UNEXPECTED_CHARACTER, 5);
        n("object_missing_value_at_end", "{\"a\":", UNEXPECTED_END, 5);
        n("object_key_unquoted", "{a:1}", UNEXPECTED_CHARACTER, 1);
        n("object_key_single_quoted", "{'a':1}", UNEXPECTED_CHARACTER, 1);
        n("object_key_number", "{1:1}", UNEXPECTED_CHARACTER, 1);
        n("object_trailing_comma", "{\"a\":1,}", UNEXPECTED_CHARACTER, 7);
        n("object_leading_comma", "{,\"a\":1}", UNEXPECTED_CHARACTER, 1);
        n("object_double_comma", "{\"a\":1,,\"b\":2}", UNEXPECTED_CHARACTER, 7);
        n("object_missing_comma", "{\"a\":1 \"b\":2}", UNEXPECTED_CHARACTER, 7);
        n("object_closed_by_bracket", "{\"a\":1]", UNEXPECTED_CHARACTER, 6);
        n("object_double_colon", "{\"a\"::1}", UNEXPECTED_CHARACTER, 5);
        n("array_trailing_comma", "[1,]", UNEXPECTED_CHARACTER, 3);
        n("array_leading_comma", "[,1]", UNEXPECTED_CHARACTER, 1);
        n("array_missing_comma", "[1 2]", UNEXPECTED_CHARACTER, 3);
        n("array_closed_by_brace", "[1}", UNEXPECTED_CHARACTER, 2);
        n("array_colon", "[\"a\":1]", UNEXPECTED_CHARACTER, 4);
        n("close_only", "]", UNEXPECTED_CHARACTER, 0);
        n("comma_only", ",", UNEXPECTED_CHARACTER, 0);
        n("two_documents", "{}{}", TRAILING_DATA, 2);
        n("two_scalars", "1 2", TRAILING_DATA, 2);
        n("trailing_garbage", "{\"a\":1}x", TRAILING_DATA, 7);
        n("trailing_close", "[1]]", TRAILING_DATA, 3);
        n("comment", "{\"a\":1}//c", TRAILING_DATA, 7);
        n("comment_inside", "[1/*c*/]", UNEXPECTED_CHARACTER, 2);
        n("too_deep_65", "[".repeat(65) + "]".repeat(65), TOO_DEEP, 64);
        n("too_deep_unclosed_100000", "[".repeat(100_000), TOO_DEEP, 64);
        n("too_deep_objects", "{\"a\":".repeat(70), TOO_DEEP, 64 * 5);
        nBytes("byte_order_mark", hex("efbbbf 7b7d"), UNEXPECTED_CHARACTER, 0);
        nBytes("nul_byte_after_value", hex("5b315d 00"), TRAILING_DATA, 3);
        n("vertical_tab_whitespace", "[\u000b1]", UNEXPECTED_CHARACTER, 1);
        n("nbsp_whitespace", "[\u00a01]", UNEXPECTED_CHARACTER, 1);
        // ----------------------------------------------------------------- rejected: numbers
        n("number_plus", "[+1]", UNEXPECTED_CHARACTER, 1);
        n("number_leading_zero", "[01]", INVALID_NUMBER, 2);
        n("number_minus_leading_zero", "[-01]", INVALID_NUMBER, 3);
        n("number_minus_only", "[-]", INVALID_NUMBER, 2);
        n("number_minus_at_end", "-", INVALID_NUMBER, 1);
        n("number_minus_space", "[- 1]", INVALID_NUMBER, 2);
        n("number_dot_first", "[.5]", UNEXPECTED_CHARACTER, 1);
        n("number_dot_last", "[5.]", INVALID_NUMBER, 3);
        n("number_dot_exponent", "[5.e3]", INVALID_NUMBER, 3);
        n("number_exponent_empty", "[1e]", INVALID_NUMBER, 3);
        n("number_exponent_sign_only", "[1e+]", INVALID_NUMBER, 4);
        n("number_exponent_at_end", "1E", INVALID_NUMBER, 2);
        n("number_hex", "[0x1F]", UNEXPECTED_CHARACTER, 2);
        n("number_infinity", "[Infinity]", UNEXPECTED_CHARACTER, 1);
        n("number_minus_infinity", "[-Infinity]", INVALID_NUMBER, 2);
        n("number_nan", "[NaN]", UNEXPECTED_CHARACTER, 1);
        n("number_two_dots", "[1.2.3]", UNEXPECTED_CHARACTER, 4);
        n("number_comma_decimal", "[1,5,]", UNEXPECTED_CHARACTER, 5);
        n("number_fullwidth_digit", "[\uff11]", UNEXPECTED_CHARACTER, 1);
        // ----------------------------------------------------------------- rejected: literals
        n("literal_truncated_true", "[tru]", INVALID_LITERAL, 1);
        n("literal_truncated_at_end", "fals", INVALID_LITERAL, 0);
        n("literal_capital", "[True]", UNEXPECTED_CHARACTER, 1);
        n("literal_misspelt", "[nul1]", INVALID_LITERAL, 1);
        n("literal_suffix", "[truex]", UNEXPECTED_CHARACTER, 5);
        n("literal_undefined", "[undefined]", UNEXPECTED_CHARACTER, 1);
        // ----------------------------------------------------------------- rejected: strings
        n("string_unterminated", "[\"abc", UNTERMINATED_STRING, 1);
        n("string_unterminated_escape", "[\"abc\\", UNTERMINATED_STRING, 1);
        n("string_unterminated_after_escaped_quote", "[\"abc\\\"]", UNTERMINATED_STRING, 1);
        n("key_unterminated", "{\"a", UNTERMINATED_STRING, 1);
        n("string_single_quotes", "['a']", UNEXPECTED_CHARACTER, 1);
        n("string_bad_escape_x", "[\"\\x41\"]", BAD_ESCAPE, 2);
        n("string_bad_escape_apostrophe", "[\"\\'\"]", BAD_ESCAPE, 2);
        n("string_bad_escape_a", "[\"\\a\"]", BAD_ESCAPE, 2);
        n("string_bad_escape_capital_u", "[\"\\U0041\"]", BAD_ESCAPE, 2);
        n("string_unicode_short", "[\"\\u41\"]", BAD_ESCAPE, 2);
        n("string_unicode_not_hex", "[\"\\u00g1\"]", BAD_ESCAPE, 2);
        n("string_unicode_truncated", "[\"\\u00", UNTERMINATED_STRING, 1);
        n("string_lone_low_surrogate", "[\"\\udc00\"]", BAD_SURROGATE, 2);
        n("string_lone_high_surrogate", "[\"\\ud800\"]", BAD_SURROGATE, 2);
        n("string_high_surrogate_then_text", "[\"\\ud800abc\"]", BAD_SURROGATE, 2);
        n("string_two_high_surrogates", "[\"\\ud800\\ud800\"]", BAD_SURROGATE, 2);
        n("string_high_surrogate_then_bad_escape", "[\"\\ud800\\u12\"]", BAD_ESCAPE, 8);
        n("string_raw_newline", "[\"a\nb\"]", CONTROL_CHARACTER, 3);
        n("string_raw_tab", "[\"a\tb\"]", CONTROL_CHARACTER, 3);
        nBytes("string_raw_nul", hex("5b22 00 225d"), CONTROL_CHARACTER, 2);
        nBytes("string_utf8_lone_continuation", hex("5b22 80 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_overlong_slash", hex("5b22 c0af 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_overlong_three", hex("5b22 e08080 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_surrogate", hex("5b22 eda080 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_above_max", hex("5b22 f4908080 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_f5", hex("5b22 f5808080 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_truncated_sequence", hex("5b22 e282 225d"), INVALID_UTF8, 2);
        nBytes("string_utf8_at_end", hex("5b22 e2"), INVALID_UTF8, 2);
        nBytes("string_latin1", hex("5b22 e9 225d"), INVALID_UTF8, 2);
        nBytes("key_invalid_utf8", hex("7b22 ff 223a317d"), INVALID_UTF8, 2);
        nBytes("bare_invalid_utf8", hex("5b ff 5d"), UNEXPECTED_CHARACTER, 1);

        // ----------------------------------------------------------------- implementation-defined: our choices
        i("duplicate_keys_accepted", "{\"k\":1,\"k\":2}", null, -1, "json.k=1", "json.k=2");
        i("lone_surrogate_rejected", "\"\\uDEAD\"", BAD_SURROGATE, 1);
        i("big_integer_as_decimal", "18446744073709551616", null, -1, "json=1.8446744073709552E19d");
        i("nul_escape_kept", "{\"a\":\"\\u0000\"}", null, -1, "json.a=\"\u0000\"");
        i("null_reports_nothing", "{\"a\":null}", null, -1);
        i("noncharacter_accepted", "[\"\\uffff\"]", null, -1, "json.0=\"\uffff\"");
    }

    @TestFactory
    Stream<DynamicTest> everyCase()
    {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(final Case c)
    {
        final JsonParser parser = new JsonParser();
        try (Arena arena = Arena.ofConfined())
        {
            final boolean accepted = JsonTesting.parse(parser, arena, c.document());
            if (c.accepted())
            {
                assertTrue(accepted, () -> c.name() + ": rejected with " + parser.rejectReason() + " at " + parser.rejectOffset());
                assertNull(parser.rejectReason());
                assertEquals(-1, parser.rejectOffset());
                if (null != c.fields())
                {
                    assertEquals(c.fields(), JsonTesting.fields(parser), c.name());
                }
                count(c.name().substring(0, 2) + "accepted");
            }
            else
            {
                assertFalse(accepted, c.name() + ": accepted");
                assertEquals(c.reason(), parser.rejectReason(), c.name());
                assertEquals(c.offset(), parser.rejectOffset(), c.name() + " offset");
                assertEquals(0, parser.tokenCount());
                count(c.name().substring(0, 2) + "rejected:" + c.reason());
            }
            // Every case placed so that its last byte is the last byte of its memory: no read past it.
            final JsonParser exact = new JsonParser();
            assertEquals(accepted, exact.parse(JsonTesting.exact(arena, c.document()), 0, c.document().length), c.name());
        }
    }

    private static synchronized void count(final String outcome)
    {
        SUMMARY.merge(outcome, 1, Integer::sum);
    }

    @Test
    void limitsAreConfigurable()
    {
        final JsonParser small = new JsonParser(4, 2, true);
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(small, arena, "[[1,2]]"));
            assertFalse(JsonTesting.parse(small, arena, "[[1,2,3]]"));
            assertEquals(TOO_MANY_TOKENS, small.rejectReason());
            assertEquals(6, small.rejectOffset());
            assertFalse(JsonTesting.parse(small, arena, "[[[]]]"));
            assertEquals(TOO_DEEP, small.rejectReason());
            assertFalse(JsonTesting.parse(small, arena, "{\"a\":1,\"b\":2}"));
            assertEquals(TOO_MANY_TOKENS, small.rejectReason());
            assertEquals(11, small.rejectOffset());
        }
    }

    @Test
    void utf8ValidationCanBeTurnedOff()
    {
        final JsonParser lenient = new JsonParser(JsonParser.DEFAULT_MAX_TOKENS, JsonParser.DEFAULT_MAX_DEPTH, false);
        try (Arena arena = Arena.ofConfined())
        {
            assertTrue(JsonTesting.parse(lenient, arena, hex("5b22 e9 225d")));
            assertFalse(JsonTesting.parse(lenient, arena, hex("5b22 00 225d")), "control characters stay rejected");
        }
    }

    @AfterAll
    static void printSummary()
    {
        final long y = CASES.stream().filter(c -> c.name().startsWith("y_")).count();
        final long n = CASES.stream().filter(c -> c.name().startsWith("n_")).count();
        final long i = CASES.size() - y - n;
        System.out.println("JSON conformance: " + CASES.size() + " cases (" + y + " y_, " + n + " n_, " + i + " i_); outcomes " + SUMMARY);
    }
}
