package dev.sluice.dataplane.counters;

import dev.sluice.protocol.accounting.JsonText;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Counter snapshots to and from the fields of a counters file: one field per record component,
 * named in snake case ({@code flowRecordsSent} is {@code flow_records_sent}), so the writer and the
 * reader of {@code sluice reconcile} cannot disagree on a name. Components are {@code long}s and
 * {@code String}s, and a source's drops by reason are an object of {@link DropReason#label()}s.
 * Off the data path (reflection, allocation). Any thread.
 */
public final class SnapshotJson
{
    /** The field holding a source's drops by reason, one member per reason with a non-zero count. */
    public static final String DROPPED_BY_REASON = "dropped_by_reason";
    /** Derived terms written beside the components, for readers of the file; never read back. */
    public static final String IN_FLIGHT = "in_flight";
    public static final String FLOW_RECORDS_IN_FLIGHT = "flow_records_in_flight";

    private SnapshotJson()
    {
    }

    /** The field name of a record component. */
    public static String fieldName(final String componentName)
    {
        final StringBuilder name = new StringBuilder(componentName.length() + 4);
        for (int i = 0; i < componentName.length(); i++)
        {
            final char c = componentName.charAt(i);
            if (Character.isUpperCase(c))
            {
                name.append('_').append(Character.toLowerCase(c));
            }
            else
            {
                name.append(c);
            }
        }
        return name.toString();
    }

    public static void write(final JsonText json, final SourceCounters.Snapshot source)
    {
        writeComponents(json, source);
        json.beginObject(DROPPED_BY_REASON);
        source.droppedByReason().forEach((reason, count) -> json.field(reason.label(), count));
        json.endObject();
        json.field(IN_FLIGHT, source.inFlight());
    }

    public static void write(final JsonText json, final DestinationCounters.Snapshot destination)
    {
        writeComponents(json, destination);
        json.field(IN_FLIGHT, destination.inFlight());
        json.field(FLOW_RECORDS_IN_FLIGHT, destination.flowRecordsInFlight());
    }

    /** The event worker's terms; its drops by reason as an object like the source's. */
    public static void write(final JsonText json, final EventCounters.Snapshot events)
    {
        writeComponents(json, events);
        json.beginObject(DROPPED_BY_REASON);
        events.droppedByReason().forEach(json::field);
        json.endObject();
    }

    public static void write(final JsonText json, final EventDestinationCounters.Snapshot destination)
    {
        writeComponents(json, destination);
        json.field(IN_FLIGHT, destination.inFlight());
    }

    public static void write(final JsonText json, final FlowCounters.Snapshot flows)
    {
        writeComponents(json, flows);
    }

    /** One destination's decisions of the items holding a data class: region, raw, transformed, blocked. */
    public static void write(final JsonText json, final ClassDecisionCounters.Decisions decisions)
    {
        writeComponents(json, decisions);
    }

    /**
     * @param longs         a field's number; throws when the field is missing or not a whole number
     * @param strings       a field's text; throws likewise
     * @param droppedLabels the drop reasons by label and count
     * @throws IllegalArgumentException naming an unknown drop reason
     */
    public static SourceCounters.Snapshot readSource(
        final ToLongFunction<String> longs,
        final Function<String, String> strings,
        final Map<String, Long> droppedLabels)
    {
        final Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        droppedLabels.forEach((label, count) -> dropped.put(reason(label), count));
        return new SourceCounters.Snapshot(
            strings.apply(fieldName("sourceName")),
            longs.applyAsLong(fieldName("received")),
            longs.applyAsLong(fieldName("forwarded")),
            longs.applyAsLong(fieldName("aggregated")),
            longs.applyAsLong(fieldName("filtered")),
            longs.applyAsLong(fieldName("sampledOut")),
            Map.copyOf(dropped),
            longs.applyAsLong(fieldName("bytesIn")),
            longs.applyAsLong(fieldName("sourceDrops")),
            longs.applyAsLong(fieldName("rateLimited")),
            longs.applyAsLong(fieldName("rateLimitEvictions")));
    }

    /**
     * Fields written since a later version of the gateway than the file may come from; a reader of
     * an older file takes each as 0: a destination's {@code not_routed} (since {@code route}), and
     * a source's and the event worker's {@code rate_limited} and {@code rate_limit_evictions}.
     */
    public static final Set<String> FIELDS_SINCE_ROUTES_AND_LIMITS =
        Set.of(fieldName("notRouted"), fieldName("rateLimited"), fieldName("rateLimitEvictions"));

    /** Event worker fields written since count records ({@code count} rules); a reader of an older file takes them as 0. */
    public static final Set<String> EVENT_FIELDS_SINCE_COUNTS = Set.of(fieldName("aggregated"), fieldName("countRecords"));

    /** The event worker's terms (its drops by reason and untransformed values are not read back). */
    public static EventCounters.Snapshot readEvents(final ToLongFunction<String> longs, final Map<String, Long> droppedByReason)
    {
        return new EventCounters.Snapshot(
            longs.applyAsLong(fieldName("received")),
            longs.applyAsLong(fieldName("forwarded")),
            longs.applyAsLong(fieldName("aggregated")),
            longs.applyAsLong(fieldName("filtered")),
            longs.applyAsLong(fieldName("sampledOut")),
            longs.applyAsLong(fieldName("dropped")),
            longs.applyAsLong(fieldName("anonymized")),
            longs.applyAsLong(fieldName("countRecords")),
            Map.copyOf(droppedByReason),
            Map.of(),
            longs.applyAsLong(fieldName("rateLimited")),
            longs.applyAsLong(fieldName("rateLimitEvictions")));
    }

    public static EventDestinationCounters.Snapshot readEventDestination(
        final ToLongFunction<String> longs, final Function<String, String> strings)
    {
        return read(EventDestinationCounters.Snapshot.class, longs, strings);
    }

    public static DestinationCounters.Snapshot readDestination(
        final ToLongFunction<String> longs, final Function<String, String> strings)
    {
        return read(DestinationCounters.Snapshot.class, longs, strings);
    }

    public static FlowCounters.Snapshot readFlows(final ToLongFunction<String> longs, final Function<String, String> strings)
    {
        return read(FlowCounters.Snapshot.class, longs, strings);
    }

    private static DropReason reason(final String label)
    {
        for (final DropReason reason : DropReason.values())
        {
            if (reason.label().equals(label))
            {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown drop reason '" + label + "'");
    }

    private static void writeComponents(final JsonText json, final Record snapshot)
    {
        for (final RecordComponent component : snapshot.getClass().getRecordComponents())
        {
            final Object value;
            try
            {
                value = component.getAccessor().invoke(snapshot);
            }
            catch (final IllegalAccessException | InvocationTargetException ex)
            {
                throw new IllegalStateException(ex);
            }
            if (value instanceof Long number)
            {
                json.field(fieldName(component.getName()), number);
            }
            else if (value instanceof String text)
            {
                json.field(fieldName(component.getName()), text);
            }
        }
    }

    private static <T extends Record> T read(
        final Class<T> type, final ToLongFunction<String> longs, final Function<String, String> strings)
    {
        final RecordComponent[] components = type.getRecordComponents();
        final Class<?>[] types = new Class<?>[components.length];
        final Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++)
        {
            types[i] = components[i].getType();
            final String name = fieldName(components[i].getName());
            values[i] = types[i] == long.class ? (Object)longs.applyAsLong(name) : strings.apply(name);
        }
        try
        {
            final Constructor<T> canonical = type.getDeclaredConstructor(types);
            return canonical.newInstance(values);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), ex);
        }
    }
}
