package dev.sluice.spool;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged spools: each test writes records, damages the files as a crash, a power loss or a
 * failing disk would, reopens, and checks that the valid prefix is kept, the damage reported
 * with its file and offset, and the spool usable afterwards.
 */
@Timeout(60)
class SpoolRecoveryTest
{
    private static final int SEGMENT_LENGTH = 16 * 1024;

    @TempDir
    Path directory;

    private final TestRecords records = new TestRecords();

    private SpoolConfig config()
    {
        return new SpoolConfig()
            .directory(directory)
            .segmentLength(SEGMENT_LENGTH)
            .maxBytes(1024L * SEGMENT_LENGTH)
            .fsyncPolicy(FsyncPolicy.NEVER)
            .errorHandler((ex) -> { });
    }

    private void write(final long count)
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = spool.lastSequence() + 1; sequence <= count; sequence++)
            {
                records.append(spool, sequence);
            }
        }
    }

    /**
     * Appends until the last segment holds at least {@code frames} records.
     */
    private void writeUntilTheLastSegmentHolds(final int frames) throws IOException
    {
        try (Spool spool = Spool.open(config()))
        {
            long sequence = spool.lastSequence();
            while (segments().isEmpty() || frames(segments().getLast()).size() < frames)
            {
                records.append(spool, ++sequence);
            }
        }
    }

    @Test
    void truncatedMidRecordKeepsThePrefix() throws IOException
    {
        write(40);
        final Path last = segments().getLast();
        final List<long[]> frames = frames(last);
        final long[] victim = frames.get(frames.size() - 1);
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE))
        {
            channel.truncate(victim[0] + 20);
        }

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(1, report.problems().size(), report.toString());
            final SpoolRecoveryReport.Problem problem = report.firstProblem();
            assertEquals(ScanProblem.RECORD_TRUNCATED, problem.problem());
            assertEquals(last, problem.file());
            assertEquals(victim[0], problem.offset());
            assertEquals(39, report.lastSequence());
            assertEquals(LongStream.rangeClosed(1, 39).boxed().toList(), TestRecords.readAll(spool, 1));
            assertTrue(spool.counters().get(SpoolCounter.CORRUPT_BYTES_DISCARDED) > 0);

            records.append(spool, 40);
            records.append(spool, 41);
        }
        assertCleanWith(41);
    }

    @Test
    void flippedByteInTheTailIsFoundByChecksum() throws IOException
    {
        write(40);
        final Path last = segments().getLast();
        final List<long[]> frames = frames(last);
        final long[] victim = frames.get(frames.size() / 2);
        final long victimSequence = victim[1];
        flip(last, victim[0] + SpoolLayout.RECORD_HEADER_LENGTH + victim[2] / 2 + (0 == victim[2] ? -4 : 0));

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport.Problem problem = spool.recoveryReport().firstProblem();
            assertEquals(ScanProblem.CHECKSUM_MISMATCH, problem.problem(), spool.recoveryReport().toString());
            assertEquals(victim[0], problem.offset());
            assertEquals(victimSequence - 1, spool.lastSequence());
            assertEquals(LongStream.range(1, victimSequence).boxed().toList(), TestRecords.readAll(spool, 1));
            for (long sequence = victimSequence; sequence <= 45; sequence++)
            {
                records.append(spool, sequence);
            }
        }
        assertCleanWith(45);
    }

    @Test
    void zeroedTailAfterTheRecordsIsAHole() throws IOException
    {
        writeUntilTheLastSegmentHolds(4);
        final Path last = segments().getLast();
        final List<long[]> frames = frames(last);
        final long[] victim = frames.get(frames.size() - 3);
        // A page lost at power loss: the records after it reached the disk, it did not.
        zero(last, victim[0], SpoolLayout.alignedFrameLength((int)victim[2]));

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(ScanProblem.DATA_AFTER_END, report.firstProblem().problem(), report.toString());
            assertEquals(victim[0], report.firstProblem().offset());
            assertEquals(victim[1] - 1, spool.lastSequence());
            assertTrue(report.bytesDiscarded() > 0);
        }
        assertCleanWith(frames.get(frames.size() - 3)[1] - 1);
    }

    @Test
    void zeroedPreallocatedSpaceIsTheCleanEnd()
    {
        write(3);
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean());
            assertEquals(0, spool.recoveryReport().bytesDiscarded());
        }
    }

    @Test
    void garbageAfterTheLastRecordIsDiscarded() throws IOException
    {
        write(5);
        final Path last = segments().getLast();
        final List<long[]> frames = frames(last);
        final long[] lastFrame = frames.getLast();
        final long end = lastFrame[0] + SpoolLayout.alignedFrameLength((int)lastFrame[2]);
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE))
        {
            // A torn write: header of a record whose payload never arrived.
            final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0x1234_5678).putInt(1000).putLong(6).flip();
            channel.write(header, end);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(ScanProblem.CHECKSUM_MISMATCH, spool.recoveryReport().firstProblem().problem());
            assertEquals(end, spool.recoveryReport().firstProblem().offset());
            assertEquals(5, spool.lastSequence());
        }
        assertCleanWith(5);
    }

    @Test
    void aStaleRecordFromAnOlderRunBreaksTheSequence() throws IOException
    {
        write(5);
        final Path last = segments().getLast();
        final List<long[]> frames = frames(last);
        final long[] first = frames.getFirst();
        final long[] lastFrame = frames.getLast();
        final long end = lastFrame[0] + SpoolLayout.alignedFrameLength((int)lastFrame[2]);
        final ByteBuffer copy = ByteBuffer.allocate(SpoolLayout.alignedFrameLength((int)first[2]));
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.read(copy, first[0]);
            copy.flip();
            channel.write(copy, end);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(ScanProblem.SEQUENCE_DISCONTINUOUS, spool.recoveryReport().firstProblem().problem());
            assertEquals(end, spool.recoveryReport().firstProblem().offset());
            assertEquals(5, spool.lastSequence());
        }
    }

    @Test
    void corruptionInAnEarlierSegmentIsReportedAndLaterSegmentsKept() throws IOException
    {
        write(120);
        final List<Path> files = segments();
        assertTrue(files.size() >= 5, "segments: " + files.size());
        final Path damaged = files.get(2);
        final List<long[]> frames = frames(damaged);
        final long[] victim = frames.get(1);
        flip(damaged, victim[0] + SpoolLayout.RECORD_FRAME_LENGTH_OFFSET + 3);
        final long lostFrom = victim[1];
        final long lostTo = frames(files.get(3)).getFirst()[1] - 1;

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(2, report.problems().size(), report.toString());
            assertEquals(ScanProblem.FRAME_LENGTH_INVALID, report.problems().get(0).problem());
            assertEquals(damaged, report.problems().get(0).file());
            assertEquals(victim[0], report.problems().get(0).offset());
            assertEquals(ScanProblem.SEQUENCE_GAP, report.problems().get(1).problem());
            assertTrue(report.problems().get(1).detail().contains(lostFrom + ".." + lostTo), report.toString());
            assertEquals(120, spool.lastSequence(), "later segments kept");

            final List<long[]> gaps = new ArrayList<>();
            final List<Long> seen = new ArrayList<>();
            spool.newCursor(1).poll(new RecordHandler()
            {
                public void onRecord(final long sequence, final DirectBuffer buffer, final int offset, final int length)
                {
                    TestRecords.assertPayload(sequence, buffer, offset, length);
                    seen.add(sequence);
                }

                public void onGap(final long fromSequence, final long toSequence)
                {
                    gaps.add(new long[]{ fromSequence, toSequence });
                }
            }, 1000);
            assertEquals(1, gaps.size());
            assertEquals(lostFrom, gaps.getFirst()[0]);
            assertEquals(lostTo, gaps.getFirst()[1]);
            final List<Long> expected = new ArrayList<>(LongStream.range(1, lostFrom).boxed().toList());
            expected.addAll(LongStream.rangeClosed(lostTo + 1, 120).boxed().toList());
            assertEquals(expected, seen);
            assertEquals(lostTo - lostFrom + 1, spool.counters().get(SpoolCounter.REPLAY_GAP));
        }
    }

    @Test
    void unreadableSegmentHeaderIsSetAside() throws IOException
    {
        write(120);
        final List<Path> files = segments();
        final Path damaged = files.get(1);
        flip(damaged, 3);

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(ScanProblem.SEGMENT_HEADER_INVALID, report.firstProblem().problem(), report.toString());
            assertEquals(ScanProblem.SEQUENCE_GAP, report.problems().get(1).problem());
            assertTrue(Files.exists(damaged.resolveSibling(damaged.getFileName() + SpoolLayout.CORRUPT_SUFFIX)));
            assertFalse(Files.exists(damaged));
            assertEquals(files.size() - 1, spool.segmentCount());
            assertEquals(120, spool.lastSequence());
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(1, spool.recoveryReport().problems().size(), "the gap stays reported, the file stays aside");
            assertEquals(ScanProblem.SEQUENCE_GAP, spool.recoveryReport().firstProblem().problem());
        }
    }

    @Test
    void aLastSegmentOfZerosIsAnUnfinishedCreation() throws IOException
    {
        write(10);
        final Path zeros = directory.resolve(SpoolLayout.segmentFileName(11));
        Files.write(zeros, new byte[SEGMENT_LENGTH]);
        Files.write(directory.resolve(SpoolLayout.segmentFileName(12) + SpoolLayout.TEMPORARY_SUFFIX), new byte[100]);

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(ScanProblem.INCOMPLETE_SEGMENT, report.firstProblem().problem(), report.toString());
            assertEquals(1, report.temporaryFilesRemoved());
            assertFalse(Files.exists(zeros));
            assertEquals(10, spool.lastSequence());
            records.append(spool, 11);
        }
        assertCleanWith(11);
    }

    @Test
    void aCutShortLastSegmentWithNoRecordGivesWayToTheNewOne() throws IOException
    {
        write(5);
        // Found by SegmentScannerFuzzTest: the new segment for 6 has this file's name, and
        // trimming the empty one afterwards deleted the new file with the record in it.
        final Segment empty = Segment.create(directory, 6, SEGMENT_LENGTH, false, new RecordChecksum());
        empty.close();
        try (FileChannel channel = FileChannel.open(empty.path, StandardOpenOption.WRITE))
        {
            channel.truncate(SEGMENT_LENGTH / 2);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            records.append(spool, 6);
            records.append(spool, 7);
        }
        assertCleanWith(7);
    }

    @Test
    void segmentNamedForAnotherSequenceIsSetAside() throws IOException
    {
        write(120);
        final List<Path> files = segments();
        Files.move(files.get(1), directory.resolve(SpoolLayout.segmentFileName(2)));
        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(ScanProblem.SEGMENT_NAME_MISMATCH, report.firstProblem().problem(), report.toString());
            assertEquals(120, spool.lastSequence());
        }
    }

    @Test
    void invalidAcknowledgementFileFallsBackToTheFirstRecordKept() throws IOException
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 120; sequence++)
            {
                records.append(spool, sequence);
            }
            spool.acknowledge(60);
        }
        final Path ack = directory.resolve(SpoolLayout.ACK_FILE_NAME);
        final byte[] garbage = new byte[SpoolLayout.ACK_FILE_LENGTH];
        for (int i = 0; i < garbage.length; i++)
        {
            garbage[i] = (byte)(i * 7 + 1);
        }
        Files.write(ack, garbage);

        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertEquals(ScanProblem.ACK_FILE_INVALID, report.firstProblem().problem(), report.toString());
            assertEquals(spool.firstSequence() - 1, spool.acknowledgedSequence());
            assertTrue(spool.acknowledgedSequence() <= 60, "records above the lost acknowledgement are replayed again");
            spool.acknowledge(70);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            assertEquals(70, spool.acknowledgedSequence());
        }
    }

    @Test
    void segmentsWhollyAcknowledgedBeforeACrashAreTrimmedAtOpen() throws IOException
    {
        write(120);
        final List<Path> before = segments();
        // The acknowledgement reached its file; the crash came before the deletions.
        try (AckFile ack = AckFile.open(directory.resolve(SpoolLayout.ACK_FILE_NAME)))
        {
            ack.write(100);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean());
            assertTrue(spool.segmentCount() < before.size());
            assertTrue(spool.firstSequence() <= 101);
            assertEquals(LongStream.rangeClosed(101, 120).boxed().toList(), TestRecords.readAll(spool, 101));
            assertEquals(20, spool.pendingRecords());
        }
    }

    private void assertCleanWith(final long lastSequence)
    {
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            assertEquals(lastSequence, spool.lastSequence());
            assertEquals(LongStream.rangeClosed(1, lastSequence).boxed().toList(), TestRecords.readAll(spool, 1));
        }
    }

    private List<Path> segments() throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(SpoolLayout.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    /**
     * Each record of a segment file: offset, sequence, payload length.
     */
    private static List<long[]> frames(final Path segment) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        final List<long[]> frames = new ArrayList<>();
        int offset = SpoolLayout.SEGMENT_HEADER_LENGTH;
        while (offset + SpoolLayout.RECORD_HEADER_LENGTH <= bytes.capacity())
        {
            final int frameLength = bytes.getInt(offset + SpoolLayout.RECORD_FRAME_LENGTH_OFFSET);
            if (0 == frameLength)
            {
                break;
            }
            frames.add(new long[]{ offset, bytes.getLong(offset + SpoolLayout.RECORD_SEQUENCE_OFFSET),
                frameLength - SpoolLayout.RECORD_HEADER_LENGTH });
            offset += SpoolLayout.align(frameLength);
        }
        return frames;
    }

    private static void flip(final Path file, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte)(one.get(0) ^ 0x40)).clear();
            channel.write(one, offset);
        }
    }

    private static void zero(final Path file, final long offset, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(length), offset);
        }
    }
}
