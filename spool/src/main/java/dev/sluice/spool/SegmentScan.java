package dev.sluice.spool;

/**
 * What {@link SegmentScanner} found in one segment file: whether its header is valid, how many
 * records form its valid prefix, where that prefix ends, and the first problem after it.
 * <p>
 * Mutable and reused; the thread that scans.
 */
final class SegmentScan
{
    ScanProblem problem = ScanProblem.NONE;
    boolean headerValid;
    boolean allZero;
    int declaredLength;
    long firstSequence;
    int records;
    int validEnd;
    int dataEnd;
    int problemOffset;

    void reset()
    {
        problem = ScanProblem.NONE;
        headerValid = false;
        allZero = false;
        declaredLength = 0;
        firstSequence = 0;
        records = 0;
        validEnd = 0;
        dataEnd = 0;
        problemOffset = 0;
    }

    /**
     * Sequence of the last valid record, or {@code firstSequence - 1} when there is none.
     *
     * @return last sequence.
     */
    long lastSequence()
    {
        return firstSequence + records - 1;
    }

    /**
     * Bytes after the valid prefix that are not zeros: what recovery discards.
     *
     * @return bytes discarded.
     */
    int discardedBytes()
    {
        return headerValid ? dataEnd - validEnd : dataEnd;
    }

    @Override
    public String toString()
    {
        return "SegmentScan{problem=" + problem + ", headerValid=" + headerValid + ", allZero=" + allZero +
            ", declaredLength=" + declaredLength + ", firstSequence=" + firstSequence + ", records=" + records +
            ", validEnd=" + validEnd + ", dataEnd=" + dataEnd + ", problemOffset=" + problemOffset + '}';
    }
}
