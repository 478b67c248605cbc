package dev.sluice.policy;

import dev.sluice.policy.condition.NamedList;
import dev.sluice.policy.condition.NamedLists;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlEntry;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;
import dev.sluice.policy.yaml.YamlSequence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the optional {@code lists:} section: named lists that conditions reference as
 * {@code $name}, declared once however many rules use them.
 * <pre>
 * lists:
 *   internal-nets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fd00::/8]   # addresses and prefixes
 *   admin-ports: [22, 3389, 8000..8100]                                    # integers and ranges (also 8000-8100)
 *   noisy-programs: ["cron", "systemd"]                                    # texts, quoted
 * </pre>
 * A list's type is its first element's; an element of another type is an error at that
 * element, and so is an empty list. Duplicate names are duplicate YAML keys, reported by the
 * YAML reader. Whether a list suits the field it is compared with is checked where it is used.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class ListsReader
{
    private final Diagnostics diagnostics;

    ListsReader(final Diagnostics diagnostics)
    {
        this.diagnostics = diagnostics;
    }

    /**
     * @param section the {@code lists:} node.
     * @return the lists without errors, and the names of those with errors (reported).
     */
    NamedLists read(final YamlNode section)
    {
        final YamlMapping mapping = YamlChecks.mapping(section, "'lists'", diagnostics);
        if (null == mapping)
        {
            return NamedLists.none();
        }

        final ArrayList<NamedList> lists = new ArrayList<>();
        final Set<String> broken = new HashSet<>();
        for (final YamlEntry entry : mapping.entries())
        {
            final YamlScalar key = entry.key();
            final String name = key.value();
            if (!NamedList.NAME.matcher(name).matches())
            {
                diagnostics.error(
                    key.position(),
                    "invalid list name '" + (name.length() <= 60 ? name : name.substring(0, 57) + "...") + "'",
                    "use up to 64 letters, digits, '_' and '-', starting with a letter, e.g. internal-nets");
                continue;
            }

            final NamedList.Builder builder = new NamedList.Builder(name, key.position(), diagnostics);
            final YamlNode value = entry.value();
            if (!(value instanceof YamlScalar scalar && scalar.isNull()))
            {
                final YamlSequence sequence = YamlChecks.sequence(value, "list '" + name + "'", diagnostics);
                if (null == sequence)
                {
                    broken.add(name);
                    continue;
                }
                for (final YamlNode item : sequence.items())
                {
                    addElement(builder, item);
                }
            }
            final NamedList list = builder.build();
            if (null == list)
            {
                broken.add(name);
            }
            else
            {
                lists.add(list);
            }
        }
        return new NamedLists(lists, broken);
    }

    private void addElement(final NamedList.Builder builder, final YamlNode item)
    {
        if (!(item instanceof YamlScalar scalar))
        {
            diagnostics.error(
                item.position(),
                "a list element must be a value, found " + item.describe(),
                "write addresses, numbers or quoted texts, e.g. [10.0.0.0/8, 192.168.0.0/16]");
            builder.markFailed();
            return;
        }
        if (scalar.isNull())
        {
            builder.add("", false, scalar::positionOf);
            return;
        }
        // A plain scalar starts where its node does; mapping offset 0 through positionOf would
        // rebuild the scalar's character map for each of 100,000 elements.
        final SourcePosition start = scalar.position();
        builder.add(scalar.value(), !scalar.isPlain(), scalar.isPlain() ?
            offset -> 0 == offset ? start : scalar.positionOf(offset) :
            scalar::positionOf);
    }
}
