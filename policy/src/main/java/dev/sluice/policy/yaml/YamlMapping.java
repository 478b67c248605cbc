package dev.sluice.policy.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping with string keys, in document order. Duplicate keys never reach a mapping:
 * the reader reports them and keeps the first. Immutable; any thread.
 */
public final class YamlMapping extends YamlNode
{
    private final Map<String, YamlEntry> entries;
    private final List<YamlEntry> entryList;

    YamlMapping(
        final SourceText source,
        final int startChar,
        final int endChar,
        final int weight,
        final LinkedHashMap<String, YamlEntry> entries)
    {
        super(source, startChar, endChar, weight);
        this.entries = Collections.unmodifiableMap(entries);
        this.entryList = List.copyOf(entries.values());
    }

    /**
     * @return the entries in document order.
     */
    public List<YamlEntry> entries()
    {
        return entryList;
    }

    /**
     * @return the keys in document order.
     */
    public Set<String> keys()
    {
        return entries.keySet();
    }

    /**
     * @param key a key.
     * @return true when the mapping has that key.
     */
    public boolean has(final String key)
    {
        return entries.containsKey(key);
    }

    /**
     * @param key a key.
     * @return its value, or null when the key is absent.
     */
    public YamlNode get(final String key)
    {
        final YamlEntry entry = entries.get(key);
        return null == entry ? null : entry.value();
    }

    /**
     * @param key a key.
     * @return the whole entry (key node and value), or null when absent.
     */
    public YamlEntry entry(final String key)
    {
        return entries.get(key);
    }

    public int size()
    {
        return entryList.size();
    }

    public String describe()
    {
        return "a mapping";
    }
}
