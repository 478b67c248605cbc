package dev.sluice.policy;

import dev.sluice.policy.action.AnonymizationSettings;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;

import java.util.List;

/**
 * Reads the optional {@code anonymization:} section, the parameters of the methods that
 * {@code anonymize ... with} and residency's {@code after:} name:
 * <pre>
 * anonymization:
 *   truncate-ipv4: 24          # prefix kept by 'truncate', 0..32
 *   truncate-ipv6: 48          # 0..128
 *   keep-email-domain: true    # 'email' keeps the domain
 *   geohash-precision: 6       # 'geohash' cell, 1..12 characters
 *   geohash-min-precision: 3   # coarsest cell the k-anonymity guard falls back to
 *   k-anonymity: 5             # distinct vehicles per cell and window; 1 = off
 *   k-window: 5m               # ms, s, m or h
 *   speed-step: 5              # 'round' speeds to multiples of this (the message's unit), 1..1000
 *   heading-step: 45           # 'round' headings to multiples of this, degrees, a divisor of 360
 *   time-bucket: 1m            # 'bucket' cuts times down to multiples of this (1s..24h)
 * </pre>
 * Every key is optional and has the default of {@link AnonymizationSettings#DEFAULTS}.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class AnonymizationReader
{
    static final String TRUNCATE_IPV4 = "truncate-ipv4";
    static final String TRUNCATE_IPV6 = "truncate-ipv6";
    static final String KEEP_EMAIL_DOMAIN = "keep-email-domain";
    static final String GEOHASH_PRECISION = "geohash-precision";
    static final String GEOHASH_MIN_PRECISION = "geohash-min-precision";
    static final String K_ANONYMITY = "k-anonymity";
    static final String K_WINDOW = "k-window";
    static final String SPEED_STEP = "speed-step";
    static final String HEADING_STEP = "heading-step";
    static final String TIME_BUCKET = "time-bucket";
    private static final List<String> KEYS = List.of(
        TRUNCATE_IPV4, TRUNCATE_IPV6, KEEP_EMAIL_DOMAIN, GEOHASH_PRECISION, GEOHASH_MIN_PRECISION, K_ANONYMITY, K_WINDOW, SPEED_STEP,
        HEADING_STEP, TIME_BUCKET);

    private final Diagnostics diagnostics;
    private final FlowsReader scalars;

    AnonymizationReader(final Diagnostics diagnostics)
    {
        this.diagnostics = diagnostics;
        this.scalars = new FlowsReader(diagnostics);
    }

    /**
     * @param section the {@code anonymization:} node.
     * @return the settings, with defaults for what the section leaves out (also after errors, which are reported).
     */
    AnonymizationSettings read(final YamlNode section)
    {
        final YamlMapping mapping = YamlChecks.mapping(section, "'anonymization'", diagnostics);
        if (null == mapping)
        {
            return AnonymizationSettings.DEFAULTS;
        }
        YamlChecks.checkKeys(mapping, "'anonymization'", KEYS, List.of(), diagnostics);

        final AnonymizationSettings defaults = AnonymizationSettings.DEFAULTS;
        final int precision = integer(mapping, GEOHASH_PRECISION, 1, AnonymizationSettings.MAX_GEOHASH_PRECISION,
            defaults.geohashPrecision());
        int minPrecision = integer(mapping, GEOHASH_MIN_PRECISION, 1, AnonymizationSettings.MAX_GEOHASH_PRECISION,
            Math.min(precision, defaults.geohashMinPrecision()));
        if (minPrecision > precision)
        {
            diagnostics.error(
                mapping.get(GEOHASH_MIN_PRECISION).position(),
                "'" + GEOHASH_MIN_PRECISION + "' (" + minPrecision + ") is finer than '" + GEOHASH_PRECISION + "' (" + precision + ")",
                "the guard falls back from geohash-precision to coarser cells: make geohash-min-precision at most " + precision);
            minPrecision = precision;
        }
        return new AnonymizationSettings(
            integer(mapping, TRUNCATE_IPV4, 0, 32, defaults.truncateIpv4Bits()),
            integer(mapping, TRUNCATE_IPV6, 0, 128, defaults.truncateIpv6Bits()),
            scalars.bool(mapping.get(KEEP_EMAIL_DOMAIN), KEEP_EMAIL_DOMAIN, defaults.keepEmailDomain()),
            precision,
            minPrecision,
            integer(mapping, K_ANONYMITY, 1, AnonymizationSettings.MAX_K_ANONYMITY, defaults.kAnonymity()),
            scalars.duration(mapping.get(K_WINDOW), K_WINDOW, defaults.kWindowNs()),
            integer(mapping, SPEED_STEP, 1, 1_000, defaults.speedStep()),
            headingStep(mapping, defaults.headingStep()),
            timeBucket(mapping, defaults.timeBucketNs()));
    }

    private long timeBucket(final YamlMapping mapping, final long defaultNs)
    {
        final long bucketNs = scalars.duration(mapping.get(TIME_BUCKET), TIME_BUCKET, defaultNs);
        if (bucketNs % 1_000_000_000L != 0)
        {
            diagnostics.error(
                mapping.get(TIME_BUCKET).position(),
                "'" + TIME_BUCKET + "' must be whole seconds",
                "a time bucket finer than a second hides nothing; write e.g. 1s, 30s or 5m");
            return defaultNs;
        }
        return bucketNs;
    }

    private int headingStep(final YamlMapping mapping, final int defaultValue)
    {
        final int step = integer(mapping, HEADING_STEP, 1, 360, defaultValue);
        if (360 % step != 0)
        {
            diagnostics.error(
                mapping.get(HEADING_STEP).position(),
                "'" + HEADING_STEP + "' must divide 360, found " + step,
                "e.g. 15, 30, 45 or 90, so that rounding wraps 360 to 0");
            return defaultValue;
        }
        return step;
    }

    private int integer(final YamlMapping mapping, final String key, final int min, final int max, final int defaultValue)
    {
        final YamlNode node = mapping.get(key);
        if (null == node)
        {
            return defaultValue;
        }
        final Long value = YamlChecks.integer(node, "'" + key + "'", min, max, diagnostics);
        return null == value ? defaultValue : value.intValue();
    }
}
