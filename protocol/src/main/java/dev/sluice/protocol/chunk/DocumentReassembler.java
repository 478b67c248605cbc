package dev.sluice.protocol.chunk;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * Puts one chunked document back together: chunks of one transfer (a key: the push's policy version or
 * the submit's correlation id) arrive in order from index 0; anything else discards the partial document
 * and reports why, so a receiver never applies a document it did not receive whole. One transfer at a
 * time, because a sender never interleaves two: a new key at index 0 supersedes the partial one, while a
 * later chunk of a key not in progress is an orphan and leaves the transfer in progress alone.
 * <p>
 * The buffer grows to the longest document seen (at most the limit) and is reused; a chunk costs a copy
 * and a CRC update, no allocation. Called by one thread, the receiver's.
 */
public final class DocumentReassembler
{
    /**
     * Told what became of a transfer; called on the receiver's thread during {@link #onChunk}.
     */
    public interface Listener
    {
        /**
         * @param key      the transfer.
         * @param document the whole document in {@code [0, length)}; valid only during the call.
         * @param length   its length in bytes.
         */
        void onDocument(long key, byte[] document, int length);

        /**
         * @param key     the transfer discarded, or the one whose chunk was ignored ({@link ChunkFailure#ORPHANED}).
         * @param failure why.
         */
        void onFailure(long key, ChunkFailure failure);
    }

    private static final byte[] EMPTY = new byte[0];

    private final int maxDocumentBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer = EMPTY;
    private boolean isActive;
    private long key;
    private long chunkCount;
    private long totalLength;
    private long documentCrc32c;
    private long nextIndex;
    private int receivedLength;

    /**
     * @param maxDocumentBytes the longest document accepted, at most {@link DocumentChunking#MAX_DOCUMENT_BYTES}
     *                         in practice.
     */
    public DocumentReassembler(final int maxDocumentBytes)
    {
        if (maxDocumentBytes < 0)
        {
            throw new IllegalArgumentException("maxDocumentBytes must not be negative: " + maxDocumentBytes);
        }
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /**
     * Take one chunk as decoded from the wire (unsigned fields widened to long, unchecked).
     *
     * @param key            the transfer it belongs to.
     * @param chunkIndex     its index, from 0.
     * @param chunkCount     chunks in the transfer.
     * @param totalLength    bytes of the whole document.
     * @param documentCrc32c CRC32C of the whole document.
     * @param source         holding the chunk's bytes.
     * @param offset         of the bytes in source.
     * @param length         of the bytes.
     * @param listener       told when the document is complete or a transfer is discarded.
     */
    public void onChunk(
        final long key,
        final long chunkIndex,
        final long chunkCount,
        final long totalLength,
        final long documentCrc32c,
        final DirectBuffer source,
        final int offset,
        final int length,
        final Listener listener)
    {
        if (totalLength > maxDocumentBytes)
        {
            reject(key, ChunkFailure.TOO_LARGE, listener);
            return;
        }
        if (chunkCount < 1 || chunkIndex < 0 || chunkIndex >= chunkCount || chunkCount > Math.max(1, totalLength) ||
            totalLength < 0 || length < 0 || length > totalLength)
        {
            reject(key, ChunkFailure.INVALID_HEADER, listener);
            return;
        }

        if (!isActive || key != this.key || 0 == chunkIndex)
        {
            if (0 != chunkIndex)
            {
                listener.onFailure(key, ChunkFailure.ORPHANED);
                return;
            }
            if (isActive)
            {
                isActive = false;
                listener.onFailure(this.key, ChunkFailure.SUPERSEDED);
            }
            start(key, chunkCount, totalLength, documentCrc32c);
        }
        else if (chunkCount != this.chunkCount || totalLength != this.totalLength ||
            documentCrc32c != this.documentCrc32c)
        {
            discard(ChunkFailure.INCONSISTENT, listener);
            return;
        }
        else if (chunkIndex != nextIndex)
        {
            discard(chunkIndex < nextIndex ? ChunkFailure.OUT_OF_ORDER : ChunkFailure.MISSING_CHUNK, listener);
            return;
        }

        if (length > totalLength - receivedLength)
        {
            discard(ChunkFailure.INVALID_HEADER, listener);
            return;
        }
        source.getBytes(offset, buffer, receivedLength, length);
        crc.update(buffer, receivedLength, length);
        receivedLength += length;
        nextIndex++;

        if (chunkIndex == chunkCount - 1)
        {
            isActive = false;
            if (receivedLength != totalLength)
            {
                listener.onFailure(key, ChunkFailure.INVALID_HEADER);
            }
            else if ((crc.getValue() & 0xFFFF_FFFFL) != (documentCrc32c & 0xFFFF_FFFFL))
            {
                listener.onFailure(key, ChunkFailure.CRC_MISMATCH);
            }
            else
            {
                listener.onDocument(key, buffer, receivedLength);
            }
        }
    }

    /**
     * @return true while a transfer has started and not yet completed or failed.
     */
    public boolean isActive()
    {
        return isActive;
    }

    /**
     * @return the key of the transfer in progress; meaningful while {@link #isActive()}.
     */
    public long activeKey()
    {
        return key;
    }

    /**
     * @return bytes received of the transfer in progress.
     */
    public int receivedLength()
    {
        return receivedLength;
    }

    /**
     * @return the capacity the buffer has grown to, for tests that check it is reused.
     */
    public int capacity()
    {
        return buffer.length;
    }

    /**
     * Forget the transfer in progress, if any, without reporting it (on close).
     */
    public void reset()
    {
        isActive = false;
        receivedLength = 0;
    }

    private void start(final long key, final long chunkCount, final long totalLength, final long documentCrc32c)
    {
        if (buffer.length < totalLength)
        {
            // Doubling keeps a series of slowly growing documents from reallocating on each one.
            final long doubled = Math.min(maxDocumentBytes, 2L * buffer.length);
            buffer = new byte[(int)Math.max(totalLength, doubled)];
        }
        this.isActive = true;
        this.key = key;
        this.chunkCount = chunkCount;
        this.totalLength = totalLength;
        this.documentCrc32c = documentCrc32c;
        this.nextIndex = 0;
        this.receivedLength = 0;
        crc.reset();
    }

    private void reject(final long key, final ChunkFailure failure, final Listener listener)
    {
        if (isActive && key == this.key)
        {
            isActive = false;
        }
        listener.onFailure(key, failure);
    }

    private void discard(final ChunkFailure failure, final Listener listener)
    {
        isActive = false;
        listener.onFailure(key, failure);
    }
}
