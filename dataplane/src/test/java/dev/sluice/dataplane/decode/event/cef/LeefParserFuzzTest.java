package dev.sluice.dataplane.decode.event.cef;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link LeefParser} as {@link CefParserFuzzTest} does the CEF one: nothing throws (the message
 * ends where its memory does), accepted ranges lie inside the message and in order, every key finds a
 * pair with that key, rejections name a known reason and an offset inside the message. Input: the
 * message. Seeds: {@code LeefParserFuzzTestInputs/parsesAnyBytes}.
 * Fuzz locally: {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=LeefParserFuzzTest}.
 */
class LeefParserFuzzTest
{
    static final Set<String> REASONS = Set.of(
        LeefParser.NOT_LEEF, LeefParser.INVALID_VERSION, LeefParser.MISSING_HEADER_FIELD, LeefParser.INVALID_DELIMITER,
        LeefParser.INVALID_EXTENSION, LeefParser.TOO_MANY_EXTENSIONS);

    private final LeefParser parser = new LeefParser(16);
    private final EventText text = new EventText(CefParserFuzzTest.FUZZ_TEXT_CAPACITY);
    private final EventText key = new EventText(CefParserFuzzTest.FUZZ_TEXT_CAPACITY);
    private final Arena arena = Arena.ofAuto();

    @FuzzTest(maxDuration = "2m")
    void parsesAnyBytes(final byte[] input)
    {
        final MemorySegment memory = CefParserFuzzTest.atEndOfMemory(arena, input);
        final int length = input.length;
        if (!parser.parse(memory, 8, length))
        {
            assertNotNull(parser.rejectReason());
            assertTrue(REASONS.contains(parser.rejectReason()), parser.rejectReason());
            assertTrue(parser.rejectOffset() >= 0 && parser.rejectOffset() <= length, "offset " + parser.rejectOffset());
            assertEquals(0, parser.attributeCount());
            parser.visitFields(new CollectingVisitor());
            return;
        }
        assertNull(parser.rejectReason());
        assertTrue(parser.version() == 1 || parser.version() == 2);
        assertTrue(parser.delimiterLength() >= 1 && parser.delimiterLength() <= 4);
        int previous = parser.syslogPrefixLength();
        for (int field = LeefParser.VERSION; field <= LeefParser.EVENT_ID; field++)
        {
            assertTrue(parser.headerOffset(field) >= previous, "header " + field);
            previous = parser.headerOffset(field) + parser.headerLength(field);
            assertTrue(previous <= length, "header " + field);
            parser.header(field, text);
        }
        assertTrue(parser.attributesOffset() >= previous && parser.attributesOffset() <= length);
        previous = parser.attributesOffset();
        for (int i = 0; i < parser.attributeCount(); i++)
        {
            assertTrue(parser.attributeKeyOffset(i) >= previous, "key " + i);
            assertTrue(parser.attributeKeyLength(i) > 0);
            assertEquals(parser.attributeKeyOffset(i) + parser.attributeKeyLength(i) + 1, parser.attributeValueOffset(i));
            previous = parser.attributeValueOffset(i) + parser.attributeValueLength(i);
            assertTrue(previous <= length, "value " + i);
            parser.attributeKey(i, key);
            final int found = parser.findAttribute(key);
            assertTrue(found >= 0 && found <= i, "lookup of key " + i);
            parser.attribute(key, text);
            parser.attributeValue(i, text);
            parser.attributeAddress(key);
        }
        parser.visitFields(new CollectingVisitor());
    }
}
