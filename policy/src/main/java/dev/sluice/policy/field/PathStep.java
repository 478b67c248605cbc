package dev.sluice.policy.field;

/**
 * One step of a {@linkplain Field#dynamicPath() dynamic field's path}: a key (a JSON member
 * name, an SD-ID, a parameter, a CEF key, a DBC message or signal name), or an index into a JSON
 * array. Immutable; any thread.
 *
 * @param key   the key, exactly as the item carries it (quotes and escapes of the policy text
 *              removed); null for an index.
 * @param index the array index, 0 = first; -1 for a key.
 */
public record PathStep(String key, int index)
{
    public PathStep
    {
        if ((null == key) == (index < 0))
        {
            throw new IllegalArgumentException("a step is a key or an index: " + key + ", " + index);
        }
    }

    /**
     * @param key a key.
     * @return the step.
     */
    public static PathStep key(final String key)
    {
        return new PathStep(key, -1);
    }

    /**
     * @param index an array index, at least 0.
     * @return the step.
     */
    public static PathStep index(final int index)
    {
        return new PathStep(null, index);
    }

    /**
     * @return true for an array index, false for a key.
     */
    public boolean isIndex()
    {
        return null == key;
    }
}
