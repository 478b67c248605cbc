package dev.sluice.policy.compile;

import dev.sluice.policy.field.FieldReader;

/**
 * Finds the first rule of a policy whose condition holds for an item: the one question the data
 * path asks per item, so the policy can answer it with generated code or with the interpreter.
 * Implementations are immutable and allocation-free; any thread, each with its own reader.
 */
public interface RuleMatcher
{
    /**
     * @param item the item's fields.
     * @return the index of the first rule whose condition holds, or -1 when none does.
     */
    int firstMatch(FieldReader item);
}
