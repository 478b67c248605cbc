package dev.sluice.policy;

import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.diagnostic.SourcePosition;

/**
 * One rule of a policy: a name, a condition, and what to do with the items it decides.
 * Immutable; any thread.
 *
 * @param index     position in the policy's rule list (what {@link Policy#firstMatch} returns).
 * @param name      unique within the policy.
 * @param position  where the rule is written.
 * @param when      the condition as written.
 * @param condition the compiled condition.
 * @param actions   the compiled actions.
 */
public record Rule(int index, String name, SourcePosition position, String when, Condition condition, RuleActions actions)
{
}
