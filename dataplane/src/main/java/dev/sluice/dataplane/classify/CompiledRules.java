package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
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

    private final Policy policy;
    /** Per rule index, then the default action at index {@code ruleCount}. */
    private final byte[] action;
    private final int[] sampleDenominator;
    private final byte[] anonymizeFields;

    private CompiledRules(final Policy policy)
    {
        this.policy = policy;
        final int ruleCount = policy.ruleCount();
        action = new byte[ruleCount + 1];
        sampleDenominator = new int[ruleCount + 1];
        anonymizeFields = new byte[ruleCount + 1];
        for (int rule = 0; rule <= ruleCount; rule++)
        {
            final RuleActions actions = rule == ruleCount ? policy.defaultActions() : policy.actionsFor(rule);
            action[rule] = switch (actions.kind())
            {
                case KEEP -> KEEP;
                case DROP -> DROP;
                case SAMPLE -> SAMPLE;
            };
            sampleDenominator[rule] = Math.max(1, actions.sampleDenominator());
            anonymizeFields[rule] = addressBits(actions.anonymizeFieldMask());
        }
    }

    public static CompiledRules of(final Policy policy)
    {
        return new CompiledRules(policy);
    }

    /** The {@link AnonymizedFields} bits of a mask of policy field ids (only addresses can be transformed here). */
    public static byte addressBits(final long fieldMask)
    {
        byte bits = 0;
        if ((fieldMask & (1L << PacketFields.IP_SRC)) != 0 || (fieldMask & (1L << PacketFields.IP_ADDR)) != 0)
        {
            bits |= AnonymizedFields.SRC_ADDRESS;
        }
        if ((fieldMask & (1L << PacketFields.IP_DST)) != 0 || (fieldMask & (1L << PacketFields.IP_ADDR)) != 0)
        {
            bits |= AnonymizedFields.DST_ADDRESS;
        }
        return bits;
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

    byte anonymizeFields(final int slot)
    {
        return anonymizeFields[slot];
    }
}
