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
    /** 1 MiB of text, 64 levels, 200,000 nodes: far beyond any real policy or configuration. */
    public static final YamlLimits DEFAULT = new YamlLimits(1024 * 1024, 64, 200_000);

    public YamlLimits
    {
        if (maxChars < 1 || maxDepth < 1 || maxNodes < 1)
        {
            throw new IllegalArgumentException("limits must be positive: " + maxChars + ", " + maxDepth + ", " + maxNodes);
        }
    }
}
