package dev.sluice.dataplane.reduce;

import dev.sluice.dataplane.anonymize.AddressTransform;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.policy.Policy;
import dev.sluice.dataplane.classify.BurstFieldReader;
import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.FlowRecords;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.residency.ResidencyPlan;
import dev.sluice.policy.action.FlowSettings;

/**
 * The reduce stage of one worker: folds every item the classify stage marked
 * {@link Verdict#AGGREGATED} into the worker's {@link FlowTable}, and turns the flows that end
 * (TCP close, idle or active timeout, eviction, flush) into {@link FlowRecords}, each decided
 * per destination the way the residency and anonymize stages decide packets: blocked where a
 * packet of the flow carried a data class the destination may not receive, transformed
 * (Crypto-PAn addresses) where a rule asked to anonymize an address of the flow or the
 * destination may only receive it transformed, raw otherwise.
 * <p>
 * Time is packet time: every burst's latest capture timestamp drives the timeouts, so a
 * capture replays to the same flows. The records of one duty cycle are bounded: updates end at
 * most one flow per packet, and expiry and flushes use only the room left beyond one burst, so
 * a flow that is due but does not fit stays in the table and ends in a later cycle.
 * <p>
 * A policy whose flow settings differ from the running table's gets a new table; the old one is
 * flushed ({@link FlowEndReason#FLUSHED}) over the next cycles while the new one fills.
 * Worker thread only.
 */
public final class ReduceStage implements FlowTable.Sink
{
    /** Destinations whose blocked bit fits in a flow's marks next to its address bits. */
    public static final int MAX_DESTINATIONS = 56;

    private static final int BLOCKED_SHIFT = 8;
    private static final int ADDRESS_MARKS = 0xFF;
    private static final byte NO_TUNNEL = 0;

    private final FlowCounters flowCounters;
    private final DestinationCounters[] destinationCounters;
    private final AddressTransform transform;
    private final int burstCapacity;
    private final FlowRecords records;
    private final FlowKey key = new FlowKey();
    private final BurstFieldReader reader = new BurstFieldReader();
    private final long[] emittedByReason = new long[FlowCounters.END_REASONS];
    private final long[] rawCount;
    private final long[] transformedCount;
    private final long[] blockedCount;

    private FlowTable table;
    private FlowSettings tableSettings;
    private FlowTable retiring;
    /** Per record slot, the destinations where some packet of the flow was blocked (bit d). */
    private final long[] blockedMarks;
    /** Records in {@code [0, decided)} have their per-destination decisions. */
    private int decided;
    /** Flows the running table had created when the counters were last published. */
    private long createdPublished;
    /** Flows created by retired tables and not yet published. */
    private long createdUnpublished;
    private long packetsEmitted;
    private long bytesEmitted;

    /**
     * @param flowCounters        the worker's flow counters
     * @param destinationCounters per destination, in destination index order
     * @param cryptoPan           the site's keyed Crypto-PAn, or null when the gateway has no key
     * @param burstCapacity       the capacity of the bursts this stage will see
     */
    public ReduceStage(
        final FlowCounters flowCounters,
        final DestinationCounters[] destinationCounters,
        final CryptoPan cryptoPan,
        final int burstCapacity)
    {
        this(flowCounters, destinationCounters, burstCapacity, WorkerKeys.fixed(cryptoPan));
    }

    /**
     * @param flowCounters        the worker's flow counters
     * @param destinationCounters per destination, in destination index order
     * @param burstCapacity       the capacity of the bursts this stage will see
     * @param keys                the worker's keys, refreshed by the worker at each burst boundary
     */
    public ReduceStage(
        final FlowCounters flowCounters,
        final DestinationCounters[] destinationCounters,
        final int burstCapacity,
        final WorkerKeys keys)
    {
        if (destinationCounters.length > MAX_DESTINATIONS)
        {
            throw new IllegalArgumentException("flow records support at most " + MAX_DESTINATIONS + " destinations");
        }
        this.flowCounters = flowCounters;
        this.destinationCounters = destinationCounters.clone();
        this.transform = new AddressTransform(keys);
        this.burstCapacity = burstCapacity;
        records = new FlowRecords(2 * burstCapacity, Math.max(1, destinationCounters.length));
        blockedMarks = new long[records.capacity()];
        rawCount = new long[destinationCounters.length];
        transformedCount = new long[destinationCounters.length];
        blockedCount = new long[destinationCounters.length];
    }

