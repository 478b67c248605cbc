package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.keys.KeyRing;
import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.residency.ClassCounting;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.residency.ResidencyPlan;

/**
 * One policy version as this gateway runs it: the rules the classify stage applies and the
 * residency decisions per destination. Built off the data path by the conductor, then handed
 * to workers, which switch to it between bursts. Immutable.
 *
 * @param version              the control plane's version number (0 for a local bootstrap policy)
 * @param name                 the policy's name
 * @param rules                what the classify stage runs
 * @param residency            what the residency stage runs
 * @param precomputeTransforms {@link AnonymizedFields} bits some destination needs transformed, so the
 *                             anonymize stage computes them once per item for every destination
 * @param eventRules           what the event worker does with the events each rule matches
 * @param eventResidency       what the event worker decides per destination for the events it forwards
 * @param keys                 the anonymization keys this version runs with (each worker switches
 *                             epochs by it), or null to keep the keys the workers were built with
 * @param classCounting        how the workers count residency decisions per data class, or null
 *                             when the gateway does not
 */
public record PolicySnapshot(
    long version,
    String name,
    CompiledRules rules,
    ResidencyPlan residency,
    byte precomputeTransforms,
    EventRules eventRules,
    EventResidencyPlan eventResidency,
    KeyRing keys,
    ClassCounting classCounting)
{
    /** A snapshot that leaves the workers' keys as they are. */
    public PolicySnapshot(
        final long version,
        final String name,
        final CompiledRules rules,
        final ResidencyPlan residency,
        final byte precomputeTransforms,
        final EventRules eventRules,
        final EventResidencyPlan eventResidency)
    {
        this(version, name, rules, residency, precomputeTransforms, eventRules, eventResidency, null, null);
    }
}
