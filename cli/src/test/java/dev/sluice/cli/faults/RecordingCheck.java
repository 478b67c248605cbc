package dev.sluice.cli.faults;

import dev.sluice.regional.NdjsonFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a regional core's NDJSON recording must show after any fault: the records of one stream
 * in batches whose sequences rise by one from 1, each batch's records together and once (no
 * duplicate, no gap, order kept).
 */
public final class RecordingCheck
{
    private static final Pattern SEQUENCE = Pattern.compile(
        "\"" + NdjsonFields.WORKER + "\":(\\d+),\"" + NdjsonFields.SEQUENCE + "\":(\\d+),");
    private static final Pattern TIMESTAMP = Pattern.compile("\"" + NdjsonFields.TS_NS + "\":(\\d+)");

    private RecordingCheck()
    {
    }

    /** The records and the last batch sequence of a recording, once checked. */
    public record Recording(long records, long lastSequence)
    {
    }

    /**
     * Asserts each record once, the batches' sequences rising without a gap from 1 to
     * {@code lastSequence}, and {@code records} lines when it is not -1; the recording holds one stream.
     */
    public static Recording assertExactlyOnceInOrder(final Path ndjson, final long records, final long lastSequence)
        throws IOException
    {
        final Recording recording = read(ndjson, ANY_WORKER);
        if (records != -1)
        {
            assertEquals(records, recording.records(), "one line per record sent");
        }
        assertEquals(lastSequence, recording.lastSequence(), "the last batch");
        return recording;
    }

    /**
     * Asserts that the numbers {@code number} finds in one stream's records only rise (each record
     * once, in the order it was sent) and returns how many records hold one.
     */
    public static long assertRisingNumbers(final Path ndjson, final int worker, final Pattern number) throws IOException
    {
        long previous = -1;
        long found = 0;
        for (final String line : Files.readAllLines(ndjson, StandardCharsets.UTF_8))
        {
            final Matcher matcher = SEQUENCE.matcher(line);
            if (matcher.find() && Integer.parseInt(matcher.group(1)) == worker)
            {
                final Matcher numbered = number.matcher(line);
                assertTrue(numbered.find(), line);
                final long value = Long.parseLong(numbered.group(1));
                assertTrue(value > previous, "each record once, in order: " + value + " after " + previous);
                previous = value;
                found++;
            }
        }
        return found;
    }

    /** Every line, where the recording holds one stream. */
    public static final int ANY_WORKER = -1;

    /**
     * Checks the order of one stream (every batch once, none missing) and returns what the recording
     * holds of it. A batch written twice in a row would keep its sequence: its records' times going
     * back within one sequence give it away (a capture replay's times rise, and so do an event
     * listener's receive times).
     *
     * @param worker the stream's worker index, or {@link #ANY_WORKER}
     */
    public static Recording read(final Path ndjson, final int worker) throws IOException
    {
        final List<String> lines = Files.exists(ndjson) ? Files.readAllLines(ndjson, StandardCharsets.UTF_8) : List.of();
        long expected = 0;
        long records = 0;
        long lastTimestamp = Long.MIN_VALUE;
        for (final String line : lines)
        {
            final Matcher matcher = SEQUENCE.matcher(line);
            assertTrue(matcher.find(), line);
            if (worker != ANY_WORKER && Integer.parseInt(matcher.group(1)) != worker)
            {
                continue;
            }
            records++;
            final long sequence = Long.parseLong(matcher.group(2));
            if (sequence != expected)
            {
                assertEquals(expected + 1, sequence, "batches in order, each once: " + line);
                expected = sequence;
                lastTimestamp = Long.MIN_VALUE;
            }
            final Matcher timestamp = TIMESTAMP.matcher(line);
            if (timestamp.find())
            {
                final long ts = Long.parseLong(timestamp.group(1));
                assertTrue(ts >= lastTimestamp, "batch " + sequence + " holds its records once: " + line);
                lastTimestamp = ts;
            }
        }
        return new Recording(records, expected);
    }
}
