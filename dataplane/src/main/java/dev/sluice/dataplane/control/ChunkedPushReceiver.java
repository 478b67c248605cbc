package dev.sluice.dataplane.control;

import java.nio.charset.StandardCharsets;

import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.chunk.DocumentReassembler;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.PolicyPushChunkDecoder;
import org.agrona.DirectBuffer;

/**
 * Receives PolicyPushChunk frames for one gateway: checks each frame's fields lie inside it, skips chunks
 * addressed to other gateways, and reassembles this gateway's into the document of one policy version (see
 * {@link DocumentReassembler} for what discards a partial document). Counts each discard by its reason.
 * Allocates per document (its text and source name), not per chunk. Runs on the conductor thread.
 */
final class ChunkedPushReceiver implements DocumentReassembler.Listener
{
    /**
     * Told what became of a chunked push; called on the conductor thread.
     */
    interface Listener
    {
        void onPolicyPush(long version, String sourceName, String document);

        /**
         * @param version the version whose partial document was discarded, or whose stray chunk was ignored.
         * @param failure why.
         */
        void onPushIncomplete(long version, ChunkFailure failure);
    }

    private final String gatewayId;
    private final Listener listener;
    private final PolicyPushChunkDecoder decoder = new PolicyPushChunkDecoder();
    private final DocumentReassembler reassembler = new DocumentReassembler(DocumentChunking.MAX_DOCUMENT_BYTES);
    private final long[] failures = new long[ChunkFailure.values().length];
    private String chunkSourceName;
    private String activeSourceName = "";
    private long chunksReceived;

    ChunkedPushReceiver(final String gatewayId, final Listener listener)
    {
        this.gatewayId = gatewayId;
        this.listener = listener;
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the frame (its message header).
     * @param length of the frame.
     * @param header the frame's message header, already wrapped and checked to be a PolicyPushChunk.
     * @return false when the frame is malformed (its block or a variable field runs past it).
     */
    boolean onFrame(final DirectBuffer buffer, final int offset, final int length, final MessageHeaderDecoder header)
    {
        final int end = offset + length;
        final int blockLength = header.blockLength();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (blockLength < PolicyPushChunkDecoder.BLOCK_LENGTH || blockLength > end - bodyOffset)
        {
            return false;
        }
        final int sourceNameOffset = bodyOffset + blockLength;
        final int chunkLengthOffset = varFieldEnd(buffer, sourceNameOffset, end);
        final int chunkEnd = varFieldEnd(buffer, chunkLengthOffset, end);
        if (chunkEnd < 0)
        {
            return false;
        }

        decoder.wrap(buffer, bodyOffset, blockLength, header.version());
        if (!isForThisGateway(buffer, bodyOffset + PolicyPushChunkDecoder.targetGatewayIdEncodingOffset()))
        {
            return true;
        }

        chunksReceived++;
        final long version = decoder.policyVersion();
        final long chunkIndex = decoder.chunkIndex();
        // Chunk 0's name is the transfer's only once the reassembler has started it: a refused chunk 0 must
        // not rename the transfer in progress. A one-chunk document completes within onChunk.
        chunkSourceName = 0 == chunkIndex ? decoder.sourceName() : null;
        final int chunkOffset = chunkLengthOffset + PolicyPushChunkDecoder.chunkHeaderLength();
        reassembler.onChunk(
            version,
            chunkIndex,
            decoder.chunkCount(),
            decoder.totalLength(),
            decoder.documentCrc32c(),
            buffer,
            chunkOffset,
            chunkEnd - chunkOffset,
            this);
        if (null != chunkSourceName && reassembler.isActive() && reassembler.activeKey() == version)
        {
            activeSourceName = chunkSourceName;
        }
        chunkSourceName = null;
        return true;
    }

    public void onDocument(final long version, final byte[] document, final int length)
    {
        final String sourceName = null != chunkSourceName ? chunkSourceName : activeSourceName;
        listener.onPolicyPush(version, sourceName, new String(document, 0, length, StandardCharsets.UTF_8));
    }

    public void onFailure(final long version, final ChunkFailure failure)
    {
        failures[failure.ordinal()]++;
        listener.onPushIncomplete(version, failure);
    }

    /**
     * @param failure a reason.
     * @return chunked pushes discarded (or stray chunks ignored) for that reason.
     */
    long failures(final ChunkFailure failure)
    {
        return failures[failure.ordinal()];
    }

    long chunksReceived()
    {
        return chunksReceived;
    }

    /**
     * @return the reassembly buffer's capacity, which grows once and is reused.
     */
    int capacity()
    {
        return reassembler.capacity();
    }

    /**
     * Compares the NUL-padded target with this gateway's id without decoding it to a String.
     */
    private boolean isForThisGateway(final DirectBuffer buffer, final int targetOffset)
    {
        final int targetLength = PolicyPushChunkDecoder.targetGatewayIdLength();
        if (0 == buffer.getByte(targetOffset))
        {
            return true;
        }
        final int idLength = gatewayId.length();
        if (idLength > targetLength)
        {
            return false;
        }
        for (int i = 0; i < idLength; i++)
        {
            if (buffer.getByte(targetOffset + i) != (byte)gatewayId.charAt(i))
            {
                return false;
            }
        }
        return idLength == targetLength || 0 == buffer.getByte(targetOffset + idLength);
    }

    /**
     * @return the offset just past the variable field whose length prefix is at {@code position}, or -1 when
     * the prefix or the data run past {@code end} (or position is already -1).
     */
    private static int varFieldEnd(final DirectBuffer buffer, final int position, final int end)
    {
        final int headerLength = PolicyPushChunkDecoder.sourceNameHeaderLength();
        if (position < 0 || position > end - headerLength)
        {
            return -1;
        }
        final long fieldEnd = (long)position + headerLength +
            (buffer.getInt(position, PolicyPushChunkDecoder.BYTE_ORDER) & 0xFFFF_FFFFL);
        return fieldEnd > end ? -1 : (int)fieldEnd;
    }
}
