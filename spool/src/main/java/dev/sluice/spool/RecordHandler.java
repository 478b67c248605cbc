package dev.sluice.spool;

import org.agrona.DirectBuffer;

/**
 * Receives the records a replay reads ({@link Spool#read}, {@link SpoolCursor#poll}).
 * <p>
 * Called on the spool's owning thread, from inside the read.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * One record, in sequence order. The buffer is a view of the mapped segment (no copy): the
     * bytes are valid only until the handler returns. The handler may append and acknowledge.
     * The record counts as read before the call: an exception from the handler propagates out
     * of the read, and the next read starts after this record.
     *
     * @param sequence the record's sequence.
     * @param buffer   the segment holding the payload.
     * @param offset   where the payload starts in {@code buffer}.
     * @param length   payload bytes.
     */
    void onRecord(long sequence, DirectBuffer buffer, int offset, int length);

    /**
     * Records the replay wanted but the spool no longer holds, though they were never
     * acknowledged: discarded by {@link OverflowRule#DROP_OLDEST} or lost to corruption found at
     * recovery. Called before the next record read, once per gap; also counted in
     * {@link SpoolCounter#REPLAY_GAP}.
     *
     * @param fromSequence first missing sequence.
     * @param toSequence   last missing sequence, inclusive.
     */
    default void onGap(final long fromSequence, final long toSequence)
    {
    }
}
