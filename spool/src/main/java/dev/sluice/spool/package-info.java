/**
 * The spool: a local durable log of opaque records, the building block of Sluice's delivery
 * guarantees (DESIGN.md section 9). The gateway keeps one per destination, holding each encoded
 * {@code DataBatch} until the regional core acknowledges it, and replays from the acknowledged
 * sequence after a reconnect or a restart; the regional core keeps one as its durable recording,
 * which its sinks read with cursors of their own.
 *
 * <h2>Format</h2>
 * A directory of segment files of a fixed length, named by the sequence of their first record,
 * plus an acknowledgement file and a lock file ({@link dev.sluice.spool.SpoolLayout} has the
 * byte layout). Each record carries a 16-byte header (CRC32C, frame length, sequence) and is
 * 8-byte aligned; sequences rise by exactly one. Acknowledging a sequence deletes the segments
 * wholly at or below it, so trimming is a file deletion, never a copy or a compaction.
 *
 * <h2>Why not Aeron Archive</h2>
 * The gateway already speaks Aeron, and Aeron Archive records streams to disk. It is not the
 * right tool for this log:
 * <ul>
 *   <li><b>Finding the valid prefix after kill -9 or power loss.</b> An archive recording has no
 *       per-record checksum unless one is configured ({@code aeron.archive.record.checksum}), and
 *       then it is checked on replay, not when the archive starts; an unfinished recording's
 *       stop position is put right by {@code ArchiveTool verify}, run offline against a stopped
 *       archive. Here every record is checked at open, the first bad one is found by checksum and
 *       sequence, and the report names the file and offset.</li>
 *   <li><b>Trimming behind acknowledgements, with a size bound and an overflow rule.</b>
 *       Trimming an archive recording is a control request (detach or purge segments up to a
 *       position) answered by the archive; a size bound with "pause the source", "drop the
 *       newest" or "drop the oldest, counted" is not something it has. Those are the delivery
 *       rules issue 8 asks for, per destination.</li>
  <li><b>No running service on the data path.</b> The archive is a separate conductor (in the
 *       media driver's process or its own) with a control session, a recording session per
 *       stream and its own failure modes: when the media driver is killed (one of the fault
 *       tests), the archive goes with it, and the spool must survive exactly that. This log is a
 *       library called in the egress agent's duty cycle: no threads, no IPC, no driver.</li>
 *   <li><b>Small and checkable.</b> A few hundred lines whose recovery is fuzzed
 *       ({@code SegmentScannerFuzzTest}) and crash-tested with real SIGKILLs, against a large
 *       general-purpose component whose recovery we would have to trust.</li>
 * </ul>
 *
 * <h2>Why mapped segments</h2>
 * Segments are memory-mapped: an append is a copy into the page cache plus a CRC32C (hardware
 * instruction, through {@link java.util.zip.CRC32C}), with no system call; a replay hands the
 * handler a view of the mapped bytes, with no copy; a force is an {@code msync} of the dirty
 * range. Measured against {@code FileChannel.write} of the same bytes to new files
 * (perf/RESULTS.md, "Spool append and replay"): appends of 1 KiB records take half the time,
 * 16 KiB ones 1.7 times as long (the kernel's page allocation dominates either way, and a
 * mapping takes it as one page fault per page), and a replay is several times faster than
 * reading into a buffer. The gateway's batches are a datagram's payload (about 1.4 KiB), so the
 * mapping wins where it matters, and reads, the replay after a reconnect, win everywhere.
 * <p>
 * The risk of mappings is a {@code SIGBUS} when the file system has no block for a page being
 * written: each segment is therefore allocated in full with {@code posix_fallocate} before it is
 * mapped (zero-filled where native access is not granted), so a full disk shows as an
 * {@link java.io.IOException} while creating a segment, a counted outcome, and never as a
 * crash. (Copy-on-write file systems such as btrfs or ZFS can still need new blocks when an
 * allocated block is first written; put spools on ext4 or XFS.)
 *
 * <h2>Durability</h2>
 * Records are in the kernel's page cache when {@link dev.sluice.spool.Spool#append} returns,
 * so every policy survives kill -9 of the process; the {@link dev.sluice.spool.FsyncPolicy}
 * decides what a power loss can take (its Javadoc has the trade-off table, perf/RESULTS.md the
 * measured cost). Recovery ({@link dev.sluice.spool.Spool#open}) keeps the valid prefix of each
 * segment, truncates a damaged tail, never skips past damage silently, and says what it found in
 * a {@link dev.sluice.spool.SpoolRecoveryReport}.
 *
 * <h2>Accounting</h2>
 * Every append ends in a sequence or a counted outcome, and every record held ends acknowledged,
 * dropped by the overflow rule, or still pending: {@link dev.sluice.spool.SpoolCounter} states the
 * equations.
 */
package dev.sluice.spool;
