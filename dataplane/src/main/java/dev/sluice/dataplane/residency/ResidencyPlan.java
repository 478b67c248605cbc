package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.residency.ResidencyDecision;

import java.util.ArrayList;
import java.util.List;

/**
 * A policy's residency rules resolved for this gateway: its origin region is fixed and so are
 * its destinations, so each (data class, destination) decision is made once, when the policy
 * is applied, and the per-item work is two mask tests. Immutable.
 * <p>
 * Field masks use the policy's field ids as bit positions: every packet base field has an id
 * below 64 ({@code PacketFields.BASE_FIELD_COUNT}), and data classes hold base fields only.
 * Classes also hold event fields ({@code cef.src}, {@code vehicle.vin}, a policy's
 * {@code json.*} fields), whose ids lie beyond; a packet never has them, so the plan for packets
 * leaves them out (a shift by their id would wrap onto a packet field's bit).
 */
public final class ResidencyPlan
{
    private final List<String> destinations;
    private final long classifiedFields;
    private final long[] blockedFields;
    private final byte[] transformFields;
    private final List<String> notes;
    private final RuleRouting routing;

    private ResidencyPlan(
        final List<String> destinations,
        final long classifiedFields,
        final long[] blockedFields,
        final byte[] transformFields,
        final List<String> notes,
        final RuleRouting routing)
    {
        this.routing = routing;
        this.destinations = List.copyOf(destinations);
        this.classifiedFields = classifiedFields;
        this.blockedFields = blockedFields;
        this.transformFields = transformFields;
        this.notes = List.copyOf(notes);
    }

    /**
     * Resolves the policy's residency for items that originate in {@code originRegion} and go
     * to {@code destinations} (in destination index order).
     */
    public static ResidencyPlan build(final Policy policy, final String originRegion, final List<String> destinations)
    {
        final List<String> notes = new ArrayList<>();
        long classified = 0;
        for (final String dataClass : policy.dataClasses())
        {
            classified |= mask(policy.fieldsOf(dataClass));
        }

        final long[] blocked = new long[destinations.size()];
        final byte[] transform = new byte[destinations.size()];
        for (int d = 0; d < destinations.size(); d++)
        {
            final String destination = destinations.get(d);
            for (final String dataClass : policy.dataClasses())
            {
                final List<Field> fields = policy.fieldsOf(dataClass);
                final ResidencyDecision decision = policy.residency().decide(dataClass, originRegion, destination);
                switch (decision.kind())
                {
                    case RAW ->
                    {
                    }
                    case BLOCK -> blocked[d] |= mask(fields);
                    case TRANSFORM ->
                    {
                        for (final Field field : fields)
                        {
                            if (!isPacketField(field))
                            {
                                continue;
                            }
                            final byte bit = CompiledRules.addressBit(field.id());
                            if (decision.method().transformsAddresses() && field.type() == FieldType.ADDRESS && 0 != bit)
                            {
                                transform[d] |= bit;
                            }
                            else
                            {
                                // Fail closed: a field the method cannot transform may not leave in any form.
                                blocked[d] |= 1L << field.id();
                                notes.add("class " + dataClass + " to " + destination + ": " +
                                    decision.method() + " cannot transform " + field.name() + "; blocked instead");
                            }
                        }
                    }
                }
            }
        }
        return new ResidencyPlan(destinations, classified, blocked, transform, notes, RuleRouting.build(policy, originRegion, destinations));
    }

    private static long mask(final List<Field> fields)
    {
        long mask = 0;
        for (final Field field : fields)
        {
            if (isPacketField(field))
            {
                mask |= 1L << field.id();
            }
        }
        return mask;
    }

    private static boolean isPacketField(final Field field)
    {
        return field.id() < PacketFields.BASE_FIELD_COUNT;
    }

    public List<String> destinations()
    {
        return destinations;
    }

    /** What the rules' {@code route} and {@code tag} actions add, per rule slot. */
    public RuleRouting routing()
    {
        return routing;
    }

    /** Fields that carry some data class: the only ones whose presence residency checks. */
    public long classifiedFields()
    {
        return classifiedFields;
    }

    /** Fields whose presence keeps an item from destination {@code index}. */
    public long blockedFields(final int index)
    {
        return blockedFields[index];
    }

    /** {@code AnonymizedFields} bits that must be transformed before an item reaches destination {@code index}. */
    public byte transformFields(final int index)
    {
        return transformFields[index];
    }

    /** The union of {@link #transformFields(int)} over every destination. */
    public byte anyDestinationTransforms()
    {
        byte bits = 0;
        for (final byte fields : transformFields)
        {
            bits |= fields;
        }
        return bits;
    }

    /** Decisions the plan had to make stricter than the document (for the gateway's log). */
    public List<String> notes()
    {
        return notes;
    }
}