    /** The records ended so far and not yet cleared by the worker. */
    public FlowRecords records()
    {
        return records;
    }

    /** The running table, or null before the first policy that aggregates. */
    public FlowTable table()
    {
        return table;
    }

    /** True while some flow is open (in the running or in a retiring table). */
    public boolean hasOpenFlows()
    {
        return (table != null && table.size() > 0) || (retiring != null && retiring.size() > 0);
    }

    /**
     * Folds the burst's aggregated items into flows and ends the flows that are due; the
     * records that ended are then in {@link #records()}, decided per destination.
     */
    public void apply(final PacketBurst burst, final PolicySnapshot policy)
    {
        onPolicy(policy.rules());
        final int count = burst.count();
        long latestNs = Long.MIN_VALUE;
        final FlowTable t = table;
        final ResidencyPlan plan = policy.residency();
        for (int i = 0; i < count; i++)
        {
            final long timestampNs = burst.timestampNs[i];
            if (timestampNs > latestNs)
            {
                latestNs = timestampNs;
            }
            if (burst.verdict[i] == Verdict.AGGREGATED)
            {
                update(t, burst, i, plan);
            }
        }
        final int budget = records.capacity() - burstCapacity - records.count();
        int ended = 0;
        if (retiring != null)
        {
            ended += retiring.flush(budget, this);
            if (retiring.size() == 0)
            {
                retiring = null;
            }
        }
        if (t != null && latestNs != Long.MIN_VALUE && budget - ended > 0)
        {
            t.expire(latestNs, budget - ended, this);
        }
        decide(plan);
    }

    /**
     * Ends as many open flows as there is room for, as {@link FlowEndReason#FLUSHED}: at the end
     * of a capture, or when the worker stops.
     *
     * @return true when no flow is open any more
     */
    public boolean flush(final PolicySnapshot policy)
    {
        final int budget = records.capacity() - records.count();
        int ended = 0;
        if (retiring != null)
        {
            ended += retiring.flush(budget, this);
            if (retiring.size() == 0)
            {
                retiring = null;
            }
        }
        if (table != null && budget - ended > 0)
        {
            table.flush(budget - ended, this);
        }
        decide(policy.residency());
        return !hasOpenFlows();
    }

    private void onPolicy(final CompiledRules rules)
    {
        if (!rules.aggregatesAny())
        {
            retire();
            return;
        }
        final FlowSettings settings = rules.flowSettings();
        if (table == null || (!settings.equals(tableSettings) && retiring == null))
        {
            // While an older table still drains, the running one keeps its settings until it can retire.
            retire();
            // A new policy's table is allocated here, between bursts, never per item.
            table = new FlowTable(
                settings.maxFlowsPerWorker(), settings.idleTimeoutNs(), settings.activeTimeoutNs(), settings.bidirectional());
            tableSettings = settings;
        }
    }

    private void retire()
    {
        if (table == null)
        {
            return;
        }
        if (retiring != null)
        {
            return;
        }
        if (table.size() > 0)
        {
            retiring = table;
        }
        createdUnpublished += table.created() - createdPublished;
        createdPublished = 0;
        table = null;
        tableSettings = null;
    }

