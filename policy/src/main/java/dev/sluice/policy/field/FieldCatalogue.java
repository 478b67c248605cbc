package dev.sluice.policy.field;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every field a policy can name, looked up by name or id. One naming scheme covers every kind of
 * item (DESIGN §6): the standard catalogue holds the packet fields ({@link PacketFields}), then
 * the fixed event fields ({@link EventFields}). A policy's own catalogue
 * ({@link FieldResolver#catalogue()}) adds the {@linkplain DynamicPrefix dynamic} fields it
 * names after those. There is no limit on the number of fields: sets of them are
 * {@link FieldSet}s.
 * <p>
 * Immutable; any thread.
 */
public final class FieldCatalogue
{
    private static final FieldCatalogue STANDARD = new FieldCatalogue(concat(PacketFields.all(), EventFields.all()));

    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final Map<String, List<Field>> defaultDataClasses;

    /**
     * @param fields fields whose ids are {@code 0..fields.size()-1} in order, names unique.
     */
    public FieldCatalogue(final List<Field> fields)
    {
        final LinkedHashMap<String, Field> names = new LinkedHashMap<>();
        final LinkedHashMap<String, List<Field>> classes = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++)
        {
            final Field field = fields.get(i);
            if (field.id() != i)
            {
                throw new IllegalArgumentException("field ids must be dense and in order: " + field.name() + " has " + field.id());
            }
            if (null != names.put(field.name(), field))
            {
                throw new IllegalArgumentException("duplicate field name: " + field.name());
            }
            if (null != field.defaultDataClass())
            {
                classes.computeIfAbsent(field.defaultDataClass(), ignore -> new ArrayList<>()).add(field);
            }
        }
        for (final String detected : DataClasses.DETECTED)
        {
            classes.putIfAbsent(detected, new ArrayList<>());
        }
        classes.replaceAll((name, members) -> List.copyOf(members));

        this.fields = List.copyOf(fields);
        this.byName = Collections.unmodifiableMap(names);
        this.defaultDataClasses = Collections.unmodifiableMap(classes);
    }

    private static List<Field> concat(final List<Field> first, final List<Field> second)
    {
        final ArrayList<Field> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * @return the catalogue of every fixed field Sluice knows.
     */
    public static FieldCatalogue standard()
    {
        return STANDARD;
    }

    /**
     * @param name a dotted field name.
     * @return the field, or null when unknown.
     */
    public Field byName(final String name)
    {
        return byName.get(name);
    }

    /**
     * @param id a field id.
     * @return the field.
     * @throws IndexOutOfBoundsException when no field has that id.
     */
    public Field byId(final int id)
    {
        return fields.get(id);
    }

    /**
     * @return every field, in id order.
     */
    public List<Field> fields()
    {
        return fields;
    }

    /**
     * @return every field name, in id order.
     */
    public Set<String> names()
    {
        return byName.keySet();
    }

    public int size()
    {
        return fields.size();
    }

    /**
     * @return the built-in data classes: class name to the base fields that belong to it by
     * default, then the classes only detectors find ({@link DataClasses#DETECTED}, no field).
     */
    public Map<String, List<Field>> defaultDataClasses()
    {
        return defaultDataClasses;
    }
}
