package dev.sluice.protocol.chunk;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunking and reassembly without any transport: every way a transfer can go wrong discards the partial
 * document and says why, and a good transfer yields exactly the bytes sent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocumentReassemblerTest
{
    private static final int LIMIT = 64 * 1024;

    private final DocumentReassembler reassembler = new DocumentReassembler(LIMIT);
    private final Recorder recorder = new Recorder();

    @Test
    void randomDocumentsInRandomChunkLengthsComeBackWhole()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            final byte[] document = new byte[random.nextInt(LIMIT + 1)];
            random.nextBytes(document);
            final int chunkLength = 1 + random.nextInt(8 * 1024);
            sendAll(round, document, chunkLength);
            assertEquals(List.of(), recorder.failures, "seed " + seed);
            assertArrayEquals(document, recorder.lastDocument, "seed " + seed + " round " + round);
            assertEquals(round, recorder.lastDocumentKey);
            assertFalse(reassembler.isActive());
        }
    }

    @Test
    void emptyAndOneChunkDocuments()
    {
        sendAll(1, new byte[0], 100);
        assertArrayEquals(new byte[0], recorder.lastDocument);
        final byte[] small = "rules: []\n".getBytes(StandardCharsets.UTF_8);
        sendAll(2, small, 100);
        assertArrayEquals(small, recorder.lastDocument);
        assertEquals(List.of(), recorder.failures);
    }

    @Test
    void bufferGrowsOnceAndIsReused()
    {
        sendAll(1, bytes(40_000, 1), 4096);
        final int capacity = reassembler.capacity();
        assertTrue(capacity >= 40_000);
        sendAll(2, bytes(30_000, 2), 4096);
        sendAll(3, bytes(40_000, 3), 1000);
        assertEquals(capacity, reassembler.capacity());
        assertEquals(List.of(), recorder.failures);
    }

    @Test
    void missingChunkDiscardsThePartialDocument()
    {
        final byte[] document = bytes(10_000, 4);
        chunk(7, 0, 10, document, 1000);
        chunk(7, 1, 10, document, 1000);
        chunk(7, 3, 10, document, 1000);
        assertEquals(List.of("7 MISSING_CHUNK"), recorder.failures);
        assertFalse(reassembler.isActive());
        chunk(7, 4, 10, document, 1000);
        assertEquals("7 ORPHANED", recorder.failures.getLast(), "the rest of a discarded transfer is ignored");
        assertEquals(null, recorder.lastDocument);
    }

    @Test
    void repeatedChunkIsOutOfOrder()
    {
        final byte[] document = bytes(10_000, 5);
        chunk(7, 0, 10, document, 1000);
        chunk(7, 1, 10, document, 1000);
        chunk(7, 1, 10, document, 1000);
        assertEquals(List.of("7 OUT_OF_ORDER"), recorder.failures);
        assertFalse(reassembler.isActive());
    }

    @Test
    void crcMismatchIsFoundWhenTheLastChunkArrives()
    {
        final byte[] document = bytes(3000, 6);
        final long crc = DocumentChunking.crc32c(document);
        document[1500] ^= 1;
        for (int index = 0; index < 3; index++)
        {
            reassembler.onChunk(9, index, 3, 3000, crc, new UnsafeBuffer(document), index * 1000, 1000, recorder);
        }
        assertEquals(List.of("9 CRC_MISMATCH"), recorder.failures);
        assertEquals(null, recorder.lastDocument);
    }

    @Test
    void totalAboveTheLimitIsRefusedBeforeAnythingIsReserved()
    {
        reassembler.onChunk(1, 0, 2, LIMIT + 1L, 0, new UnsafeBuffer(new byte[10]), 0, 10, recorder);
        reassembler.onChunk(2, 0, 1, 0xFFFF_FFFFL, 0, new UnsafeBuffer(new byte[10]), 0, 10, recorder);
        assertEquals(List.of("1 TOO_LARGE", "2 TOO_LARGE"), recorder.failures);
        assertEquals(0, reassembler.capacity());
        assertFalse(reassembler.isActive());
    }

    @Test
    void impossibleHeadersAreInvalid()
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
        reassembler.onChunk(1, 0, 0, 100, 0, bytes, 0, 100, recorder);          // chunkCount 0
        reassembler.onChunk(2, 3, 3, 100, 0, bytes, 0, 10, recorder);           // index == count
        reassembler.onChunk(3, 0xFFFF_FFFFL, 2, 100, 0, bytes, 0, 10, recorder); // index far past count
        reassembler.onChunk(4, 0, 101, 100, 0, bytes, 0, 1, recorder);          // more chunks than bytes
        reassembler.onChunk(5, 0, 1, 10, 0, bytes, 0, 11, recorder);            // chunk longer than the total
        assertEquals(
            List.of("1 INVALID_HEADER", "2 INVALID_HEADER", "3 INVALID_HEADER", "4 INVALID_HEADER", "5 INVALID_HEADER"),
            recorder.failures);
        assertEquals(0, reassembler.capacity());
    }

    @Test
    void chunksThatOverrunOrFallShortOfTheTotalAreInvalid()
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
        reassembler.onChunk(1, 0, 2, 100, 0, bytes, 0, 60, recorder);
        reassembler.onChunk(1, 1, 2, 100, 0, bytes, 0, 60, recorder);
        reassembler.onChunk(2, 0, 2, 100, 0, bytes, 0, 30, recorder);
        reassembler.onChunk(2, 1, 2, 100, 0, bytes, 0, 30, recorder);
        assertEquals(List.of("1 INVALID_HEADER", "2 INVALID_HEADER"), recorder.failures);
        assertEquals(null, recorder.lastDocument);
    }

    @Test
    void chunkDisagreeingWithTheFirstIsInconsistent()
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
        reassembler.onChunk(1, 0, 4, 100, 55, bytes, 0, 25, recorder);
        reassembler.onChunk(1, 1, 4, 100, 56, bytes, 0, 25, recorder);
        reassembler.onChunk(2, 0, 4, 100, 55, bytes, 0, 25, recorder);
        reassembler.onChunk(2, 1, 5, 100, 55, bytes, 0, 25, recorder);
        reassembler.onChunk(3, 0, 4, 100, 55, bytes, 0, 25, recorder);
        reassembler.onChunk(3, 1, 4, 99, 55, bytes, 0, 25, recorder);
        assertEquals(List.of("1 INCONSISTENT", "2 INCONSISTENT", "3 INCONSISTENT"), recorder.failures);
    }

    @Test
    void newTransferBeforeTheOldCompletesSupersedesIt()
    {
        final byte[] old = bytes(5000, 7);
        final byte[] next = bytes(3000, 8);
        chunk(1, 0, 5, old, 1000);
        chunk(1, 1, 5, old, 1000);
        sendAll(2, next, 1000);
        assertEquals(List.of("1 SUPERSEDED"), recorder.failures);
        assertArrayEquals(next, recorder.lastDocument);

        // The same key starting over also drops what it had.
        chunk(3, 0, 5, old, 1000);
        sendAll(3, old, 1000);
        assertEquals(List.of("1 SUPERSEDED", "3 SUPERSEDED"), recorder.failures);
        assertArrayEquals(old, recorder.lastDocument);
    }

    @Test
    void orphanChunkOfAnotherTransferLeavesTheOneInProgressAlone()
    {
        final byte[] document = bytes(3000, 9);
        chunk(1, 0, 3, document, 1000);
        reassembler.onChunk(2, 1, 3, 3000, 0, new UnsafeBuffer(new byte[1000]), 0, 1000, recorder);
        reassembler.onChunk(3, 0, 0, 3000, 0, new UnsafeBuffer(new byte[1000]), 0, 1000, recorder);
        reassembler.onChunk(4, 0, 1, LIMIT + 1, 0, new UnsafeBuffer(new byte[1000]), 0, 1000, recorder);
        assertTrue(reassembler.isActive());
        chunk(1, 1, 3, document, 1000);
        chunk(1, 2, 3, document, 1000);
        assertEquals(List.of("2 ORPHANED", "3 INVALID_HEADER", "4 TOO_LARGE"), recorder.failures);
        assertArrayEquals(document, recorder.lastDocument);
    }

    @Test
    void hostileChunksNeverThrow()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 100_000; i++)
        {
            final long key = random.nextInt(4);
            final long index = random.nextBoolean() ? random.nextInt(4) : random.nextLong() & 0xFFFF_FFFFL;
            final long count = random.nextBoolean() ? random.nextInt(5) : random.nextLong() & 0xFFFF_FFFFL;
            final long total = random.nextBoolean() ? random.nextInt(LIMIT + 2) : random.nextLong() & 0xFFFF_FFFFL;
            final int length = random.nextInt(4097);
            try
            {
                reassembler.onChunk(key, index, count, total, random.nextInt(), bytes, 0, length, recorder);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("seed " + seed + " chunk " + i, ex);
            }
            assertTrue(reassembler.capacity() <= LIMIT, "seed " + seed);
        }
    }

    @Test
    void chunksAllocateNothingOnceTheBufferHasGrown()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final byte[] document = bytes(LIMIT, 10);
        final long crc = DocumentChunking.crc32c(document);
        final UnsafeBuffer source = new UnsafeBuffer(document);
        final CountingListener listener = new CountingListener();
        for (int warm = 0; warm < 20; warm++)
        {
            sendAll(document, crc, source, 512, listener);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 20; round++)
        {
            sendAll(document, crc, source, 512, listener);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(40, listener.documents);
        assertEquals(0, listener.failures);
        // One object per chunk would be at least 16 bytes each; the JVM itself may add a few bytes once.
        assertTrue(allocated < 2560, allocated + " bytes allocated for 2,560 chunks");
    }

    @Test
    void chunkingArithmetic()
    {
        assertEquals(DocumentChunking.MAX_CHUNK_BYTES, DocumentChunking.chunkLength(2 * 1024 * 1024, 200));
        assertEquals(32 * 1024 - 200, DocumentChunking.chunkLength(32 * 1024, 200));
        assertEquals(0, DocumentChunking.chunkLength(1000, 200));
        assertEquals(1, DocumentChunking.chunkCount(0, 1000));
        assertEquals(1, DocumentChunking.chunkCount(1000, 1000));
        assertEquals(2, DocumentChunking.chunkCount(1001, 1000));
        assertEquals(16, DocumentChunking.chunkCount(DocumentChunking.MAX_DOCUMENT_BYTES, DocumentChunking.MAX_CHUNK_BYTES));
    }

    private void sendAll(final long key, final byte[] document, final int chunkLength)
    {
        final int count = DocumentChunking.chunkCount(document.length, chunkLength);
        for (int index = 0; index < count; index++)
        {
            chunk(key, index, count, document, chunkLength);
        }
    }

    private void sendAll(
        final byte[] document, final long crc, final UnsafeBuffer source, final int chunkLength,
        final CountingListener listener)
    {
        final int count = DocumentChunking.chunkCount(document.length, chunkLength);
        for (int index = 0; index < count; index++)
        {
            final int offset = index * chunkLength;
            reassembler.onChunk(
                listener.documents, index, count, document.length, crc, source, offset,
                Math.min(chunkLength, document.length - offset), listener);
        }
    }

    private void chunk(final long key, final int index, final int count, final byte[] document, final int chunkLength)
    {
        final int offset = index * chunkLength;
        final int length = Math.max(0, Math.min(chunkLength, document.length - offset));
        reassembler.onChunk(
            key, index, count, document.length, DocumentChunking.crc32c(document), new UnsafeBuffer(document),
            Math.min(offset, document.length), length, recorder);
    }

    private static byte[] bytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static final class Recorder implements DocumentReassembler.Listener
    {
        final List<String> failures = new ArrayList<>();
        byte[] lastDocument;
        long lastDocumentKey = -1;

        public void onDocument(final long key, final byte[] document, final int length)
        {
            lastDocumentKey = key;
            lastDocument = java.util.Arrays.copyOf(document, length);
        }

        public void onFailure(final long key, final ChunkFailure failure)
        {
            failures.add(key + " " + failure);
        }
    }

    private static final class CountingListener implements DocumentReassembler.Listener
    {
        int documents;
        int failures;

        public void onDocument(final long key, final byte[] document, final int length)
        {
            documents++;
        }

        public void onFailure(final long key, final ChunkFailure failure)
        {
            failures++;
        }
    }
}
