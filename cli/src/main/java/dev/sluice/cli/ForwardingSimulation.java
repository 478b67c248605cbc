package dev.sluice.cli;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.dataplane.classify.Sampling;
import dev.sluice.dataplane.classify.limit.RateLimitPlan;
import dev.sluice.dataplane.classify.limit.RateLimiter;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;

/**
 * Whether the rule that decides an item forwards it, as a gateway's worker would over the same
 * sample in the same order: {@code drop}; {@code sample 1/N} keeps the first of every N items of
 * its rule; {@code rate-limit} runs the gateway's own {@link RateLimiter} at each item's time (a
 * capture's timestamps, a log line's own time); {@code count} forwards an event only inside its
 * rule's count record, and drops a packet. One worker's view: a gateway with W workers
 * lets up to W times a limit through. For the explainers; one thread.
 */
final class ForwardingSimulation
{
    private final Policy policy;
    private final long[] matchesPerSlot;
    private final KeyFields[] sampleKeys;
    private final RateLimiter rateLimiter = new RateLimiter();

    ForwardingSimulation(final Policy policy)
    {
        this.policy = policy;
        this.matchesPerSlot = new long[policy.ruleCount() + 1];
        this.sampleKeys = new KeyFields[policy.ruleCount() + 1];
        for (int slot = 0; slot < sampleKeys.length; slot++)
        {
            sampleKeys[slot] = KeyFields.of(policy.actionsFor(slot == policy.ruleCount() ? Policy.NO_MATCH : slot).sampleKeys());
        }
        rateLimiter.onNewPolicy(RateLimitPlan.of(policy));
    }

    /**
     * @param ruleIndex what {@link Policy#firstMatch} returned.
     * @param item      the item's fields.
     * @param timeNs    the item's time (epoch nanoseconds), for rate limits.
     * @return why the item is not forwarded, or null when it is.
     */
    String notForwarded(final int ruleIndex, final FieldReader item, final long timeNs)
    {
        final int slot = Policy.NO_MATCH == ruleIndex ? policy.ruleCount() : ruleIndex;
        final RuleActions actions = policy.actionsFor(ruleIndex);
        return switch (actions.kind())
        {
            case DROP -> Policy.NO_MATCH == ruleIndex ? "the default drops it" : "the rule drops it";
            case SAMPLE -> Sampling.keeps(sampleKeys[slot], actions.sampleDenominator(), item, matchesPerSlot[slot]++) ? null :
                actions.sampleKeys().isEmpty() ? "sampled out (the first of every " + actions.sampleDenominator() + " is kept)" :
                    "sampled out (its key is not in the 1 in " + actions.sampleDenominator() + " kept)";
            case RATE_LIMIT -> rateLimiter.admit(slot, item, timeNs) ? null :
                "rate-limited (over " + actions.rateLimit().describe().substring("rate-limit ".length()) + " at the item's time)";
            // An event leaves only within its rule's count record; a packet is dropped (count_rule_on_packet).
            case COUNT -> "packet".contentEquals(item.text(EventFields.ITEM_KIND)) ?
                "dropped: 'count' counts events, not packets (count_rule_on_packet)" :
                "counted: only the rule's count record for its key and window leaves (" + actions.count().describe() + ")";
            case KEEP, AGGREGATE -> null;
        };
    }
}
