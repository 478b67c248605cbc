package dev.sluice.regional.sink;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.LinkedList;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries survive wrapping around the ring's end intact, the reader sees only committed batches,
 * and room comes back only as entries are released.
 */
class RecordRingTest
{
    @Test
    void entriesOfEveryLengthSurviveWrappingIntact()
    {
        final RecordRing ring = new RecordRing(4096);
        final SplittableRandom random = new SplittableRandom(42);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[2000]);
        final LinkedList<byte[]> expected = new LinkedList<>();
        long readPosition = 0;
        long sequence = 0;

        for (int round = 0; round < 20_000; round++)
        {
            final int records = random.nextInt(4);
            final int length = random.nextInt(700);
            if (ring.tryReserve(RecordRing.batchLengthBound(records, (long)records * length)))
            {
                sequence++;
                for (int i = 0; i < records; i++)
                {
                    final byte[] bytes = new byte[length];
                    random.nextBytes(bytes);
                    src.putBytes(0, bytes);
                    ring.append(i, sequence, i % DataKind.count(), sequence, src, 0, length);
                    expected.add(bytes);
                }
                if (0 == records)
                {
                    ring.appendMarker(7, sequence);
                    expected.add(null);
                }
                ring.commit();
            }

            // Read and release a random share of what is committed.
            final long tail = ring.tail();
            while (readPosition < tail && random.nextBoolean())
            {
                final byte[] bytes = expected.poll();
                if (null == bytes)
                {
                    assertEquals(RecordRing.NO_KIND, ring.kind(readPosition));
                    assertEquals(0, ring.recordLength(readPosition));
                    assertTrue(ring.isLastOfBatch(readPosition));
                }
                else
                {
                    final byte[] copy = new byte[ring.recordLength(readPosition)];
                    ring.copyRecord(readPosition, copy);
                    assertArrayEquals(bytes, copy, "entry at " + readPosition);
                }
                readPosition += ring.entryLengthAt(readPosition);
                ring.release(readPosition);
            }
        }
        assertTrue(sequence > 1000, "batches taken: " + sequence);
    }

    @Test
    void theReaderSeesABatchOnlyOnceCommittedAndItsLastEntryIsMarked()
    {
        final RecordRing ring = new RecordRing(4096);
        final UnsafeBuffer src = new UnsafeBuffer("hello\n".getBytes());
        assertTrue(ring.tryReserve(RecordRing.batchLengthBound(2, 12)));
        ring.append(3, 9, DataKind.FLOWS.ordinal(), 100, src, 0, 6);
        ring.append(3, 9, DataKind.PACKETS.ordinal(), 107, src, 0, 6);
        assertTrue(ring.hasUncommitted());
        assertEquals(0, ring.tail());
        ring.commit();
        assertEquals(80, ring.tail());

        assertEquals(3, ring.streamId(0));
        assertEquals(9, ring.sequence(0));
        assertEquals(DataKind.FLOWS.ordinal(), ring.kind(0));
        assertFalse(ring.isLastOfBatch(0));
        assertEquals(100, ring.origin(0));
        assertEquals(DataKind.PACKETS.ordinal(), ring.kind(40));
        assertEquals(107, ring.origin(40));
        assertTrue(ring.isLastOfBatch(40));
        final byte[] copy = new byte[6];
        ring.copyRecord(40, copy);
        assertEquals("hello\n", new String(copy));
    }

    @Test
    void roomComesBackOnlyAsEntriesAreReleased()
    {
        final RecordRing ring = new RecordRing(4096);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[4096]);
        assertTrue(ring.tryReserve(4096));
        assertFalse(ring.tryReserve(4097));
        ring.append(0, 1, 0, 0, src, 0, 4096 - RecordRing.HEADER_LENGTH);
        ring.commit();
        assertFalse(ring.tryReserve(RecordRing.HEADER_LENGTH));
        ring.release(2048);
        assertTrue(ring.tryReserve(2048));
        assertFalse(ring.tryReserve(2049));
    }

    @Test
    void capacityMustBeAPowerOfTwoOfAtLeastAPage()
    {
        assertThrows(IllegalArgumentException.class, () -> new RecordRing(5000));
        assertThrows(IllegalArgumentException.class, () -> new RecordRing(2048));
        assertEquals(8192, new RecordRing(8192).capacity());
    }
}
