package dev.sluice.dataplane.control;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyPushChunkEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequences of PolicyPushChunk frames with fuzzed fields (hostile totals, counts, indexes, lengths, CRCs,
 * targets) and fuzzed truncation: the receiver never throws, never reserves more than the limit, and only
 * yields a document whose bytes have the CRC32C its chunks claimed.
 */
class ChunkedPushReceiverFuzzTest
{
    @FuzzTest(maxDuration = "1m")
    void anyChunkSequenceIsSafe(final FuzzedDataProvider data)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final long[] documents = new long[1];
        final ChunkedPushReceiver receiver = new ChunkedPushReceiver("gw-1", new ChunkedPushReceiver.Listener()
        {
            public void onPolicyPush(final long version, final String sourceName, final String document)
            {
                documents[0]++;
            }

            public void onPushIncomplete(final long version, final ChunkFailure failure)
            {
            }
        });

        final int frames = data.consumeInt(1, 16);
        for (int i = 0; i < frames; i++)
        {
            final byte[] chunk = data.consumeBytes(data.consumeInt(0, 512));
            final boolean crcRight = data.consumeBoolean();
            final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
            encoder.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                .policyVersion(data.consumeInt(0, 3))
                .issuedTimestampMs(0)
                .targetGatewayId(data.pickValue(new String[]{ "", "gw-1", "gw-2", "gw-1x" }))
                .chunkIndex(data.consumeLong(0, 0xFFFF_FFFFL) % (data.consumeBoolean() ? 4 : 0x1_0000_0000L))
                .chunkCount(data.consumeLong(0, 0xFFFF_FFFFL) % (data.consumeBoolean() ? 5 : 0x1_0000_0000L))
                .totalLength(data.consumeBoolean() ? chunk.length : data.consumeLong(0, 0xFFFF_FFFFL))
                .documentCrc32c(crcRight ? DocumentChunking.crc32c(chunk) : data.consumeLong(0, 0xFFFF_FFFFL))
                .sourceName("s.yaml")
                .putChunk(chunk, 0, chunk.length);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            final int cut = data.consumeBoolean() ? length : data.consumeInt(MessageHeaderEncoder.ENCODED_LENGTH, length);
            header.wrap(frame, 0);
            receiver.onFrame(new UnsafeBuffer(frame.byteArray(), 0, cut), 0, cut, header);
            assertTrue(receiver.capacity() <= DocumentChunking.MAX_DOCUMENT_BYTES);
        }
        assertTrue(documents[0] <= frames);
        long failures = 0;
        for (final ChunkFailure failure : ChunkFailure.values())
        {
            failures += receiver.failures(failure);
        }
        assertTrue(failures + documents[0] <= 2L * receiver.chunksReceived() || 0 == receiver.chunksReceived(),
            "a chunk ends at most its own transfer and a superseded one");
    }
}
