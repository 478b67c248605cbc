package dev.sluice.spool;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static dev.sluice.spool.SpoolLayout.BYTE_ORDER;
import static dev.sluice.spool.SpoolLayout.FORMAT_VERSION;
import static dev.sluice.spool.SpoolLayout.MAX_SEGMENT_LENGTH;
import static dev.sluice.spool.SpoolLayout.MIN_SEGMENT_LENGTH;
import static dev.sluice.spool.SpoolLayout.RECORD_CRC_OFFSET;
import static dev.sluice.spool.SpoolLayout.RECORD_FRAME_LENGTH_OFFSET;
import static dev.sluice.spool.SpoolLayout.RECORD_HEADER_LENGTH;
import static dev.sluice.spool.SpoolLayout.RECORD_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_CRC_COVERED_LENGTH;
import static dev.sluice.spool.SpoolLayout.SEGMENT_CRC_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_FIRST_SEQUENCE_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_HEADER_LENGTH;
import static dev.sluice.spool.SpoolLayout.SEGMENT_LENGTH_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_MAGIC;
import static dev.sluice.spool.SpoolLayout.SEGMENT_MAGIC_OFFSET;
import static dev.sluice.spool.SpoolLayout.SEGMENT_VERSION_OFFSET;

/**
 * Finds the valid prefix of a segment file's bytes: the header, then records whose frame
 * length fits, whose sequence continues the previous one and whose CRC32C matches, up to the
 * first that does not. Reads untrusted bytes: any content ends in a {@link SegmentScan} with a
 * {@link ScanProblem}, never an exception, and every step moves forward by at least a record
 * header, so a scan ends after at most {@code length / 16} records.
 * <p>
 * Holds scratch state: one instance per thread.
 */
final class SegmentScanner
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private final RecordChecksum checksum = new RecordChecksum();

    /**
     * Scans one segment's bytes.
     *
     * @param segment               the file's bytes from its start, position 0, capacity the
     *                              file's length (a mapping, or a heap buffer in tests); its
     *                              position and limit are changed.
     * @param expectedFirstSequence the first sequence the file name carries, or -1 to take the header's.
     * @param scan                  receives the result.
     */
    void scan(final ByteBuffer segment, final long expectedFirstSequence, final SegmentScan scan)
    {
        scan.reset();
        final int capacity = segment.capacity();
        buffer.wrap(segment);
        if (capacity < SEGMENT_HEADER_LENGTH)
        {
            rejectHeader(ScanProblem.SEGMENT_HEADER_TRUNCATED, capacity, scan);
            return;
        }

        final long magic = buffer.getLong(SEGMENT_MAGIC_OFFSET, BYTE_ORDER);
        final int version = buffer.getInt(SEGMENT_VERSION_OFFSET, BYTE_ORDER);
        final int declaredLength = buffer.getInt(SEGMENT_LENGTH_OFFSET, BYTE_ORDER);
        final long firstSequence = buffer.getLong(SEGMENT_FIRST_SEQUENCE_OFFSET, BYTE_ORDER);
        final int headerCrc = buffer.getInt(SEGMENT_CRC_OFFSET, BYTE_ORDER);
        if (SEGMENT_MAGIC != magic || FORMAT_VERSION != version ||
            declaredLength < MIN_SEGMENT_LENGTH || declaredLength > MAX_SEGMENT_LENGTH ||
            0 != (declaredLength & (SpoolLayout.ALIGNMENT - 1)) || firstSequence < 1 ||
            headerCrc != checksum.compute(segment, 0, SEGMENT_CRC_COVERED_LENGTH))
        {
            rejectHeader(ScanProblem.SEGMENT_HEADER_INVALID, capacity, scan);
            return;
        }
        if (expectedFirstSequence >= 0 && firstSequence != expectedFirstSequence)
        {
            rejectHeader(ScanProblem.SEGMENT_NAME_MISMATCH, capacity, scan);
            return;
        }

        scan.headerValid = true;
        scan.declaredLength = declaredLength;
        scan.firstSequence = firstSequence;
        final int limit = Math.min(capacity, declaredLength);
        int offset = SEGMENT_HEADER_LENGTH;
        long expectedSequence = firstSequence;
        int records = 0;
        ScanProblem problem = ScanProblem.NONE;
        while (offset <= limit - RECORD_HEADER_LENGTH)
        {
            final int frameLength = buffer.getInt(offset + RECORD_FRAME_LENGTH_OFFSET, BYTE_ORDER);
            if (0 == frameLength)
            {
                break;
            }
            if (frameLength < RECORD_HEADER_LENGTH || frameLength > declaredLength - offset)
            {
                problem = ScanProblem.FRAME_LENGTH_INVALID;
                break;
            }
            if (frameLength > limit - offset)
            {
                problem = ScanProblem.RECORD_TRUNCATED;
                break;
            }
            if (buffer.getLong(offset + RECORD_SEQUENCE_OFFSET, BYTE_ORDER) != expectedSequence)
            {
                problem = ScanProblem.SEQUENCE_DISCONTINUOUS;
                break;
            }
            final int crc = buffer.getInt(offset + RECORD_CRC_OFFSET, BYTE_ORDER);
            if (crc != checksum.compute(segment, offset + RECORD_FRAME_LENGTH_OFFSET, frameLength - RECORD_FRAME_LENGTH_OFFSET))
            {
                problem = ScanProblem.CHECKSUM_MISMATCH;
                break;
            }
            records++;
            expectedSequence++;
            offset += SpoolLayout.align(frameLength);
        }

        final int validEnd = Math.min(offset, limit);
        scan.records = records;
        scan.validEnd = validEnd;
        scan.dataEnd = dataEnd(validEnd, limit);
        if (ScanProblem.NONE == problem && scan.dataEnd > validEnd)
        {
            problem = ScanProblem.DATA_AFTER_END;
        }
        scan.problem = problem;
        scan.problemOffset = ScanProblem.NONE == problem ? 0 : validEnd;
    }

    private void rejectHeader(final ScanProblem problem, final int capacity, final SegmentScan scan)
    {
        scan.problem = problem;
        scan.problemOffset = 0;
        scan.dataEnd = dataEnd(0, capacity);
        scan.allZero = 0 == scan.dataEnd;
    }

    /**
     * End of the last non-zero byte in {@code [from, limit)}, or {@code from} when all are zeros.
     */
    private int dataEnd(final int from, final int limit)
    {
        int end = limit;
        while (end - Long.BYTES >= from && 0 == buffer.getLong(end - Long.BYTES, BYTE_ORDER))
        {
            end -= Long.BYTES;
        }
        while (end > from && 0 == buffer.getByte(end - 1))
        {
            end--;
        }
        return end;
    }
}
