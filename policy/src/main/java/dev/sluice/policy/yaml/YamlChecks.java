package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.Suggestions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Typed reads from a located YAML tree that report what is wrong, and where, instead of
 * throwing: the building blocks for any Sluice document (policies, gateway configuration).
 * Every method that cannot give the caller what it asked for reports an error and returns null.
 * <p>
 * {@code what} names the value in messages, e.g. {@code "'regions'"} or {@code "a rule's 'when'"}.
 * <p>
 * Stateless; any thread.
 */
public final class YamlChecks
{
    private YamlChecks()
    {
    }

    /**
     * Check a mapping's keys: every key must be allowed (unknown ones get a "did you mean"
     * hint), and every required key must be present (reported at the mapping's position).
     *
     * @param mapping     the mapping.
     * @param what        what the mapping is, e.g. "a rule".
     * @param allowed     every key that may appear.
     * @param required    the keys that must appear (a subset of allowed).
     * @param diagnostics where problems go.
     * @return true when no problem was found.
     */
    public static boolean checkKeys(
        final YamlMapping mapping,
        final String what,
        final Collection<String> allowed,
        final Collection<String> required,
        final Diagnostics diagnostics)
    {
        boolean ok = true;
        for (final YamlEntry entry : mapping.entries())
        {
            final String key = entry.key().value();
            if (!allowed.contains(key))
            {
                ok = false;
                diagnostics.error(
                    entry.key().position(),
                    "unknown key '" + key + "' in " + what,
                    Suggestions.didYouMean(key, allowed, "allowed keys: " + String.join(", ", allowed)));
            }
        }

        for (final String key : required)
        {
            if (!mapping.has(key))
            {
                ok = false;
                diagnostics.error(mapping.position(), "missing required key '" + key + "' in " + what, null);
            }
        }

        return ok;
    }

    /**
     * @return the node as a mapping, or null (reported) when it is something else.
     */
    public static YamlMapping mapping(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        if (node instanceof YamlMapping mapping)
        {
            return mapping;
        }
        diagnostics.error(node.position(), what + " must be a mapping (key: value lines), found " + node.describe(), null);
        return null;
    }

    /**
     * @return the node as a list, or null (reported) when it is something else.
     */
    public static YamlSequence sequence(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        if (node instanceof YamlSequence sequence)
        {
            return sequence;
        }
        diagnostics.error(node.position(), what + " must be a list, found " + node.describe(), null);
        return null;
    }

    /**
     * @return the node as a non-empty scalar, or null (reported) when it is something else.
     */
    public static YamlScalar scalar(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        if (node instanceof YamlScalar scalar && !scalar.isNull() && !scalar.value().isEmpty())
        {
            return scalar;
        }
        diagnostics.error(node.position(), what + " must be a value, found " + node.describe(), null);
        return null;
    }

    /**
     * @return the node's text when it is a non-empty scalar, or null (reported).
     */
    public static String string(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        final YamlScalar scalar = scalar(node, what, diagnostics);
        return null == scalar ? null : scalar.value();
    }

    /**
     * Read an unquoted decimal integer.
     *
     * @return the value, or null (reported) when the node is not one or is outside {@code [min, max]}.
     */
    public static Long integer(
        final YamlNode node, final String what, final long min, final long max, final Diagnostics diagnostics)
    {
        final YamlScalar scalar = scalar(node, what, diagnostics);
        if (null == scalar)
        {
            return null;
        }

        final String text = scalar.value();
        if (!scalar.isPlain() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            diagnostics.error(scalar.position(), what + " must be a whole number, found '" + text + "'", null);
            return null;
        }

        final long value = Long.parseLong(text);
        if (value < min || value > max)
        {
            diagnostics.error(scalar.position(), what + " must be between " + min + " and " + max + ", found " + value, null);
            return null;
        }

        return value;
    }

    /**
     * Read a value written either as one scalar or as a list of scalars.
     *
     * @return the scalars (a list of one for a lone scalar; items that are not scalars are
     * reported and left out), or null (reported) when the node is neither.
     */
    public static List<YamlScalar> scalarOrList(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        if (node instanceof YamlScalar)
        {
            final YamlScalar scalar = scalar(node, what, diagnostics);
            return null == scalar ? null : List.of(scalar);
        }
        if (node instanceof YamlSequence sequence)
        {
            return scalarList(sequence, what, diagnostics);
        }
        diagnostics.error(node.position(), what + " must be a value or a list of values, found " + node.describe(), null);
        return null;
    }

    /**
     * Read a list whose items must all be scalars.
     *
     * @return the items that are scalars (the others are reported and left out), or null
     * (reported) when the node is not a list.
     */
    public static List<YamlScalar> scalarList(final YamlNode node, final String what, final Diagnostics diagnostics)
    {
        final YamlSequence sequence = sequence(node, what, diagnostics);
        if (null == sequence)
        {
            return null;
        }

        final ArrayList<YamlScalar> scalars = new ArrayList<>(sequence.size());
        for (final YamlNode item : sequence.items())
        {
            final YamlScalar scalar = scalar(item, "each item of " + what, diagnostics);
            if (null != scalar)
            {
                scalars.add(scalar);
            }
        }

        return scalars;
    }
}
