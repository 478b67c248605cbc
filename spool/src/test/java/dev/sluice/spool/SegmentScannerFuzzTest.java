package dev.sluice.spool;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes what recovery reads from disk, all untrusted bytes: any segment content ends in a
 * {@link SegmentScan} (never an exception, never an endless scan) whose valid prefix really is
 * valid, checked record by record with an independent CRC32C; a well-formed segment damaged in
 * known places keeps exactly the records before the first damage; any acknowledgement file is a
 * value or "none"; and any directory of such files opens as a spool that appends and reads back.
 */
@Timeout(300)
class SegmentScannerFuzzTest
{
    private static final int DECLARED_LENGTH = 8192;

    @FuzzTest(maxDuration = "2m")
    void scansAnySegmentBytes(final byte[] bytes)
    {
        final ByteBuffer segment = direct(bytes);
        final SegmentScan scan = new SegmentScan();
        new SegmentScanner().scan(segment, -1, scan);
        assertScanConsistent(bytes, scan);

        if (scan.headerValid)
        {
            // The prefix stands on its own: the same bytes with everything after it zeroed scan clean.
            final byte[] prefix = bytes.clone();
            java.util.Arrays.fill(prefix, scan.validEnd, Math.min(prefix.length, scan.declaredLength), (byte)0);
            final SegmentScan again = new SegmentScan();
            new SegmentScanner().scan(direct(prefix), scan.firstSequence, again);
            assertEquals(ScanProblem.NONE, again.problem, again.toString());
            assertEquals(scan.records, again.records);
            assertEquals(scan.validEnd, again.validEnd);
            assertEquals(scan.validEnd, again.dataEnd);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void keepsExactlyTheRecordsBeforeTheFirstDamage(final FuzzedDataProvider data)
    {
        final long firstSequence = data.consumeLong(1, Long.MAX_VALUE / 2);
        final byte[] bytes = new byte[DECLARED_LENGTH];
        final List<int[]> frames = writeSegment(bytes, firstSequence, data);

        // Damage: change some bytes, then maybe cut the file short. Two changes of one byte may
        // cancel out, so what counts as damaged is what differs from the segment as written.
        final byte[] written = bytes.clone();
        final int damages = data.consumeInt(0, 4);
        for (int i = 0; i < damages; i++)
        {
            bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte)data.consumeInt(1, 255);
        }
        final int[] damaged = java.util.stream.IntStream.range(0, bytes.length)
            .filter((i) -> bytes[i] != written[i]).toArray();
        final int length = data.consumeBoolean() ? bytes.length : data.consumeInt(0, bytes.length);
        final byte[] file = java.util.Arrays.copyOf(bytes, length);

        final SegmentScan scan = new SegmentScan();
        new SegmentScanner().scan(direct(file), firstSequence, scan);
        assertScanConsistent(file, scan);

        // The header's checksum covers bytes 0-23 and sits at 24-27; 28-31 are reserved, unchecked.
        final boolean headerIntact = length >= SpoolLayout.SEGMENT_HEADER_LENGTH &&
            !anyIn(damaged, 0, SpoolLayout.SEGMENT_CRC_OFFSET + Integer.BYTES);
        assertEquals(headerIntact, scan.headerValid, scan.toString());
        if (!headerIntact)
        {
            return;
        }
        // Exactly the leading records that are whole and undamaged are kept: damage in padding,
        // which no checksum covers, changes nothing, and damage after the records ends them.
        int intact = 0;
        for (final int[] frame : frames)
        {
            if (frame[0] + frame[1] > length || anyIn(damaged, frame[0], frame[0] + frame[1]))
            {
                break;
            }
            intact++;
        }
        assertEquals(intact, scan.records, scan + ", length " + length + ", damaged " + java.util.Arrays.toString(damaged));
        // A record that is lost is reported, unless what is left of it in the file is zeros only
        // (cut right after its first bytes, which were zeros): then nothing tells it from the end.
        if (intact < frames.size() && anyNonZero(file, frames.get(intact)[0]))
        {
            assertNotEquals(ScanProblem.NONE, scan.problem, scan.toString());
        }
    }

    private static boolean anyNonZero(final byte[] bytes, final int from)
    {
        for (int i = from; i < bytes.length; i++)
        {
            if (0 != bytes[i])
            {
                return true;
            }
        }
        return false;
    }

    private static boolean anyIn(final int[] positions, final int from, final int to)
    {
        for (final int position : positions)
        {
            if (position >= from && position < to)
            {
                return true;
            }
        }
        return false;
    }

    @FuzzTest(maxDuration = "1m")
    void parsesAnyAcknowledgementFile(final byte[] bytes) throws IOException
    {
        final Path directory = Files.createTempDirectory("sluice-spool-fuzz-ack");
        try
        {
            final Path path = directory.resolve(SpoolLayout.ACK_FILE_NAME);
            Files.write(path, bytes);
            try (AckFile ack = AckFile.open(path))
            {
                assertTrue(ack.acknowledged() >= 0);
                assertFalse(ack.valid() && ack.empty());
                final long next = ack.acknowledged() + 1;
                ack.write(next);
            }
            try (AckFile ack = AckFile.open(path))
            {
                assertTrue(ack.valid());
                assertTrue(ack.acknowledged() >= 1, "the write made a valid, newest slot");
            }
        }
        finally
        {
            deleteRecursively(directory);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void opensAnyDirectoryOfSegments(final FuzzedDataProvider data) throws IOException
    {
        final Path directory = Files.createTempDirectory("sluice-spool-fuzz-open");
        try
        {
            long firstSequence = data.consumeLong(1, 1_000_000);
            final int files = data.consumeInt(1, 3);
            for (int i = 0; i < files; i++)
            {
                final byte[] bytes = new byte[data.consumeBoolean() ? DECLARED_LENGTH : data.consumeInt(0, DECLARED_LENGTH)];
                final List<int[]> frames = writeSegment(bytes, firstSequence, data);
                final int damages = data.consumeInt(0, 3);
                for (int d = 0; d < damages && bytes.length > 0; d++)
                {
                    bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
                }
                final long nameSequence = data.consumeBoolean() ? firstSequence : data.consumeLong(0, 2_000_000);
                Files.write(directory.resolve(SpoolLayout.segmentFileName(nameSequence)), bytes);
                firstSequence += frames.size() + data.consumeInt(0, 2);
            }
            if (data.consumeBoolean())
            {
                Files.write(directory.resolve(SpoolLayout.ACK_FILE_NAME), data.consumeBytes(SpoolLayout.ACK_FILE_LENGTH));
            }

            final SpoolConfig config = new SpoolConfig().directory(directory).segmentLength(DECLARED_LENGTH)
                .maxBytes(16L * DECLARED_LENGTH).fsyncPolicy(FsyncPolicy.NEVER).errorHandler((ex) -> { });
            final long last;
            try (Spool spool = Spool.open(config))
            {
                final SpoolRecoveryReport report = spool.recoveryReport();
                assertEquals(report.problems().size(), spool.counters().get(SpoolCounter.RECOVERY_PROBLEMS));
                assertTrue(spool.firstSequence() >= 1);
                assertTrue(spool.lastSequence() >= spool.acknowledgedSequence());
                final long[] previous = { 0 };
                final SpoolCursor cursor = spool.newCursor(1);
                while (cursor.poll((sequence, buffer, offset, length) ->
                {
                    assertTrue(sequence > previous[0], "ascending");
                    previous[0] = sequence;
                }, 64) > 0)
                {
                    assertTrue(previous[0] <= spool.lastSequence());
                }
                final byte[] payload = data.consumeBytes(100);
                last = spool.append(new org.agrona.concurrent.UnsafeBuffer(payload), 0, payload.length);
                assertEquals(report.lastSequence() + 1, last);
            }
            try (Spool spool = Spool.open(config))
            {
                assertEquals(last, spool.lastSequence());
                final String tail;
                try (Stream<Path> paths = Files.list(directory))
                {
                    tail = paths.map((p) -> p.getFileName().toString()).filter((n) -> n.endsWith(SpoolLayout.SEGMENT_SUFFIX))
                        .max(Comparator.naturalOrder()).orElseThrow();
                }
                for (final SpoolRecoveryReport.Problem problem : spool.recoveryReport().problems())
                {
                    assertFalse(problem.offset() > 0 && problem.file().getFileName().toString().equals(tail),
                        "the tail was truncated at the first open: " + spool.recoveryReport());
                }
                final List<Long> read = new ArrayList<>();
                spool.read(last, (sequence, buffer, offset, length) -> read.add(sequence), 10);
                assertEquals(List.of(last), read);
            }
        }
        finally
        {
            deleteRecursively(directory);
        }
    }

    /**
     * Fills {@code bytes} (its length is the file's; the header declares {@link #DECLARED_LENGTH})
     * with a segment header and records of fuzzed payloads, written with this test's own encoder.
     *
     * @return each record's offset and frame length (the bytes its checksum covers end there).
     */
    private static List<int[]> writeSegment(final byte[] bytes, final long firstSequence, final FuzzedDataProvider data)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(new byte[DECLARED_LENGTH]).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(0, SpoolLayout.SEGMENT_MAGIC);
        buffer.putInt(8, SpoolLayout.FORMAT_VERSION);
        buffer.putInt(12, DECLARED_LENGTH);
        buffer.putLong(16, firstSequence);
        buffer.putInt(24, crc(buffer.array(), 0, 24));
        final List<int[]> frames = new ArrayList<>();
        int offset = SpoolLayout.SEGMENT_HEADER_LENGTH;
        final int records = data.consumeInt(0, 20);
        for (int i = 0; i < records; i++)
        {
            final byte[] payload = data.consumeBytes(data.consumeInt(0, 600));
            final int frameLength = SpoolLayout.RECORD_HEADER_LENGTH + payload.length;
            if (offset + frameLength > DECLARED_LENGTH)
            {
                break;
            }
            buffer.putInt(offset + 4, frameLength);
            buffer.putLong(offset + 8, firstSequence + i);
            System.arraycopy(payload, 0, buffer.array(), offset + SpoolLayout.RECORD_HEADER_LENGTH, payload.length);
            buffer.putInt(offset, crc(buffer.array(), offset + 4, frameLength - 4));
            frames.add(new int[]{ offset, frameLength });
            offset += SpoolLayout.align(frameLength);
        }
        System.arraycopy(buffer.array(), 0, bytes, 0, Math.min(bytes.length, DECLARED_LENGTH));
        return frames;
    }

    /**
     * What holds for any scan of any bytes, checked independently of the scanner.
     */
    private static void assertScanConsistent(final byte[] bytes, final SegmentScan scan)
    {
        assertTrue(scan.records >= 0);
        assertTrue(scan.dataEnd >= 0 && scan.dataEnd <= bytes.length, scan.toString());
        if (!scan.headerValid)
        {
            assertEquals(0, scan.records);
            assertNotEquals(ScanProblem.NONE, scan.problem);
            return;
        }
        assertTrue(scan.validEnd >= SpoolLayout.SEGMENT_HEADER_LENGTH, scan.toString());
        assertTrue(scan.validEnd <= Math.min(bytes.length, scan.declaredLength), scan.toString());
        assertTrue(scan.dataEnd >= scan.validEnd, scan.toString());
        if (ScanProblem.NONE == scan.problem)
        {
            assertEquals(scan.validEnd, scan.dataEnd, "a clean end has only zeros after it");
        }

        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int offset = SpoolLayout.SEGMENT_HEADER_LENGTH;
        for (int i = 0; i < scan.records; i++)
        {
            final int frameLength = buffer.getInt(offset + 4);
            assertTrue(frameLength >= SpoolLayout.RECORD_HEADER_LENGTH && offset + frameLength <= scan.validEnd);
            assertEquals(scan.firstSequence + i, buffer.getLong(offset + 8));
            assertEquals(buffer.getInt(offset), crc(bytes, offset + 4, frameLength - 4));
            offset += SpoolLayout.align(frameLength);
        }
        assertEquals(Math.min(offset, Math.min(bytes.length, scan.declaredLength)), scan.validEnd);
    }

    private static int crc(final byte[] bytes, final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int)crc.getValue();
    }

    private static ByteBuffer direct(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).clear();
        return buffer;
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
