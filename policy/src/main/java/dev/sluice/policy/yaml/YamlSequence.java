package dev.sluice.policy.yaml;

import java.util.List;

/**
 * A YAML sequence (list), in document order. Immutable; any thread.
 */
public final class YamlSequence extends YamlNode
{
    private final List<YamlNode> items;

    YamlSequence(final SourceText source, final int startChar, final int endChar, final int weight, final List<YamlNode> items)
    {
        super(source, startChar, endChar, weight);
        this.items = List.copyOf(items);
    }

    public List<YamlNode> items()
    {
        return items;
    }

    public int size()
    {
        return items.size();
    }

    public YamlNode get(final int index)
    {
        return items.get(index);
    }

    public String describe()
    {
        return "a list";
    }
}
