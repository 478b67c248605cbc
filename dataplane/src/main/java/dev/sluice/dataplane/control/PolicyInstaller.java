package dev.sluice.dataplane.control;

import dev.sluice.dataplane.anonymize.keys.KeyCustodian;
import dev.sluice.dataplane.anonymize.keys.KeyRing;
import dev.sluice.dataplane.classify.CompiledRules;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.classify.limit.RateLimitPlan;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.residency.ClassCounting;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.residency.ResidencyPlan;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.residency.ResidencyRule;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a validated policy into what this gateway runs, checking what only the gateway can
 * know: whether it carries out every action the policy uses, and whether it holds the keys the
 * policy's transforms need. With a {@link KeyCustodian}, the keys are those of the policy's
 * {@code keys:} section for this gateway's region (or the single configured key file): every
 * epoch still needed must have its key, loaded here, off the data path; the snapshot carries the
 * resulting {@link KeyRing} to the workers. Conductor thread.
 */
public final class PolicyInstaller
{
    private final String originRegion;
    private final List<String> destinations;
    private final boolean canTransform;
    private final KeyCustodian keys;
    private ClassDecisionCounters classCounters;
    private int rateLimitEntries = RateLimitPlan.ENTRIES_DEFAULT;

    /**
     * @param originRegion the region of this gateway's site
     * @param destinations the destination regions, in destination index order
     * @param canTransform whether the gateway holds an anonymization key
     */
    public PolicyInstaller(final String originRegion, final List<String> destinations, final boolean canTransform)
    {
        this.originRegion = originRegion;
        this.destinations = List.copyOf(destinations);
        this.canTransform = canTransform;
        this.keys = null;
    }

    /**
     * @param originRegion the region of this gateway's site
     * @param destinations the destination regions, in destination index order
     * @param keys         this gateway's keys: a built snapshot's ring is committed to it
     */
    public PolicyInstaller(final String originRegion, final List<String> destinations, final KeyCustodian keys)
    {
        this.originRegion = originRegion;
        this.destinations = List.copyOf(destinations);
        this.canTransform = false;
        this.keys = keys;
    }

    /**
     * Counts residency decisions per data class into the gateway's counters: each version built
     * from now on carries its {@link ClassCounting}.
     */
    public PolicyInstaller countClassesIn(final ClassDecisionCounters classCounters)
    {
        this.classCounters = classCounters;
        return this;
    }

    /**
     * @param entries buckets per keyed {@code rate-limit} rule in the versions built from now on, a
     *                power of two (default {@link RateLimitPlan#ENTRIES_DEFAULT}).
     * @return this.
     */
    public PolicyInstaller rateLimitEntries(final int entries)
    {
        if (entries < 1 || entries > RateLimitPlan.MAX_ENTRIES || Integer.bitCount(entries) != 1)
        {
            throw new IllegalArgumentException(
                "rate limit entries per rule must be a power of two, 1.." + RateLimitPlan.MAX_ENTRIES + ": " + entries);
        }
        this.rateLimitEntries = entries;
        return this;
    }

    /** Key epoch switches and overlap ends; conductor duty cycle. */
    public int doKeyWork()
    {
        return null == keys ? 0 : keys.doWork();
    }

    /** The outcome of building one version: a snapshot, or the reasons it cannot run here. */
    public record Result(PolicySnapshot snapshot, List<String> errors)
    {
    }

    public Result build(final long version, final Policy policy)
    {
        final List<String> errors = new ArrayList<>();
        final CompiledRules rules = CompiledRules.of(policy, rateLimitEntries);
        final ResidencyPlan residency = ResidencyPlan.build(policy, originRegion, destinations);
        final byte precompute = residency.anyDestinationTransforms();
        final EventResidencyPlan eventResidency = EventResidencyPlan.build(policy, originRegion, destinations);
        final EventRules eventRules = EventRules.of(policy);
        final boolean anonymizeRule = rules.anonymizes() || eventRules.anyAnonymizes();
        final List<String> keyedMethods = keyedMethods(policy);
        KeyRing ring = null;
        String noKeyReason = canTransform ? null :
            "this gateway has no anonymization key; set anonymization.key-file in the gateway configuration";
        if (null != keys)
        {
            final KeyCustodian.Resolution resolution = keys.resolve(policy.keys());
            errors.addAll(resolution.errors());
            ring = resolution.ring();
            noKeyReason = resolution.noKeyReason();
        }
        final boolean needsTransform = (anonymizeRule || precompute != 0 || eventResidency.anyTransform()) && !keyedMethods.isEmpty();
        // When the keys could not be resolved at all, their errors already say why.
        if (needsTransform && null != noKeyReason && (null == keys || null != ring))
        {
            errors.add("the policy needs an anonymization key for " + String.join(", ", keyedMethods) + " (" +
                (anonymizeRule ? "an anonymize rule" : "residency to " + transformingDestinations(residency, eventResidency)) +
                ") but " + noKeyReason);
        }
        if (!errors.isEmpty())
        {
            if (null != keys)
            {
                keys.discard();
            }
            return new Result(null, errors);
        }
        if (null != keys)
        {
            // The conductor applies every snapshot built without errors, at once.
            keys.commit(ring);
        }
        return new Result(
            new PolicySnapshot(version, policy.name(), rules, residency, precompute, eventRules, eventResidency, ring,
                null == classCounters ? null : ClassCounting.build(policy, classCounters)), List.of());
    }

    /**
     * The methods the policy names that need the site's key: all but truncation, and the geohash
     * only when its k-anonymity guard tells vehicles apart (by a keyed hash of their identity).
     */
    private static List<String> keyedMethods(final Policy policy)
    {
        final Set<AnonymizationMethod> methods = EnumSet.noneOf(AnonymizationMethod.class);
        for (int rule = 0; rule <= policy.ruleCount(); rule++)
        {
            final RuleActions actions = rule == policy.ruleCount() ? policy.defaultActions() : policy.actionsFor(rule);
            actions.anonymizeFieldsByMethod().forEach((method, fields) ->
            {
                if (!fields.isEmpty())
                {
                    methods.add(method);
                }
            });
        }
        for (final ResidencyRule rule : policy.residency().rules())
        {
            methods.addAll(rule.after().keySet());
        }
        methods.remove(AnonymizationMethod.TRUNCATE);
        if (policy.anonymizationSettings().kAnonymity() <= 1)
        {
            methods.remove(AnonymizationMethod.GEOHASH);
        }
        return methods.stream().map(AnonymizationMethod::keyword).toList();
    }

    private static String transformingDestinations(final ResidencyPlan plan, final EventResidencyPlan eventPlan)
    {
        final List<String> names = new ArrayList<>();
        for (int d = 0; d < plan.destinations().size(); d++)
        {
            if (plan.transformFields(d) != 0 || eventPlan.transforms(d))
            {
                names.add(plan.destinations().get(d));
            }
        }
        return String.join(", ", names);
    }
}
