package dev.sluice.dataplane.decode.event.can;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared SavvyCAN logs and DBC files (../shared/data/vehicle/savvycan), and helpers to feed
 * lines to the parsers from off-heap memory as the ingest ring holds them.
 */
final class CanTestData
{
    private CanTestData()
    {
    }

    static Path directory()
    {
        final String sharedData = System.getProperty("sluice.shared.data");
        if (null == sharedData)
        {
            throw new IllegalStateException("system property sluice.shared.data is not set (Surefire sets it to <root>/../shared/data)");
        }
        final Path directory = Path.of(sharedData, "vehicle", "savvycan");
        if (!Files.isDirectory(directory))
        {
            throw new IllegalStateException("SavvyCAN logs not found at " + directory.toAbsolutePath());
        }
        return directory;
    }

    static Path file(final String name)
    {
        return directory().resolve(name);
    }

    static CanDatabase database(final String dbcName) throws IOException
    {
        return CanDatabase.compile(DbcFile.load(file(dbcName)));
    }

    /** A whole log mapped into one off-heap segment, with the start and length of each line (without its LF). */
    record Lines(MemorySegment segment, long[] starts, int[] lengths)
    {
        int count()
        {
            return starts.length;
        }

        String text(final int line)
        {
            final byte[] bytes = segment.asSlice(starts[line], lengths[line]).toArray(ValueLayout.JAVA_BYTE);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    static Lines lines(final Path file, final Arena arena) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        final List<long[]> spans = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++)
        {
            if (i == bytes.length || '\n' == bytes[i])
            {
                if (i > start || i < bytes.length)
                {
                    spans.add(new long[] {start, i - start});
                }
                start = i + 1;
            }
        }
        if (!spans.isEmpty() && 0 == spans.getLast()[1] && start > bytes.length)
        {
            spans.removeLast();
        }
        final long[] starts = new long[spans.size()];
        final int[] lengths = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++)
        {
            starts[i] = spans.get(i)[0];
            lengths[i] = (int)spans.get(i)[1];
        }
        return new Lines(segment, starts, lengths);
    }

    /** One line in its own off-heap segment. */
    static MemorySegment segment(final String line, final Arena arena)
    {
        final byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        final MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    /** Collects fields by name (the last value of a name wins), values as Java objects. */
    static final class FieldMap implements EventFieldVisitor
    {
        final Map<String, Object> fields = new LinkedHashMap<>();

        @Override
        public void text(final String name, final CharSequence value)
        {
            fields.put(name, value.toString());
        }

        @Override
        public void integer(final String name, final long value)
        {
            fields.put(name, value);
        }

        @Override
        public void decimal(final String name, final double value)
        {
            fields.put(name, value);
        }

        @Override
        public void bool(final String name, final boolean value)
        {
            fields.put(name, value);
        }

        @Override
        public void address(final String name, final int version, final long high, final long low)
        {
            fields.put(name, version + ":" + high + ":" + low);
        }
    }
}
