package dev.sluice.dataplane.anonymize;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole occurrences of each value are replaced, nothing inside longer words, longest value
 * first, and a value the text does not hold (written escaped) is reported so the caller fails
 * closed.
 */
class TextValueReplacerTest
{
    private final TextValueReplacer replacer = new TextValueReplacer();

    private void add(final String value, final String replacement)
    {
        final int at = replacer.beginValue(value);
        final byte[] bytes = replacement.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, replacer.arena(), at, bytes.length);
        replacer.endValue(bytes.length);
    }

    private String rewrite(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[4 * bytes.length + 64]);
        final int length = replacer.rewrite(MemorySegment.ofArray(bytes), 0, bytes.length, target, 0, target.capacity());
        assertTrue(length >= 0);
        final byte[] out = new byte[length];
        target.getBytes(0, out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    @Test
    void replacesEveryWholeOccurrenceAndNothingInsideWords()
    {
        replacer.clear();
        add("bob", "u7x2k");
        assertEquals("suser=u7x2k msg=login failed for u7x2k (bobby, jbob, bob2 kept) \"u7x2k\".",
            rewrite("suser=bob msg=login failed for bob (bobby, jbob, bob2 kept) \"bob\"."));
        assertEquals(3, replacer.replaced());
        assertTrue(replacer.allFound());
    }

    @Test
    void longerValuesWinAndDuplicatesAreKeptOnce()
    {
        replacer.clear();
        add("alice", "A");
        add("alice@example.com", "E");
        add("alice", "again");
        assertEquals(2, replacer.values());
        assertEquals("from=E user=A", rewrite("from=alice@example.com user=alice"));
        assertTrue(replacer.allFound());
    }

    @Test
    void aValueTheTextDoesNotHoldIsReported()
    {
        replacer.clear();
        add("alice", "A");
        add("carol", "C");
        assertEquals("{\"user\":\"al\\u0069ce\",\"by\":\"C\"}", rewrite("{\"user\":\"al\\u0069ce\",\"by\":\"carol\"}"));
        assertFalse(replacer.allFound(), "alice is written escaped: the caller must not send this as transformed");
    }

    @Test
    void noRoomIsReportedNotOverrun()
    {
        replacer.clear();
        add("x", "a much longer replacement");
        final byte[] text = "x x x".getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[20]);
        assertEquals(-1, replacer.rewrite(MemorySegment.ofArray(text), 0, text.length, target, 0, target.capacity()));
        assertEquals(-1, replacer.beginValue(""), "an empty value cannot be looked for");
    }

    @Test
    void spansReplaceExactlyTheirBytesAndNotEqualTextElsewhere()
    {
        replacer.clear();
        final String text = "{\"id\":52,\"speed\":52,\"heading\":359}";
        final byte[] arena = replacer.arena();
        arena[replacer.arenaFree()] = '0';
        assertTrue(replacer.addSpan(text.indexOf("359"), 3, 1));
        arena[replacer.arenaFree()] = '5';
        arena[replacer.arenaFree() + 1] = '0';
        assertTrue(replacer.addSpan(text.indexOf("52,\"heading"), 2, 2), "added out of order: kept sorted");
        assertEquals("{\"id\":52,\"speed\":50,\"heading\":0}", rewrite(text));
        assertEquals(2, replacer.replaced());
        assertTrue(replacer.allFound());
    }
}