    private void update(final FlowTable t, final PacketBurst burst, final int i, final ResidencyPlan plan)
    {
        final byte layer;
        final int protocol;
        final int tcpFlags;
        final byte version;
        if (burst.innerIpVersion[i] == 4 || burst.innerIpVersion[i] == 6)
        {
            layer = FlowKey.INNER_LAYER;
            version = burst.innerIpVersion[i];
            protocol = orZero(burst.innerIpProtocol[i]);
            tcpFlags = orZero(burst.innerTcpFlags[i]);
            key.set(
                burst.vlanId[i], burst.tunnelType[i], burst.tunnelId[i], layer, version, protocol,
                burst.innerSrcAddressHigh[i], burst.innerSrcAddressLow[i],
                burst.innerDstAddressHigh[i], burst.innerDstAddressLow[i],
                orZero(burst.innerSrcPort[i]), orZero(burst.innerDstPort[i]));
        }
        else
        {
            layer = FlowKey.OUTER_LAYER;
            version = burst.ipVersion[i];
            protocol = orZero(burst.ipProtocol[i]);
            tcpFlags = orZero(burst.tcpFlags[i]);
            final boolean icmp = burst.icmpType[i] != PacketBurst.ABSENT;
            key.set(
                burst.vlanId[i], burst.tunnelType[i], burst.tunnelId[i], layer, version, protocol,
                burst.srcAddressHigh[i], burst.srcAddressLow[i], burst.dstAddressHigh[i], burst.dstAddressLow[i],
                icmp ? 0 : orZero(burst.srcPort[i]),
                icmp ? (burst.icmpType[i] << 8) | orZero(burst.icmpCode[i]) : orZero(burst.dstPort[i]));
        }
        if (key.tunnelType == NO_TUNNEL)
        {
            key.tunnelId = PacketBurst.ABSENT;
        }

        final byte addressBits = FlowRecords.flowAddressBits(burst.anonymizeFields[i], layer);
        final long blocked = blockedDestinations(burst, i, plan);
        t.update(
            key,
            burst.timestampNs[i],
            burst.wireLength[i],
            tcpFlags,
            layer == FlowKey.INNER_LAYER ? 0 : orZero(burst.ipTos[i]),
            blocked | addressBits,
            blocked | FlowRecords.swapDirection(addressBits),
            this);
    }

    private long blockedDestinations(final PacketBurst burst, final int i, final ResidencyPlan plan)
    {
        final long classified = plan.classifiedFields();
        if (classified == 0)
        {
            return 0;
        }
        final BurstFieldReader item = reader.select(burst, i);
        long present = 0;
        long remaining = classified;
        while (remaining != 0)
        {
            final int fieldId = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            if (item.isPresent(fieldId))
            {
                present |= 1L << fieldId;
            }
        }
        long blocked = 0;
        for (int d = 0; d < destinationCounters.length; d++)
        {
            if ((present & plan.blockedFields(d)) != 0)
            {
                blocked |= 1L << (BLOCKED_SHIFT + d);
            }
        }
        return blocked;
    }

    @Override
    public void onFlowEnd(final FlowTable t, final int entry, final byte endReason)
    {
        final FlowRecords r = records;
        final int slot = r.add();
        r.firstSeenNs[slot] = t.firstSeenNs(entry);
        r.lastSeenNs[slot] = t.lastSeenNs(entry);
        r.packets[slot] = t.packets(entry);
        r.bytes[slot] = t.bytes(entry);
        r.reversePackets[slot] = t.reversePackets(entry);
        r.reverseBytes[slot] = t.reverseBytes(entry);
        r.vlanId[slot] = t.vlanId(entry);
        r.tunnelType[slot] = t.tunnelType(entry);
        r.tunnelId[slot] = t.tunnelId(entry);
        r.addressLayer[slot] = t.addressLayer(entry);
        r.ipVersion[slot] = t.ipVersion(entry);
        r.ipProtocol[slot] = t.ipProtocol(entry);
        r.srcAddressHigh[slot] = t.srcHigh(entry);
        r.srcAddressLow[slot] = t.srcLow(entry);
        r.dstAddressHigh[slot] = t.dstHigh(entry);
        r.dstAddressLow[slot] = t.dstLow(entry);
        r.srcPort[slot] = t.srcPort(entry);
        r.dstPort[slot] = t.dstPort(entry);
        r.tcpFlags[slot] = t.tcpFlags(entry);
        r.ipTos[slot] = t.tos(entry);
        r.endReason[slot] = endReason;
        final long marks = t.marks(entry);
        r.anonymizeFields[slot] = (byte)(marks & ADDRESS_MARKS & AnonymizedFields.ADDRESSES);
        blockedMarks[slot] = marks >>> BLOCKED_SHIFT;

        emittedByReason[endReason]++;
        packetsEmitted += t.packets(entry) + t.reversePackets(entry);
        bytesEmitted += t.bytes(entry) + t.reverseBytes(entry);
    }

