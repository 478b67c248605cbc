package dev.sluice.policy.yaml;

/**
 * How a scalar was written, which decides both its meaning (a plain {@code 1} is a number, a
 * quoted {@code '1'} is text) and how its characters map back to source columns.
 * Immutable; any thread.
 */
public enum YamlScalarStyle
{
    PLAIN,
    SINGLE_QUOTED,
    DOUBLE_QUOTED,
    /** A {@code |} block scalar. */
    LITERAL,
    /** A {@code >} block scalar. */
    FOLDED
}
