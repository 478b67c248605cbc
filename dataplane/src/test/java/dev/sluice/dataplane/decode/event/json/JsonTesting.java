package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers for the JSON tests: documents placed at the very end of native memory (a read past
 * the document throws), and a visitor that records fields as {@code name=value} lines.
 */
final class JsonTesting
{
    private JsonTesting()
    {
    }

    /** Copies bytes into a native segment of exactly their size, so any read past them fails. */
    static MemorySegment exact(final Arena arena, final byte[] bytes)
    {
        final MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    static boolean parse(final JsonParser parser, final Arena arena, final String document)
    {
        return parse(parser, arena, document.getBytes(StandardCharsets.UTF_8));
    }

    static boolean parse(final JsonParser parser, final Arena arena, final byte[] document)
    {
        // Placed after 3 bytes of other data, so offsets are exercised as well.
        final MemorySegment segment = arena.allocate(document.length + 3L);
        segment.fill((byte)'x');
        MemorySegment.copy(document, 0, segment, ValueLayout.JAVA_BYTE, 3, document.length);
        return parser.parse(segment, 3, document.length);
    }

    /** Every field as {@code name=value} (text in double quotes, decimals by Double.toString). */
    static List<String> fields(final JsonParser parser)
    {
        final Recorder recorder = new Recorder();
        parser.visitFields(recorder);
        return recorder.lines;
    }

    static final class Recorder implements EventFieldVisitor
    {
        final List<String> lines = new ArrayList<>();

        @Override
        public void text(final String name, final CharSequence value)
        {
            lines.add(name + "=\"" + value + "\"");
        }

        @Override
        public void integer(final String name, final long value)
        {
            lines.add(name + "=" + value);
        }

        @Override
        public void decimal(final String name, final double value)
        {
            lines.add(name + "=" + value + "d");
        }

        @Override
        public void bool(final String name, final boolean value)
        {
            lines.add(name + "=" + value);
        }

        @Override
        public void address(final String name, final int version, final long high, final long low)
        {
            lines.add(name + "=address");
        }
    }
}
