package dev.sluice.spool;

import org.agrona.concurrent.UnsafeBuffer;

import static dev.sluice.spool.SpoolLayout.BYTE_ORDER;
import static dev.sluice.spool.SpoolLayout.RECORD_FRAME_LENGTH_OFFSET;
import static dev.sluice.spool.SpoolLayout.RECORD_HEADER_LENGTH;
import static dev.sluice.spool.SpoolLayout.RECORD_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_HEADER_LENGTH;

/**
 * A reader of one spool with its own position: the next sequence it delivers. Reading on from
 * where it stopped costs no search; it follows appends as they come and moves across segments.
 * When the records at its position are gone without having been acknowledged (discarded by
 * {@link OverflowRule#DROP_OLDEST}, lost to corruption), it reports the gap and goes on from the
 * next record held. Acknowledged records that were trimmed are skipped without a report.
 * <p>
 * The spool's owning thread, like the spool.
 */
public final class SpoolCursor
{
    private final Spool spool;
    private Segment segment;
    private int offset;
    private long position;

    SpoolCursor(final Spool spool, final long fromSequence)
    {
        this.spool = spool;
        this.position = Math.max(1, fromSequence);
    }

    /**
     * @return the sequence of the next record this cursor delivers.
     */
    public long position()
    {
        return position;
    }

    /**
     * Moves the cursor: the next poll delivers {@code sequence} (or the first record after it that
     * is held). The search happens on that poll: it hops over the record headers of one segment.
     *
     * @param sequence next sequence wanted.
     */
    public void seek(final long sequence)
    {
        position = Math.max(1, sequence);
        segment = null;
    }

    /**
     * Delivers up to {@code limit} records from the position on.
     *
     * @param handler receives each record, and each gap before it.
     * @param limit   most records delivered.
     * @return records delivered; 0 when the cursor is at the end.
     */
    public int poll(final RecordHandler handler, final int limit)
    {
        spool.ensureOpen();
        int delivered = 0;
        while (delivered < limit)
        {
            Segment current = segment;
            if (null == current || current.isClosed())
            {
                current = locate(handler);
                if (null == current)
                {
                    break;
                }
            }

            if (offset < current.appendPosition())
            {
                final UnsafeBuffer buffer = current.buffer();
                final int recordOffset = offset;
                final int frameLength = buffer.getInt(recordOffset + RECORD_FRAME_LENGTH_OFFSET, BYTE_ORDER);
                final long sequence = buffer.getLong(recordOffset + RECORD_SEQUENCE_OFFSET, BYTE_ORDER);
                offset = recordOffset + SpoolLayout.align(frameLength);
                if (sequence >= position)
                {
                    position = sequence + 1;
                    delivered++;
                    handler.onRecord(sequence, buffer, recordOffset + RECORD_HEADER_LENGTH, frameLength - RECORD_HEADER_LENGTH);
                }
            }
            else
            {
                final Segment next = spool.segmentAfter(current);
                if (null == next)
                {
                    break;
                }
                enter(next, handler);
            }
        }
        if (delivered > 0)
        {
            spool.countersForUpdate().add(SpoolCounter.REPLAYED, delivered);
        }
        return delivered;
    }

    /**
     * Finds the segment and offset of the position after a seek or after its segment was deleted.
     */
    private Segment locate(final RecordHandler handler)
    {
        final Segment found = spool.segmentFor(position);
        if (null == found)
        {
            segment = null;
            return null;
        }
        if (found.firstSequence > position)
        {
            enter(found, handler);
        }
        else
        {
            segment = found;
            offset = found.offsetOf(position);
        }
        return found;
    }

    /**
     * Starts reading {@code next} from its first record, reporting the unacknowledged sequences
     * between the position and that record as a gap.
     */
    private void enter(final Segment next, final RecordHandler handler)
    {
        if (next.firstSequence > position)
        {
            final long from = Math.max(position, spool.acknowledgedSequence() + 1);
            final long to = next.firstSequence - 1;
            if (from <= to)
            {
                spool.countersForUpdate().add(SpoolCounter.REPLAY_GAP, to - from + 1);
                handler.onGap(from, to);
            }
            position = next.firstSequence;
        }
        segment = next;
        offset = SEGMENT_HEADER_LENGTH;
    }

    @Override
    public String toString()
    {
        return "SpoolCursor{position=" + position + ", segment=" + segment + ", offset=" + offset + '}';
    }
}