    private void decide(final ResidencyPlan plan)
    {
        final FlowRecords r = records;
        final int count = r.count();
        for (int d = 0; d < destinationCounters.length; d++)
        {
            rawCount[d] = 0;
            transformedCount[d] = 0;
            blockedCount[d] = 0;
        }
        for (int slot = decided; slot < count; slot++)
        {
            final boolean ip = r.ipVersion[slot] == 4 || r.ipVersion[slot] == 6;
            byte ready = 0;
            for (int d = 0; d < destinationCounters.length; d++)
            {
                if ((blockedMarks[slot] & (1L << d)) != 0)
                {
                    r.delivery[d][slot] = Delivery.BLOCKED;
                    blockedCount[d]++;
                    continue;
                }
                final byte bits = ip ? (byte)((r.anonymizeFields[slot] |
                    FlowRecords.flowAddressBits(plan.transformFields(d), r.addressLayer[slot])) & AnonymizedFields.ADDRESSES) : 0;
                r.transformedFields[d][slot] = bits;
                if (bits == 0)
                {
                    r.delivery[d][slot] = Delivery.RAW;
                    rawCount[d]++;
                }
                else
                {
                    r.delivery[d][slot] = Delivery.TRANSFORMED;
                    transformedCount[d]++;
                    ready |= bits;
                }
            }
            if (ready != 0)
            {
                anonymize(r, slot, ready);
            }
        }
        decided = count;
        for (int d = 0; d < destinationCounters.length; d++)
        {
            destinationCounters[d].addFlowRecordDecisions(rawCount[d], transformedCount[d], blockedCount[d]);
        }
        publish();
    }

    private void anonymize(final FlowRecords r, final int slot, final byte wanted)
    {
        final byte version = r.ipVersion[slot];
        if ((wanted & AnonymizedFields.SRC_ADDRESS) != 0)
        {
            transform.apply(version, r.srcAddressHigh[slot], r.srcAddressLow[slot]);
            r.anonSrcAddressHigh[slot] = transform.resultHigh();
            r.anonSrcAddressLow[slot] = transform.resultLow();
        }
        if ((wanted & AnonymizedFields.DST_ADDRESS) != 0)
        {
            transform.apply(version, r.dstAddressHigh[slot], r.dstAddressLow[slot]);
            r.anonDstAddressHigh[slot] = transform.resultHigh();
            r.anonDstAddressLow[slot] = transform.resultLow();
        }
        r.anonymizedReady[slot] = wanted;
    }

    /** Follows a policy version's address method (Crypto-PAn or truncation); call between bursts. */
    public void use(final Policy policy)
    {
        transform.use(policy);
    }

    /** Called by the worker once egress has taken every record. */
    public void clearRecords()
    {
        records.clear();
        decided = 0;
    }

    private void publish()
    {
        long created = createdUnpublished;
        createdUnpublished = 0;
        int open = retiring == null ? 0 : retiring.size();
        int capacity = 0;
        if (table != null)
        {
            created += table.created() - createdPublished;
            createdPublished = table.created();
            open += table.size();
            capacity = table.capacity();
        }
        flowCounters.add(created, emittedByReason, packetsEmitted, bytesEmitted, open, capacity);
        for (int reason = 0; reason < emittedByReason.length; reason++)
        {
            emittedByReason[reason] = 0;
        }
        packetsEmitted = 0;
        bytesEmitted = 0;
    }

    private static int orZero(final int value)
    {
        return value == PacketBurst.ABSENT ? 0 : value;
    }
}
