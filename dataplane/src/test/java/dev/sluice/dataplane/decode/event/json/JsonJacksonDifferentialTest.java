package dev.sluice.dataplane.decode.event.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential check against Jackson on random documents: well-formed ones (nested objects and
 * arrays, duplicate keys, escapes incl. surrogate pairs, UTF-8, numbers of every shape) and the
 * same with one byte-level mutation (a byte deleted, inserted, or replaced by a JSON-significant
 * one). Both must agree on accept/reject and, when they accept, on every field's name, type and
 * value (decimals within 2 ULP). The only tolerated disagreement is a lone surrogate escape,
 * which Jackson accepts and this parser rejects (documented). Deterministic seed; counts printed.
 */
class JsonJacksonDifferentialTest
{
    private static final int DOCUMENTS = 30_000;
    private static final String SIGNIFICANT = "{}[]:,\"\\0123456789-+.eEtrufalsn \t\n\u0001";
    private static final String[] KEYS = {"a", "b", "lat", "lon", "0", "1", "x y", "caf\u00e9", "\\u0041", "k\\\"", ""};

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void agreesWithJacksonOnRandomDocuments()
    {
        final SplittableRandom random = new SplittableRandom(0x150_2026L);
        final JsonParser parser = new JsonParser();
        final Map<String, Integer> outcomes = new TreeMap<>();
        try (Arena arena = Arena.ofConfined())
        {
            for (int i = 0; i < DOCUMENTS; i++)
            {
                final StringBuilder builder = new StringBuilder();
                value(random, builder, 0);
                byte[] document = builder.toString().getBytes(StandardCharsets.UTF_8);
                final boolean mutated = random.nextInt(3) > 0;
                if (mutated)
                {
                    document = mutate(random, document);
                }
                final boolean accepted = parser.parse(JsonTesting.exact(arena, document), 0, document.length);
                final List<JacksonReference.Field> expected = JacksonReference.fields(document);
                final String text = new String(document, StandardCharsets.UTF_8);
                if (accepted)
                {
                    assertNotNull(expected, () -> "Jackson rejects what JsonParser accepts: " + text);
                    JacksonReference.assertSameFields(expected, JacksonReference.fields(parser), text);
                    outcomes.merge(mutated ? "mutated_both_accept" : "well_formed_both_accept", 1, Integer::sum);
                }
                else if (null != expected)
                {
                    assertEquals(JsonParser.BAD_SURROGATE, parser.rejectReason(),
                        () -> "Jackson accepts what JsonParser rejects at " + parser.rejectOffset() + ": " + text);
                    outcomes.merge("lone_surrogate_jackson_accepts", 1, Integer::sum);
                }
                else
                {
                    assertTrue(mutated, () -> "a well-formed document was rejected: " + parser.rejectReason() + " " + text);
                    outcomes.merge("both_reject:" + parser.rejectReason(), 1, Integer::sum);
                }
            }
        }
        System.out.println("JSON vs Jackson over " + DOCUMENTS + " random documents: " + outcomes);
        assertTrue(outcomes.getOrDefault("well_formed_both_accept", 0) > DOCUMENTS / 4, "enough well-formed documents");
    }

    private static void value(final SplittableRandom random, final StringBuilder out, final int depth)
    {
        final int choice = random.nextInt(depth > 5 ? 6 : 9);
        switch (choice)
        {
            case 0 -> out.append(random.nextBoolean() ? "true" : "false");
            case 1 -> out.append("null");
            case 2, 3 -> number(random, out);
            case 4, 5 -> string(random, out);
            case 6, 7 ->
            {
                out.append('{');
                whitespace(random, out);
                final int members = random.nextInt(5);
                for (int m = 0; m < members; m++)
                {
                    if (m > 0)
                    {
                        out.append(',');
                        whitespace(random, out);
                    }
                    out.append('"').append(KEYS[random.nextInt(KEYS.length)]).append('"');
                    whitespace(random, out);
                    out.append(':');
                    whitespace(random, out);
                    value(random, out, depth + 1);
                    whitespace(random, out);
                }
                out.append('}');
            }
            default ->
            {
                out.append('[');
                final int elements = random.nextInt(5);
                for (int e = 0; e < elements; e++)
                {
                    if (e > 0)
                    {
                        out.append(',');
                    }
                    whitespace(random, out);
                    value(random, out, depth + 1);
                }
                out.append(']');
            }
        }
    }

    private static void whitespace(final SplittableRandom random, final StringBuilder out)
    {
        if (random.nextInt(4) == 0)
        {
            out.append(" \t\r\n".charAt(random.nextInt(4)));
        }
    }

    private static void number(final SplittableRandom random, final StringBuilder out)
    {
        if (random.nextBoolean())
        {
            out.append('-');
        }
        switch (random.nextInt(6))
        {
            case 0 -> out.append(random.nextInt(10));
            case 1 -> out.append(random.nextLong() >>> 1);
            case 2 -> out.append(random.nextInt(1000)).append('.').append(random.nextInt(1_000_000));
            case 3 -> out.append(random.nextInt(1, 10)).append(random.nextBoolean() ? 'e' : 'E')
                .append(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "").append(random.nextInt(400));
            case 4 -> out.append("9223372036854775808").append(random.nextInt(100));
            default -> out.append(random.nextInt(100)).append('.').append(random.nextLong() >>> 1).append('e').append(random.nextInt(-30, 30));
        }
    }

    private static void string(final SplittableRandom random, final StringBuilder out)
    {
        out.append('"');
        final int length = random.nextInt(8);
        for (int i = 0; i < length; i++)
        {
            switch (random.nextInt(10))
            {
                case 0 -> out.append("\\n\\t\\\"\\\\\\/\\b\\f\\r".substring(0, 2 * random.nextInt(1, 9)));
                case 1 -> out.append(String.format("\\u%04x", random.nextInt(0xD800)));
                case 2 -> out.append("\\ud83d\\ude97");
                case 3 -> out.append("\u00e9\u20ac\uD83D\uDE97");
                case 4 -> out.append(random.nextInt(20) == 0 ? "\\udc00" : "x");
                default -> out.append((char)random.nextInt(0x23, 0x5B));
            }
        }
        out.append('"');
    }

    private static byte[] mutate(final SplittableRandom random, final byte[] document)
    {
        if (document.length == 0)
        {
            return new byte[]{(byte)SIGNIFICANT.charAt(random.nextInt(SIGNIFICANT.length()))};
        }
        final int at = random.nextInt(document.length);
        final byte replacement = (byte)SIGNIFICANT.charAt(random.nextInt(SIGNIFICANT.length()));
        return switch (random.nextInt(3))
        {
            case 0 ->
            {
                final byte[] shorter = new byte[document.length - 1];
                System.arraycopy(document, 0, shorter, 0, at);
                System.arraycopy(document, at + 1, shorter, at, document.length - at - 1);
                yield shorter;
            }
            case 1 ->
            {
                final byte[] longer = new byte[document.length + 1];
                System.arraycopy(document, 0, longer, 0, at);
                longer[at] = replacement;
                System.arraycopy(document, at, longer, at + 1, document.length - at);
                yield longer;
            }
            default ->
            {
                final byte[] same = document.clone();
                same[at] = replacement;
                yield same;
            }
        };
    }
}
