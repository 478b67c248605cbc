package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.counters.BurstTally;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.PacketSource;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One worker: runs source → decode → classify → reduce → anonymize → residency → egress to
 * completion on each burst, counting every outcome once per burst. Items an {@code aggregate
 * flows} rule matches end in the reduce stage's flow table; the flow records that end in a
 * cycle leave with the burst, and those still open when a finite source is exhausted are
 * flushed before the worker reports itself drained. Shared-nothing: it owns its source,
 * burst, stages and destination streams. Runs on its own thread (or is driven by
 * {@link #doWork()} in tests); only {@link #isDrained()} and {@link #burstsProcessed()} may be
 * read from other threads.
 * <p>
 * Until the first policy arrives the worker does not read its source: a policy decides what
 * may leave the site, and nothing is processed without one.
 */
public final class GatewayWorker implements Agent
{
    /** Close gives up on a destination that takes no batch in this many attempts. */
    private static final int MAX_SEND_ATTEMPTS_AT_CLOSE = 10_000;
    /** Bounds the flush at close; each round ends as many flows as the records hold. */
    private static final int MAX_FLUSH_ROUNDS_AT_CLOSE = 1 << 16;
    /**
     * Polls between two reads of {@link PacketSource#sourceDrops()}, which may be a syscall
     * (AF_PACKET's PACKET_STATISTICS): at 32 packets a burst, once per ~32 k packets under load,
     * and within a second or so when idle.
     */
    public static final int SOURCE_DROPS_POLL_INTERVAL = 1024;
    /** {@link #pinTo} not called: the worker's thread runs wherever the scheduler puts it. */
    public static final int NO_CPU = -1;
    private static final System.Logger LOG = System.getLogger(GatewayWorker.class.getName());

    private final String roleName;
    private final PacketSource source;
    private final PacketBurst burst;
    private final PacketDecoder decoder;
    private final ClassifyStage classify;
    private final ReduceStage reduce;
    private final AnonymizeStage anonymize;
    private final ResidencyStage residency;
    private final BatchEgress egress;
    private final PolicyHolder policyHolder;
    private final SourceCounters sourceCounters;
    private final NanoClock clock;
    /** The keys the anonymizing stages use; null when they were given fixed ones. */
    private final WorkerKeys keys;
    private final BurstTally tally = new BurstTally();
    private long rateLimitEvictionsCounted;
    /** The source's {@link PacketSource#droppedBySource()} total already added to the counters. */
    private long sourceDropsCounted;
    private int pollsSinceSourceDrops;

    /** The CPU {@link #onStart()} pins this worker's thread to, or {@link #NO_CPU}. */
    private int cpu = NO_CPU;
    private AtomicCounter pinFailures;
    private PolicySnapshot burstPolicy;
    /** The policy whose address method the anonymize and reduce stages follow. */
    private PolicySnapshot addressMethodPolicy;
    private boolean holding;
    private boolean burstHeld;
    private volatile boolean drained;
    private volatile long burstsProcessed;

    public GatewayWorker(
        final String roleName,
        final PacketSource source,
        final PacketBurst burst,
        final PacketDecoder decoder,
        final ClassifyStage classify,
        final ReduceStage reduce,
        final AnonymizeStage anonymize,
        final ResidencyStage residency,
        final BatchEgress egress,
        final PolicyHolder policyHolder,
        final SourceCounters sourceCounters,
        final NanoClock clock)
    {
        this(roleName, source, burst, decoder, classify, reduce, anonymize, residency, egress, policyHolder, sourceCounters,
            clock, null);
    }

    /**
     * @param keys the keys {@code reduce} and {@code anonymize} were built with: the worker moves
     *             them to the policy snapshot's key epoch at each burst boundary, or null when
     *             the stages hold fixed keys
     */
    public GatewayWorker(
        final String roleName,
        final PacketSource source,
        final PacketBurst burst,
        final PacketDecoder decoder,
        final ClassifyStage classify,
        final ReduceStage reduce,
        final AnonymizeStage anonymize,
        final ResidencyStage residency,
        final BatchEgress egress,
        final PolicyHolder policyHolder,
        final SourceCounters sourceCounters,
        final NanoClock clock,
        final WorkerKeys keys)
    {
        if (burst.delivery.length < egress.destinationCount())
        {
            throw new IllegalArgumentException("burst has room for " + burst.delivery.length +
                " destinations, egress has " + egress.destinationCount());
        }
        this.roleName = roleName;
        this.source = source;
        this.burst = burst;
        this.decoder = decoder;
        this.classify = classify;
        this.reduce = reduce;
        this.anonymize = anonymize;
        this.residency = residency;
        this.egress = egress;
        this.policyHolder = policyHolder;
        this.sourceCounters = sourceCounters;
        this.clock = clock;
        this.keys = keys;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * Pins the thread that runs this worker to {@code cpu} when it starts. A failed pin is logged
     * and counted in {@code failures}, and the worker runs unpinned: a slower worker beats none.
     * Assembling thread, before the worker starts.
     */
    public GatewayWorker pinTo(final int cpu, final AtomicCounter failures)
    {
        this.cpu = cpu;
        this.pinFailures = failures;
        return this;
    }

    /** The CPU this worker pins its thread to, or {@link #NO_CPU}. */
    public int cpu()
    {
        return cpu;
    }

    @Override
    public void onStart()
    {
        if (cpu != NO_CPU)
        {
            final String problem = CpuAffinity.pinCurrentThread(cpu);
            if (problem != null)
            {
                pinFailures.increment();
                LOG.log(System.Logger.Level.WARNING, "worker " + roleName + " runs unpinned: " + problem);
            }
        }
        source.onWorkerStart();
    }

    @Override
    public int doWork()
    {
        // The spools send (and replay) whether or not a burst is held: a full PAUSE spool drains this way.
        return egress.doWork(clock.nanoTime()) + processBurst();
    }

    private int processBurst()
    {
        if (holding)
        {
            if (!sendHeld())
            {
                return 0;
            }
            finishHeld();
            return 1;
        }

        final PolicySnapshot policy = policyHolder.current();
        if (policy == null)
        {
            return 0;
        }
        if (policy != addressMethodPolicy)
        {
            // The address method (Crypto-PAn or truncation) follows the policy, between bursts.
            addressMethodPolicy = policy;
            anonymize.use(policy.rules().policy());
            reduce.use(policy.rules().policy());
        }
        if (keys != null)
        {
            // A burst boundary: the key epoch can switch here, never within a burst.
            keys.refresh(policy.keys());
        }

        final int count = source.poll(burst);
        countSourceDrops();
        if (++pollsSinceSourceDrops >= SOURCE_DROPS_POLL_INTERVAL)
        {
            pollsSinceSourceDrops = 0;
            sourceCounters.sourceDrops(source.sourceDrops());
        }
        if (count == 0)
        {
            if (source.isExhausted())
            {
                if (reduce.hasOpenFlows())
                {
                    burstPolicy = policy;
                    reduce.flush(policy);
                    return startSending(false) ? 1 : 0;
                }
                // Drained once the spools, if any, have sent every batch at least once.
                drained = egress.hasSentAll();
            }
            return 0;
        }

        burstPolicy = policy;
        burst.resetStageState();
        decoder.decode(burst);
        classify.apply(burst, policy.rules());
        reduce.apply(burst, policy);
        anonymize.apply(burst, policy.precomputeTransforms());
        residency.apply(burst, policy.residency(), policy.classCounting());
        countOutcomes(count);

        egress.beginBurst();
        startSending(true);
        return count;
    }

    /** Offers the burst (when {@code withBurst}) and the cycle's flow records; true when all left. */
    private boolean startSending(final boolean withBurst)
    {
        burstHeld = withBurst;
        egress.beginFlowRecords();
        holding = true;
        if (!sendHeld())
        {
            return false;
        }
        finishHeld();
        return true;
    }

    private boolean sendHeld()
    {
        return egress.send(
            burstHeld ? burst : null,
            reduce.records().isEmpty() ? null : reduce.records(),
            burstPolicy.version(),
            clock.nanoTime());
    }

    /** Packets the source dropped itself: received and dropped{multi_segment}, so the accounting balances. */
    private void countSourceDrops()
    {
        final long total = source.droppedBySource();
        if (total != sourceDropsCounted)
        {
            final BurstTally t = tally;
            t.reset();
            t.droppedBySource(DropReason.MULTI_SEGMENT, total - sourceDropsCounted);
            sourceCounters.add(t);
            sourceDropsCounted = total;
        }
    }

    private void countOutcomes(final int count)
    {
        final PacketBurst b = burst;
        final BurstTally t = tally;
        t.reset();
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += b.wireLength[i];
            switch (b.verdict[i])
            {
                case Verdict.PASS -> t.forwarded();
                case Verdict.FILTERED -> t.filtered();
                case Verdict.SAMPLED_OUT -> t.sampledOut();
                case Verdict.RATE_LIMITED -> t.rateLimited();
                case Verdict.AGGREGATED -> t.aggregated();
                case Verdict.DROPPED -> t.dropped(b.dropReason[i]);
                default -> throw new IllegalStateException(
                    "item " + i + " left the stages without a verdict: a stage is missing its decision");
            }
        }
        t.received(count, bytes);
        final long evictions = classify.rateLimitEvictions();
        t.rateLimitEvictions(evictions - rateLimitEvictionsCounted);
        rateLimitEvictionsCounted = evictions;
        sourceCounters.add(t);
    }

    private void finishHeld()
    {
        holding = false;
        reduce.clearRecords();
        if (burstHeld)
        {
            burstHeld = false;
            source.release(burst);
            burstsProcessed++;
        }
    }

    /**
     * True once a finite source is exhausted and its last burst has left egress (it is set only
     * when no burst is held). Any thread.
     */
    public boolean isDrained()
    {
        return drained;
    }

    /** Any thread. */
    public long burstsProcessed()
    {
        return burstsProcessed;
    }

    /**
     * Ends every open flow as {@code flushed} and offers the records to every destination, a
     * bounded number of times, so traffic aggregated before a stop leaves the site as records
     * rather than vanishing with the worker; what a destination does not take in time stays
     * counted as in flight there. A burst held at close is given the same chance first.
     */
    @Override
    public void onClose()
    {
        final PolicySnapshot policy = burstPolicy != null ? burstPolicy : policyHolder.current();
        if (policy != null)
        {
            burstPolicy = policy;
            boolean sent = !holding || offerAtClose();
            if (sent && holding)
            {
                finishHeld();
            }
            for (int round = 0; sent && round < MAX_FLUSH_ROUNDS_AT_CLOSE && reduce.hasOpenFlows(); round++)
            {
                reduce.flush(policy);
                burstHeld = false;
                holding = true;
                egress.beginFlowRecords();
                sent = offerAtClose();
                if (sent)
                {
                    finishHeld();
                }
            }
        }
        sourceCounters.sourceDrops(source.sourceDrops());
        source.onWorkerStop();
        source.close();
    }

    private boolean offerAtClose()
    {
        for (int attempt = 0; attempt < MAX_SEND_ATTEMPTS_AT_CLOSE; attempt++)
        {
            if (sendHeld())
            {
                return true;
            }
            Thread.yield();
        }
        return false;
    }
}
