package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.classify.BurstFieldReader;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

/**
 * Decides, for every forwarded item and every destination region, whether it leaves raw,
 * transformed or not at all, as the policy's residency rules say for the data classes the
 * item carries and this site's region. Fail closed: a class without a rule for a destination
 * blocks the item there. Every decision is counted per destination, once per burst, and per
 * data class the item holds when the snapshot says how ({@link ClassCounting}). The item's rule
 * may route it to some destinations only and tag it with classes ({@link RuleRouting}).
 * Worker thread only.
 */
public final class ResidencyStage
{
    private final DestinationCounters[] counters;
    private final BurstFieldReader reader = new BurstFieldReader();
    private final long[] presentClassifiedFields;
    private final long[] routedTo;
    private final long[] blockedByTags;
    private final long[] rawCount;
    private final long[] notRoutedCount;
    private final long[] transformedCount;
    private final long[] blockedCount;
    private final ClassTally classTally = new ClassTally();

    /**
     * @param counters per destination, in destination index order
     * @param burstCapacity the capacity of the bursts this stage will see
     */
    public ResidencyStage(final DestinationCounters[] counters, final int burstCapacity)
    {
        this.counters = counters.clone();
        presentClassifiedFields = new long[burstCapacity];
        routedTo = new long[burstCapacity];
        blockedByTags = new long[burstCapacity];
        rawCount = new long[counters.length];
        notRoutedCount = new long[counters.length];
        transformedCount = new long[counters.length];
        blockedCount = new long[counters.length];
    }

    public void apply(final PacketBurst burst, final ResidencyPlan plan)
    {
        apply(burst, plan, null);
    }

    /**
     * @param classCounting how to count the decisions per data class too, or null not to.
     */
    public void apply(final PacketBurst burst, final ResidencyPlan plan, final ClassCounting classCounting)
    {
        final int count = burst.count();
        final long classifiedFields = plan.classifiedFields();
        final RuleRouting routing = plan.routing();
        final boolean routes = routing.isActive();
        for (int i = 0; i < count; i++)
        {
            presentClassifiedFields[i] = burst.verdict[i] == Verdict.PASS ? presentFields(burst, i, classifiedFields) : 0;
            routedTo[i] = RuleRouting.ALL;
            blockedByTags[i] = 0;
            if (routes && burst.verdict[i] == Verdict.PASS)
            {
                final int slot = routing.slot(burst.matchedRule[i]);
                routedTo[i] = routing.routedTo(slot);
                blockedByTags[i] = routing.blockedForPacket(slot, presentClassifiedFields[i]);
            }
        }

        for (int d = 0; d < counters.length; d++)
        {
            final long blockedFields = plan.blockedFields(d);
            final byte transformFields = plan.transformFields(d);
            final byte[] delivery = burst.delivery[d];
            final byte[] transformed = burst.transformedFields[d];
            long raw = 0;
            long transformedItems = 0;
            long blocked = 0;
            long notRouted = 0;
            for (int i = 0; i < count; i++)
            {
                if (burst.verdict[i] != Verdict.PASS)
                {
                    continue;
                }
                if (!RuleRouting.includes(routedTo[i], d))
                {
                    delivery[i] = Delivery.NOT_ROUTED;
                    notRouted++;
                    continue;
                }
                if ((presentClassifiedFields[i] & blockedFields) != 0 || RuleRouting.includes(blockedByTags[i], d))
                {
                    delivery[i] = Delivery.BLOCKED;
                    blocked++;
                    continue;
                }
                final int presentAddresses = (burst.ipVersion[i] == 0 ? 0 : AnonymizedFields.ADDRESSES) |
                    (burst.innerIpVersion[i] == 0 ? 0 : AnonymizedFields.INNER_ADDRESSES);
                final byte bits = (byte)((burst.anonymizeFields[i] | transformFields) & presentAddresses);
                transformed[i] = bits;
                if (bits == 0)
                {
                    delivery[i] = Delivery.RAW;
                    raw++;
                }
                else
                {
                    delivery[i] = Delivery.TRANSFORMED;
                    transformedItems++;
                }
            }
            rawCount[d] = raw;
            transformedCount[d] = transformedItems;
            blockedCount[d] = blocked;
            notRoutedCount[d] = notRouted;
        }

        for (int d = 0; d < counters.length; d++)
        {
            counters[d].addDecisions(rawCount[d], transformedCount[d], blockedCount[d], notRoutedCount[d]);
        }
        if (null != classCounting)
        {
            countClasses(burst, classCounting);
        }
    }

    /** Each forwarded item's decisions once more, under every class it holds. */
    private void countClasses(final PacketBurst burst, final ClassCounting classCounting)
    {
        classTally.use(classCounting);
        final int count = burst.count();
        for (int i = 0; i < count; i++)
        {
            if (burst.verdict[i] != Verdict.PASS)
            {
                continue;
            }
            final long classes = (presentClassifiedFields[i] == 0 ? 0 : classCounting.packetClasses(presentClassifiedFields[i])) |
                classCounting.taggedClasses(burst.matchedRule[i]);
            if (0 != classes)
            {
                for (int d = 0; d < counters.length; d++)
                {
                    // Delivery.RAW, TRANSFORMED, BLOCKED are 1, 2, 3; an item not routed somewhere is not decided there.
                    final byte delivery = burst.delivery[d][i];
                    if (delivery != Delivery.NOT_ROUTED)
                    {
                        classTally.add(classes, d, delivery - Delivery.RAW);
                    }
                }
            }
        }
        classTally.flush();
    }

    private long presentFields(final PacketBurst burst, final int index, final long fields)
    {
        if (fields == 0)
        {
            return 0;
        }
        final BurstFieldReader item = reader.select(burst, index);
        long present = 0;
        long remaining = fields;
        while (remaining != 0)
        {
            final int fieldId = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            if (item.isPresent(fieldId))
            {
                present |= 1L << fieldId;
            }
        }
        return present;
    }
}
