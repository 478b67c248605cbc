package dev.sluice.dataplane.residency;

import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.residency.ResidencyDecision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy's residency rules resolved for the events this gateway forwards, per destination:
 * for each classified event field ({@code cef.src} is {@code pii.ip}, {@code vehicle.vin}
 * {@code pii.vehicle}, a policy's own {@code json.*} fields), whether an event that has it may
 * go raw, only with its addresses rewritten by Crypto-PAn, or not at all. The decisions are
 * made once, when the policy is applied; per event the worker asks which classified fields are
 * present and combines their decisions, the strictest winning.
 * <p>
 * An event leaves the site as its text, so "transformed" means every IPv4 and IPv6 address
 * written in the event is rewritten, and only address fields can be transformed: a class whose
 * transform cannot apply to one of its event fields (Crypto-PAn on a VIN) blocks that field
 * instead (fail closed), with a note for the gateway's log.
 * <p>
 * Addresses written in free text ({@code syslog.msg}, a JSON string) belong to no field, yet
 * they are the class {@code pii.ip}: {@link #textAddresses(int)} is that class's decision for
 * the destination, applied to an event in which an address was found.
 * <p>
 * Immutable; any thread.
 */
public final class EventResidencyPlan
{
    /** May go as received. */
    public static final byte RAW = 0;
    /** May go with every address in its text rewritten by Crypto-PAn. */
    public static final byte TRANSFORM = 1;
    /** Must not go. */
    public static final byte BLOCK = 2;

    private final int[] classifiedFields;
    private final byte[][] decisions;
    private final byte[] textAddresses;
    private final boolean anyNonRaw;
    private final boolean anyTextNonRaw;
    private final List<String> notes;

    private EventResidencyPlan(
        final int[] classifiedFields,
        final byte[][] decisions,
        final byte[] textAddresses,
        final List<String> notes)
    {
        this.classifiedFields = classifiedFields;
        this.decisions = decisions;
        this.textAddresses = textAddresses;
        this.notes = List.copyOf(notes);
        boolean nonRaw = false;
        for (final byte decision : textAddresses)
        {
            nonRaw |= RAW != decision;
        }
        this.anyTextNonRaw = nonRaw;
        for (final byte[] perField : decisions)
        {
            for (final byte decision : perField)
            {
                nonRaw |= RAW != decision;
            }
        }
        this.anyNonRaw = nonRaw;
    }

    /**
     * Resolves the policy's residency for events that originate in {@code originRegion} and go
     * to {@code destinations} (in destination index order).
     */
    public static EventResidencyPlan build(final Policy policy, final String originRegion, final List<String> destinations)
    {
        final Map<Integer, byte[]> byField = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        for (final String dataClass : policy.dataClasses())
        {
            for (final Field field : policy.fieldsOf(dataClass))
            {
                if (field.id() < EventFields.FIRST_ID)
                {
                    continue;
                }
                final byte[] perDestination = byField.computeIfAbsent(field.id(), ignore -> new byte[destinations.size()]);
                for (int d = 0; d < destinations.size(); d++)
                {
                    final byte decision = decide(policy, dataClass, field, originRegion, destinations.get(d), notes);
                    perDestination[d] = (byte)Math.max(perDestination[d], decision);
                }
            }
        }

        // A field that may go raw everywhere changes no decision: the worker need not ask for it.
        byField.values().removeIf(EventResidencyPlan::rawEverywhere);
        final int[] fields = new int[byField.size()];
        final byte[][] decisions = new byte[byField.size()][];
        int k = 0;
        for (final Map.Entry<Integer, byte[]> entry : byField.entrySet())
        {
            fields[k] = entry.getKey();
            decisions[k] = entry.getValue();
            k++;
        }

        final byte[] textAddresses = new byte[destinations.size()];
        if (policy.dataClasses().contains(PacketFields.PII_IP))
        {
            for (int d = 0; d < destinations.size(); d++)
            {
                textAddresses[d] = of(policy.residency().decide(PacketFields.PII_IP, originRegion, destinations.get(d)));
            }
        }
        return new EventResidencyPlan(fields, decisions, textAddresses, notes);
    }

    private static boolean rawEverywhere(final byte[] perDestination)
    {
        for (final byte decision : perDestination)
        {
            if (RAW != decision)
            {
                return false;
            }
        }
        return true;
    }

    private static byte decide(
        final Policy policy,
        final String dataClass,
        final Field field,
        final String originRegion,
        final String destination,
        final List<String> notes)
    {
        final ResidencyDecision decision = policy.residency().decide(dataClass, originRegion, destination);
        final byte kind = of(decision);
        if (TRANSFORM == kind && !(AnonymizationMethod.CRYPTOPAN == decision.method() && FieldType.ADDRESS == field.type()))
        {
            notes.add("class " + dataClass + " to " + destination + ": " + decision.method() + " cannot transform " +
                field.name() + " in an event; events that have it are blocked instead");
            return BLOCK;
        }
        return kind;
    }

    private static byte of(final ResidencyDecision decision)
    {
        return switch (decision.kind())
        {
            case RAW -> RAW;
            case TRANSFORM -> TRANSFORM;
            case BLOCK -> BLOCK;
        };
    }

    /** True when some event may reach some destination only transformed, or not at all. */
    public boolean anyNonRaw()
    {
        return anyNonRaw;
    }

    /** True when an address written in an event's text keeps the event from, or must be rewritten for, some destination. */
    public boolean anyTextNonRaw()
    {
        return anyTextNonRaw;
    }

    /** True when some destination receives some events only transformed (so the gateway needs a key). */
    public boolean anyTransform()
    {
        for (int d = 0; d < textAddresses.length; d++)
        {
            if (transforms(d))
            {
                return true;
            }
        }
        return false;
    }

    /** True when destination {@code d} receives some events only transformed. */
    public boolean transforms(final int d)
    {
        if (TRANSFORM == textAddresses[d])
        {
            return true;
        }
        for (final byte[] perField : decisions)
        {
            if (TRANSFORM == perField[d])
            {
                return true;
            }
        }
        return false;
    }

    /** How many event fields carry a class that some destination may not receive raw. */
    public int classifiedFieldCount()
    {
        return classifiedFields.length;
    }

    /** The id of classified field {@code k}, {@code 0 <= k < classifiedFieldCount()}. */
    public int classifiedField(final int k)
    {
        return classifiedFields[k];
    }

    /** {@link #RAW}, {@link #TRANSFORM} or {@link #BLOCK} for an event that has classified field {@code k}. */
    public byte decision(final int k, final int destination)
    {
        return decisions[k][destination];
    }

    /** The decision for an event with an IPv4 or IPv6 address written in its text ({@code pii.ip}). */
    public byte textAddresses(final int destination)
    {
        return textAddresses[destination];
    }

    /** Decisions the plan had to make stricter than the document (for the gateway's log). */
    public List<String> notes()
    {
        return notes;
    }
}
