package dev.sluice.dataplane.decode.event.cef;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link CefParser}: no input makes parsing, any accessor or the visitor throw (the message
 * sits at the very end of its off-heap memory, so a read past it would); an accepted message's ranges
 * lie inside it, in order, and every key finds a pair with that key; a rejection names a known reason
 * and an offset inside the message; whatever strict mode accepts, lenient mode accepts with the same
 * pairs. Input: the message. Seeds: {@code CefParserFuzzTestInputs/parsesAnyBytes}.
 * Fuzz locally: {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=CefParserFuzzTest}.
 */
class CefParserFuzzTest
{
    static final Set<String> REASONS = Set.of(
        CefParser.NOT_CEF, CefParser.INVALID_VERSION, CefParser.MISSING_HEADER_FIELD, CefParser.INVALID_SEVERITY,
        CefParser.INVALID_EXTENSION, CefParser.BAD_ESCAPE, CefParser.TOO_MANY_EXTENSIONS);

    /** Holds any key or value Jazzer generates (its inputs stay below 4096 bytes unless -max_len says otherwise). */
    static final int FUZZ_TEXT_CAPACITY = 1 << 20;

    private final CefParser lenient = new CefParser(16, false);
    private final CefParser strict = new CefParser(16, true);
    private final EventText text = new EventText(FUZZ_TEXT_CAPACITY);
    private final EventText other = new EventText(FUZZ_TEXT_CAPACITY);
    private final Arena arena = Arena.ofAuto();

    @FuzzTest(maxDuration = "2m")
    void parsesAnyBytes(final byte[] input)
    {
        final MemorySegment segment = atEndOfMemory(arena, input);
        final boolean lenientAccepted = check(lenient, segment, input.length);
        final boolean strictAccepted = check(strict, segment, input.length);
        if (strictAccepted)
        {
            assertTrue(lenientAccepted, "strict accepted what lenient rejected");
            assertEquals(strict.extensionCount(), lenient.extensionCount());
            for (int i = 0; i < strict.extensionCount(); i++)
            {
                assertEquals(strict.extensionValueOffset(i), lenient.extensionValueOffset(i));
                assertEquals(strict.extensionValueLength(i), lenient.extensionValueLength(i));
            }
        }
    }

    static MemorySegment atEndOfMemory(final Arena arena, final byte[] input)
    {
        final MemorySegment memory = arena.allocate(input.length + 8L);
        final MemorySegment segment = memory.asSlice(8, input.length);
        MemorySegment.copy(input, 0, segment, ValueLayout.JAVA_BYTE, 0, input.length);
        return memory;
    }

    private boolean check(final CefParser parser, final MemorySegment memory, final int length)
    {
        final boolean accepted = parser.parse(memory, 8, length);
        if (!accepted)
        {
            assertNotNull(parser.rejectReason());
            assertTrue(REASONS.contains(parser.rejectReason()), parser.rejectReason());
            assertTrue(parser.rejectOffset() >= 0 && parser.rejectOffset() <= length, "offset " + parser.rejectOffset());
            assertEquals(0, parser.extensionCount());
            parser.visitFields(new CollectingVisitor());
            return false;
        }
        assertNull(parser.rejectReason());
        assertEquals(-1, parser.rejectOffset());
        int previous = parser.syslogPrefixLength();
        assertTrue(previous >= 0 && previous <= CefParser.MAX_SYSLOG_PREFIX_BYTES);
        for (int field = CefParser.VERSION; field <= CefParser.SEVERITY; field++)
        {
            assertTrue(parser.headerOffset(field) >= previous, "header " + field);
            previous = parser.headerOffset(field) + parser.headerLength(field);
            assertTrue(previous <= length, "header " + field);
            parser.header(field, text);
        }
        assertTrue(parser.severity() >= -1 && parser.severity() <= 10);
        assertTrue(parser.extensionOffset() >= previous && parser.extensionOffset() <= length);
        previous = parser.extensionOffset();
        for (int i = 0; i < parser.extensionCount(); i++)
        {
            assertTrue(parser.extensionKeyOffset(i) >= previous, "key " + i);
            assertTrue(parser.extensionKeyLength(i) > 0);
            assertEquals(parser.extensionKeyOffset(i) + parser.extensionKeyLength(i) + 1, parser.extensionValueOffset(i));
            previous = parser.extensionValueOffset(i) + parser.extensionValueLength(i);
            assertTrue(previous <= length, "value " + i);
            parser.extensionKey(i, other);
            final int found = parser.findExtension(other);
            assertTrue(found >= 0 && found <= i, "lookup of key " + i);
            parser.extension(other, text);
            parser.extensionValue(i, text);
            parser.extensionAddress(other);
        }
        parser.visitFields(new CollectingVisitor());
        return true;
    }
}
