package dev.sluice.spool;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one spool, with fluent accessors; {@link #conclude()} fills defaults and
 * validates everything at once, and {@link Spool#open} calls it.
 * <p>
 * Not thread safe: configure on one thread, then hand it to {@link Spool#open}.
 */
public final class SpoolConfig
{
    /**
     * Segment files are this long unless configured: large enough that rolling to a new file
     * (an allocation, a map, a rename) is rare, small enough that trimming behind
     * acknowledgements frees space in useful steps.
     */
    public static final int SEGMENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /**
     * Bytes of segment files a spool may hold unless configured.
     */
    public static final long MAX_BYTES_DEFAULT = 1024L * 1024 * 1024;

    /**
     * Without a rule configured the source waits: nothing is lost.
     */
    public static final OverflowRule OVERFLOW_RULE_DEFAULT = OverflowRule.PAUSE;

    /**
     * Without a policy configured records are forced once per {@link #FSYNC_INTERVAL_NS_DEFAULT}:
     * survives kill -9 like every policy, and bounds what a power loss takes at almost no cost.
     */
    public static final FsyncPolicy FSYNC_POLICY_DEFAULT = FsyncPolicy.INTERVAL;

    /**
     * Records between forces for {@link FsyncPolicy#EVERY_N_RECORDS}.
     */
    public static final int FSYNC_EVERY_RECORDS_DEFAULT = 256;

    /**
     * Longest wait before records are forced for {@link FsyncPolicy#INTERVAL}.
     */
    public static final long FSYNC_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    private Path directory;
    private int segmentLength = SEGMENT_LENGTH_DEFAULT;
    private long maxBytes = MAX_BYTES_DEFAULT;
    private OverflowRule overflowRule = OVERFLOW_RULE_DEFAULT;
    private FsyncPolicy fsyncPolicy = FSYNC_POLICY_DEFAULT;
    private int fsyncEveryRecords = FSYNC_EVERY_RECORDS_DEFAULT;
    private long fsyncIntervalNs = FSYNC_INTERVAL_NS_DEFAULT;
    private NanoClock nanoClock;
    private ErrorHandler errorHandler;

    /**
     * @param directory the spool's own directory, created when missing. One spool per directory.
     * @return this.
     */
    public SpoolConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return the spool's directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param segmentLength bytes of each new segment file, a multiple of 4096 between 4 KiB and
     *                      1 GiB; the largest record is this less 48 bytes. Existing segments keep
     *                      the length they were created with.
     * @return this.
     */
    public SpoolConfig segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    /**
     * @return bytes of each new segment file.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * @param maxBytes most bytes of segment files held at once (each counts its full length, as
     *                 it is allocated whole); at least two segments. Reaching it applies the
     *                 {@link #overflowRule}.
     * @return this.
     */
    public SpoolConfig maxBytes(final long maxBytes)
    {
        this.maxBytes = maxBytes;
        return this;
    }

    /**
     * @return most bytes of segment files held at once.
     */
    public long maxBytes()
    {
        return maxBytes;
    }

    /**
     * @param overflowRule what happens to an append when the spool or the file system is full.
     * @return this.
     */
    public SpoolConfig overflowRule(final OverflowRule overflowRule)
    {
        this.overflowRule = overflowRule;
        return this;
    }

    /**
     * @return what happens to an append when the spool or the file system is full.
     */
    public OverflowRule overflowRule()
    {
        return overflowRule;
    }

    /**
     * @param fsyncPolicy when records are forced to the device; see {@link FsyncPolicy} for the trade-off.
     * @return this.
     */
    public SpoolConfig fsyncPolicy(final FsyncPolicy fsyncPolicy)
    {
        this.fsyncPolicy = fsyncPolicy;
        return this;
    }

    /**
     * @return when records are forced to the device.
     */
    public FsyncPolicy fsyncPolicy()
    {
        return fsyncPolicy;
    }

    /**
     * @param fsyncEveryRecords records between forces for {@link FsyncPolicy#EVERY_N_RECORDS}, at least 1.
     * @return this.
     */
    public SpoolConfig fsyncEveryRecords(final int fsyncEveryRecords)
    {
        this.fsyncEveryRecords = fsyncEveryRecords;
        return this;
    }

    /**
     * @return records between forces for {@link FsyncPolicy#EVERY_N_RECORDS}.
     */
    public int fsyncEveryRecords()
    {
        return fsyncEveryRecords;
    }

    /**
     * @param fsyncIntervalNs longest time a record waits to be forced for {@link FsyncPolicy#INTERVAL}, above 0.
     * @return this.
     */
    public SpoolConfig fsyncIntervalNs(final long fsyncIntervalNs)
    {
        this.fsyncIntervalNs = fsyncIntervalNs;
        return this;
    }

    /**
     * @return longest time a record waits to be forced for {@link FsyncPolicy#INTERVAL}.
     */
    public long fsyncIntervalNs()
    {
        return fsyncIntervalNs;
    }

    /**
     * @param nanoClock clock for {@link FsyncPolicy#INTERVAL}; the system's by default.
     * @return this.
     */
    public SpoolConfig nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return clock for {@link FsyncPolicy#INTERVAL}.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param errorHandler receives I/O errors that the spool counts and survives (a segment it
     *                     cannot create, a force or a delete that fails), once per episode, not
     *                     once per refused append; prints to standard error by default.
     * @return this.
     */
    public SpoolConfig errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return receives the I/O errors that the spool survives.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Fills defaults and checks every setting, reporting all that are wrong at once.
     *
     * @return this.
     * @throws IllegalArgumentException naming each wrong setting and what it must be.
     */
    public SpoolConfig conclude()
    {
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> System.err.println("spool " + directory + ": " + throwable);
        }

        final List<String> errors = new ArrayList<>();
        if (null == directory)
        {
            errors.add("directory: required (the spool's own directory)");
        }
        if (segmentLength < SpoolLayout.MIN_SEGMENT_LENGTH || segmentLength > SpoolLayout.MAX_SEGMENT_LENGTH ||
            0 != segmentLength % SpoolLayout.MIN_SEGMENT_LENGTH)
        {
            errors.add("segmentLength: " + segmentLength + " must be a multiple of 4096 between " +
                SpoolLayout.MIN_SEGMENT_LENGTH + " and " + SpoolLayout.MAX_SEGMENT_LENGTH);
        }
        if (maxBytes < 2L * segmentLength)
        {
            errors.add("maxBytes: " + maxBytes + " must hold at least two segments (" + 2L * segmentLength + ")");
        }
        if (null == overflowRule)
        {
            errors.add("overflowRule: required (PAUSE, DROP_NEWEST or DROP_OLDEST)");
        }
        if (null == fsyncPolicy)
        {
            errors.add("fsyncPolicy: required (NEVER, EVERY_N_RECORDS, INTERVAL or EVERY_RECORD)");
        }
        if (fsyncEveryRecords < 1)
        {
            errors.add("fsyncEveryRecords: " + fsyncEveryRecords + " must be at least 1");
        }
        if (fsyncIntervalNs < 1)
        {
            errors.add("fsyncIntervalNs: " + fsyncIntervalNs + " must be above 0");
        }
        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException("invalid spool configuration: " + String.join("; ", errors));
        }
        return this;
    }

    /**
     * The largest payload a segment of this configuration holds.
     *
     * @return bytes.
     */
    int maxPayloadLength()
    {
        return segmentLength - SpoolLayout.SEGMENT_HEADER_LENGTH - SpoolLayout.RECORD_HEADER_LENGTH;
    }

    @Override
    public String toString()
    {
        return "SpoolConfig{directory=" + directory + ", segmentLength=" + segmentLength + ", maxBytes=" + maxBytes +
            ", overflowRule=" + overflowRule + ", fsyncPolicy=" + fsyncPolicy + ", fsyncEveryRecords=" + fsyncEveryRecords +
            ", fsyncIntervalNs=" + fsyncIntervalNs + '}';
    }
}
