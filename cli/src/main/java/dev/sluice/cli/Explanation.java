package dev.sluice.cli;

import java.util.List;
import java.util.Map;

/**
 * What a policy does with one item of a sample (a packet of a capture, a line of a log), and
 * why: for {@code sluice policy explain} and {@code sluice policy diff}. {@link #decision()} is
 * what a policy change can alter: the rule (by name: the same rule may move in the file), its
 * action and every destination's outcome.
 *
 * @param number       the item's number in the sample (packet number, line number).
 * @param item         how the item is shown.
 * @param ruleName     {@code rule 'NAME'}, {@code default}, or why no rule saw it ({@code not decoded}).
 * @param rule         the same, with the rule's file:line:column.
 * @param action       the rule's action, as written.
 * @param classes      the data classes found, each with the fields that hold it.
 * @param destinations per region of the policy, what it receives.
 * @param transformed  the item's transformed form when one is written (events), or null.
 */
record Explanation(
    long number,
    String item,
    String ruleName,
    String rule,
    String action,
    List<String> classes,
    Map<String, Delivery> destinations,
    String transformed)
{
    /** What one destination receives of an item ({@code raw}, {@code transformed}, {@code blocked}, {@code nothing}), and why. */
    record Delivery(String outcome, String why)
    {
    }

    String decision()
    {
        final StringBuilder out = new StringBuilder(ruleName).append(": ").append(action);
        destinations.forEach((region, delivery) -> out.append("; ").append(region).append(": ").append(delivery.outcome()));
        return out.toString();
    }
}
