package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.SourcePosition;

/**
 * A node of a YAML document that remembers where it was written, so that every error found
 * while interpreting the document can name its file, line and column.
 * Immutable; any thread.
 */
public abstract sealed class YamlNode permits YamlMapping, YamlSequence, YamlScalar
{
    final SourceText source;
    final int startChar;
    final int endChar;
    final int weight;

    YamlNode(final SourceText source, final int startChar, final int endChar, final int weight)
    {
        this.source = source;
        this.startChar = startChar;
        this.endChar = endChar;
        this.weight = weight;
    }

    /**
     * @return where the node starts: the first key of a block mapping, the {@code -} of a block
     * list, the bracket of a flow collection, the first character (or quote) of a scalar.
     */
    public SourcePosition position()
    {
        return source.positionOf(startChar);
    }

    /**
     * @return the position just after the node.
     */
    public SourcePosition endPosition()
    {
        return source.positionOf(endChar);
    }

    /**
     * @return what kind of node this is, for messages: "a mapping", "a list", "a string"...
     */
    public abstract String describe();
}
