package dev.sluice.spool;

import java.nio.file.Path;

/**
 * The process {@link SpoolCrashTest} kills: opens (recovering) a spool, then appends the
 * {@link TestRecords} of each next sequence forever, acknowledging now and then so segments are
 * trimmed and the acknowledgement file rewritten while it runs. Prints {@code open <last>} once
 * open, then {@code appended <sequence>} every 16 records, each printed only after the append
 * returned, so every sequence printed must survive the kill.
 * <p>
 * Arguments: directory, fsync policy, segment length. Its own process's main thread.
 */
public final class SpoolCrashChild
{
    static final int RECORDS_PER_REPORT = 16;
    static final int ACKNOWLEDGE_EVERY = 97;
    static final int UNACKNOWLEDGED_KEPT = 300;

    private SpoolCrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final SpoolConfig config = new SpoolConfig()
            .directory(Path.of(args[0]))
            .fsyncPolicy(FsyncPolicy.valueOf(args[1]))
            .fsyncEveryRecords(8)
            .fsyncIntervalNs(2_000_000)
            .segmentLength(Integer.parseInt(args[2]))
            .maxBytes(64L * Integer.parseInt(args[2]))
            .overflowRule(OverflowRule.PAUSE);
        final TestRecords records = new TestRecords();
        try (Spool spool = Spool.open(config))
        {
            System.out.println("open " + spool.lastSequence());
            System.out.flush();
            long sequence = spool.lastSequence();
            while (true)
            {
                final long next = sequence + 1;
                final long outcome = spool.append(records.payload(next), 0, TestRecords.length(next));
                if (Spool.BACK_PRESSURED == outcome)
                {
                    spool.acknowledge(sequence - UNACKNOWLEDGED_KEPT);
                    continue;
                }
                if (next != outcome)
                {
                    System.out.println("error " + outcome + " for " + next);
                    System.out.flush();
                    System.exit(2);
                }
                sequence = next;
                if (0 == sequence % RECORDS_PER_REPORT)
                {
                    System.out.println("appended " + sequence);
                    System.out.flush();
                }
                if (0 == sequence % ACKNOWLEDGE_EVERY && sequence > UNACKNOWLEDGED_KEPT)
                {
                    spool.acknowledge(sequence - UNACKNOWLEDGED_KEPT);
                }
                spool.doWork();
            }
        }
    }
}
