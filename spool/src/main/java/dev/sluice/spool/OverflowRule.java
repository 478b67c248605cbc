package dev.sluice.spool;

/**
 * What a spool does with an append when it needs a new segment and has no room for one: its
 * size limit ({@link SpoolConfig#maxBytes()}) is reached, or the file system is full. Every
 * outcome is counted with its reason in {@link SpoolCounters}.
 * <p>
 * Immutable; any thread.
 */
public enum OverflowRule
{
    /**
     * Refuse the record without storing or counting it as dropped: {@link Spool#append} returns
     * {@link Spool#BACK_PRESSURED} (size limit) or {@link Spool#DISK_FULL} (file system), and the
     * caller keeps the record and slows its source until acknowledgements trim the spool or
     * space returns. Nothing is lost; the source waits.
     */
    PAUSE,

    /**
     * Refuse the record and count it as dropped ({@link SpoolCounter#DROPPED_OVERFLOW_NEWEST} or
     * {@link SpoolCounter#DROPPED_DISK_FULL}): the records already spooled are kept.
     */
    DROP_NEWEST,

    /**
     * Discard the oldest segment, acknowledged or not, and count its unacknowledged records as
     * dropped ({@link SpoolCounter#DROPPED_OVERFLOW_OLDEST}) to make room for the new record. A
     * replay from before the discarded records reports them as a gap
     * ({@link RecordHandler#onGap}, {@link SpoolCounter#REPLAY_GAP}). When the file system is full
     * the oldest segment is discarded too; if that does not free enough space the record is
     * dropped as {@link SpoolCounter#DROPPED_DISK_FULL}.
     */
    DROP_OLDEST
}
