package dev.sluice.spool;

/**
 * When a spool forces appended records from the page cache to the storage device.
 * <p>
 * Every policy survives {@code kill -9} of the process alike: records live in the kernel's page
 * cache as soon as {@link Spool#append} returns (the segment is a shared file mapping), and the
 * kernel writes them back whether or not the process is still alive. The policies differ only
 * in what a power loss or a kernel crash can take: the records appended since the last force.
 * <table>
 *   <caption>Trade-off per policy</caption>
 *   <tr><th>policy</th><th>lost on power loss</th><th>cost per append</th></tr>
 *   <tr><td>{@link #NEVER}</td><td>whatever the kernel had not written back (up to
 *       {@code vm.dirty_expire_centisecs}, 30 s by default, of appends)</td><td>a memory copy and a
 *       CRC32C: the fastest</td></tr>
 *   <tr><td>{@link #EVERY_N_RECORDS}</td><td>at most N - 1 records</td><td>one {@code msync} per N
 *       records, shared by them</td></tr>
 *   <tr><td>{@link #INTERVAL}</td><td>at most the interval's worth of records (the owner must call
 *       {@link Spool#doWork} when appends pause, or the tail waits for the next append)</td>
 *       <td>one {@code msync} per interval</td></tr>
 *   <tr><td>{@link #EVERY_RECORD}</td><td>nothing that {@link Spool#append} returned a sequence
 *       for</td><td>one {@code msync} per record: bounded by the device's flush latency (tens of
 *       microseconds on NVMe with power-loss protection, milliseconds on consumer SSDs and
 *       virtual disks)</td></tr>
 * </table>
 * {@link Spool#durableSequence()} tells the owner which records the policy counts as durable,
 * so a sender that must never let the receiver see a sequence that could vanish with a power
 * loss sends only up to it. perf/RESULTS.md has the measured cost of each policy.
 * <p>
 * Immutable; any thread.
 */
public enum FsyncPolicy
{
    /**
     * Never force: the kernel writes back on its own schedule. Survives a process crash, not a
     * power loss.
     */
    NEVER,

    /**
     * Force after every {@link SpoolConfig#fsyncEveryRecords()} appended records and when a
     * segment is finished.
     */
    EVERY_N_RECORDS,

    /**
     * Force when {@link SpoolConfig#fsyncIntervalNs()} has passed since the oldest record not yet
     * forced: checked on each append and in {@link Spool#doWork}.
     */
    INTERVAL,

    /**
     * Force each record before {@link Spool#append} returns its sequence.
     */
    EVERY_RECORD
}
