package dev.sluice.dataplane.residency;

import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.residency.ResidencyDecision;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rules' {@code route} and {@code tag} actions add to residency, resolved for this
 * gateway's destinations, per rule slot (the rule's index, the default at {@code ruleCount}):
 * <ul>
 *   <li>{@code route <regions>}: the destinations the rule's items go to; every other destination
 *   is not sent them and counts them {@code not_routed} (routing is not a residency decision).</li>
 *   <li>{@code tag <class>}: the item holds the class whatever its fields, so the class's
 *   residency applies: blocked where the class may not go; where it may go only transformed,
 *   its fields the item has are transformed as for any item holding them, and an item without
 *   any of them is blocked, since what the tag stands for is somewhere no transform reaches
 *   (fail closed).</li>
 * </ul>
 * Destinations are bits of a {@code long}, so a policy that routes or tags runs with at most 64
 * destinations. Built with the residency plans, off the data path; the per-item questions do not
 * allocate. Immutable; any thread.
 */
public final class RuleRouting
{
    /** Every destination. */
    public static final long ALL = -1L;

    private final int ruleCount;
    private final boolean active;
    private final long[] routedTo;
    /** Per slot, per tag: destinations the tag's class blocks outright. */
    private final long[][] blockedByTag;
    /** Per slot, per tag: destinations that take the class only transformed (blocked when none of its fields is there). */
    private final long[][] transformedByTag;
    private final long[][] tagPacketFields;
    private final int[][][] tagEventFields;
    /** The rule slot of each bit of {@code Policy.modifierMatches} (match: all). */
    private final int[] modifierRules;

    private RuleRouting(
        final int ruleCount,
        final long[] routedTo,
        final long[][] blockedByTag,
        final long[][] transformedByTag,
        final long[][] tagPacketFields,
        final int[][][] tagEventFields,
        final int[] modifierRules)
    {
        this.modifierRules = modifierRules;
        this.ruleCount = ruleCount;
        this.routedTo = routedTo;
        this.blockedByTag = blockedByTag;
        this.transformedByTag = transformedByTag;
        this.tagPacketFields = tagPacketFields;
        this.tagEventFields = tagEventFields;
        boolean any = false;
        for (int slot = 0; slot <= ruleCount; slot++)
        {
            any |= ALL != routedTo[slot] || 0 != blockedByTag[slot].length;
        }
        this.active = any;
    }

