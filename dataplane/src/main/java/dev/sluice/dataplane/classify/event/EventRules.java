package dev.sluice.dataplane.classify.event;

import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.FieldType;

/**
 * A policy's rule actions as the event worker applies them, resolved once when the policy is
 * applied: per rule (and the default, at index {@code ruleCount}) whether a matching event is
 * forwarded, filtered or sampled 1 in N, and whether it is anonymized. {@code keep} and
 * {@code aggregate} forward (aggregation builds flow records from packets; an event is
 * forwarded as it is). A rule anonymizes an event when it names an event field (or a class
 * holding one) with Crypto-PAn; the event's addresses are then rewritten for every destination.
 * Immutable; any thread.
 */
public final class EventRules
{
    public static final byte FORWARD = 0;
    public static final byte FILTER = 1;
    public static final byte SAMPLE = 2;

    private final byte[] action;
    private final int[] sampleDenominator;
    private final boolean[] anonymizes;
    private final int[][] anonymizedAddressFields;
    private final boolean anyAnonymizes;

    private EventRules(final Policy policy)
    {
        final int rules = policy.ruleCount();
        action = new byte[rules + 1];
        sampleDenominator = new int[rules + 1];
        anonymizes = new boolean[rules + 1];
        anonymizedAddressFields = new int[rules + 1][];
        boolean any = false;
        for (int rule = 0; rule <= rules; rule++)
        {
            final RuleActions actions = rule == rules ? policy.defaultActions() : policy.actionsFor(rule);
            action[rule] = switch (actions.kind())
            {
                case DROP -> FILTER;
                case SAMPLE -> SAMPLE;
                case KEEP, AGGREGATE -> FORWARD;
            };
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
            final FieldSet fields = actions.anonymizeFields(AnonymizationMethod.CRYPTOPAN);
            int eventFields = 0;
            int addressFields = 0;
            for (int id = fields.nextId(EventFields.FIRST_ID); id >= 0; id = fields.nextId(id + 1))
            {
                eventFields++;
                if (FieldType.ADDRESS == typeOf(policy, id))
                {
                    addressFields++;
                }
            }
            anonymizes[rule] = eventFields > 0;
            any |= eventFields > 0;
            final int[] addresses = new int[addressFields];
            int k = 0;
            for (int id = fields.nextId(EventFields.FIRST_ID); id >= 0; id = fields.nextId(id + 1))
            {
                if (FieldType.ADDRESS == typeOf(policy, id))
                {
                    addresses[k++] = id;
                }
            }
            anonymizedAddressFields[rule] = addresses;
        }
        anyAnonymizes = any;
    }

    private static FieldType typeOf(final Policy policy, final int id)
    {
        final Field field = policy.catalogue().byId(id);
        return null == field ? null : field.type();
    }

    public static EventRules of(final Policy policy)
    {
        return new EventRules(policy);
    }

    /** The slot of the rule {@code Policy.firstMatch} returned: the rule's index, or the default's. */
    public int slot(final int matchedRule)
    {
        return Policy.NO_MATCH == matchedRule ? action.length - 1 : matchedRule;
    }

    /** {@link #FORWARD}, {@link #FILTER} or {@link #SAMPLE}. */
    public byte action(final int slot)
    {
        return action[slot];
    }

    /** N of the slot's {@code sample 1/N}; 1 otherwise. */
    public int sampleDenominator(final int slot)
    {
        return sampleDenominator[slot];
    }

    /** True when the slot's rule anonymizes events. */
    public boolean anonymizes(final int slot)
    {
        return anonymizes[slot];
    }

    /** The event address fields the slot's rule anonymizes: present, they must be rewritten or the event stays. */
    public int[] anonymizedAddressFields(final int slot)
    {
        return anonymizedAddressFields[slot];
    }

    /** True when some rule anonymizes events (so the gateway needs a key). */
    public boolean anyAnonymizes()
    {
        return anyAnonymizes;
    }

    /** Rules plus the default. */
    public int slots()
    {
        return action.length;
    }
}
