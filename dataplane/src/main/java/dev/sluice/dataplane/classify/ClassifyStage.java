package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.classify.limit.RateLimiter;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.FieldReader;

import java.util.Arrays;

/**
 * Runs the policy's rules over every decoded item of a burst: the first matching rule (or the
 * default) decides keep, drop or sample, and which fields to anonymize. {@code sample 1/N}
 * keeps the first of every N items its rule matches, counted per rule and per worker, so a
 * run over the same input samples the same items. An item passed by a rule that cuts payloads
 * is planned as a frame here, or dropped with the reason it cannot be cut (see
 * {@link PayloadSlicer}), so the outcome counts see it before egress. {@code rate-limit} lets an
 * item through when its key's bucket ({@link RateLimiter}) has a token at the item's capture
 * time; the rest are {@link Verdict#RATE_LIMITED}. Under {@code match: all} the other matching
 * rules' anonymization and payload cuts are added ({@link PacketBurst#modifierMatches}). A
 * {@code count} rule counts events only: a packet it matches is dropped,
 * {@link DropReason#COUNT_RULE_ON_PACKET}. Worker thread only.
 */
public final class ClassifyStage
{
    private final BurstFieldReader reader = new BurstFieldReader();
    private final PayloadSlicer slicer = new PayloadSlicer();
    private final RateLimiter rateLimiter = new RateLimiter();
    private CompiledRules rules;
    private long[] matchesPerRule = new long[0];

    public void apply(final PacketBurst burst, final CompiledRules rules)
    {
        if (rules != this.rules)
        {
            onNewPolicy(rules);
        }
        final Policy policy = rules.policy();
        final boolean matchAll = 0 != policy.modifierRuleCount();
        final int defaultSlot = rules.ruleCount();
        final int count = burst.count();
        for (int i = 0; i < count; i++)
        {
            if (burst.verdict[i] != Verdict.PENDING)
            {
                continue;
            }
            final FieldReader item = reader.select(burst, i);
            final int rule = policy.firstMatch(item);
            final int slot = rule == Policy.NO_MATCH ? defaultSlot : rule;
            final long modifiers = matchAll ? policy.modifierMatches(item) : 0;
            burst.matchedRule[i] = (short)rule;
            burst.modifierMatches[i] = modifiers;
            switch (rules.action(slot))
            {
                case CompiledRules.DROP -> burst.verdict[i] = Verdict.FILTERED;
                case CompiledRules.SAMPLE ->
                {
                    final long seen = matchesPerRule[slot]++;
                    burst.verdict[i] = rules.keepsSample(slot, item, seen) ? Verdict.PASS : Verdict.SAMPLED_OUT;
                }
                case CompiledRules.AGGREGATE -> burst.verdict[i] = Verdict.AGGREGATED;
                case CompiledRules.RATE_LIMIT ->
                    burst.verdict[i] = rateLimiter.admit(slot, item, burst.timestampNs[i]) ? Verdict.PASS : Verdict.RATE_LIMITED;
                case CompiledRules.COUNT_EVENTS_ONLY -> burst.drop(i, DropReason.COUNT_RULE_ON_PACKET);
                default -> burst.verdict[i] = Verdict.PASS;
            }
            if (0 == modifiers)
            {
                burst.anonymizeFields[i] = rules.anonymizeFields(slot);
                final byte payloadAction = rules.payloadAction(slot);
                if (PayloadSlicer.ACTION_NONE != payloadAction && burst.verdict[i] == Verdict.PASS)
                {
                    slicer.plan(burst, i, rules.payloadBytes(slot), payloadAction);
                }
            }
            else
            {
                applyModifiers(burst, i, slot, modifiers, policy);
            }
        }
    }

    /**
     * Under {@code match: all}: the fields every matching rule anonymizes, and the smallest payload
     * cut of them (stripping cuts most, then the shortest truncation).
     */
    private void applyModifiers(final PacketBurst burst, final int i, final int slot, final long modifiers, final Policy policy)
    {
        byte anonymize = rules.anonymizeFields(slot);
        byte payloadAction = rules.payloadAction(slot);
        int payloadBytes = rules.payloadBytes(slot);
        for (long remaining = modifiers; remaining != 0; remaining &= remaining - 1)
        {
            final int other = policy.modifierRule(Long.numberOfTrailingZeros(remaining));
            anonymize |= rules.anonymizeFields(other);
            final byte otherAction = rules.payloadAction(other);
            if (PayloadSlicer.cutsMore(otherAction, rules.payloadBytes(other), payloadAction, payloadBytes))
            {
                payloadAction = otherAction;
                payloadBytes = rules.payloadBytes(other);
            }
        }
        burst.anonymizeFields[i] = anonymize;
        if (PayloadSlicer.ACTION_NONE != payloadAction && burst.verdict[i] == Verdict.PASS)
        {
            slicer.plan(burst, i, payloadBytes, payloadAction);
        }
    }

    /** Rate-limit buckets given way while still limiting their key ({@link RateLimiter#evictions()}), a running total. */
    public long rateLimitEvictions()
    {
        return rateLimiter.evictions();
    }

    /**
     * Sampling and rate-limit buckets start afresh with each version. The counts array is reused, and grows only for a
     * version with more rules than any before, so switching versions between bursts allocates
     * nothing in steady state.
     */
    private void onNewPolicy(final CompiledRules rules)
    {
        this.rules = rules;
        rateLimiter.onNewPolicy(rules.rateLimits());
        final int slots = rules.ruleCount() + 1;
        if (matchesPerRule.length < slots)
        {
            matchesPerRule = new long[slots];
        }
        else
        {
            Arrays.fill(matchesPerRule, 0, slots, 0);
        }
    }
}
