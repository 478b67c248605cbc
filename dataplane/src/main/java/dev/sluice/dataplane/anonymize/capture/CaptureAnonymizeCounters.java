package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.counters.DropReason;

/**
 * What one run of the {@link CaptureAnonymizer} did: packets read, written and dropped, addresses
 * rewritten, the outcome of every packet and, for packets the decoder refused, its reason, so
 * that {@code packetsRead = packetsWritten + packetsDropped} and every packet that left without
 * being anonymized is accounted for.
 * <p>
 * Written by the anonymizer's thread; read after the run.
 */
public final class CaptureAnonymizeCounters
{
    private static final AnonymizeOutcome[] OUTCOMES = AnonymizeOutcome.values();
    private static final DropReason[] DROP_REASONS = DropReason.values();

    private final long[] outcomes = new long[OUTCOMES.length];
    private final long[] undecodable = new long[DROP_REASONS.length];
    long packetsRead;
    long packetsWritten;
    long packetsDropped;
    long packetsPlain;
    long addressesRewritten;
    long blocksRemoved;
    long anonymizeNs;
    String problem;

    void reset()
    {
        java.util.Arrays.fill(outcomes, 0);
        java.util.Arrays.fill(undecodable, 0);
        packetsRead = 0;
        packetsWritten = 0;
        packetsDropped = 0;
        packetsPlain = 0;
        addressesRewritten = 0;
        blocksRemoved = 0;
        anonymizeNs = 0;
        problem = null;
    }

    void count(final AnonymizeOutcome outcome, final int dropReasonOrdinal)
    {
        outcomes[outcome.ordinal()]++;
        if (outcome == AnonymizeOutcome.UNDECODABLE)
        {
            undecodable[dropReasonOrdinal]++;
        }
    }

    public long packetsRead()
    {
        return packetsRead;
    }

    public long packetsWritten()
    {
        return packetsWritten;
    }

    /** Unanonymizable packets left out of the output (0 when they are kept). */
    /** Packets of the plain shapes rewritten without the decoder (see {@link PlainPacketRewriter}); all of them anonymized. */
    public long packetsPlain()
    {
        return packetsPlain;
    }

    public long packetsDropped()
    {
        return packetsDropped;
    }

    public long addressesRewritten()
    {
        return addressesRewritten;
    }

    /** Packets with {@code outcome}, whether written or dropped. */
    public long outcome(final AnonymizeOutcome outcome)
    {
        return outcomes[outcome.ordinal()];
    }

    /** Packets the decoder refused for {@code reason}. */
    public long undecodable(final DropReason reason)
    {
        return undecodable[reason.ordinal()];
    }

    /** Unanonymizable packets, written or not. */
    public long unanonymizable()
    {
        long total = 0;
        for (final AnonymizeOutcome outcome : OUTCOMES)
        {
            if (outcome.unanonymizable())
            {
                total += outcomes[outcome.ordinal()];
            }
        }
        return total;
    }

    /**
     * pcapng blocks other than section headers, interface descriptions and statistics and packets
     * left out: name resolution blocks map addresses to names, and other blocks (comments, secrets,
     * custom data) are not read.
     */
    public long blocksRemoved()
    {
        return blocksRemoved;
    }

    /**
     * Nanoseconds the anonymizer itself took over the capture in memory (decode, rewrite,
     * compaction), without copying or writing files.
     */
    public long anonymizeNs()
    {
        return anonymizeNs;
    }

    /** Why reading stopped before the end of the capture (the rest is not written), or null. */
    public String problem()
    {
        return problem;
    }

    /** One line per non-zero counter, {@code label value}, for the command line tool. */
    public String summary()
    {
        final StringBuilder text = new StringBuilder();
        text.append("packets_read ").append(packetsRead).append('\n')
            .append("packets_written ").append(packetsWritten).append('\n')
            .append("packets_dropped ").append(packetsDropped).append('\n')
            .append("packets_plain ").append(packetsPlain).append("  (rewritten without the decoder)\n")
            .append("addresses_rewritten ").append(addressesRewritten).append('\n');
        for (final AnonymizeOutcome outcome : OUTCOMES)
        {
            final long value = outcomes[outcome.ordinal()];
            if (value != 0)
            {
                text.append("outcome.").append(outcome.label()).append(' ').append(value)
                    .append(outcome.unanonymizable() ? "  (" + outcome.description() + ")" : "").append('\n');
            }
        }
        for (final DropReason reason : DROP_REASONS)
        {
            final long value = undecodable[reason.ordinal()];
            if (value != 0)
            {
                text.append("undecodable.").append(reason.label()).append(' ').append(value)
                    .append("  (").append(reason.description()).append(")\n");
            }
        }
        if (blocksRemoved != 0)
        {
            text.append("pcapng_blocks_removed ").append(blocksRemoved).append('\n');
        }
        if (null != problem)
        {
            text.append("problem ").append(problem).append('\n');
        }
        return text.toString();
    }
}
