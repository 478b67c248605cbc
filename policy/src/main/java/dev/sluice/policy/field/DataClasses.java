package dev.sluice.policy.field;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Data classes ({@code pii.ip}, {@code pii.user}, ...) and the base fields that carry them: the
 * catalogue's defaults plus what a policy's {@code classes:} adds. Rules and residency speak in
 * classes; this table turns a class into fields and a field into its classes.
 * <p>
 * Immutable; any thread.
 */
public final class DataClasses
{
    /**
     * The classes of identifiers the gateway's detectors find in free text, which no field holds:
     * e-mail addresses, MAC addresses, IMSIs, IMEIs, phone and payment card numbers ({@code pii.ip}
     * and {@code pii.vehicle} are found in text too, and also held by fields). A residency rule
     * that names one makes the gateway look for it in every forwarded event's text.
     */
    public static final List<String> DETECTED =
        List.of("pii.email", "pii.mac", "pii.imsi", "pii.imei", "pii.phone", "pii.card");

    private final Map<String, List<Field>> fieldsByClass;
    private final Map<Field, Set<String>> classesByField;

    /**
     * @param fieldsByClass class name to its base fields, in declaration order.
     */
    public DataClasses(final Map<String, List<Field>> fieldsByClass)
    {
        final LinkedHashMap<String, List<Field>> byClass = new LinkedHashMap<>();
        final LinkedHashMap<Field, Set<String>> byField = new LinkedHashMap<>();
        for (final Map.Entry<String, List<Field>> entry : fieldsByClass.entrySet())
        {
            final List<Field> fields = List.copyOf(new LinkedHashSet<>(entry.getValue()));
            for (final Field field : fields)
            {
                if (FieldKind.BASE != field.kind())
                {
                    throw new IllegalArgumentException("data classes hold base fields only: " + field.name());
                }
                byField.computeIfAbsent(field, ignore -> new LinkedHashSet<>()).add(entry.getKey());
            }
            byClass.put(entry.getKey(), fields);
        }
        byField.replaceAll((field, classes) -> Collections.unmodifiableSet(classes));

        this.fieldsByClass = Collections.unmodifiableMap(byClass);
        this.classesByField = Collections.unmodifiableMap(byField);
    }

    /**
     * @param catalogue a field catalogue.
     * @return the catalogue's built-in classes only.
     */
    public static DataClasses defaults(final FieldCatalogue catalogue)
    {
        return new DataClasses(catalogue.defaultDataClasses());
    }

    /**
     * @param additions class name to more base fields.
     * @return these classes with the additions merged in (new classes after the existing ones).
     */
    public DataClasses plus(final Map<String, List<Field>> additions)
    {
        final LinkedHashMap<String, List<Field>> merged = new LinkedHashMap<>();
        fieldsByClass.forEach((name, fields) -> merged.put(name, new ArrayList<>(fields)));
        additions.forEach((name, fields) -> merged.computeIfAbsent(name, ignore -> new ArrayList<>()).addAll(fields));
        return new DataClasses(merged);
    }

    /**
     * @return every class name.
     */
    public Set<String> names()
    {
        return fieldsByClass.keySet();
    }

    /**
     * @param dataClass a class name.
     * @return true when the class is known.
     */
    public boolean contains(final String dataClass)
    {
        return fieldsByClass.containsKey(dataClass);
    }

    /**
     * @param dataClass a class name.
     * @return its base fields; empty when the class is unknown or has none.
     */
    public List<Field> fieldsOf(final String dataClass)
    {
        final List<Field> fields = fieldsByClass.get(dataClass);
        return null == fields ? List.of() : fields;
    }

    /**
     * @param field a base field.
     * @return the classes it belongs to; empty when none.
     */
    public Set<String> classesOf(final Field field)
    {
        final Set<String> classes = classesByField.get(field);
        return null == classes ? Set.of() : classes;
    }

    /**
     * @return class name to fields, in declaration order.
     */
    public Map<String, List<Field>> asMap()
    {
        return fieldsByClass;
    }
}
