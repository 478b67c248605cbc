package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.policy.Policy;
import dev.sluice.policy.Rule;
import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.PayloadAction;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.field.PacketFields;

import java.util.ArrayList;
import java.util.List;

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

    private final Policy policy;
    /** Per rule index, then the default action at index {@code ruleCount}. */
    private final byte[] action;
    private final int[] sampleDenominator;
    private final byte[] anonymizeFields;
    /** {@code PayloadSlicer.ACTION_*} and the payload bytes it keeps. */
    private final byte[] payloadAction;
    private final int[] payloadBytes;

    private CompiledRules(final Policy policy)
    {
        this.policy = policy;
        final int ruleCount = policy.ruleCount();
        action = new byte[ruleCount + 1];
        sampleDenominator = new int[ruleCount + 1];
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
                case AGGREGATE -> throw new IllegalArgumentException(
                    "this dataplane does not aggregate flows; PolicyInstaller refuses such policies");
            };
            payloadAction[rule] = switch (actions.payloadAction())
            {
                case NONE -> PayloadSlicer.ACTION_NONE;
                case TRUNCATE -> PayloadSlicer.ACTION_TRUNCATED;
                case STRIP -> PayloadSlicer.ACTION_STRIPPED;
            };
            payloadBytes[rule] = PayloadAction.TRUNCATE == actions.payloadAction() ? actions.payloadBytes() : 0;
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
            anonymizeFields[rule] = addressBits(actions.anonymizeFields());
        }
    }

    /**
     * @param policy a validated policy.
     * @return its rules for the classify stage.
     * @throws IllegalArgumentException when {@link #unsupportedActions} is not empty for it.
     */
    public static CompiledRules of(final Policy policy)
    {
        return new CompiledRules(policy);
    }

    /**
     * The policy language has actions this dataplane does not carry out yet; a policy that
     * uses them must be refused rather than run without them.
     *
     * @return one line per rule whose actions this dataplane cannot carry out; empty when it can run the policy.
     */
    public static List<String> unsupportedActions(final Policy policy)
    {
        final List<String> reasons = new ArrayList<>();
        for (final Rule rule : policy.rules())
        {
            final RuleActions actions = rule.actions();
            if (ActionKind.AGGREGATE == actions.kind())
            {
                reasons.add("rule '" + rule.name() + "' says 'aggregate flows', which this gateway cannot do");
            }
        }
        return reasons;
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
