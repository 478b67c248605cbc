package dev.sluice.spool;

import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;

/**
 * A local durable log: records appended with consecutive sequences, kept in checksummed segment
 * files until their owner acknowledges them, read back from any sequence by cursors, recovered
 * to the valid prefix after a crash. See the package documentation for the design, and
 * {@link FsyncPolicy} and {@link OverflowRule} for the choices each spool makes.
 * <pre>{@code
 *   Spool spool = Spool.open(new SpoolConfig().directory(dir).overflowRule(OverflowRule.PAUSE));
 *   long sequence = spool.append(buffer, 0, length);    // or a negative outcome
 *   spool.read(spool.acknowledgedSequence() + 1, handler, 64);
 *   spool.acknowledge(sequence);                        // trims whole segments behind it
 * }</pre>
 * <p>
 * One thread owns a spool: appends, reads, cursors, acknowledgements and {@link #doWork} all run
 * on it (the gateway's egress agent, the regional core's agent). Only {@link #counters()} and the
 * {@link #recoveryReport()} may be read from other threads. Nothing allocates per record in the
 * steady state; rolling to a new segment and deleting trimmed ones do, once per segment.
 */
public final class Spool implements AutoCloseable
{
    /**
     * {@link #append} outcome: the size limit is reached and the rule is {@link OverflowRule#PAUSE}.
     * Not stored, not dropped: retry after acknowledgements trim the spool.
     */
    public static final long BACK_PRESSURED = -1;

    /**
     * {@link #append} outcome: the file system is full and the rule is {@link OverflowRule#PAUSE}.
     * Not stored, not dropped: retry when space returns.
     */
    public static final long DISK_FULL = -2;

    /**
     * {@link #append} outcome: the size limit is reached and the rule is
     * {@link OverflowRule#DROP_NEWEST}; counted as {@link SpoolCounter#DROPPED_OVERFLOW_NEWEST}.
     */
    public static final long DROPPED_OVERFLOW = -3;

    /**
     * {@link #append} outcome: the file system is full and the rule drops; counted as
     * {@link SpoolCounter#DROPPED_DISK_FULL}.
     */
    public static final long DROPPED_DISK_FULL = -4;

    /**
     * {@link #append} outcome: the record does not fit in a segment; counted as
     * {@link SpoolCounter#DROPPED_TOO_LARGE}.
     */
    public static final long DROPPED_TOO_LARGE = -5;

    private final Path directory;
    private final int segmentLength;
    private final int maxPayloadLength;
    private final long maxBytes;
    private final OverflowRule overflowRule;
    private final FsyncPolicy fsyncPolicy;
    private final int fsyncEveryRecords;
    private final long fsyncIntervalNs;
    private final NanoClock nanoClock;
    private final ErrorHandler errorHandler;
    private final SpoolCounters counters;
    private final SpoolRecoveryReport recoveryReport;
    private final ArrayList<Segment> segments;
    private final AckFile ackFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RecordChecksum checksum = new RecordChecksum();
    private final SpoolCursor readCursor;
    private Segment active;
    private long nextSequence;
    private long acknowledged;
    private long pendingRecords;
    private long durableSequence;
    private long bytesUsed;
    private int unsyncedRecords;
    private long firstUnsyncedNs;
    private boolean ackUnsynced;
    private boolean syncPending;
    private boolean growFailing;
    private boolean syncFailing;
    private boolean closed;

