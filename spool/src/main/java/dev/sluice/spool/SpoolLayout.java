package dev.sluice.spool;

import java.nio.ByteOrder;

/**
 * The on-disk format of a spool, in one place: segment file names, the segment header, the
 * record header and the acknowledgement file. Every multi-byte field is little-endian
 * ({@link #BYTE_ORDER}), the order of the machines Sluice runs on, so fields are read in place
 * without swapping.
 * <p>
 * A segment file ({@code <first sequence, 20 digits>.seg}) is pre-allocated to its full length
 * and starts with a header; records follow back to back, each 8-byte aligned; the space after
 * the last record is zeros:
 * <pre>
 *   segment header (32 bytes)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                     magic "SLUICESP"                          |
 *   |                                                               |
 *   +-------------------------------+-------------------------------+
 *   |        format version         |    segment length (bytes)     |
 *   +-------------------------------+-------------------------------+
 *   |              first sequence (the file name's number)          |
 *   |                                                               |
 *   +-------------------------------+-------------------------------+
 *   |   CRC32C of bytes 0 to 23     |          reserved, 0          |
 *   +-------------------------------+-------------------------------+
 *
 *   record (16-byte header, then the payload, padded with zeros to a multiple of 8)
 *   +-------------------------------+-------------------------------+
 *   | CRC32C of bytes 4 to frame end|  frame length (header+payload)|
 *   +-------------------------------+-------------------------------+
 *   |               sequence (previous record's + 1)                |
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |                         payload ...                           |
 *   +---------------------------------------------------------------+
 * </pre>
 * A frame length of 0 marks the end of the records (the pre-allocated zeros). The record CRC
 * covers the frame length, the sequence and the payload, so a torn write, a zeroed page or a
 * flipped bit anywhere in a record is detected, and so is a record left from an older run at
 * the right place but with the wrong sequence.
 * <p>
 * The acknowledgement file ({@value #ACK_FILE_NAME}) holds two slots of 32 bytes, at
 * {@link #ACK_SLOT_OFFSETS}, written alternately with an increasing generation, so a torn
 * write of one slot leaves the other valid:
 * <pre>
 *   | magic "SLUICEAK" (8) | generation (8) | acknowledged sequence (8) | CRC32C of 0-23 (4) | 0 (4) |
 * </pre>
 * Constants only; any thread.
 */
final class SpoolLayout
{
    /**
     * Byte order of every field on disk.
     */
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /**
     * Records and segment headers are aligned to this many bytes.
     */
    static final int ALIGNMENT = 8;

    /**
     * "SLUICESP" read as a little-endian long.
     */
    static final long SEGMENT_MAGIC = 0x5053_4543_4955_4C53L;
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_MAGIC_OFFSET = 0;
    static final int SEGMENT_VERSION_OFFSET = 8;
    static final int SEGMENT_LENGTH_OFFSET = 12;
    static final int SEGMENT_FIRST_SEQUENCE_OFFSET = 16;
    static final int SEGMENT_CRC_OFFSET = 24;
    static final int SEGMENT_CRC_COVERED_LENGTH = 24;
    static final int SEGMENT_HEADER_LENGTH = 32;

    static final int RECORD_CRC_OFFSET = 0;
    static final int RECORD_FRAME_LENGTH_OFFSET = 4;
    static final int RECORD_SEQUENCE_OFFSET = 8;
    static final int RECORD_HEADER_LENGTH = 16;

    /**
     * The smallest segment: a header and one record of a few hundred bytes. Tests use small
     * segments to roll often; production wants MiBs.
     */
    static final int MIN_SEGMENT_LENGTH = 4096;

    /**
     * The largest segment: one mapping of a {@code MappedByteBuffer} (int-indexed) with room to spare.
     */
    static final int MAX_SEGMENT_LENGTH = 1 << 30;

    static final String SEGMENT_SUFFIX = ".seg";
    static final String TEMPORARY_SUFFIX = ".tmp";
    static final String CORRUPT_SUFFIX = ".corrupt";
    static final int SEGMENT_NAME_DIGITS = 20;

    /**
     * "SLUICEAK" read as a little-endian long.
     */
    static final long ACK_MAGIC = 0x4B41_4543_4955_4C53L;
    static final String ACK_FILE_NAME = "ack";
    static final String LOCK_FILE_NAME = "lock";
    static final int ACK_MAGIC_OFFSET = 0;
    static final int ACK_GENERATION_OFFSET = 8;
    static final int ACK_SEQUENCE_OFFSET = 16;
    static final int ACK_CRC_OFFSET = 24;
    static final int ACK_CRC_COVERED_LENGTH = 24;
    static final int ACK_SLOT_LENGTH = 32;

    /**
     * Slots a disk sector apart, so one torn sector write cannot damage both.
     */
    static final int[] ACK_SLOT_OFFSETS = { 0, 512 };
    static final int ACK_FILE_LENGTH = 1024;

    private SpoolLayout()
    {
    }

    /**
     * Bytes a record of {@code payloadLength} bytes takes in a segment, header and padding included.
     *
     * @param payloadLength payload bytes.
     * @return aligned frame length.
     */
    static int alignedFrameLength(final int payloadLength)
    {
        return align(RECORD_HEADER_LENGTH + payloadLength);
    }

    /**
     * Rounds up to {@link #ALIGNMENT}.
     *
     * @param length bytes, not negative.
     * @return the next multiple of 8 at or above it.
     */
    static int align(final int length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * File name of the segment whose first record has {@code firstSequence}: zero-padded, so
     * names sort as the numbers do.
     *
     * @param firstSequence sequence of the segment's first record, not negative.
     * @return for example {@code 00000000000000000001.seg}.
     */
    static String segmentFileName(final long firstSequence)
    {
        final String digits = Long.toString(firstSequence);
        return "0".repeat(SEGMENT_NAME_DIGITS - digits.length()) + digits + SEGMENT_SUFFIX;
    }

    /**
     * The first sequence a segment file name carries.
     *
     * @param fileName a file name.
     * @return the sequence, or -1 when the name is not a segment's.
     */
    static long parseSegmentFileName(final String fileName)
    {
        if (fileName.length() != SEGMENT_NAME_DIGITS + SEGMENT_SUFFIX.length() || !fileName.endsWith(SEGMENT_SUFFIX))
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < SEGMENT_NAME_DIGITS; i++)
        {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            final int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
