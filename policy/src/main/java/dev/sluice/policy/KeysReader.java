package dev.sluice.policy;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.keys.KeyEpoch;
import dev.sluice.policy.keys.KeyEpochs;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;
import dev.sluice.policy.yaml.YamlSequence;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code keys:} section: the metadata of the anonymization keys, per region
 * and epoch. Key bytes are never part of a policy (the control plane must never handle them);
 * each gateway reads its own region's keys from its key directory.
 * <pre>
 * keys:
 *   overlap: 24h             # optional, default 0: how long a replaced key stays loaded
 *   epochs:
 *     - {region: eu-west, id: "2026-11", from: "2026-11-01T00:00:00Z"}
 *     - {region: eu-west, id: "2026-12", from: "2026-12-01T00:00:00Z"}
 *     - {region: us-east, id: "2026-11", from: "2026-11-01T00:00:00Z"}
 * </pre>
 * Checks that every region is declared in {@code regions:}, that ids are unique per region and
 * safe as file names (an id names the key file), and that a region's epochs start strictly one
 * after the other in the order listed.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class KeysReader
{
    static final String OVERLAP = "overlap";
    static final String EPOCHS = "epochs";
    private static final List<String> KEYS = List.of(OVERLAP, EPOCHS);
    private static final List<String> EPOCH_KEYS = List.of("region", "id", "from");

    /** Safe as a file name on every file system: no separator, no leading dot, bounded. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Map<String, Long> UNIT_SECONDS = Map.of("s", 1L, "m", 60L, "h", 3_600L, "d", 86_400L);
    /** A year: longer would keep a replaced key in memory for no operational reason. */
    static final long MAX_OVERLAP_SECONDS = 366L * 86_400L;
    private static final String DURATION_FORM = "write a whole number and a unit (s, m, h or d), e.g. 24h or 2d; 0 drops a replaced key at once";
    private static final String TIME_FORM = "write an RFC 3339 time with its zone, e.g. \"2026-11-01T00:00:00Z\"";

    private final Set<String> regions;
    private final Diagnostics diagnostics;

    /**
     * @param regions     the declared regions, or null when the document declares none (then
     *                    the missing declaration is reported once by the caller, not per epoch).
     * @param diagnostics where problems go.
     */
    KeysReader(final Set<String> regions, final Diagnostics diagnostics)
    {
        this.regions = regions;
        this.diagnostics = diagnostics;
    }

    /**
     * @param section the {@code keys:} node.
     * @return the section (also after errors, which are reported).
     */
    KeyEpochs read(final YamlNode section)
    {
        final YamlMapping mapping = YamlChecks.mapping(section, "'keys'", diagnostics);
        if (null == mapping)
        {
            return KeyEpochs.NONE;
        }
        YamlChecks.checkKeys(mapping, "'keys'", KEYS, List.of(EPOCHS), diagnostics);
        final long overlapNs = overlap(mapping.get(OVERLAP));
        final List<KeyEpoch> epochs = epochs(mapping.get(EPOCHS));
        return new KeyEpochs(true, overlapNs, epochs);
    }

    private long overlap(final YamlNode node)
    {
        if (null == node)
        {
            return 0;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "'" + OVERLAP + "'", diagnostics);
        if (null == scalar)
        {
            return 0;
        }
        final String text = scalar.value().strip();
        if (text.startsWith("-"))
        {
            diagnostics.error(scalar.position(), "'overlap' must not be negative, found '" + abbreviate(text) + "'", DURATION_FORM);
            return 0;
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9')
        {
            digits++;
        }
        if (0 == digits)
        {
            diagnostics.error(scalar.position(), "'overlap' must be a duration, found '" + abbreviate(text) + "'", DURATION_FORM);
            return 0;
        }
        final String number = text.substring(0, digits);
        final String unit = text.substring(digits).strip();
        final String significant = number.replaceFirst("^0+(?=.)", "");
        final boolean zero = "0".equals(significant);
        if (unit.isEmpty())
        {
            if (!zero)
            {
                diagnostics.error(scalar.position(), "'overlap' needs a unit: " + number + " what?", "write e.g. " + number + "h; units: s, m, h, d");
            }
            return 0;
        }
        final Long unitSeconds = UNIT_SECONDS.get(unit);
        if (null == unitSeconds)
        {
            final String lower = unit.toLowerCase(Locale.ROOT);
            diagnostics.error(
                scalar.positionOf(scalar.value().indexOf(unit, digits)),
                "unknown unit '" + abbreviate(unit) + "' in 'overlap'",
                UNIT_SECONDS.containsKey(lower) ? "units are lower case: write " + number + lower :
                    "ms".equals(lower) ? "an overlap is counted in seconds or more; write e.g. 1s" : "units: s, m, h, d");
            return 0;
        }
        final long seconds = significant.length() > 12 ? Long.MAX_VALUE : Long.parseLong(significant) * unitSeconds;
        if (seconds > MAX_OVERLAP_SECONDS)
        {
            diagnostics.error(scalar.position(), "'overlap' must be at most 366d, found " + abbreviate(text),
                "a replaced key is kept only for a rollback shortly after a rotation");
            return 0;
        }
        return seconds * 1_000_000_000L;
    }

    private List<KeyEpoch> epochs(final YamlNode node)
    {
        if (null == node)
        {
            return List.of();
        }
        final YamlSequence sequence = YamlChecks.sequence(node, "'" + EPOCHS + "'", diagnostics);
        if (null == sequence)
        {
            return List.of();
        }
        if (0 == sequence.size())
        {
            diagnostics.error(sequence.position(), "'epochs' lists no epoch",
                "add e.g. '- {region: eu-west, id: \"2026-11\", from: \"2026-11-01T00:00:00Z\"}', or remove 'keys'");
            return List.of();
        }

        final List<KeyEpoch> epochs = new ArrayList<>();
        final Map<String, SourcePosition> ids = new HashMap<>();
        final Map<String, KeyEpoch> latest = new HashMap<>();
        for (final YamlNode item : sequence.items())
        {
            final YamlMapping entry = YamlChecks.mapping(item, "a key epoch", diagnostics);
            if (null == entry)
            {
                continue;
            }
            final int errorsBefore = diagnostics.errorCount();
            YamlChecks.checkKeys(entry, "a key epoch", EPOCH_KEYS, EPOCH_KEYS, diagnostics);
            final String region = region(entry.get("region"));
            final String id = id(entry.get("id"));
            final Instant from = from(entry.get("from"));
            if (null != region && null != id)
            {
                final SourcePosition first = ids.putIfAbsent(region + "/" + id, entry.get("id").position());
                if (null != first)
                {
                    diagnostics.error(
                        entry.get("id").position(),
                        "key epoch '" + id + "' of region '" + region + "' is declared twice (first at " + first + ")",
                        "an id names the key file <key-dir>/" + region + "/" + id + ".key: give each epoch its own");
                }
            }
            if (null != region && null != from)
            {
                final KeyEpoch previous = latest.get(region);
                if (null != previous && !from.isAfter(previous.from()))
                {
                    diagnostics.error(
                        entry.get("from").position(),
                        "key epoch '" + (null == id ? "?" : id) + "' of region '" + region + "' starts at " + from +
                            ", not after epoch '" + previous.id() + "' (" + previous.from() + ", at " + previous.position() + ")",
                        "list a region's epochs in the order they start, each strictly later than the one before");
                }
            }
            // A region is null also without an error of its own: when 'regions' is missing (reported once, at 'keys').
            if (diagnostics.errorCount() == errorsBefore && null != region && null != id && null != from)
            {
                final KeyEpoch epoch = new KeyEpoch(region, id, from, entry.position());
                latest.put(region, epoch);
                epochs.add(epoch);
            }
        }
        return epochs;
    }

    private String region(final YamlNode node)
    {
        if (null == node)
        {
            return null;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "the epoch's 'region'", diagnostics);
        if (null == scalar)
        {
            return null;
        }
        final String region = scalar.value();
        if (null != regions && !regions.contains(region))
        {
            diagnostics.error(
                scalar.position(),
                "region '" + abbreviate(region) + "' is not declared in 'regions'",
                Suggestions.didYouMean(region, regions, "add it to 'regions:'; keys belong to a declared region"));
            return null;
        }
        return null == regions ? null : region;
    }

    private String id(final YamlNode node)
    {
        if (null == node)
        {
            return null;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "the epoch's 'id'", diagnostics);
        if (null == scalar)
        {
            return null;
        }
        final String id = scalar.value();
        if (!ID.matcher(id).matches())
        {
            diagnostics.error(
                scalar.position(),
                "invalid key epoch id '" + abbreviate(id) + "'",
                "an id names the key file <id>.key: use up to 64 letters, digits, '.', '_' and '-', " +
                    "starting with a letter or digit, e.g. \"2026-11\"");
            return null;
        }
        return id;
    }

    private Instant from(final YamlNode node)
    {
        if (null == node)
        {
            return null;
        }
        final YamlScalar scalar = YamlChecks.scalar(node, "the epoch's 'from'", diagnostics);
        if (null == scalar)
        {
            return null;
        }
        final String text = scalar.value().strip();
        try
        {
            return OffsetDateTime.parse(text).toInstant();
        }
        catch (final DateTimeException ex)
        {
            final boolean dateOnly = text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-';
            final boolean noZone = !dateOnly && text.indexOf('T') > 0 && !text.endsWith("Z") && !text.endsWith("z") &&
                text.lastIndexOf('+') < 0 && text.lastIndexOf('-') < text.indexOf('T');
            diagnostics.error(
                scalar.position(),
                "'from' must be a time with a zone, found '" + abbreviate(text) + "'",
                dateOnly ? "add the time and zone: \"" + text + "T00:00:00Z\"" :
                    noZone ? "add the zone, e.g. \"" + text + "Z\" for UTC" : TIME_FORM);
            return null;
        }
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
