package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.dataplane.classify.Sampling;
import dev.sluice.dataplane.classify.count.CountPlan;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.FieldType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A policy's rule actions as the event worker applies them, resolved once when the policy is
 * applied: per rule (and the default, at index {@code ruleCount}) whether a matching event is
 * forwarded, filtered, sampled 1 in N, rate-limited or counted ({@link CountPlan}), and what of
 * it (or of a count record's keys) is anonymized. {@code keep} and
 * {@code aggregate} forward (aggregation builds flow records from packets; an event is
 * forwarded as it is).
 * <p>
 * A rule anonymizes an event when it names an event field (or a class holding one): with an
 * address method (Crypto-PAn, truncation) every address written in the event is rewritten; with
 * a value method (a keyed pseudonym, a format-preserving one, a geohash) that field's value is
 * replaced wherever the text holds it. Either way for every destination. Immutable; any thread.
 */
public final class EventRules
{
    public static final byte FORWARD = 0;
    public static final byte FILTER = 1;
    public static final byte SAMPLE = 2;
    /** Forwarded within its key's limit ({@code CompiledRules#rateLimits()}), sampled out beyond it. */
    public static final byte RATE_LIMIT = 3;
    /** Folded into its rule's count for its key and window ({@link #counts()}); the count records are forwarded. */
    public static final byte COUNT = 4;

    private static final int[] NONE = new int[0];
    private static final AnonymizationMethod[] NO_METHODS = new AnonymizationMethod[0];

    private final byte[] action;
    private final int[] sampleDenominator;
    private final KeyFields[] sampleKeys;
    private final boolean[] anonymizes;
    private final boolean[] rewritesAddresses;
    private final int[][] anonymizedAddressFields;
    private final int[][] valueFields;
    private final AnonymizationMethod[][] valueMethods;
    private final boolean anyAnonymizes;
    private final Policy policy;
    private final CountPlan counts;

    private EventRules(final Policy policy)
    {
        this.policy = policy;
        counts = CountPlan.of(policy);
        final int rules = policy.ruleCount();
        action = new byte[rules + 1];
        sampleDenominator = new int[rules + 1];
        sampleKeys = new KeyFields[rules + 1];
        anonymizes = new boolean[rules + 1];
        rewritesAddresses = new boolean[rules + 1];
        anonymizedAddressFields = new int[rules + 1][];
        valueFields = new int[rules + 1][];
        valueMethods = new AnonymizationMethod[rules + 1][];
        boolean any = false;
        for (int rule = 0; rule <= rules; rule++)
        {
            final RuleActions actions = rule == rules ? policy.defaultActions() : policy.actionsFor(rule);
            action[rule] = switch (actions.kind())
            {
                case DROP -> FILTER;
                case SAMPLE -> SAMPLE;
                case RATE_LIMIT -> RATE_LIMIT;
                case COUNT -> COUNT;
                case KEEP, AGGREGATE -> FORWARD;
            };
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
            sampleKeys[rule] = KeyFields.of(actions.sampleKeys());
            final List<Integer> addresses = new ArrayList<>();
            final List<Integer> values = new ArrayList<>();
            final List<AnonymizationMethod> methods = new ArrayList<>();
            boolean addressMethod = false;
            for (final Map.Entry<AnonymizationMethod, FieldSet> entry : actions.anonymizeFieldsByMethod().entrySet())
            {
                final AnonymizationMethod method = entry.getKey();
                final FieldSet fields = entry.getValue();
                for (int id = fields.nextId(EventFields.FIRST_ID); id >= 0; id = fields.nextId(id + 1))
                {
                    if (method.transformsAddresses())
                    {
                        addressMethod = true;
                        if (FieldType.ADDRESS == typeOf(policy, id))
                        {
                            addresses.add(id);
                        }
                    }
                    else
                    {
                        values.add(id);
                        methods.add(method);
                    }
                }
            }
            rewritesAddresses[rule] = addressMethod;
            anonymizes[rule] = addressMethod || !values.isEmpty();
            any |= anonymizes[rule];
            anonymizedAddressFields[rule] = addresses.isEmpty() ? NONE : addresses.stream().mapToInt(Integer::intValue).toArray();
            valueFields[rule] = values.isEmpty() ? NONE : values.stream().mapToInt(Integer::intValue).toArray();
            valueMethods[rule] = methods.isEmpty() ? NO_METHODS : methods.toArray(new AnonymizationMethod[0]);
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

    /** The rules' {@code count} actions. */
    public CountPlan counts()
    {
        return counts;
    }

    /** {@link #FORWARD}, {@link #FILTER}, {@link #SAMPLE}, {@link #RATE_LIMIT} or {@link #COUNT}. */
    public byte action(final int slot)
    {
        return action[slot];
    }

    /** N of the slot's {@code sample 1/N}; 1 otherwise. */
    /**
     * @param seen how many events of the slot's rule this worker saw before this one.
     * @return true when {@code sample 1/N [by keys]} keeps the event ({@link Sampling}).
     */
    public boolean keepsSample(final int slot, final FieldReader event, final long seen)
    {
        return Sampling.keeps(sampleKeys[slot], sampleDenominator[slot], event, seen);
    }

    public int sampleDenominator(final int slot)
    {
        return sampleDenominator[slot];
    }

    /** True when the slot's rule anonymizes events. */
    public boolean anonymizes(final int slot)
    {
        return anonymizes[slot];
    }

    /** True when the slot's rule rewrites the addresses written in an event (it names a field with Crypto-PAn or truncate). */
    public boolean rewritesAddresses(final int slot)
    {
        return rewritesAddresses[slot];
    }

    /** The event text fields whose values the slot's rule replaces, with {@link #valueMethods(int)} at the same index. */
    public int[] valueFields(final int slot)
    {
        return valueFields[slot];
    }

    /** The method for each of {@link #valueFields(int)}. */
    public AnonymizationMethod[] valueMethods(final int slot)
    {
        return valueMethods[slot];
    }

    /** The event address fields the slot's rule anonymizes: present, they must be rewritten or the event stays. */
    public int[] anonymizedAddressFields(final int slot)
    {
        return anonymizedAddressFields[slot];
    }

    /**
     * Under {@code match: all}, the other rules that match the event and add their anonymization,
     * tags and routes ({@link Policy#modifierMatches}); 0 under {@code match: first}.
     */
    public long modifierMatches(final FieldReader event)
    {
        return policy.modifierMatches(event);
    }

    /** The rule slot of bit {@code k} of {@link #modifierMatches}. */
    public int modifierRule(final int k)
    {
        return policy.modifierRule(k);
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
