package dev.sluice.policy.yaml;

/**
 * One {@code key: value} pair of a {@link YamlMapping}. Immutable; any thread.
 *
 * @param key   the key, always a scalar.
 * @param value the value.
 */
public record YamlEntry(YamlScalar key, YamlNode value)
{
}
