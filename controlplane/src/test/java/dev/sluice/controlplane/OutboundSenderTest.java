package dev.sluice.controlplane;

import java.lang.System.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.chunk.DocumentReassembler;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyPushChunkDecoder;
import dev.sluice.protocol.codec.PolicyPushDecoder;
import dev.sluice.protocol.codec.PolicyPushEncoder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sender under back pressure: a chunked push that does not fit the publication's window waits, whole
 * messages queued behind it wait too, and the receiver sees every push's chunks back to back in the order
 * the pushes were sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundSenderTest
{
    private final TestMediaDriver driver = new TestMediaDriver();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(resources);
        CloseHelper.close(driver);
    }

    @Test
    void queuedPushesNeverInterleaveTheirChunks()
    {
        // 64 KiB terms: a message is at most 8 KiB and the window half a term, so the first push fills it.
        final String channel = "aeron:ipc?term-length=64k";
        final ExclusivePublication publication = track(driver.aeron().addExclusivePublication(channel, 77));
        final Subscription subscription = track(driver.aeron().addSubscription(channel, 77));
        while (!publication.isConnected() || publication.positionLimit() == 0)
        {
            Thread.onSpinWait();
        }
        final ControlPlaneCounters counters = track(new ControlPlaneCounters(driver.aeron()));
        final Logger logger = System.getLogger(OutboundSenderTest.class.getName());
        final OutboundSender sender = new OutboundSender("push", publication, counters, new RateLimitedLog(logger, 1000));

        final byte[] first = document(200 * 1024, 1);
        final byte[] third = document(100 * 1024, 3);
        final int chunkLength =
            DocumentChunking.chunkLength(sender.maxMessageLength(), PolicyPushChunks.overheadLength(6));
        assertTrue(sender.send(chunks(1, first, chunkLength), 0));
        assertTrue(sender.send(buffer, 0, encodeWholePush(2), 0));
        assertTrue(sender.send(chunks(3, third, chunkLength), 0));
        assertEquals(3, sender.queuedCount(), "the first push is back-pressured, the others wait behind it");

        final List<String> order = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<byte[]> documents = new ArrayList<>();
        final DocumentReassembler reassembler = new DocumentReassembler(DocumentChunking.MAX_DOCUMENT_BYTES);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final PolicyPushChunkDecoder chunkDecoder = new PolicyPushChunkDecoder();
        final PolicyPushDecoder pushDecoder = new PolicyPushDecoder();
        final DocumentReassembler.Listener listener = new DocumentReassembler.Listener()
        {
            public void onDocument(final long key, final byte[] document, final int length)
            {
                documents.add(java.util.Arrays.copyOf(document, length));
            }

            public void onFailure(final long key, final ChunkFailure failure)
            {
                failures.add(key + " " + failure);
            }
        };
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, frameHeader) ->
        {
            header.wrap(buffer, offset);
            if (PolicyPushDecoder.TEMPLATE_ID == header.templateId())
            {
                pushDecoder.wrapAndApplyHeader(buffer, offset, header);
                order.add("v" + pushDecoder.policyVersion());
                return;
            }
            chunkDecoder.wrapAndApplyHeader(buffer, offset, header);
            final long version = chunkDecoder.policyVersion();
            final long index = chunkDecoder.chunkIndex();
            order.add("v" + version + "#" + index);
            final long count = chunkDecoder.chunkCount();
            final long total = chunkDecoder.totalLength();
            final long crc = chunkDecoder.documentCrc32c();
            chunkDecoder.sourceName();
            final int chunkOffset = chunkDecoder.limit() + PolicyPushChunkDecoder.chunkHeaderLength();
            reassembler.onChunk(
                version, index, count, total, crc, buffer, chunkOffset, chunkDecoder.chunkLength(), listener);
        });

        final int firstCount = DocumentChunking.chunkCount(first.length, chunkLength);
        final int thirdCount = DocumentChunking.chunkCount(third.length, chunkLength);
        final int expectedMessages = firstCount + 1 + thirdCount;
        while (order.size() < expectedMessages)
        {
            sender.drain(0);
            subscription.poll(assembler, 3);
        }

        final List<String> expected = new ArrayList<>();
        for (int index = 0; index < firstCount; index++)
        {
            expected.add("v1#" + index);
        }
        expected.add("v2");
        for (int index = 0; index < thirdCount; index++)
        {
            expected.add("v3#" + index);
        }
        assertEquals(expected, order);
        assertEquals(List.of(), failures);
        assertEquals(2, documents.size());
        assertArrayEquals(first, documents.get(0));
        assertArrayEquals(third, documents.get(1));
        assertEquals(0, sender.queuedCount());
        assertEquals(0, counters.get(ControlPlaneCounter.OUTBOUND_DROPPED));
    }

    private int encodeWholePush(final long version)
    {
        final PolicyPushEncoder encoder = new PolicyPushEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .policyVersion(version)
            .issuedTimestampMs(0)
            .targetGatewayId("gw-1")
            .sourceName("p.yaml")
            .document("rules: []\n");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static PolicyPushChunks chunks(final long version, final byte[] document, final int chunkLength)
    {
        return new PolicyPushChunks(
            version, 0, "", "p.yaml".getBytes(java.nio.charset.StandardCharsets.UTF_8), document,
            DocumentChunking.crc32c(document), chunkLength);
    }

    private static byte[] document(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }
}
