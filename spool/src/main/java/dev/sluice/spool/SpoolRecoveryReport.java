package dev.sluice.spool;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Spool#open} found on disk: the segments and records kept, the acknowledged
 * sequence, and every problem with where it is (file and byte offset) and why. A spool
 * recovered from a clean close, or from a kill -9 that interrupted no write, has no problems.
 * <p>
 * Immutable; any thread.
 *
 * @param directory            the spool's directory.
 * @param segments             segment files kept.
 * @param records              valid records in them.
 * @param firstSequence        lowest sequence kept, or {@code lastSequence + 1} when none.
 * @param lastSequence         the last valid record's sequence (or the acknowledged sequence
 *                             when that is higher): the next append gets the one after.
 * @param acknowledgedSequence the acknowledged sequence read from the acknowledgement file.
 * @param bytesDiscarded       non-zero bytes after the valid prefixes, discarded.
 * @param temporaryFilesRemoved segment files whose creation was interrupted, deleted.
 * @param problems             each problem found, in file order.
 */
public record SpoolRecoveryReport(
    Path directory,
    int segments,
    long records,
    long firstSequence,
    long lastSequence,
    long acknowledgedSequence,
    long bytesDiscarded,
    int temporaryFilesRemoved,
    List<Problem> problems)
{
    /**
     * One problem: where it starts and why.
     *
     * @param file          the file concerned.
     * @param offset        byte offset of the first bad record (0 for a whole file).
     * @param problem       why.
     * @param detail        what was done about it, with sequences where they are known.
     */
    public record Problem(Path file, long offset, ScanProblem problem, String detail)
    {
        @Override
        public String toString()
        {
            return file + ":" + offset + ": " + problem.description() + " (" + problem + "): " + detail;
        }
    }

    /**
     * Copies the problems.
     */
    public SpoolRecoveryReport
    {
        problems = List.copyOf(problems);
    }

    /**
     * @return true when nothing was wrong.
     */
    public boolean isClean()
    {
        return problems.isEmpty();
    }

    /**
     * @return the first problem found, or null when clean.
     */
    public Problem firstProblem()
    {
        return problems.isEmpty() ? null : problems.getFirst();
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder()
            .append("spool ").append(directory).append(": ").append(segments).append(" segments, ")
            .append(records).append(" records, sequences ").append(firstSequence).append("..").append(lastSequence)
            .append(", acknowledged ").append(acknowledgedSequence)
            .append(", ").append(bytesDiscarded).append(" bytes discarded");
        if (temporaryFilesRemoved > 0)
        {
            text.append(", ").append(temporaryFilesRemoved).append(" unfinished segment files removed");
        }
        for (final Problem problem : problems)
        {
            text.append(System.lineSeparator()).append("  ").append(problem);
        }
        return text.toString();
    }
}
