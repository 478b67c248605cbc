package dev.sluice.spool;

import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a spool's directory at open: removes segment files whose creation was interrupted,
 * reads the acknowledged sequence, scans every segment in sequence order, keeps each one's
 * valid prefix, and reports everything else.
 * <ul>
 *   <li>The last segment's tail after its valid prefix (a torn write, zeroed or flipped bytes,
 *       a record from an older run) is zeroed, so appends continue right after the last valid
 *       record.</li>
 *   <li>A problem inside an earlier segment keeps the records before it; the rest of that
 *       segment is not read, and the sequences it held are reported missing
 *       ({@link ScanProblem#SEQUENCE_GAP}). Later segments are kept: recovery never stops at the
 *       first damage and throws away what follows it.</li>
 *   <li>A segment whose header is unreadable, or whose range overlaps the one before, is set
 *       aside (renamed {@code *.corrupt}, left for inspection) and reported; a last segment of
 *       zeros only (its creation was cut short before its header reached the disk) is deleted.</li>
 * </ul>
 * The thread that opens the spool.
 */
final class SpoolRecovery
{
    /**
     * What recovery hands to the spool.
     */
    static final class Result
    {
        final ArrayList<Segment> segments = new ArrayList<>();
        AckFile ackFile;
        long acknowledged;
        long nextSequence;
        long pendingRecords;
        SpoolRecoveryReport report;
    }

    private SpoolRecovery()
    {
    }

    static Result recover(final SpoolConfig config, final SpoolCounters counters) throws IOException
    {
        final Path directory = config.directory();
        final Result result = new Result();
        final List<SpoolRecoveryReport.Problem> problems = new ArrayList<>();
        int temporaryFilesRemoved = 0;
        final TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.endsWith(SpoolLayout.TEMPORARY_SUFFIX))
                {
                    Files.deleteIfExists(entry);
                    temporaryFilesRemoved++;
                    continue;
                }
                final long firstSequence = SpoolLayout.parseSegmentFileName(name);
                if (firstSequence >= 0 && Files.isRegularFile(entry))
                {
                    files.put(firstSequence, entry);
                }
            }
        }

        final Path ackPath = directory.resolve(SpoolLayout.ACK_FILE_NAME);
        result.ackFile = AckFile.open(ackPath);
        long acknowledged = result.ackFile.acknowledged();
        final boolean ackInvalid = !result.ackFile.valid() && !result.ackFile.empty();

        final SegmentScanner scanner = new SegmentScanner();
        final SegmentScan scan = new SegmentScan();
        final ArrayList<Segment> segments = result.segments;
        long bytesDiscarded = 0;
        long previousLast = -1;
        int index = 0;
        for (final Map.Entry<Long, Path> file : files.entrySet())
        {
            final boolean lastFile = ++index == files.size();
            final long nameSequence = file.getKey();
            final Path path = file.getValue();
            final MappedByteBuffer mapped = map(path);
            scanner.scan(mapped, nameSequence, scan);

            if (!scan.headerValid)
            {
                IoUtil.unmap(mapped);
                if (lastFile && scan.allZero)
                {
                    Files.delete(path);
                    problems.add(new SpoolRecoveryReport.Problem(path, 0, ScanProblem.INCOMPLETE_SEGMENT,
                        "deleted; it held no record"));
                }
                else
                {
                    final Path aside = setAside(path);
                    bytesDiscarded += scan.dataEnd;
                    problems.add(new SpoolRecoveryReport.Problem(path, 0, scan.problem,
                        "set aside as " + aside.getFileName() + "; the records from sequence " + nameSequence +
                        " it held are lost"));
                }
                continue;
            }
            if (previousLast >= 0 && nameSequence <= previousLast)
            {
                IoUtil.unmap(mapped);
                final Path aside = setAside(path);
                bytesDiscarded += scan.dataEnd;
                problems.add(new SpoolRecoveryReport.Problem(path, 0, ScanProblem.SEQUENCE_OVERLAP,
                    "starts at " + nameSequence + ", the previous segment ends at " + previousLast + "; set aside as " +
                    aside.getFileName()));
                continue;
            }
            if (previousLast >= 0 && nameSequence > previousLast + 1)
            {
                final long from = Math.max(previousLast + 1, acknowledged + 1);
                if (from < nameSequence)
                {
                    problems.add(new SpoolRecoveryReport.Problem(path, 0, ScanProblem.SEQUENCE_GAP,
                        "sequences " + from + ".." + (nameSequence - 1) + " missing before this segment"));
                }
            }
            if (ScanProblem.NONE != scan.problem)
            {
                bytesDiscarded += scan.discardedBytes();
                problems.add(new SpoolRecoveryReport.Problem(path, scan.problemOffset, scan.problem,
                    kept(scan) + "; " + scan.discardedBytes() + " bytes from offset " + scan.validEnd + " discarded" +
                    (lastFile ? " (the tail)" : ", the rest of this segment is not read")));
            }
            segments.add(Segment.recovered(path, mapped, scan, false));
            previousLast = scan.lastSequence();
        }

        if (ackInvalid)
        {
            acknowledged = segments.isEmpty() ? 0 : segments.getFirst().firstSequence - 1;
            problems.add(new SpoolRecoveryReport.Problem(ackPath, 0, ScanProblem.ACK_FILE_INVALID,
                "acknowledged sequence taken as " + acknowledged + ", before the first record kept"));
        }

        long lastSequence = acknowledged;
        if (!segments.isEmpty())
        {
            final Segment tail = segments.getLast();
            tail.reopenForAppend();
            if (FsyncPolicy.NEVER != config.fsyncPolicy())
            {
                tail.forceAll();
            }
            lastSequence = Math.max(lastSequence, tail.lastSequence());
        }

        // Segments wholly acknowledged before the restart (their deletion was cut short), except
        // the last, which keeps the sequence going if every record in it was acknowledged.
        while (segments.size() > 1 && segments.getFirst().lastSequence() <= acknowledged)
        {
            final Segment trimmed = segments.removeFirst();
            trimmed.close();
            Files.deleteIfExists(trimmed.path);
            counters.increment(SpoolCounter.TRIMMED_SEGMENTS);
            counters.add(SpoolCounter.TRIMMED_RECORDS, trimmed.records());
        }

        long records = 0;
        long pending = 0;
        for (final Segment segment : segments)
        {
            records += segment.records();
            pending += Math.max(0, segment.lastSequence() - Math.max(acknowledged, segment.firstSequence - 1));
        }
        final long firstSequence = firstRecordSequence(segments, lastSequence);

        result.acknowledged = acknowledged;
        result.nextSequence = lastSequence + 1;
        result.pendingRecords = pending;
        result.report = new SpoolRecoveryReport(directory, segments.size(), records, firstSequence, lastSequence,
            acknowledged, bytesDiscarded, temporaryFilesRemoved, problems);

        counters.add(SpoolCounter.RECOVERED_SEGMENTS, segments.size());
        counters.add(SpoolCounter.RECOVERED_RECORDS, pending);
        counters.add(SpoolCounter.RECOVERY_PROBLEMS, problems.size());
        counters.add(SpoolCounter.CORRUPT_BYTES_DISCARDED, bytesDiscarded);
        return result;
    }

    /**
     * Lowest sequence held by {@code segments}, or {@code lastSequence + 1} when they hold none.
     */
    static long firstRecordSequence(final List<Segment> segments, final long lastSequence)
    {
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            final Segment segment = segments.get(i);
            if (segment.records() > 0)
            {
                return segment.firstSequence;
            }
        }
        return lastSequence + 1;
    }

    private static String kept(final SegmentScan scan)
    {
        return 0 == scan.records ? "no record kept" :
            "records " + scan.firstSequence + ".." + scan.lastSequence() + " kept";
    }

    private static MappedByteBuffer map(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long length = Math.min(channel.size(), SpoolLayout.MAX_SEGMENT_LENGTH);
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    private static Path setAside(final Path path) throws IOException
    {
        final Path aside = path.resolveSibling(path.getFileName() + SpoolLayout.CORRUPT_SUFFIX);
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