    /**
     * @param policy       the policy.
     * @param originRegion this gateway's region.
     * @param destinations the destination regions, in destination index order.
     * @return the routing of every rule slot.
     * @throws IllegalArgumentException when the policy routes or tags and there are more than 64 destinations.
     */
    public static RuleRouting build(final Policy policy, final String originRegion, final List<String> destinations)
    {
        final int ruleCount = policy.ruleCount();
        final long[] routedTo = new long[ruleCount + 1];
        final long[][] blocked = new long[ruleCount + 1][];
        final long[][] transformed = new long[ruleCount + 1][];
        final long[][] packetFields = new long[ruleCount + 1][];
        final int[][][] eventFields = new int[ruleCount + 1][][];
        for (int slot = 0; slot <= ruleCount; slot++)
        {
            final RuleActions actions = slot == ruleCount ? policy.defaultActions() : policy.actionsFor(slot);
            if ((!actions.routes().isEmpty() || !actions.tags().isEmpty()) && destinations.size() > Long.SIZE)
            {
                throw new IllegalArgumentException("a policy that routes or tags runs with at most " + Long.SIZE +
                    " destinations, this gateway has " + destinations.size());
            }
            routedTo[slot] = actions.routes().isEmpty() ? ALL : mask(destinations, actions.routes());

            final List<String> tags = actions.tags();
            blocked[slot] = new long[tags.size()];
            transformed[slot] = new long[tags.size()];
            packetFields[slot] = new long[tags.size()];
            eventFields[slot] = new int[tags.size()][];
            for (int k = 0; k < tags.size(); k++)
            {
                final String tag = tags.get(k);
                for (int d = 0; d < destinations.size(); d++)
                {
                    final ResidencyDecision decision = policy.residency().decide(tag, originRegion, destinations.get(d));
                    switch (decision.kind())
                    {
                        case RAW ->
                        {
                        }
                        case TRANSFORM -> transformed[slot][k] |= 1L << d;
                        case BLOCK -> blocked[slot][k] |= 1L << d;
                    }
                }
                final List<Integer> events = new ArrayList<>();
                for (final Field field : policy.fieldsOf(tag))
                {
                    if (field.id() < PacketFields.BASE_FIELD_COUNT)
                    {
                        packetFields[slot][k] |= 1L << field.id();
                    }
                    else if (field.id() >= EventFields.FIRST_ID)
                    {
                        events.add(field.readFieldId());
                    }
                }
                eventFields[slot][k] = events.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return new RuleRouting(ruleCount, routedTo, blocked, transformed, packetFields, eventFields, policy.modifierRules());
    }

    private static long mask(final List<String> destinations, final List<String> regions)
    {
        long mask = 0;
        for (int d = 0; d < destinations.size(); d++)
        {
            if (regions.contains(destinations.get(d)))
            {
                mask |= 1L << d;
            }
        }
        return mask;
    }

    /** False when no rule routes or tags: every item goes to every destination, residency alone deciding. */
    public boolean isActive()
    {
        return active;
    }

    /**
     * @param matchedRule what {@link Policy#firstMatch} returned ({@link Policy#NO_MATCH} for the default).
     * @return the rule slot.
     */
    public int slot(final int matchedRule)
    {
        return matchedRule < 0 ? ruleCount : matchedRule;
    }

    /** The destinations (bits) the slot's items go to; {@link #ALL} when it does not route. */
    public long routedTo(final int slot)
    {
        return routedTo[slot];
    }

    /**
     * Under {@code match: all}, where the item goes when its rule and the other matching rules route:
     * the union of the regions they name; none naming any, every destination.
     *
     * @param slot      the rule slot that decided the item.
     * @param modifiers the other matching rules ({@code Policy.modifierMatches}).
     * @return the destinations (bits).
     */
    public long routedTo(final int slot, final long modifiers)
    {
        long routed = routedTo[slot];
        for (long remaining = modifiers; remaining != 0; remaining &= remaining - 1)
        {
            final long other = routedTo[modifierRules[Long.numberOfTrailingZeros(remaining)]];
            if (ALL != other)
            {
                routed = ALL == routed ? other : routed | other;
            }
        }
        return routed;
    }

    /**
     * @param slot                    the rule slot that decided the packet.
     * @param modifiers               the other matching rules ({@code Policy.modifierMatches}), whose tags apply too.
     * @param presentClassifiedFields the packet's present base fields (a mask of field ids).
     * @return the destinations (bits) the tags block for this packet.
     */
    public long blockedForPacket(final int slot, final long modifiers, final long presentClassifiedFields)
    {
        long blocked = blockedForPacket(slot, presentClassifiedFields);
        for (long remaining = modifiers; remaining != 0; remaining &= remaining - 1)
        {
            blocked |= blockedForPacket(modifierRules[Long.numberOfTrailingZeros(remaining)], presentClassifiedFields);
        }
        return blocked;
    }

    /**
     * @param slot      the rule slot that decided the event.
     * @param modifiers the other matching rules ({@code Policy.modifierMatches}), whose tags apply too.
     * @param event     the event's fields.
     * @return the destinations (bits) the tags block for this event.
     */
    public long blockedForEvent(final int slot, final long modifiers, final FieldReader event)
    {
        long blocked = blockedForEvent(slot, event);
        for (long remaining = modifiers; remaining != 0; remaining &= remaining - 1)
        {
            blocked |= blockedForEvent(modifierRules[Long.numberOfTrailingZeros(remaining)], event);
        }
        return blocked;
    }

    /**
     * @param slot                   the item's rule slot.
     * @param presentClassifiedFields the packet's present base fields (a mask of field ids).
     * @return the destinations (bits) the slot's tags block for this packet.
     */
    public long blockedForPacket(final int slot, final long presentClassifiedFields)
    {
        final long[] blocked = blockedByTag[slot];
        long mask = 0;
        for (int k = 0; k < blocked.length; k++)
        {
            mask |= blocked[k];
            if (0 == (presentClassifiedFields & tagPacketFields[slot][k]))
            {
                mask |= transformedByTag[slot][k];
            }
        }
        return mask;
    }

    /**
     * @param slot  the event's rule slot.
     * @param event the event's fields.
     * @return the destinations (bits) the slot's tags block for this event.
     */
    public long blockedForEvent(final int slot, final FieldReader event)
    {
        final long[] blocked = blockedByTag[slot];
        long mask = 0;
        for (int k = 0; k < blocked.length; k++)
        {
            mask |= blocked[k];
            if (0 != transformedByTag[slot][k] && !anyPresent(event, tagEventFields[slot][k]))
            {
                mask |= transformedByTag[slot][k];
            }
        }
        return mask;
    }

    private static boolean anyPresent(final FieldReader event, final int[] fields)
    {
        for (final int field : fields)
        {
            if (event.isPresent(field))
            {
                return true;
            }
        }
        return false;
    }

    /** True when destination {@code d} is one of {@code destinations} (bits). */
    public static boolean includes(final long destinations, final int d)
    {
        return 0 != (destinations & (1L << d));
    }
}
