package dev.sluice.dataplane.egress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durable batch sequence: starts at 1, contiguous within a run and across a clean restart,
 * never reused after a crash (a run that ends without {@code close()}), and a damaged file is a
 * clear error instead of a silent restart at 1.
 */
class StreamSequenceTest
{
    @TempDir
    Path directory;

    @Test
    void startsAtOneAndIsContiguous()
    {
        try (StreamSequence sequence = StreamSequence.open(directory.resolve("a.seq"), 4))
        {
            assertEquals(0, sequence.lastUsed());
            for (long expected = 1; expected <= 20; expected++)
            {
                final long next = sequence.peekNext();
                assertEquals(expected, next);
                sequence.markUsed(next);
                assertEquals(expected, sequence.lastUsed());
            }
        }
    }

    @Test
    void peekWithoutUseHandsOutTheSameNumberAgain()
    {
        try (StreamSequence sequence = StreamSequence.open(directory.resolve("a.seq"), 2))
        {
            assertEquals(1, sequence.peekNext());
            assertEquals(1, sequence.peekNext(), "a failed claim retries with the same number");
            sequence.markUsed(1);
            assertEquals(2, sequence.peekNext());
            assertThrows(IllegalStateException.class, () -> sequence.markUsed(3), "out of order");
            assertThrows(IllegalStateException.class, () -> sequence.markUsed(1), "reused");
        }
    }

    @Test
    void cleanCloseContinuesAtLastPlusOne()
    {
        final Path file = directory.resolve("nested/dir/clean.seq");
        useUpTo(file, 7, 100, true);
        try (StreamSequence reopened = StreamSequence.open(file, 100))
        {
            assertEquals(7, reopened.lastUsed());
            assertEquals(8, reopened.peekNext(), "no hole after a clean restart");
        }
    }

    @Test
    void crashSkipsPastEveryNumberThatMayHaveBeenHandedOut()
    {
        final Path file = directory.resolve("crash.seq");
        final long block = 10;
        for (final long used : new long[]{1, 9, 10, 11, 25})
        {
            final Path streamFile = directory.resolve("crash-" + used + ".seq");
            useUpTo(streamFile, used, block, false);
            try (StreamSequence reopened = StreamSequence.open(streamFile, block))
            {
                final long next = reopened.peekNext();
                assertTrue(next > used, "after " + used + " used and a crash, next " + next + " must be above it");
                final long reservedThrough = ((used + block - 1) / block) * block;
                assertEquals(reservedThrough + 1, next, "resumes right above the durable reservation");
            }
        }

        // Crash, restart, crash again before any batch: still never below what the first run could have used.
        useUpTo(file, 3, block, false);
        StreamSequence.open(file, block);
        try (StreamSequence third = StreamSequence.open(file, block))
        {
            assertTrue(third.peekNext() > 3);
        }
    }

    @Test
    void crashAfterCleanRestartIsStillSafe()
    {
        final Path file = directory.resolve("mixed.seq");
        useUpTo(file, 5, 4, true);
        try (StreamSequence second = StreamSequence.open(file, 4))
        {
            assertEquals(6, second.peekNext());
        }
        final StreamSequence crashed = StreamSequence.open(file, 4);
        for (int i = 0; i < 6; i++)
        {
            crashed.markUsed(crashed.peekNext());
        }
        assertEquals(11, crashed.lastUsed());
        try (StreamSequence afterCrash = StreamSequence.open(file, 4))
        {
            assertTrue(afterCrash.peekNext() > 11);
        }
    }

    @Test
    void reservationIsDurableBeforeTheNumberIsHandedOut() throws IOException
    {
        final Path file = directory.resolve("durable.seq");
        final StreamSequence sequence = StreamSequence.open(file, 1000);
        assertEquals(Map.of("last-used", "0", "reserved-through", "0", "clean-close", "false"), stored(file),
            "marked in use at open");
        final long length = Files.size(file);
        sequence.markUsed(sequence.peekNext());
        assertEquals(Map.of("last-used", "0", "reserved-through", "1000", "clean-close", "false"), stored(file),
            "the reservation is on disk before sequence 1 is used");
        sequence.close();
        assertEquals(Map.of("last-used", "1", "reserved-through", "1000", "clean-close", "true"), stored(file));
        assertEquals(length, Files.size(file), "every record has the same length, so it is rewritten in place");
        assertFalse(Files.exists(directory.resolve("durable.seq.tmp")), "no temporary file left behind");
        sequence.close();
        assertEquals("true", stored(file).get("clean-close"), "closing twice changes nothing");
    }

