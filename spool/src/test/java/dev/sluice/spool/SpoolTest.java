package dev.sluice.spool;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SpoolTest
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

    @Test
    void appendsAndReadsBackInOrderAcrossSegments()
    {
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean());
            assertEquals(0, spool.lastSequence());
            assertEquals(1, spool.firstSequence());
            for (long sequence = 1; sequence <= 200; sequence++)
            {
                records.append(spool, sequence);
            }
            assertEquals(1, spool.firstSequence());
            assertEquals(200, spool.lastSequence());
            assertEquals(200, spool.pendingRecords());
            assertTrue(spool.segmentCount() > 10, "rolled: " + spool.segmentCount());
            assertEquals(spool.segmentCount() * (long)SEGMENT_LENGTH, spool.bytesUsed());
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), TestRecords.readAll(spool, 1));
            assertEquals(LongStream.rangeClosed(150, 200).boxed().toList(), TestRecords.readAll(spool, 150));
            assertEquals(200, spool.counters().get(SpoolCounter.APPENDED));
        }
    }

    @Test
    void readContinuesWhereItStoppedAndFollowsAppends()
    {
        try (Spool spool = Spool.open(config()))
        {
            final List<Long> seen = new ArrayList<>();
            final RecordHandler handler = (sequence, buffer, offset, length) ->
            {
                TestRecords.assertPayload(sequence, buffer, offset, length);
                seen.add(sequence);
            };
            assertEquals(0, spool.read(1, handler, 10));
            for (long sequence = 1; sequence <= 30; sequence++)
            {
                records.append(spool, sequence);
            }
            assertEquals(7, spool.read(1, handler, 7));
            assertEquals(7, spool.read(8, handler, 7));
            assertEquals(16, spool.read(15, handler, 100));
            assertEquals(0, spool.read(31, handler, 100));
            records.append(spool, 31);
            assertEquals(1, spool.read(31, handler, 100));
            assertEquals(LongStream.rangeClosed(1, 31).boxed().toList(), seen);
            assertEquals(31, spool.counters().get(SpoolCounter.REPLAYED));
        }
    }

    @Test
    void cursorsReadAtTheirOwnPace()
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 50; sequence++)
            {
                records.append(spool, sequence);
            }
            final SpoolCursor fast = spool.newCursor(1);
            final SpoolCursor slow = spool.newCursor(1);
            final List<Long> fastSeen = new ArrayList<>();
            final List<Long> slowSeen = new ArrayList<>();
            assertEquals(50, fast.poll((sequence, buffer, offset, length) -> fastSeen.add(sequence), 1000));
            assertEquals(3, slow.poll((sequence, buffer, offset, length) -> slowSeen.add(sequence), 3));
            assertEquals(51, fast.position());
            assertEquals(4, slow.position());
            for (long sequence = 51; sequence <= 60; sequence++)
            {
                records.append(spool, sequence);
            }
            assertEquals(10, fast.poll((sequence, buffer, offset, length) -> fastSeen.add(sequence), 1000));
            assertEquals(57, slow.poll((sequence, buffer, offset, length) -> slowSeen.add(sequence), 1000));
            assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), fastSeen);
            assertEquals(fastSeen, slowSeen);

            slow.seek(42);
            slowSeen.clear();
            assertEquals(19, slow.poll((sequence, buffer, offset, length) -> slowSeen.add(sequence), 1000));
            assertEquals(42L, slowSeen.getFirst());
        }
    }

    @Test
    void acknowledgeTrimsWholeSegmentsOnlyAndKeepsTheLast() throws IOException
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 100; sequence++)
            {
                records.append(spool, sequence);
            }
            final int segmentsBefore = spool.segmentCount();
            final long bytesBefore = spool.bytesUsed();

            spool.acknowledge(50);
            assertEquals(50, spool.acknowledgedSequence());
            assertEquals(50, spool.pendingRecords());
            assertTrue(spool.segmentCount() < segmentsBefore);
            assertTrue(spool.bytesUsed() < bytesBefore);
            assertEquals(spool.segmentCount(), segmentFiles().size());
            assertTrue(spool.firstSequence() <= 51, "the segment holding 51 is kept: " + spool.firstSequence());
            assertEquals(LongStream.rangeClosed(51, 100).boxed().toList(), TestRecords.readAll(spool, 51));
            assertEquals(50, spool.counters().get(SpoolCounter.ACKNOWLEDGED));
            assertEquals(spool.firstSequence() - 1, spool.counters().get(SpoolCounter.TRIMMED_RECORDS));

            spool.acknowledge(40);
            assertEquals(50, spool.acknowledgedSequence(), "an older acknowledgement changes nothing");

            spool.acknowledge(100);
            assertEquals(1, spool.segmentCount(), "the last segment stays");
            assertEquals(0, spool.pendingRecords());
            assertEquals(100, spool.counters().get(SpoolCounter.ACKNOWLEDGED));

            records.append(spool, 101);
            assertEquals(List.of(101L), TestRecords.readAll(spool, 101));
        }
    }

    @Test
    void restartResumesAfterTheAcknowledgedSequence()
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 80; sequence++)
            {
                records.append(spool, sequence);
            }
            spool.acknowledge(33);
        }
        try (Spool spool = Spool.open(config()))
        {
            final SpoolRecoveryReport report = spool.recoveryReport();
            assertTrue(report.isClean(), report.toString());
            assertEquals(33, report.acknowledgedSequence());
            assertEquals(80, report.lastSequence());
            assertEquals(33, spool.acknowledgedSequence());
            assertEquals(80, spool.lastSequence());
            assertEquals(47, spool.pendingRecords());
            assertEquals(47, spool.counters().get(SpoolCounter.RECOVERED_RECORDS));
            assertEquals(LongStream.rangeClosed(34, 80).boxed().toList(),
                TestRecords.readAll(spool, spool.acknowledgedSequence() + 1));

            records.append(spool, 81);
            spool.acknowledge(81);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(81, spool.acknowledgedSequence());
            assertEquals(81, spool.lastSequence());
            assertEquals(0, spool.pendingRecords());
            records.append(spool, 82);
            assertEquals(List.of(82L), TestRecords.readAll(spool, 82));
        }
    }

    @Test
    void restartAppendsIntoTheLastSegment()
    {
        try (Spool spool = Spool.open(config()))
        {
            records.append(spool, 1);
        }
        try (Spool spool = Spool.open(config()))
        {
            records.append(spool, 2);
            assertEquals(1, spool.segmentCount());
            assertEquals(0, spool.counters().get(SpoolCounter.SEGMENTS_CREATED));
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(List.of(1L, 2L), TestRecords.readAll(spool, 1));
        }
    }

    @Test
    void emptyAndLargestPayloadsFitAndLargerAreRefused()
    {
        try (Spool spool = Spool.open(config()))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SEGMENT_LENGTH]);
            final int largest = SEGMENT_LENGTH - SpoolLayout.SEGMENT_HEADER_LENGTH - SpoolLayout.RECORD_HEADER_LENGTH;
            buffer.setMemory(0, largest, (byte)7);
            assertEquals(1, spool.append(buffer, 0, 0));
            assertEquals(2, spool.append(buffer, 0, largest));
            assertEquals(Spool.DROPPED_TOO_LARGE, spool.append(buffer, 0, largest + 1));
            assertEquals(Spool.DROPPED_TOO_LARGE, spool.append(buffer, 0, -1));
            assertEquals(3, spool.append(buffer, 0, 1));
            assertEquals(2, spool.counters().get(SpoolCounter.DROPPED_TOO_LARGE));
            assertEquals(2, spool.counters().dropped());

            final List<Integer> lengths = new ArrayList<>();
            spool.read(1, (sequence, b, offset, length) -> lengths.add(length), 10);
            assertEquals(List.of(0, largest, 1), lengths);
        }
    }

    @Test
    void pauseRefusesWithoutLosingAndResumesAfterAcknowledgement()
    {
        try (Spool spool = Spool.open(config().maxBytes(4L * SEGMENT_LENGTH).overflowRule(OverflowRule.PAUSE)))
        {
            long sequence = 1;
            long outcome;
            while ((outcome = spool.append(records.payload(sequence), 0, TestRecords.length(sequence))) > 0)
            {
                assertEquals(sequence++, outcome);
            }
            assertEquals(Spool.BACK_PRESSURED, outcome);
            assertEquals(4, spool.segmentCount());
            assertEquals(Spool.BACK_PRESSURED, spool.append(records.payload(sequence), 0, TestRecords.length(sequence)));
            assertEquals(2, spool.counters().get(SpoolCounter.BACK_PRESSURED));
            assertEquals(0, spool.counters().dropped());
            final long held = sequence - 1;
            assertEquals(LongStream.rangeClosed(1, held).boxed().toList(), TestRecords.readAll(spool, 1));

            spool.acknowledge(held / 2);
            records.append(spool, sequence);
            assertEquals(LongStream.rangeClosed(held / 2 + 1, sequence).boxed().toList(),
                TestRecords.readAll(spool, held / 2 + 1));
        }
    }

    @Test
    void dropNewestRefusesAndCounts()
    {
        try (Spool spool = Spool.open(config().maxBytes(3L * SEGMENT_LENGTH).overflowRule(OverflowRule.DROP_NEWEST)))
        {
            long sequence = 1;
            long outcome;
            while ((outcome = spool.append(records.payload(sequence), 0, TestRecords.length(sequence))) > 0)
            {
                sequence++;
            }
            assertEquals(Spool.DROPPED_OVERFLOW, outcome);
            assertEquals(1, spool.counters().get(SpoolCounter.DROPPED_OVERFLOW_NEWEST));
            assertEquals(sequence - 1, spool.lastSequence(), "a dropped record takes no sequence");
            assertEquals(LongStream.range(1, sequence).boxed().toList(), TestRecords.readAll(spool, 1));
        }
    }

    @Test
    void dropOldestDiscardsCountsAndReportsTheGap()
    {
        try (Spool spool = Spool.open(config().maxBytes(3L * SEGMENT_LENGTH).overflowRule(OverflowRule.DROP_OLDEST)))
        {
            for (long sequence = 1; sequence <= 100; sequence++)
            {
                records.append(spool, sequence);
            }
            assertEquals(3, spool.segmentCount());
            final long first = spool.firstSequence();
            assertTrue(first > 1);
            final SpoolCounters counters = spool.counters();
            assertEquals(first - 1, counters.get(SpoolCounter.DROPPED_OVERFLOW_OLDEST));
            assertEquals(counters.get(SpoolCounter.APPENDED),
                counters.get(SpoolCounter.ACKNOWLEDGED) + counters.get(SpoolCounter.DROPPED_OVERFLOW_OLDEST) +
                spool.pendingRecords());

            final List<long[]> gaps = new ArrayList<>();
            final List<Long> seen = new ArrayList<>();
            final SpoolCursor cursor = spool.newCursor(1);
            cursor.poll(new RecordHandler()
            {
                public void onRecord(final long sequence, final org.agrona.DirectBuffer buffer, final int offset, final int length)
                {
                    seen.add(sequence);
                }

                public void onGap(final long fromSequence, final long toSequence)
                {
                    gaps.add(new long[]{ fromSequence, toSequence });
                }
            }, 1000);
            assertEquals(1, gaps.size());
            assertEquals(1, gaps.getFirst()[0]);
            assertEquals(first - 1, gaps.getFirst()[1]);
            assertEquals(LongStream.rangeClosed(first, 100).boxed().toList(), seen);
            assertEquals(first - 1, counters.get(SpoolCounter.REPLAY_GAP));

            // Acknowledged records that were trimmed are no gap.
            spool.acknowledge(first + 1);
            final SpoolCursor late = spool.newCursor(1);
            late.poll(new RecordHandler()
            {
                public void onRecord(final long sequence, final org.agrona.DirectBuffer buffer, final int offset, final int length)
                {
                }

                public void onGap(final long fromSequence, final long toSequence)
                {
                    throw new AssertionError("no gap below the acknowledged sequence");
                }
            }, 1000);
            assertEquals(counters.get(SpoolCounter.APPENDED),
                counters.get(SpoolCounter.ACKNOWLEDGED) + counters.get(SpoolCounter.DROPPED_OVERFLOW_OLDEST) +
                spool.pendingRecords());
        }
    }

    @Test
    void cursorRelocatesWhenItsSegmentIsTrimmedUnderIt()
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 60; sequence++)
            {
                records.append(spool, sequence);
            }
            final List<Long> seen = new ArrayList<>();
            final SpoolCursor cursor = spool.newCursor(1);
            cursor.poll((sequence, buffer, offset, length) ->
            {
                TestRecords.assertPayload(sequence, buffer, offset, length);
                seen.add(sequence);
                spool.acknowledge(sequence);
            }, 1000);
            assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), seen);
            assertEquals(1, spool.segmentCount());
        }
    }

    @Test
    void acknowledgementBeyondTheLastMovesTheNextSequence()
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 5; sequence++)
            {
                records.append(spool, sequence);
            }
            spool.acknowledge(20);
            assertEquals(20, spool.lastSequence());
            assertEquals(15, spool.counters().get(SpoolCounter.ACKNOWLEDGED_BEYOND_LAST));
            assertEquals(5, spool.counters().get(SpoolCounter.ACKNOWLEDGED));
            records.append(spool, 21);
            assertEquals(List.of(21L), TestRecords.readAll(spool, 1));
        }
        try (Spool spool = Spool.open(config()))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            assertEquals(21, spool.lastSequence());
            assertEquals(List.of(21L), TestRecords.readAll(spool, 1));
        }
    }

    @Test
    void acknowledgedSequenceSurvivesWithNoSegmentLeft()
    {
        try (Spool spool = Spool.open(config()))
        {
            spool.acknowledge(7);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(7, spool.lastSequence());
            records.append(spool, 8);
        }
    }

    @Test
    void everyRecordPolicyMakesEachAppendDurable()
    {
        try (Spool spool = Spool.open(config().fsyncPolicy(FsyncPolicy.EVERY_RECORD)))
        {
            for (long sequence = 1; sequence <= 20; sequence++)
            {
                records.append(spool, sequence);
                assertEquals(sequence, spool.durableSequence());
            }
            assertTrue(spool.counters().get(SpoolCounter.SYNCS) >= 20);
        }
    }

    @Test
    void everyNRecordsPolicyForcesInSteps()
    {
        try (Spool spool = Spool.open(config().fsyncPolicy(FsyncPolicy.EVERY_N_RECORDS).fsyncEveryRecords(4)))
        {
            for (long sequence = 1; sequence <= 3; sequence++)
            {
                records.append(spool, sequence);
            }
            final long before = spool.durableSequence();
            assertTrue(before < 3, "not forced before 4: " + before);
            records.append(spool, 4);
            assertEquals(4, spool.durableSequence());
        }
    }

    @Test
    void intervalPolicyForcesOnAppendOrDutyCycleOnceTheIntervalPasses()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000);
        try (Spool spool = Spool.open(config().fsyncPolicy(FsyncPolicy.INTERVAL).fsyncIntervalNs(100).nanoClock(clock)))
        {
            records.append(spool, 1);
            records.append(spool, 2);
            assertEquals(0, spool.durableSequence());
            assertEquals(0, spool.doWork());
            clock.advance(100);
            assertEquals(1, spool.doWork());
            assertEquals(2, spool.durableSequence());
            assertEquals(0, spool.doWork());

            records.append(spool, 3);
            clock.advance(150);
            records.append(spool, 4);
            assertEquals(4, spool.durableSequence(), "the append past the interval forced");

            spool.acknowledge(4);
            assertEquals(0, spool.doWork());
            clock.advance(100);
            assertEquals(1, spool.doWork(), "the acknowledgement is forced too");
        }
    }

    @Test
    void neverPolicyCountsEveryAppendAsDurableAgainstACrash()
    {
        try (Spool spool = Spool.open(config().fsyncPolicy(FsyncPolicy.NEVER)))
        {
            records.append(spool, 1);
            assertEquals(1, spool.durableSequence());
            assertEquals(0, spool.counters().get(SpoolCounter.SYNCS));
        }
    }

    @Test
    void aDirectoryOpensOnce()
    {
        try (Spool spool = Spool.open(config()))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> Spool.open(config()));
            assertTrue(ex.getMessage().contains("already open"), ex.getMessage());
            assertFalse(spool.isClosed());
        }
        Spool.open(config()).close();
    }

    @Test
    void closedSpoolRefusesUse()
    {
        final Spool spool = Spool.open(config());
        final SpoolCursor cursor = spool.newCursor(1);
        spool.close();
        spool.close();
        assertThrows(IllegalStateException.class, () -> spool.append(records.payload(1), 0, 1));
        assertThrows(IllegalStateException.class, () -> cursor.poll((s, b, o, l) -> { }, 1));
    }

    @Test
    void invalidConfigurationReportsEveryError()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new SpoolConfig()
            .segmentLength(1000).maxBytes(10).fsyncEveryRecords(0).fsyncIntervalNs(0).overflowRule(null).conclude());
        for (final String setting : List.of("directory", "segmentLength", "maxBytes", "fsyncEveryRecords",
            "fsyncIntervalNs", "overflowRule"))
        {
            assertTrue(ex.getMessage().contains(setting + ":"), ex.getMessage());
        }
    }

    @Test
    void aTornAcknowledgementSlotFallsBackToThePreviousValue() throws IOException
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 40; sequence++)
            {
                records.append(spool, sequence);
            }
            spool.acknowledge(10);
            spool.acknowledge(20);
        }
        // generation 2 (sequence 20) went to slot 0: damage it.
        try (FileChannel channel = FileChannel.open(directory.resolve(SpoolLayout.ACK_FILE_NAME), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{ 1, 2, 3 }), SpoolLayout.ACK_SLOT_OFFSETS[0] + 17);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(10, spool.acknowledgedSequence());
            assertTrue(spool.recoveryReport().isClean(), "one bad slot is not a problem: the other holds the previous value");
            spool.acknowledge(30);
        }
        try (Spool spool = Spool.open(config()))
        {
            assertEquals(30, spool.acknowledgedSequence());
        }
    }

    @Test
    void configuredSegmentLengthMayChangeBetweenRuns()
    {
        try (Spool spool = Spool.open(config()))
        {
            for (long sequence = 1; sequence <= 30; sequence++)
            {
                records.append(spool, sequence);
            }
        }
        try (Spool spool = Spool.open(config().segmentLength(2 * SEGMENT_LENGTH)))
        {
            assertTrue(spool.recoveryReport().isClean(), spool.recoveryReport().toString());
            for (long sequence = 31; sequence <= 60; sequence++)
            {
                records.append(spool, sequence);
            }
            assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), TestRecords.readAll(spool, 1));
        }
    }

    private List<Path> segmentFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(SpoolLayout.SEGMENT_SUFFIX)).toList();
        }
    }
}
