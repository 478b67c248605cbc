package dev.sluice.dataplane.control;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyPushChunkEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's chunk receiver without a transport: a chunk costs no allocation once the buffer has grown,
 * and no frame, however damaged, makes it throw.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChunkedPushReceiverTest
{
    private static final int CHUNK_LENGTH = 4096;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final Outcomes outcomes = new Outcomes();
    private final ChunkedPushReceiver receiver = new ChunkedPushReceiver("gw-1", outcomes);

    @Test
    void chunksAllocateNothingOnceTheBufferHasGrown()
    {
        final byte[] document = new byte[1024 * 1024];
        new Random(3).nextBytes(document);
        final int count = DocumentChunking.chunkCount(document.length, CHUNK_LENGTH);
        final long crc = DocumentChunking.crc32c(document);
        final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + PolicyPushChunkEncoder.BLOCK_LENGTH + 8 + CHUNK_LENGTH;
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[count * frameLength]);
        final int[] lengths = new int[count];
        final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder();
        for (int index = 0; index < count; index++)
        {
            final int offset = index * CHUNK_LENGTH;
            encoder.wrapAndApplyHeader(frames, index * frameLength, new MessageHeaderEncoder())
                .policyVersion(1).issuedTimestampMs(0).targetGatewayId("").chunkIndex(index).chunkCount(count)
                .totalLength(document.length).documentCrc32c(crc).sourceName("")
                .putChunk(document, offset, Math.min(CHUNK_LENGTH, document.length - offset));
            lengths[index] = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long middleChunksAllocated = 0;
        for (int round = 0; round < 30; round++)
        {
            // Chunk 0 decodes the source name and the last chunk makes the document's String: per document.
            deliver(frames, 0, lengths[0]);
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int index = 1; index < count - 1; index++)
            {
                deliver(frames, index * frameLength, lengths[index]);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            deliver(frames, (count - 1) * frameLength, lengths[count - 1]);
            if (round >= 20)
            {
                middleChunksAllocated += allocated;
            }
        }
        assertEquals(30, outcomes.documents);
        assertEquals(0, outcomes.failures);
        // One object per chunk would be at least 16 bytes each; the JVM itself may add a few bytes once.
        final long chunks = 10L * (count - 2);
        assertTrue(middleChunksAllocated < chunks, middleChunksAllocated + " bytes allocated for " + chunks + " chunks");
    }

    @Test
    void damagedFramesNeverThrow()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final byte[] noise = new byte[512];
        for (int i = 0; i < 50_000; i++)
        {
            final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder()
                .wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                .policyVersion(random.nextInt(3)).targetGatewayId(random.nextBoolean() ? "" : "gw-1")
                .chunkIndex(random.nextInt(3)).chunkCount(random.nextInt(4)).totalLength(random.nextInt(400))
                .documentCrc32c(random.nextInt()).sourceName("s").putChunk(noise, 0, random.nextInt(300));
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            random.nextBytes(noise);
            for (int flips = random.nextInt(4); flips > 0; flips--)
            {
                frame.putByte(MessageHeaderEncoder.ENCODED_LENGTH + random.nextInt(length - 8), (byte)random.nextInt());
            }
            final int cut = random.nextInt(4) == 0 ? random.nextInt(length) : length;
            try
            {
                header.wrap(frame, 0);
                receiver.onFrame(frame, 0, Math.max(MessageHeaderEncoder.ENCODED_LENGTH, cut), header);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("seed " + seed + " frame " + i, ex);
            }
        }
        assertTrue(receiver.capacity() <= DocumentChunking.MAX_DOCUMENT_BYTES);
    }

    @Test
    void otherGatewaysChunksAreSkippedWithoutDecodingTheirTarget()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        for (final String target : new String[]{ "gw-10", "gw-", "gw-2", "xx-1" })
        {
            final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder()
                .wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                .policyVersion(1).targetGatewayId(target).chunkIndex(0).chunkCount(1).totalLength(1)
                .sourceName("s").putChunk(new byte[]{ 'x' }, 0, 1);
            assertTrue(deliver(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()));
        }
        assertEquals(0, receiver.chunksReceived());
        assertEquals(0, outcomes.documents);

        final PolicyPushChunkEncoder mine = new PolicyPushChunkEncoder()
            .wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
            .policyVersion(1).targetGatewayId("gw-1").chunkIndex(0).chunkCount(1).totalLength(1)
            .documentCrc32c(DocumentChunking.crc32c(new byte[]{ 'x' })).sourceName("s").putChunk(new byte[]{ 'x' }, 0, 1);
        assertTrue(deliver(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + mine.encodedLength()));
        assertEquals(1, outcomes.documents);
        assertFalse(deliver(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + mine.encodedLength() - 1), "truncated");
    }

    private boolean deliver(final UnsafeBuffer frames, final int offset, final int length)
    {
        header.wrap(frames, offset);
        return receiver.onFrame(frames, offset, length, header);
    }

    private static final class Outcomes implements ChunkedPushReceiver.Listener
    {
        int documents;
        int failures;

        public void onPolicyPush(final long version, final String sourceName, final String document)
        {
            documents++;
        }

        public void onPushIncomplete(final long version, final ChunkFailure failure)
        {
            failures++;
        }
    }
}
