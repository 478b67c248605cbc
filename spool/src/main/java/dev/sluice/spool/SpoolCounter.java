package dev.sluice.spool;

/**
 * What a spool counts, declared once with the label and unit reported for each. The counters
 * whose {@link #dropReason()} is set count records lost to that reason; together with the
 * others they account for every append:
 * <pre>
 *   RECOVERED_RECORDS + APPENDED = ACKNOWLEDGED + DROPPED_OVERFLOW_OLDEST + pending records
 *   append calls = APPENDED + BACK_PRESSURED + DISK_FULL_BACK_PRESSURED
 *                + DROPPED_OVERFLOW_NEWEST + DROPPED_DISK_FULL + DROPPED_TOO_LARGE
 * </pre>
 * (pending: records held above the acknowledged sequence, {@link Spool#pendingRecords()}; the
 * first line holds within one open of the spool, as recovered records are counted at open).
 * <p>
 * Immutable; any thread.
 */
public enum SpoolCounter
{
    /**
     * Records appended (a sequence was returned).
     */
    APPENDED("appended", "records", null),

    /**
     * Payload bytes of the records appended.
     */
    APPENDED_BYTES("appended_bytes", "bytes", null),

    /**
     * Records delivered to a {@link RecordHandler} by a read or a cursor.
     */
    REPLAYED("replayed", "records", null),

    /**
     * Records held by the spool that became acknowledged.
     */
    ACKNOWLEDGED("acknowledged", "records", null),

    /**
     * Sequences acknowledged past the last appended record (the receiver holds records this
     * spool lost, or the owner acknowledged ahead): the next append skips past them.
     */
    ACKNOWLEDGED_BEYOND_LAST("acknowledged_beyond_last", "sequences", null),

    /**
     * Segment files deleted because every record in them was acknowledged.
     */
    TRIMMED_SEGMENTS("trimmed_segments", "segments", null),

    /**
     * Records in the trimmed segments.
     */
    TRIMMED_RECORDS("trimmed_records", "records", null),

    /**
     * Appends refused by {@link OverflowRule#PAUSE} at the size limit: not stored, not dropped,
     * the caller still holds the record.
     */
    BACK_PRESSURED("back_pressured", "appends", null),

    /**
     * Appends refused by {@link OverflowRule#PAUSE} because the file system is full.
     */
    DISK_FULL_BACK_PRESSURED("disk_full_back_pressured", "appends", null),

    /**
     * Records refused by {@link OverflowRule#DROP_NEWEST} at the size limit.
     */
    DROPPED_OVERFLOW_NEWEST("dropped_spool_overflow_newest", "records", "spool_overflow_newest"),

    /**
     * Unacknowledged records discarded with the oldest segment by {@link OverflowRule#DROP_OLDEST}.
     */
    DROPPED_OVERFLOW_OLDEST("dropped_spool_overflow_oldest", "records", "spool_overflow_oldest"),

    /**
     * Records refused because the file system is full (rules other than {@link OverflowRule#PAUSE}).
     */
    DROPPED_DISK_FULL("dropped_spool_disk_full", "records", "spool_disk_full"),

    /**
     * Records refused because they do not fit in one segment.
     */
    DROPPED_TOO_LARGE("dropped_spool_record_too_large", "records", "spool_record_too_large"),

    /**
     * Unacknowledged sequences a replay wanted but the spool no longer held
     * ({@link RecordHandler#onGap}).
     */
    REPLAY_GAP("replay_gap", "sequences", null),

    /**
     * Segment files found valid at open.
     */
    RECOVERED_SEGMENTS("recovered_segments", "segments", null),

    /**
     * Records found valid at open.
     */
    RECOVERED_RECORDS("recovered_records", "records", null),

    /**
     * Problems found at open ({@link SpoolRecoveryReport#problems()}).
     */
    RECOVERY_PROBLEMS("recovery_problems", "problems", null),

    /**
     * Bytes after the valid prefix of a segment that were not zeros (a torn or corrupted tail,
     * or a segment file that could not be read) and were discarded at open.
     */
    CORRUPT_BYTES_DISCARDED("corrupt_bytes_discarded", "bytes", null),

    /**
     * Segment files created.
     */
    SEGMENTS_CREATED("segments_created", "segments", null),

    /**
     * Segment files that could not be created or allocated (a full file system, most often).
     */
    SEGMENT_CREATE_FAILURES("segment_create_failures", "segments", null),

    /**
     * Segment files that could not be deleted (trimmed or discarded); open deletes them again.
     */
    SEGMENT_DELETE_FAILURES("segment_delete_failures", "segments", null),

    /**
     * Forces of appended records to the storage device.
     */
    SYNCS("syncs", "forces", null),

    /**
     * Forces that failed (an I/O error from msync); the records stay in the page cache.
     */
    SYNC_FAILURES("sync_failures", "forces", null),

    /**
     * Acknowledgements that could not be written to the acknowledgement file. The spool stays
     * correct: after a restart the records above the last written acknowledgement are replayed
     * again, and the receiver drops them as duplicates.
     */
    ACK_WRITE_FAILURES("ack_write_failures", "writes", null);

    private final String label;
    private final String unit;
    private final String dropReason;

    SpoolCounter(final String label, final String unit, final String dropReason)
    {
        this.label = label;
        this.unit = unit;
        this.dropReason = dropReason;
    }

    /**
     * Name of the counter for operators and metrics.
     *
     * @return for example {@code dropped_spool_overflow_oldest}.
     */
    public String label()
    {
        return label;
    }

    /**
     * What the counter counts.
     *
     * @return for example {@code records}.
     */
    public String unit()
    {
        return unit;
    }

    /**
     * The drop reason for counters of lost records, as the gateway's accounting names it
     * ({@code dropped{spool_overflow_oldest}}).
     *
     * @return the reason, or null for counters that count no loss.
     */
    public String dropReason()
    {
        return dropReason;
    }
}
