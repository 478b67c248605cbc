package dev.sluice.policy.yaml;

/**
 * Bounds on what {@link YamlReader} accepts, so that a hostile document (huge, deeply nested, or
 * a "billion laughs" of aliases) is rejected with a diagnostic instead of exhausting memory or
 * stack. Immutable; any thread.
 *
 * @param maxChars the largest document, in chars (UTF-16 code units).
 * @param maxDepth the deepest nesting of mappings and lists.
 * @param maxNodes the most nodes the document may have once every alias is counted as a copy
 *                 of what it refers to.
 */
public record YamlLimits(int maxChars, int maxDepth, int maxNodes)
{
    /**
     * 16 MiB of text, 64 levels, 1,000,000 nodes. A policy's named lists are what make a document
     * large: 100,000 IPv6 prefixes one a line are about 3 MiB and 100,000 nodes, so these bounds
     * leave room for several such lists while still rejecting a billion laughs (the node count
     * counts every alias as a copy) long before it costs much time or memory. They were 1 MiB and
     * 200,000 nodes before policies had lists.
     */
    public static final YamlLimits DEFAULT = new YamlLimits(16 * 1024 * 1024, 64, 1_000_000);

    public YamlLimits
    {
        if (maxChars < 1 || maxDepth < 1 || maxNodes < 1)
        {
            throw new IllegalArgumentException("limits must be positive: " + maxChars + ", " + maxDepth + ", " + maxNodes);
        }
    }
}
