package dev.sluice.spool;

/**
 * Why recovery stopped trusting a segment file at some offset, or what else it found wrong.
 * The first group is found by {@link SegmentScanner} inside one file; the second by comparing
 * files.
 * <p>
 * Immutable; any thread.
 */
public enum ScanProblem
{
    /**
     * Nothing wrong.
     */
    NONE("no problem"),

    /**
     * The file is shorter than a segment header.
     */
    SEGMENT_HEADER_TRUNCATED("file shorter than a segment header"),

    /**
     * The segment header's magic, format version, length or checksum is wrong: not a segment of
     * this format, or its first page is damaged.
     */
    SEGMENT_HEADER_INVALID("segment header has a wrong magic, version, length or checksum"),

    /**
     * The header's first sequence differs from the one in the file name.
     */
    SEGMENT_NAME_MISMATCH("segment header's first sequence differs from the file name's"),

    /**
     * A record's frame length is shorter than a record header, or runs past the segment's end.
     */
    FRAME_LENGTH_INVALID("record frame length below a header or past the segment's end"),

    /**
     * A record runs past the end of the file (the file was cut short).
     */
    RECORD_TRUNCATED("record runs past the end of the file"),

    /**
     * A record's CRC32C does not match its bytes: a torn write, a damaged page or flipped bits.
     */
    CHECKSUM_MISMATCH("record checksum does not match its bytes"),

    /**
     * A record's sequence is not the previous one plus one: an intact record left at that place
     * by an older run, for example.
     */
    SEQUENCE_DISCONTINUOUS("record sequence is not the previous record's plus one"),

    /**
     * The records end (a zero frame length) but non-zero bytes follow: a page written back
     * before an earlier one at power loss, or a zeroed region in the middle.
     */
    DATA_AFTER_END("non-zero bytes after the end of the records"),

    /**
     * The last segment file holds only zeros: its creation was cut short. Deleted.
     */
    INCOMPLETE_SEGMENT("segment file holds only zeros (creation cut short)"),

    /**
     * A segment starts at or below the last sequence of the one before it. Set aside.
     */
    SEQUENCE_OVERLAP("segment starts at or below the previous segment's last sequence"),

    /**
     * Sequences between two segments are missing and were not acknowledged: lost to a
     * corrupted or set-aside segment.
     */
    SEQUENCE_GAP("unacknowledged sequences missing between segments"),

    /**
     * The acknowledgement file has no valid slot: the acknowledged sequence is taken from the
     * segments (records kept are replayed again; the receiver drops the duplicates).
     */
    ACK_FILE_INVALID("acknowledgement file has no valid slot");

    private final String description;

    ScanProblem(final String description)
    {
        this.description = description;
    }

    /**
     * One line for reports.
     *
     * @return what the problem means.
     */
    public String description()
    {
        return description;
    }
}
