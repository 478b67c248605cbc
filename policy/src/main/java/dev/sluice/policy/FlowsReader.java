package dev.sluice.policy;

import dev.sluice.policy.action.FlowSettings;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the optional {@code flows:} section, the settings of {@code aggregate flows}:
 * <pre>
 * flows:
 *   idle-timeout: 15s        # ms, s, m or h; whole numbers; 1ms..24h
 *   active-timeout: 60s
 *   max-flows: 65536         # per worker, 1..16777216
 *   bidirectional: true      # true | false
 * </pre>
 * Every key is optional and has the default of {@link FlowSettings#DEFAULTS}.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class FlowsReader
{
    static final String IDLE_TIMEOUT = "idle-timeout";
    static final String ACTIVE_TIMEOUT = "active-timeout";
    static final String MAX_FLOWS = "max-flows";
    static final String BIDIRECTIONAL = "bidirectional";
    private static final List<String> KEYS = List.of(IDLE_TIMEOUT, ACTIVE_TIMEOUT, MAX_FLOWS, BIDIRECTIONAL);

    private static final Map<String, Long> UNIT_MILLIS = Map.of("ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L);
    private static final Map<String, String> UNIT_SPELLINGS = Map.ofEntries(
        Map.entry("msec", "ms"), Map.entry("msecs", "ms"), Map.entry("millis", "ms"), Map.entry("milliseconds", "ms"),
        Map.entry("sec", "s"), Map.entry("secs", "s"), Map.entry("second", "s"), Map.entry("seconds", "s"),
        Map.entry("min", "m"), Map.entry("mins", "m"), Map.entry("minute", "m"), Map.entry("minutes", "m"),
        Map.entry("hr", "h"), Map.entry("hrs", "h"), Map.entry("hour", "h"), Map.entry("hours", "h"));

    private final Diagnostics diagnostics;

    FlowsReader(final Diagnostics diagnostics)
    {
        this.diagnostics = diagnostics;
    }

    /**
     * @param section the {@code flows:} node.
     * @return the settings, with defaults for what the section leaves out (also after errors,
     * which are reported).
     */
    FlowSettings read(final YamlNode section)
    {
        final YamlMapping mapping = YamlChecks.mapping(section, "'flows'", diagnostics);
        if (null == mapping)
        {
            return FlowSettings.DEFAULTS;
        }
        YamlChecks.checkKeys(mapping, "'flows'", KEYS, List.of(), diagnostics);

        final long idleTimeoutNs = duration(mapping.get(IDLE_TIMEOUT), IDLE_TIMEOUT, FlowSettings.DEFAULT_IDLE_TIMEOUT_NS);
        final long activeTimeoutNs = duration(mapping.get(ACTIVE_TIMEOUT), ACTIVE_TIMEOUT, FlowSettings.DEFAULT_ACTIVE_TIMEOUT_NS);
        int maxFlows = FlowSettings.DEFAULT_MAX_FLOWS_PER_WORKER;
        final YamlNode maxFlowsNode = mapping.get(MAX_FLOWS);
        if (null != maxFlowsNode)
        {
            final Long value = YamlChecks.integer(
                maxFlowsNode, "'" + MAX_FLOWS + "'", 1, FlowSettings.MAX_FLOWS_PER_WORKER_LIMIT, diagnostics);
            maxFlows = null == value ? maxFlows : value.intValue();
        }
        final boolean bidirectional = bool(mapping.get(BIDIRECTIONAL), BIDIRECTIONAL, FlowSettings.DEFAULT_BIDIRECTIONAL);

        if (activeTimeoutNs < idleTimeoutNs)
        {
            final YamlNode at = null != mapping.get(ACTIVE_TIMEOUT) ? mapping.get(ACTIVE_TIMEOUT) : mapping.get(IDLE_TIMEOUT);
            diagnostics.warning(
                at.position(),
                "the active timeout (" + FlowSettings.formatDuration(activeTimeoutNs) + ") is shorter than the idle timeout (" +
                    FlowSettings.formatDuration(idleTimeoutNs) + "), so no flow is ever closed as idle",
                "make 'active-timeout' at least as long as 'idle-timeout'");
        }

        return new FlowSettings(idleTimeoutNs, activeTimeoutNs, maxFlows, bidirectional);
    }

    /**
     * @return the duration in nanoseconds, or the default (after reporting) when it is absent or invalid.
     */
    long duration(final YamlNode node, final String key, final long defaultNs)
    {
        if (null == node)
        {
            return defaultNs;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "'" + key + "'", diagnostics);
        if (null == scalar)
        {
            return defaultNs;
        }

        final String text = scalar.value();
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9')
        {
            digits++;
        }
        final String form = "write a whole number and a unit (ms, s, m or h), e.g. 500ms, 15s or 2m";
        if (0 == digits)
        {
            diagnostics.error(scalar.position(), "'" + key + "' must be a duration, found '" + abbreviate(text) + "'", form);
            return defaultNs;
        }
        final String number = text.substring(0, digits);
        final String unit = text.substring(digits).strip();
        if (unit.isEmpty())
        {
            diagnostics.error(scalar.position(), "'" + key + "' needs a unit: " + number + " what?", "write e.g. " + number + "s; units: ms, s, m, h");
            return defaultNs;
        }

        final int unitOffset = text.indexOf(unit, digits);
        final Long unitMillis = UNIT_MILLIS.get(unit);
        if (null == unitMillis)
        {
            final String spelling = UNIT_SPELLINGS.get(unit.toLowerCase(Locale.ROOT));
            final String hint;
            if (null != spelling)
            {
                hint = "write " + number + spelling;
            }
            else if ('.' == unit.charAt(0) || ',' == unit.charAt(0))
            {
                hint = "durations are whole numbers; use a smaller unit, e.g. 1500ms";
            }
            else if (UNIT_MILLIS.containsKey(unit.toLowerCase(Locale.ROOT)))
            {
                hint = "units are lower case: write " + number + unit.toLowerCase(Locale.ROOT);
            }
            else
            {
                hint = "units: ms, s, m, h";
            }
            diagnostics.error(scalar.positionOf(unitOffset), "unknown unit '" + abbreviate(unit) + "' in '" + key + "'", hint);
            return defaultNs;
        }

        final long maxMillis = FlowSettings.MAX_TIMEOUT_NS / 1_000_000L;
        final String significant = number.replaceFirst("^0+(?=.)", "");
        final long millis = significant.length() > 12 ? Long.MAX_VALUE : Long.parseLong(significant) * unitMillis;
        if (0 == millis)
        {
            diagnostics.error(scalar.position(), "'" + key + "' must be at least 1ms, found " + text, null);
            return defaultNs;
        }
        if (millis > maxMillis)
        {
            diagnostics.error(scalar.position(), "'" + key + "' must be at most 24h, found " + abbreviate(text), null);
            return defaultNs;
        }
        return millis * 1_000_000L;
    }

    boolean bool(final YamlNode node, final String key, final boolean defaultValue)
    {
        if (null == node)
        {
            return defaultValue;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "'" + key + "'", diagnostics);
        if (null == scalar)
        {
            return defaultValue;
        }
        if (scalar.isPlain() && "true".equals(scalar.value()))
        {
            return true;
        }
        if (scalar.isPlain() && "false".equals(scalar.value()))
        {
            return false;
        }
        diagnostics.error(
            scalar.position(),
            "'" + key + "' must be true or false, found '" + abbreviate(scalar.value()) + "'",
            scalar.isPlain() ? null : "write it without quotes");
        return defaultValue;
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
