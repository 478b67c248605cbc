package dev.sluice.policy.condition;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named lists a policy's conditions may reference as {@code $name}, and which of them the
 * conditions did reference, so that the policy can warn of lists it never uses.
 * <p>
 * Not thread-safe: one per parse (the conditions of one policy), then read-only.
 */
public final class NamedLists
{
    private final Map<String, NamedList> byName = new LinkedHashMap<>();
    /** Declared lists that had errors (reported): a reference to one fails without a second report. */
    private final Set<String> broken;
    /** Names the conditions referenced, declared or not. */
    private final Set<String> referenced = new HashSet<>();

    /**
     * @return no lists: every reference is unknown.
     */
    public static NamedLists none()
    {
        return new NamedLists(List.of(), Set.of());
    }

    /**
     * @param lists  the declared lists, in document order, names distinct.
     * @param broken names of declared lists that had errors.
     */
    public NamedLists(final List<NamedList> lists, final Set<String> broken)
    {
        this.broken = Set.copyOf(broken);
        for (final NamedList list : lists)
        {
            if (null != byName.putIfAbsent(list.name(), list))
            {
                throw new IllegalArgumentException("list '" + list.name() + "' is given twice");
            }
        }
    }

    /**
     * @param name a name without its '$'.
     * @return the list, or null when none has that name.
     */
    public NamedList get(final String name)
    {
        return byName.get(name);
    }

    /**
     * @return the names, in document order.
     */
    public Set<String> names()
    {
        return byName.keySet();
    }

    /**
     * @return the lists, in document order.
     */
    public List<NamedList> lists()
    {
        return List.copyOf(byName.values());
    }

    /**
     * @param name a name without its '$'.
     * @return true when a list of that name was declared but had errors.
     */
    public boolean isBroken(final String name)
    {
        return broken.contains(name);
    }

    void reference(final String name)
    {
        referenced.add(name);
    }

    /**
     * @param name a name without its '$'.
     * @return true when a condition parsed with these lists named it.
     */
    public boolean isReferenced(final String name)
    {
        return referenced.contains(name);
    }
}
