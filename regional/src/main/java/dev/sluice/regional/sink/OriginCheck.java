package dev.sluice.regional.sink;

/**
 * Does the caller's log hold exactly this record at this origin? A sink that reads back what it
 * delivered before a restart asks, so that a record someone else wrote to the same place (another
 * core sharing a topic, a recording started afresh) is never taken for one of its own.
 * <p>
 * Called on the sink's thread; the implementation must be safe to call from there.
 */
@FunctionalInterface
public interface OriginCheck
{
    /** Takes every record carrying an origin for one of the caller's: for tests without a log. */
    OriginCheck TRUST = (origin, record, length) -> true;

    /**
     * @param origin where the record says it starts in the caller's log.
     * @param record the record's bytes.
     * @param length how many of them.
     * @return true when the log holds exactly these bytes at that origin.
     */
    boolean holds(long origin, byte[] record, int length);
}
