package dev.sluice.protocol.chunk;

/**
 * Why a chunked document was discarded, with what the operator can do about it. Each reason is counted
 * on its own by the receiver. Constants; any thread.
 */
public enum ChunkFailure
{
    /** chunkCount 0, an index not below the count, more chunks than bytes, or lengths that miss the total. */
    INVALID_HEADER("a chunk's index, count or length is impossible, or the lengths do not add up to the total", "a sender of another version or a damaged " +
        "frame; check that every tier runs the same release"),
    /** The total claims more than {@link DocumentChunking#MAX_DOCUMENT_BYTES}. */
    TOO_LARGE("the document claims more than " + DocumentChunking.MAX_DOCUMENT_BYTES + " bytes",
        "split the policy or shorten its lists; a policy is at most 16 MiB"),
    /** A chunk of the current transfer arrived again or went back. */
    OUT_OF_ORDER("a chunk arrived out of order", "it is pushed again after the resend interval; if it " +
        "repeats, two senders use one stream"),
    /** A chunk of the current transfer was skipped. */
    MISSING_CHUNK("a chunk is missing", "it is pushed again after the resend interval; if it repeats, " +
        "look for loss on the push channel"),
    /** A chunk's count, total or CRC differs from the first chunk's. */
    INCONSISTENT("a chunk disagrees with the first on count, length or CRC", "two senders use one stream, " +
        "or the sender is faulty"),
    /** Every chunk arrived but the bytes do not have the CRC32C the sender computed. */
    CRC_MISMATCH("the reassembled document fails its CRC32C", "the bytes were damaged in transit; it is " +
        "sent again after the resend interval"),
    /** A new transfer started before this one completed. */
    SUPERSEDED("a newer transfer started before this one completed", "the newer one is applied; submit " +
        "again if this one was yours"),
    /** A chunk after the first of a transfer whose start was never seen (joined mid-transfer). */
    ORPHANED("a chunk of a transfer whose first chunk was not received", "nothing: a gateway that joined " +
        "mid-transfer says hello with its old version and is pushed again");

    private final String description;
    private final String hint;

    ChunkFailure(final String description, final String hint)
    {
        this.description = description;
        this.hint = hint;
    }

    /**
     * @return what went wrong, for logs and acknowledgements.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return what to do about it.
     */
    public String hint()
    {
        return hint;
    }
}
