package dev.sluice.policy;

import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.field.DataClasses;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.residency.ResidencyRule;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlEntry;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;
import dev.sluice.policy.yaml.YamlSequence;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code residency:} section:
 * <pre>
 * residency:
 *   - class: pii.ip
 *     origin: eu-west          # a region, a list of regions, or any
 *     raw: [eu-west]           # may reach these untransformed
 *     after:
 *       cryptopan: [us-east]   # may reach these only after the transform
 * </pre>
 * Checks that classes are known, regions declared, methods known and able to transform every
 * field of the class, and that no two entries decide the same class and origin.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class ResidencyReader
{
    static final String ANY = "any";
    private static final List<String> KEYS = List.of("class", "origin", "raw", "after");
    private static final List<String> REQUIRED = List.of("class", "origin");

    private final Set<String> regions;
    private final DataClasses dataClasses;
    private final Diagnostics diagnostics;

    /**
     * @param regions     the declared regions, or null when the document declares none (then
     *                    the missing declaration is reported once by the caller, not per use).
     * @param dataClasses known classes.
     * @param diagnostics where problems go.
     */
    ResidencyReader(final Set<String> regions, final DataClasses dataClasses, final Diagnostics diagnostics)
    {
        this.regions = regions;
        this.dataClasses = dataClasses;
        this.diagnostics = diagnostics;
    }

    List<ResidencyRule> read(final YamlNode section)
    {
        final YamlSequence entries = YamlChecks.sequence(section, "'residency'", diagnostics);
        if (null == entries)
        {
            return List.of();
        }

        final ArrayList<ResidencyRule> rules = new ArrayList<>();
        final Map<String, SourcePosition> covered = new HashMap<>();
        for (final YamlNode node : entries.items())
        {
            final YamlMapping entry = YamlChecks.mapping(node, "a residency entry", diagnostics);
            if (null == entry)
            {
                continue;
            }
            YamlChecks.checkKeys(entry, "a residency entry", KEYS, REQUIRED, diagnostics);
            final ResidencyRule rule = readEntry(entry, covered);
            if (null != rule)
            {
                rules.add(rule);
            }
        }
        return rules;
    }

    private ResidencyRule readEntry(final YamlMapping entry, final Map<String, SourcePosition> covered)
    {
        final int errorsBefore = diagnostics.errorCount();

        String dataClass = null;
        final YamlNode classNode = entry.get("class");
        if (null != classNode)
        {
            final YamlScalar scalar = YamlChecks.scalar(classNode, "'class'", diagnostics);
            if (null != scalar)
            {
                dataClass = scalar.value();
                if (!dataClasses.contains(dataClass))
                {
                    diagnostics.error(
                        scalar.position(),
                        "unknown data class '" + dataClass + "'",
                        Suggestions.didYouMean(dataClass, dataClasses.names(),
                            "declare it under 'classes:' or use one of: " + String.join(", ", dataClasses.names())));
                    dataClass = null;
                }
            }
        }

        boolean anyOrigin = false;
        final Set<String> origins = new LinkedHashSet<>();
        final YamlNode originNode = entry.get("origin");
        if (null != originNode)
        {
            final List<YamlScalar> originScalars = YamlChecks.scalarOrList(originNode, "'origin'", diagnostics);
            if (null != originScalars)
            {
                if (originScalars.isEmpty())
                {
                    diagnostics.error(originNode.position(), "'origin' needs at least one region, or 'any'", null);
                }
                for (final YamlScalar origin : originScalars)
                {
                    if (ANY.equals(origin.value()))
                    {
                        if (originScalars.size() > 1)
                        {
                            diagnostics.error(origin.position(), "'any' must stand alone as the origin", "write 'origin: any'");
                        }
                        anyOrigin = true;
                    }
                    else
                    {
                        origins.add(region(origin));
                    }
                }
            }
        }

        final Set<String> raw = new LinkedHashSet<>();
        final Map<String, YamlScalar> rawScalars = new HashMap<>();
        final YamlNode rawNode = entry.get("raw");
        if (null != rawNode)
        {
            final List<YamlScalar> scalars = YamlChecks.scalarOrList(rawNode, "'raw'", diagnostics);
            if (null != scalars)
            {
                for (final YamlScalar scalar : scalars)
                {
                    raw.add(region(scalar));
                    rawScalars.put(scalar.value(), scalar);
                }
            }
        }

        final Map<AnonymizationMethod, Set<String>> after = new EnumMap<>(AnonymizationMethod.class);
        final YamlNode afterNode = entry.get("after");
        if (null != afterNode)
        {
            final YamlMapping methods = YamlChecks.mapping(afterNode, "'after'", diagnostics);
            if (null != methods)
            {
                for (final YamlEntry methodEntry : methods.entries())
                {
                    readAfter(methodEntry, dataClass, raw, after);
                }
            }
        }

        if (null != dataClass && diagnostics.errorCount() == errorsBefore)
        {
            final List<String> keys = new ArrayList<>();
            if (anyOrigin)
            {
                keys.add(dataClass + " from any origin");
            }
            for (final String origin : origins)
            {
                keys.add(dataClass + " from " + origin);
            }
            for (final String key : keys)
            {
                final SourcePosition first = covered.putIfAbsent(key, entry.position());
                if (null != first)
                {
                    diagnostics.error(
                        entry.position(),
                        "conflicting residency rules: " + key + " is already decided by the entry at " + first,
                        "merge the two entries");
                }
            }
        }

        if (diagnostics.errorCount() != errorsBefore)
        {
            return null;
        }
        return new ResidencyRule(dataClass, anyOrigin, origins, raw, after, entry.position());
    }

    private void readAfter(
        final YamlEntry methodEntry,
        final String dataClass,
        final Set<String> raw,
        final Map<AnonymizationMethod, Set<String>> after)
    {
        final YamlScalar key = methodEntry.key();
        final AnonymizationMethod method = AnonymizationMethod.byKeyword(key.value());
        if (null == method)
        {
            diagnostics.error(
                key.position(),
                "unknown transform '" + key.value() + "'",
                Suggestions.didYouMean(key.value(), AnonymizationMethod.keywords(),
                    "transforms: " + String.join(", ", AnonymizationMethod.keywords())));
            return;
        }

        if (null != dataClass)
        {
            for (final Field field : dataClasses.fieldsOf(dataClass))
            {
                if (!method.appliesTo(field.type()))
                {
                    diagnostics.error(
                        key.position(),
                        method.keyword() + " cannot transform data class '" + dataClass + "': its field '" + field.name() +
                            "' is " + field.type().labelWithArticle() + " field",
                        null);
                    return;
                }
            }
        }

        final List<YamlScalar> scalars = YamlChecks.scalarOrList(methodEntry.value(), "'" + key.value() + "'", diagnostics);
        if (null == scalars)
        {
            return;
        }
        final Set<String> destinations = new LinkedHashSet<>();
        for (final YamlScalar scalar : scalars)
        {
            final String region = region(scalar);
            if (raw.contains(region))
            {
                diagnostics.warning(
                    scalar.position(),
                    "region '" + region + "' is listed under both 'raw' and 'after'; raw wins",
                    null);
            }
            destinations.add(region);
        }
        after.put(method, destinations);
    }

    private String region(final YamlScalar scalar)
    {
        final String region = scalar.value();
        if (null != regions && !regions.contains(region))
        {
            diagnostics.error(
                scalar.position(),
                ANY.equals(region) ? "'any' is only allowed as an origin" : "region '" + region + "' is not declared in 'regions'",
                ANY.equals(region) ? null : Suggestions.didYouMean(region, regions, "add it to 'regions:'"));
        }
        return region;
    }
}
