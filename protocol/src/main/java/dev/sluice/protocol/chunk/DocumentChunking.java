package dev.sluice.protocol.chunk;

import java.util.zip.CRC32C;

/**
 * How a policy document too long for one Aeron message is cut into {@code PolicyPushChunk} and
 * {@code PolicySubmitChunk} messages, shared by the senders (control plane, CLI) and the receivers
 * (control plane, gateway) so both sides agree on the limits. Stateless; any thread.
 */
public final class DocumentChunking
{
    /**
     * The longest document that travels: the policy parser's own limit (YamlLimits), so any document the
     * parser could accept can be pushed, and a receiver never reserves more than this for one transfer.
     */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    /**
     * Chunk payloads stay at most this long even on a publication that would take more, so that one chunk
     * does not hold the push publication (and the acks and hellos behind it) for a whole 2 MiB term slice.
     */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;

    /**
     * Below this a document would need more than 16,384 chunks; a sender refuses rather than crawl (only a
     * source name nearly as long as a message gets here).
     */
    public static final int MIN_CHUNK_BYTES = 1024;

    private DocumentChunking()
    {
    }

    /**
     * @param maxMessageLength the publication's largest message.
     * @param overheadLength   bytes of a chunk message other than its payload (header, block, both length
     *                         prefixes and the source name).
     * @return the payload length of every chunk but the last, or 0 when it would be under
     * {@link #MIN_CHUNK_BYTES}.
     */
    public static int chunkLength(final int maxMessageLength, final int overheadLength)
    {
        final int length = Math.min(MAX_CHUNK_BYTES, maxMessageLength - overheadLength);
        return length < MIN_CHUNK_BYTES ? 0 : length;
    }

    /**
     * @param totalLength bytes of the document.
     * @param chunkLength payload of every chunk but the last, positive.
     * @return how many chunks carry it; an empty document is one empty chunk.
     */
    public static int chunkCount(final int totalLength, final int chunkLength)
    {
        return 0 == totalLength ? 1 : (int)(((long)totalLength + chunkLength - 1) / chunkLength);
    }

    /**
     * @param document the whole document.
     * @return its CRC32C as the unsigned 32 bits a chunk carries.
     */
    public static long crc32c(final byte[] document)
    {
        final CRC32C crc = new CRC32C();
        crc.update(document, 0, document.length);
        return crc.getValue();
    }
}