    @Test
    void largestNumbersFitTheRecord() throws IOException
    {
        final Path file = directory.resolve("large.seq");
        Files.writeString(file, "last-used=" + (Long.MAX_VALUE - 10) + "\nreserved-through=" + (Long.MAX_VALUE - 5) +
            "\nclean-close=true\n");
        try (StreamSequence sequence = StreamSequence.open(file, 1))
        {
            assertEquals(Long.MAX_VALUE - 9, sequence.peekNext());
            sequence.markUsed(Long.MAX_VALUE - 9);
        }
        assertEquals(String.valueOf(Long.MAX_VALUE - 9), stored(file).get("last-used"));
    }

    @Test
    void fileInTheEarlierLayoutIsReadAndRewritten() throws IOException
    {
        final Path file = directory.resolve("earlier.seq");
        Files.writeString(file, "last-used=7\nreserved-through=65536\nclean-close=true\n");
        try (StreamSequence sequence = StreamSequence.open(file, 100))
        {
            assertEquals(8, sequence.peekNext());
            sequence.markUsed(8);
        }
        assertEquals(Map.of("last-used", "8", "reserved-through", "107", "clean-close", "true"), stored(file));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void reservingAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (StreamSequence sequence = StreamSequence.open(directory.resolve("hot.seq"), 1))
        {
            // A block of 1 reserves (rewrites and forces the file) for every sequence.
            for (int i = 0; i < 3_000; i++)
            {
                sequence.markUsed(sequence.peekNext());
            }
            // A one-off (a late deoptimization) shows in one window, a per-reservation allocation in all.
            long allocatedBytes = Long.MAX_VALUE;
            for (int window = 0; window < 5 && allocatedBytes != 0; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 1_000; i++)
                {
                    sequence.markUsed(sequence.peekNext());
                }
                allocatedBytes = Math.min(allocatedBytes, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, allocatedBytes, "bytes allocated by 1,000 reservations, fewest of up to 5 windows");
            assertEquals(0, sequence.lastUsed() % 1_000);
        }
    }

    @Test
    void reservationBlockMustBePositive()
    {
        assertThrows(IllegalArgumentException.class, () -> StreamSequence.open(directory.resolve("x.seq"), 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "last-used=12x\nreserved-through=100\nclean-close=true\n",
        "last-used=12\nreserved-through=\nclean-close=false\n",
        "last-used=-5\nreserved-through=-5\nclean-close=true\n",
        "reserved-through=100\nclean-close=true\n",
        "last-used=12\nclean-close=false\n",
        "",
        "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
        "garbage that is not a sequence file\n"})
    void damagedFileIsAClearError(final String content) throws IOException
    {
        final Path file = directory.resolve("damaged.seq");
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        final IllegalStateException error =
            assertThrows(IllegalStateException.class, () -> StreamSequence.open(file, 100), content);
        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("cannot be recovered safely"), error.getMessage());
        assertEquals(content, Files.readString(file, StandardCharsets.ISO_8859_1), "the damaged file is left for the operator");
    }

    @Test
    void undecodableFileIsAClearError() throws IOException
    {
        final Path file = directory.resolve("binary.seq");
        Files.write(file, new byte[]{(byte)0xFF, (byte)0xFE, 'l', 'a', 's', 't'});
        final UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> StreamSequence.open(file, 100));
        assertTrue(error.getMessage().contains("cannot read stream sequence file " + file), error.getMessage());
    }

    private static Map<String, String> stored(final Path file) throws IOException
    {
        final Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file))
        {
            properties.load(reader);
        }
        // Numbers are stored zero-padded to a fixed width; compare their values.
        final Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> values.put((String)key,
            ((String)value).matches("[0-9]+") ? String.valueOf(Long.parseLong((String)value)) : (String)value));
        return values;
    }

    private static void useUpTo(final Path file, final long lastUsed, final long block, final boolean close)
    {
        final StreamSequence sequence = StreamSequence.open(file, block);
        while (sequence.lastUsed() < lastUsed)
        {
            sequence.markUsed(sequence.peekNext());
        }
        if (close)
        {
            sequence.close();
        }
    }
}