    private Spool(
        final SpoolConfig config,
        final SpoolCounters counters,
        final SpoolRecovery.Result recovered,
        final FileChannel lockChannel,
        final FileLock lock)
    {
        this.directory = config.directory();
        this.segmentLength = config.segmentLength();
        this.maxPayloadLength = config.maxPayloadLength();
        this.maxBytes = config.maxBytes();
        this.overflowRule = config.overflowRule();
        this.fsyncPolicy = config.fsyncPolicy();
        this.fsyncEveryRecords = config.fsyncEveryRecords();
        this.fsyncIntervalNs = config.fsyncIntervalNs();
        this.nanoClock = config.nanoClock();
        this.errorHandler = config.errorHandler();
        this.counters = counters;
        this.recoveryReport = recovered.report;
        this.segments = recovered.segments;
        this.ackFile = recovered.ackFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.acknowledged = recovered.acknowledged;
        this.nextSequence = recovered.nextSequence;
        this.pendingRecords = recovered.pendingRecords;
        this.durableSequence = recovered.nextSequence - 1;
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            bytesUsed += segments.get(i).length;
        }
        this.active = segments.isEmpty() ? null : segments.getLast();
        this.readCursor = new SpoolCursor(this, firstSequence());
    }

    /**
     * Opens the spool in {@code config.directory()}, creating the directory when missing, and
     * recovers what it holds ({@link #recoveryReport()}). Appends continue after the last valid
     * record, or after the acknowledged sequence when that is higher.
     *
     * @param config settings; {@link SpoolConfig#conclude()} is called.
     * @return the spool, ready.
     * @throws IllegalArgumentException when the configuration is invalid.
     * @throws IllegalStateException    when another process (or this one) has the directory open.
     * @throws UncheckedIOException     when the directory cannot be read or written.
     */
    public static Spool open(final SpoolConfig config)
    {
        config.conclude();
        final Path directory = config.directory();
        FileChannel lockChannel = null;
        try
        {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(SpoolLayout.LOCK_FILE_NAME),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = tryLock(lockChannel, directory);
            final SpoolCounters counters = new SpoolCounters();
            final SpoolRecovery.Result recovered = SpoolRecovery.recover(config, counters);
            return new Spool(config, counters, recovered, lockChannel, lock);
        }
        catch (final IOException ex)
        {
            closeQuietly(lockChannel, ex);
            throw new UncheckedIOException("cannot open spool " + directory + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(lockChannel, ex);
            throw ex;
        }
    }

    /**
     * Appends one record. The payload is copied into the active segment and checksummed; the
     * record is durable against a process crash when this returns, and against a power loss as
     * the {@link FsyncPolicy} says.
     *
     * @param buffer holding the payload.
     * @param offset where it starts.
     * @param length payload bytes (0 allowed), at most the segment length less 48.
     * @return the record's sequence (previous + 1), or a negative outcome:
     *         {@link #BACK_PRESSURED}, {@link #DISK_FULL}, {@link #DROPPED_OVERFLOW},
     *         {@link #DROPPED_DISK_FULL} or {@link #DROPPED_TOO_LARGE}, each counted.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        ensureOpen();
        if (length < 0 || length > maxPayloadLength)
        {
            counters.increment(SpoolCounter.DROPPED_TOO_LARGE);
            return DROPPED_TOO_LARGE;
        }

        final int alignedLength = SpoolLayout.alignedFrameLength(length);
        Segment segment = active;
        if (null == segment || !segment.canAppend(nextSequence, alignedLength))
        {
            final long outcome = rollSegment();
            if (outcome < 0)
            {
                return outcome;
            }
            segment = active;
        }

        final long sequence = nextSequence++;
        segment.append(sequence, buffer, offset, length, checksum);
        pendingRecords++;
        counters.increment(SpoolCounter.APPENDED);
        counters.add(SpoolCounter.APPENDED_BYTES, length);

        switch (fsyncPolicy)
        {
            case EVERY_RECORD -> sync();
            case EVERY_N_RECORDS ->
            {
                if (++unsyncedRecords >= fsyncEveryRecords)
                {
                    sync();
                }
            }
            case INTERVAL ->
            {
                if (!syncPending)
                {
                    syncPending = true;
                    firstUnsyncedNs = nanoClock.nanoTime();
                }
                else if (nanoClock.nanoTime() - firstUnsyncedNs >= fsyncIntervalNs)
                {
                    sync();
                }
            }
            case NEVER ->
            {
            }
        }
        return sequence;
    }

    /**
     * Reads up to {@code limit} records from {@code fromSequence} on, in order, with the spool's
     * own cursor: consecutive calls that continue where the last stopped read on without
     * searching. Missing unacknowledged records are reported through {@link RecordHandler#onGap}.
     *
     * @param fromSequence first sequence wanted; an earlier one no longer held starts at the
     *                     first held.
     * @param handler      receives the records.
     * @param limit        most records delivered.
     * @return records delivered.
     */
    public int read(final long fromSequence, final RecordHandler handler, final int limit)
    {
        if (readCursor.position() != fromSequence)
        {
            readCursor.seek(fromSequence);
        }
        return readCursor.poll(handler, limit);
    }

    /**
     * A reader with its own position, for a consumer that reads at its own pace (a sink of the
     * regional core, the gateway's sender). Cursors do not hold records back: the owner's
     * {@link #acknowledge} decides what is trimmed, so it acknowledges no further than its
     * slowest cursor has read.
     *
     * @param fromSequence first sequence the cursor reads.
     * @return a new cursor on this spool's thread.
     */
    public SpoolCursor newCursor(final long fromSequence)
    {
        ensureOpen();
        return new SpoolCursor(this, fromSequence);
    }

    /**
     * Records that every record up to {@code sequence} is safe elsewhere: written to the
     * acknowledgement file (forced under {@link FsyncPolicy#EVERY_RECORD}, otherwise with the next
     * force), and every segment whose records are all at or below it, except the last, deleted.
     * A sequence at or below the current acknowledged one changes nothing. A sequence above the
     * last appended one moves the next append's sequence past it (the receiver holds records
     * this spool lost with a power failure; reusing their sequences would make it drop new
     * records as duplicates), counted as {@link SpoolCounter#ACKNOWLEDGED_BEYOND_LAST}.
     *
     * @param sequence highest sequence safe elsewhere.
     */
    public void acknowledge(final long sequence)
    {
        ensureOpen();
        if (sequence <= acknowledged)
        {
            return;
        }

        final long newlyAcknowledged = heldBetween(acknowledged + 1, sequence);
        pendingRecords -= newlyAcknowledged;
        counters.add(SpoolCounter.ACKNOWLEDGED, newlyAcknowledged);
        if (sequence >= nextSequence)
        {
            counters.add(SpoolCounter.ACKNOWLEDGED_BEYOND_LAST, sequence - (nextSequence - 1));
            nextSequence = sequence + 1;
        }
        acknowledged = sequence;

        try
        {
            ackFile.write(sequence);
            if (FsyncPolicy.EVERY_RECORD == fsyncPolicy)
            {
                ackFile.force();
            }
            else if (FsyncPolicy.NEVER != fsyncPolicy)
            {
                ackUnsynced = true;
                if (FsyncPolicy.INTERVAL == fsyncPolicy && !syncPending)
                {
                    syncPending = true;
                    firstUnsyncedNs = nanoClock.nanoTime();
                }
            }
        }
        catch (final IOException ex)
        {
            counters.increment(SpoolCounter.ACK_WRITE_FAILURES);
            errorHandler.onError(ex);
        }
        trimAcknowledged();
    }

    /**
     * Duty-cycle work for {@link FsyncPolicy#INTERVAL}: forces the records (and the
     * acknowledgement) waiting longer than the interval, so a quiet spool does not leave its tail
     * unforced until the next append. Cheap to call every cycle.
     *
     * @return 1 when it forced, 0 otherwise.
     */
    public int doWork()
    {
        if (syncPending && !closed && nanoClock.nanoTime() - firstUnsyncedNs >= fsyncIntervalNs)
        {
            sync();
            return 1;
        }
        return 0;
    }

    /**
     * Forces every appended record and the acknowledgement to the device now, whatever the
     * policy. Failures are counted ({@link SpoolCounter#SYNC_FAILURES}) and the records stay in
     * the page cache.
     */
    public void sync()
    {
        ensureOpen();
        final Segment segment = active;
        boolean failed = false;
        if (null != segment && segment.hasUnsynced())
        {
            try
            {
                segment.force();
                counters.increment(SpoolCounter.SYNCS);
            }
            catch (final UncheckedIOException ex)
            {
                failed = true;
                counters.increment(SpoolCounter.SYNC_FAILURES);
                if (!syncFailing)
                {
                    syncFailing = true;
                    errorHandler.onError(ex);
                }
            }
        }
        if (ackUnsynced)
        {
            try
            {
                ackFile.force();
                ackUnsynced = false;
            }
            catch (final IOException ex)
            {
                counters.increment(SpoolCounter.SYNC_FAILURES);
                errorHandler.onError(ex);
            }
        }
        if (!failed)
        {
            syncFailing = false;
            unsyncedRecords = 0;
            syncPending = false;
            durableSequence = nextSequence - 1;
        }
    }

    /**
     * @return the lowest sequence held, or {@link #lastSequence()} + 1 when the spool holds no record.
     */
    public long firstSequence()
    {
        return SpoolRecovery.firstRecordSequence(segments, nextSequence - 1);
    }

    /**
     * @return the last sequence appended (or acknowledged beyond it): the next append gets the
     *         one after. 0 for a new spool.
     */
    public long lastSequence()
    {
        return nextSequence - 1;
    }

    /**
     * @return the highest sequence acknowledged, 0 when none.
     */
    public long acknowledgedSequence()
    {
        return acknowledged;
    }

    /**
     * The highest sequence the fsync policy counts as durable: under {@link FsyncPolicy#NEVER},
     * every appended record (durable against a process crash, which is all that policy
     * promises); otherwise the last record forced to the device. A sender that must never let the
     * receiver see a sequence that a power loss could take back sends only up to this.
     *
     * @return a sequence, at most {@link #lastSequence()}.
     */
    public long durableSequence()
    {
        return FsyncPolicy.NEVER == fsyncPolicy ? nextSequence - 1 : durableSequence;
    }

    /**
     * @return records held above the acknowledged sequence.
     */
    public long pendingRecords()
    {
        return pendingRecords;
    }

    /**
     * @return bytes of segment files held (each at its full, allocated length).
     */
    public long bytesUsed()
    {
        return bytesUsed;
    }

    /**
     * @return segment files held.
     */
    public int segmentCount()
    {
        return segments.size();
    }

    /**
     * @return the spool's directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return the counters, readable from any thread.
     */
    public SpoolCounters counters()
    {
        return counters;
    }

    /**
     * @return what recovery found when the spool opened.
     */
    public SpoolRecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Forces what the policy would force (nothing under {@link FsyncPolicy#NEVER}: the kernel
     * still writes everything back), unmaps the segments and releases the directory.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (FsyncPolicy.NEVER != fsyncPolicy)
        {
            sync();
        }
        closed = true;
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            segments.get(i).close();
        }
        segments.clear();
        active = null;
        try
        {
            ackFile.close();
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
        }
        try
        {
            lock.release();
            lockChannel.close();
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
        }
    }

    @Override
    public String toString()
    {
        return "Spool{" + directory + ", sequences " + firstSequence() + ".." + lastSequence() + ", acknowledged " +
            acknowledged + ", " + segments.size() + " segments, " + bytesUsed + " bytes}";
    }

    // ---------------------------------------------------------------- for SpoolCursor

    void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("spool " + directory + " is closed");
        }
    }

    ArrayList<Segment> segments()
    {
        return segments;
    }

    SpoolCounters countersForUpdate()
    {
        return counters;
    }

    /**
     * The segment that holds {@code sequence}, or the first after it when it falls between
     * segments; null when past the last segment's records or there are no segments.
     */
    Segment segmentFor(final long sequence)
    {
        final ArrayList<Segment> segments = this.segments;
        int low = 0;
        int high = segments.size() - 1;
        int found = -1;
        while (low <= high)
        {
            final int middle = (low + high) >>> 1;
            if (segments.get(middle).firstSequence <= sequence)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        if (-1 == found)
        {
            return segments.isEmpty() ? null : segments.getFirst();
        }
        final Segment segment = segments.get(found);
        if (sequence <= segment.lastSequence() || found == segments.size() - 1)
        {
            return segment;
        }
        return segments.get(found + 1);
    }

    /**
     * The segment after {@code segment}, or null when it is the last.
     */
    Segment segmentAfter(final Segment segment)
    {
        final ArrayList<Segment> segments = this.segments;
        if (segments.isEmpty() || segments.getLast() == segment)
        {
            return null;
        }
        for (int i = segments.size() - 1; i > 0; i--)
        {
            if (segments.get(i - 1) == segment)
            {
                return segments.get(i);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- internals

    /**
     * Finishes the active segment and starts a new one, applying the overflow rule when there is
     * no room for it.
     *
     * @return 0, or the negative append outcome.
     */
    private long rollSegment()
    {
        if (FsyncPolicy.NEVER != fsyncPolicy && null != active && active.hasUnsynced())
        {
            sync();
        }

        // A recovered last segment that holds no record and cannot take this one (its file was
        // cut short) has the name the new segment needs: it goes first, holding nothing.
        if (!segments.isEmpty() && 0 == segments.getLast().records() && nextSequence == segments.getLast().firstSequence)
        {
            deleteSegment(segments.size() - 1);
        }

        while (bytesUsed + segmentLength > maxBytes)
        {
            switch (overflowRule)
            {
                case PAUSE ->
                {
                    counters.increment(SpoolCounter.BACK_PRESSURED);
                    return BACK_PRESSURED;
                }
                case DROP_NEWEST ->
                {
                    counters.increment(SpoolCounter.DROPPED_OVERFLOW_NEWEST);
                    return DROPPED_OVERFLOW;
                }
                case DROP_OLDEST ->
                {
                    if (!dropOldest())
                    {
                        counters.increment(SpoolCounter.DROPPED_OVERFLOW_NEWEST);
                        return DROPPED_OVERFLOW;
                    }
                }
            }
        }

        Segment created = createSegment();
        if (null == created && OverflowRule.DROP_OLDEST == overflowRule && dropOldest())
        {
            created = createSegment();
        }
        if (null == created)
        {
            if (OverflowRule.PAUSE == overflowRule)
            {
                counters.increment(SpoolCounter.DISK_FULL_BACK_PRESSURED);
                return DISK_FULL;
            }
            counters.increment(SpoolCounter.DROPPED_DISK_FULL);
            return DROPPED_DISK_FULL;
        }

        if (null != active)
        {
            active.seal();
        }
        segments.add(created);
        bytesUsed += created.length;
        active = created;
        trimAcknowledged();
        return 0;
    }

    private Segment createSegment()
    {
        try
        {
            final Segment segment = Segment.create(
                directory, nextSequence, segmentLength, FsyncPolicy.NEVER != fsyncPolicy, checksum);
            counters.increment(SpoolCounter.SEGMENTS_CREATED);
            growFailing = false;
            return segment;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            counters.increment(SpoolCounter.SEGMENT_CREATE_FAILURES);
            if (!growFailing)
            {
                growFailing = true;
                errorHandler.onError(ex);
            }
            return null;
        }
    }

    /**
     * Discards the oldest segment for {@link OverflowRule#DROP_OLDEST}, counting its
     * unacknowledged records as dropped.
     *
     * @return false when there is none.
     */
    private boolean dropOldest()
    {
        if (segments.isEmpty())
        {
            return false;
        }
        final Segment oldest = segments.getFirst();
        final long dropped = Math.max(0, oldest.lastSequence() - Math.max(acknowledged, oldest.firstSequence - 1));
        pendingRecords -= dropped;
        counters.add(SpoolCounter.DROPPED_OVERFLOW_OLDEST, dropped);
        deleteFirstSegment();
        return true;
    }

    /**
     * Deletes the segments, except the last, whose records are all acknowledged.
     */
    private void trimAcknowledged()
    {
        while (segments.size() > 1 && segments.getFirst().lastSequence() <= acknowledged)
        {
            final Segment trimmed = segments.getFirst();
            counters.increment(SpoolCounter.TRIMMED_SEGMENTS);
            counters.add(SpoolCounter.TRIMMED_RECORDS, trimmed.records());
            deleteFirstSegment();
        }
    }

    private void deleteFirstSegment()
    {
        deleteSegment(0);
    }

    private void deleteSegment(final int index)
    {
        final Segment segment = segments.remove(index);
        if (segment == active)
        {
            active = null;
        }
        bytesUsed -= segment.length;
        segment.close();
        try
        {
            Files.delete(segment.path);
        }
        catch (final IOException ex)
        {
            counters.increment(SpoolCounter.SEGMENT_DELETE_FAILURES);
            errorHandler.onError(ex);
        }
    }

    /**
     * Records held with sequences in {@code [from, to]}.
     */
    private long heldBetween(final long from, final long to)
    {
        long held = 0;
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            final Segment segment = segments.get(i);
            final long low = Math.max(from, segment.firstSequence);
            final long high = Math.min(to, segment.lastSequence());
            if (high >= low)
            {
                held += high - low + 1;
            }
        }
        return held;
    }

    private static FileLock tryLock(final FileChannel channel, final Path directory) throws IOException
    {
        final FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            throw new IllegalStateException("spool " + directory + " is already open in this process", ex);
        }
        if (null == lock)
        {
            throw new IllegalStateException("spool " + directory + " is open in another process: " +
                "each spool directory belongs to one gateway or regional core");
        }
        return lock;
    }

    private static void closeQuietly(final FileChannel channel, final Exception cause)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                cause.addSuppressed(ex);
            }
        }
    }
}
