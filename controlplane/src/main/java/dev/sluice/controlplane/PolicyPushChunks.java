package dev.sluice.controlplane;

import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyPushChunkEncoder;
import io.aeron.Publication;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * One policy version too long for one PolicyPush, sent as PolicyPushChunk messages in order. It holds the
 * document's bytes (shared with other pushes of the same version, never modified) and the next chunk to
 * send, so back pressure pauses it between chunks and a later duty cycle resumes it. Agent thread only.
 */
final class PolicyPushChunks implements OutboundSender.Message
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder();
    private final long policyVersion;
    private final long issuedTimestampMs;
    private final String targetGatewayId;
    private final byte[] sourceName;
    private final byte[] document;
    private final long documentCrc32c;
    private final int chunkLength;
    private final int chunkCount;
    private int nextIndex;

    /**
     * @param policyVersion     the version pushed.
     * @param issuedTimestampMs when it was pushed.
     * @param targetGatewayId   the gateway, or empty for every gateway.
     * @param sourceName        UTF-8 name of the document's source, sent in chunk 0.
     * @param document          UTF-8 document; not copied, so not to be modified.
     * @param documentCrc32c    CRC32C of the document.
     * @param chunkLength       payload of every chunk but the last, see {@link #overheadLength(int)}.
     */
    PolicyPushChunks(
        final long policyVersion,
        final long issuedTimestampMs,
        final String targetGatewayId,
        final byte[] sourceName,
        final byte[] document,
        final long documentCrc32c,
        final int chunkLength)
    {
        this.policyVersion = policyVersion;
        this.issuedTimestampMs = issuedTimestampMs;
        this.targetGatewayId = targetGatewayId;
        this.sourceName = sourceName;
        this.document = document;
        this.documentCrc32c = documentCrc32c;
        this.chunkLength = chunkLength;
        this.chunkCount = DocumentChunking.chunkCount(document.length, chunkLength);
    }

    /**
     * @param sourceNameLength UTF-8 length of the source name.
     * @return the bytes of chunk 0 other than its payload; later chunks carry less.
     */
    static int overheadLength(final int sourceNameLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + PolicyPushChunkEncoder.BLOCK_LENGTH +
            PolicyPushChunkEncoder.sourceNameHeaderLength() + sourceNameLength + PolicyPushChunkEncoder.chunkHeaderLength();
    }

    int chunkCount()
    {
        return chunkCount;
    }

    /**
     * @return chunks sent so far.
     */
    int sentCount()
    {
        return nextIndex;
    }

    public long offerRemaining(final Publication publication, final ExpandableDirectByteBuffer scratch)
    {
        while (nextIndex < chunkCount)
        {
            final int length = encode(scratch, nextIndex);
            final long result = publication.offer(scratch, 0, length);
            if (result < 0)
            {
                return result;
            }
            nextIndex++;
        }
        return 1;
    }

    public String describe()
    {
        return "policy version " + policyVersion + " chunk " + nextIndex + " of " + chunkCount;
    }

    private int encode(final ExpandableDirectByteBuffer buffer, final int index)
    {
        final int offset = index * chunkLength;
        final int length = Math.min(chunkLength, document.length - offset);
        final int nameLength = 0 == index ? sourceName.length : 0;
        buffer.checkLimit(overheadLength(nameLength) + length);
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .policyVersion(policyVersion)
            .issuedTimestampMs(issuedTimestampMs)
            .targetGatewayId(targetGatewayId)
            .chunkIndex(index)
            .chunkCount(chunkCount)
            .totalLength(document.length)
            .documentCrc32c(documentCrc32c)
            .putSourceName(sourceName, 0, nameLength)
            .putChunk(document, offset, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
