package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.classify.limit.RateLimitPlan;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.FlowSettings;
import dev.sluice.policy.action.PayloadAction;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.PacketFields;


/**
 * A policy's rules in the form the classify stage runs them: the policy's matcher plus, per
 * rule (and for the default), the action as plain arrays indexed by rule, so the per-item
 * path does no lookups. Immutable; built off the data path.
 */
public final class CompiledRules
{
    static final byte KEEP = 0;
    static final byte DROP = 1;
    static final byte SAMPLE = 2;
    /** Forwarded, then folded into a flow record by the reduce stage instead of leaving on its own. */
    static final byte AGGREGATE = 3;
    /** Forwarded within its key's limit ({@link RateLimitPlan}), sampled out beyond it. */
    static final byte RATE_LIMIT = 4;
    /**
     * A {@code count} rule: it counts events, not packets, so a packet it matches is dropped
     * ({@code dropped{count_rule_on_packet}}), never forwarded or lost uncounted.
     */
    static final byte COUNT_EVENTS_ONLY = 5;

    private final Policy policy;
    /** Per rule index, then the default action at index {@code ruleCount}. */
    private final byte[] action;
    private final int[] sampleDenominator;
    private final KeyFields[] sampleKeys;
    private final byte[] anonymizeFields;
    /** {@code PayloadSlicer.ACTION_*} and the payload bytes it keeps. */
    private final byte[] payloadAction;
    private final int[] payloadBytes;
    private final RateLimitPlan rateLimits;

    private CompiledRules(final Policy policy, final int rateLimitEntries)
    {
        this.policy = policy;
        this.rateLimits = RateLimitPlan.of(policy, rateLimitEntries);
        final int ruleCount = policy.ruleCount();
        action = new byte[ruleCount + 1];
        sampleDenominator = new int[ruleCount + 1];
        sampleKeys = new KeyFields[ruleCount + 1];
        anonymizeFields = new byte[ruleCount + 1];
        payloadAction = new byte[ruleCount + 1];
        payloadBytes = new int[ruleCount + 1];
        for (int rule = 0; rule <= ruleCount; rule++)
        {
            final RuleActions actions = rule == ruleCount ? policy.defaultActions() : policy.actionsFor(rule);
            action[rule] = switch (actions.kind())
            {
                case KEEP -> KEEP;
                case DROP -> DROP;
                case SAMPLE -> SAMPLE;
                case AGGREGATE -> AGGREGATE;
                case RATE_LIMIT -> RATE_LIMIT;
                case COUNT -> COUNT_EVENTS_ONLY;
            };
            payloadAction[rule] = switch (actions.payloadAction())
            {
                case NONE -> PayloadSlicer.ACTION_NONE;
                case TRUNCATE -> PayloadSlicer.ACTION_TRUNCATED;
                case STRIP -> PayloadSlicer.ACTION_STRIPPED;
            };
            payloadBytes[rule] = PayloadAction.TRUNCATE == actions.payloadAction() ? actions.payloadBytes() : 0;
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
            sampleKeys[rule] = KeyFields.of(actions.sampleKeys());
            anonymizeFields[rule] = addressBits(actions.anonymizeFields());
        }
    }

    /**
     * @param policy a validated policy.
     * @return its rules for the classify stage.
     */
    public static CompiledRules of(final Policy policy)
    {
        return new CompiledRules(policy, RateLimitPlan.ENTRIES_DEFAULT);
    }

    /**
     * @param policy           a validated policy.
     * @param rateLimitEntries buckets per keyed {@code rate-limit} rule, a power of two.
     * @return its rules for the classify stage.
     */
    public static CompiledRules of(final Policy policy, final int rateLimitEntries)
    {
        return new CompiledRules(policy, rateLimitEntries);
    }

    /** The {@link AnonymizedFields} bits of a set of policy field ids (only addresses can be transformed here). */
    public static byte addressBits(final FieldSet fields)
    {
        return (byte)(addressBit(fields, PacketFields.IP_SRC) | addressBit(fields, PacketFields.IP_DST) |
            addressBit(fields, PacketFields.INNER_IP_SRC) | addressBit(fields, PacketFields.INNER_IP_DST));
    }

    /** The {@link AnonymizedFields} bit of one policy field id; 0 for a field that is not an address. */
    public static byte addressBit(final int fieldId)
    {
        return switch (fieldId)
        {
            case PacketFields.IP_SRC -> AnonymizedFields.SRC_ADDRESS;
            case PacketFields.IP_DST -> AnonymizedFields.DST_ADDRESS;
            case PacketFields.INNER_IP_SRC -> AnonymizedFields.INNER_SRC_ADDRESS;
            case PacketFields.INNER_IP_DST -> AnonymizedFields.INNER_DST_ADDRESS;
            default -> 0;
        };
    }

    private static byte addressBit(final FieldSet fields, final int fieldId)
    {
        return fields.contains(fieldId) ? addressBit(fieldId) : 0;
    }

    public Policy policy()
    {
        return policy;
    }

    /** The rules' {@code rate-limit} actions. */
    public RateLimitPlan rateLimits()
    {
        return rateLimits;
    }

    /** How {@code aggregate flows} builds flows under this policy. */
    public FlowSettings flowSettings()
    {
        return policy.flowSettings();
    }

    /**
     * @param matchedRule a rule index, or {@code PacketBurst.ABSENT} ({@link Policy#NO_MATCH}) for the default
     * @return true when that rule (or the default) says {@code aggregate flows}
     */
    public boolean aggregates(final int matchedRule)
    {
        return action[matchedRule == Policy.NO_MATCH ? action.length - 1 : matchedRule] == AGGREGATE;
    }

    /** True when some rule (or the default) says {@code aggregate flows}. */
    public boolean aggregatesAny()
    {
        for (final byte kind : action)
        {
            if (kind == AGGREGATE)
            {
                return true;
            }
        }
        return false;
    }

    /** Number of rules; also the index of the default action in the per-rule arrays. */
    public int ruleCount()
    {
        return action.length - 1;
    }

    /** True when some rule (or the default) anonymizes a field. */
    public boolean anonymizes()
    {
        for (final byte bits : anonymizeFields)
        {
            if (bits != 0)
            {
                return true;
            }
        }
        return false;
    }

    byte action(final int slot)
    {
        return action[slot];
    }

    /**
     * @param seen how many items of the slot's rule this worker saw before this one.
     * @return true when {@code sample 1/N [by keys]} keeps the item ({@link Sampling}).
     */
    boolean keepsSample(final int slot, final FieldReader item, final long seen)
    {
        return Sampling.keeps(sampleKeys[slot], sampleDenominator[slot], item, seen);
    }

    int sampleDenominator(final int slot)
    {
        return sampleDenominator[slot];
    }

    /** {@code PayloadSlicer.ACTION_*} of a rule slot. */
    byte payloadAction(final int slot)
    {
        return payloadAction[slot];
    }

    int payloadBytes(final int slot)
    {
        return payloadBytes[slot];
    }

    byte anonymizeFields(final int slot)
    {
        return anonymizeFields[slot];
    }
}
