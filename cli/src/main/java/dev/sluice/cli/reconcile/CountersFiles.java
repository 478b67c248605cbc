package dev.sluice.cli.reconcile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.SnapshotJson;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.accounting.CountersFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Reads the counters files of gateways and regional cores ({@link CountersFile}): a path is a file,
 * or a directory whose own files are searched for them. Every problem is an {@link InputException}
 * naming the file, and for malformed JSON the line and column. Main thread.
 */
public final class CountersFiles
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CountersFiles()
    {
    }

    /** A counters file that cannot be found, read or understood; exit status 2. */
    public static final class InputException extends Exception
    {
        private static final long serialVersionUID = 1L;

        InputException(final String message)
        {
            super(message);
        }
    }

    /** One gateway's counters file. {@code ackedSequence} is -1 for a stream without a spool. */
    public record GatewayFigures(
        Path file,
        String gatewayId,
        String site,
        String region,
        String runStartedAt,
        String writtenAt,
        boolean stopped,
        SourceCounters.Snapshot source,
        long flowsEmitted,
        List<DestinationCounters.Snapshot> destinations,
        List<GatewayStream> streams,
        EventCounters.Snapshot events,
        List<EventDestinationCounters.Snapshot> eventDestinations)
    {
        /** True when the gateway takes events (its file has an events section). */
        public boolean hasEvents()
        {
            return events != null;
        }
    }

    public record GatewayStream(
        int worker, String region, long lastSequence, long ackedSequence, long spooledBatches, long spoolDroppedBatches)
    {
    }

    /** One core's counters file; {@code totals} by counter label. */
    public record CoreFigures(
        Path file,
        String region,
        String runStartedAt,
        String writtenAt,
        boolean stopped,
        Map<String, Long> totals,
        List<CoreStream> streams)
    {
        public long total(final String label)
        {
            return totals.getOrDefault(label, 0L);
        }
    }

    public record CoreStream(
        String gatewayId,
        String region,
        int worker,
        long lastSequence,
        long durableSequence,
        long batches,
        long records,
        long gaps,
        long duplicates)
    {
    }

    /** The counters files a path names: itself, or those in the directory it is. */
    static List<Path> find(final Path path, final String kind) throws InputException
    {
        if (!Files.exists(path))
        {
            throw new InputException(path + ": no such file or directory");
        }
        if (!Files.isDirectory(path))
        {
            return List.of(path);
        }
        final List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(path))
        {
            files.filter(file -> isCountersFile(file, kind)).sorted().forEach(found::add);
        }
        catch (final IOException ex)
        {
            throw new InputException(path + ": cannot list the directory: " + ex.getMessage());
        }
        if (found.isEmpty())
        {
            throw new InputException(path + ": no " + kind + " counters file in the directory (" +
                (CountersFile.KIND_GATEWAY.equals(kind) ? CountersFile.GATEWAY_FILE_NAME :
                    "REGION" + CountersFile.CORE_FILE_SUFFIX) + ")");
        }
        return found;
    }

    /**
     * A field's number, or 0 for a field written only since a later gateway version than the file's
     * ({@link SnapshotJson#FIELDS_SINCE_ROUTES_AND_LIMITS}).
     */
    private static ToLongFunction<String> sinceOlder(final Fields fields)
    {
        return name -> SnapshotJson.FIELDS_SINCE_ROUTES_AND_LIMITS.contains(name) && !fields.has(name) ?
            0 : fields.uncheckedNumber(name);
    }

    private static boolean isCountersFile(final Path file, final String kind)
    {
        final String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (CountersFile.KIND_GATEWAY.equals(kind) ?
            name.equals(CountersFile.GATEWAY_FILE_NAME) :
            name.endsWith(CountersFile.CORE_FILE_SUFFIX) && name.length() > CountersFile.CORE_FILE_SUFFIX.length());
    }

    public static GatewayFigures readGateway(final Path file) throws InputException
    {
        final Fields root = new Fields(file, "", parse(file));
        root.expectKind(CountersFile.KIND_GATEWAY);
        final Fields source = root.object(CountersFile.SOURCE);
        final Map<String, Long> dropped = source.object(SnapshotJson.DROPPED_BY_REASON).numbers();
        final SourceCounters.Snapshot sourceSnapshot;
        try
        {
            sourceSnapshot = source.unchecked(
                () -> SnapshotJson.readSource(sinceOlder(source), source::uncheckedText, dropped));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(file + ": " + ex.getMessage());
        }
        final List<DestinationCounters.Snapshot> destinations = new ArrayList<>();
        for (final Fields destination : root.objects(CountersFile.DESTINATIONS))
        {
            destinations.add(destination.unchecked(
                () -> SnapshotJson.readDestination(sinceOlder(destination), destination::uncheckedText)));
        }
        final List<GatewayStream> streams = new ArrayList<>();
        for (final Fields stream : root.objects(CountersFile.STREAMS))
        {
            streams.add(new GatewayStream(
                (int)stream.number(CountersFile.WORKER),
                stream.text(CountersFile.REGION),
                stream.number(CountersFile.LAST_SEQUENCE),
                stream.number(CountersFile.ACKED_SEQUENCE),
                stream.number(CountersFile.SPOOLED_BATCHES),
                // Written since drop accounting per stream; 0 in older files.
                stream.has(CountersFile.SPOOL_DROPPED_BATCHES) ? stream.number(CountersFile.SPOOL_DROPPED_BATCHES) : 0));
        }
        EventCounters.Snapshot events = null;
        final List<EventDestinationCounters.Snapshot> eventDestinations = new ArrayList<>();
        if (root.has(CountersFile.EVENTS))
        {
            final Fields eventFields = root.object(CountersFile.EVENTS);
            final Map<String, Long> eventsDropped = eventFields.object(SnapshotJson.DROPPED_BY_REASON).numbers();
            // Aggregated events and count records are written since 'count' rules; 0 in older files.
            events = eventFields.unchecked(() -> SnapshotJson.readEvents(
                name -> SnapshotJson.EVENT_FIELDS_SINCE_COUNTS.contains(name) && !eventFields.has(name) ?
                    0 : sinceOlder(eventFields).applyAsLong(name),
                eventsDropped));
            for (final Fields destination : eventFields.objects(CountersFile.DESTINATIONS))
            {
                eventDestinations.add(destination.unchecked(
                    () -> SnapshotJson.readEventDestination(sinceOlder(destination), destination::uncheckedText)));
            }
        }
        return new GatewayFigures(
            file,
            root.text(CountersFile.GATEWAY_ID),
            root.text(CountersFile.SITE),
            root.text(CountersFile.REGION),
            root.text(CountersFile.RUN_STARTED_AT),
            root.text(CountersFile.WRITTEN_AT),
            root.bool(CountersFile.STOPPED),
            sourceSnapshot,
            root.number(CountersFile.FLOWS_EMITTED),
            List.copyOf(destinations),
            List.copyOf(streams),
            events,
            List.copyOf(eventDestinations));
    }

    public static CoreFigures readCore(final Path file) throws InputException
    {
        final Fields root = new Fields(file, "", parse(file));
        root.expectKind(CountersFile.KIND_CORE);
        final Map<String, Long> totals = root.object(CountersFile.TOTALS).numbers();
        final List<CoreStream> streams = new ArrayList<>();
        for (final Fields stream : root.objects(CountersFile.STREAMS))
        {
            streams.add(new CoreStream(
                stream.text(CountersFile.GATEWAY_ID),
                stream.text(CountersFile.REGION),
                (int)stream.number(CountersFile.WORKER),
                stream.number(CountersFile.LAST_SEQUENCE),
                stream.number(CountersFile.DURABLE_SEQUENCE),
                stream.number(CountersFile.BATCHES),
                stream.number(CountersFile.RECORDS),
                stream.number(CountersFile.GAPS),
                stream.number(CountersFile.DUPLICATES)));
        }
        return new CoreFigures(
            file,
            root.text(CountersFile.REGION),
            root.text(CountersFile.RUN_STARTED_AT),
            root.text(CountersFile.WRITTEN_AT),
            root.bool(CountersFile.STOPPED),
            Map.copyOf(totals),
            List.copyOf(streams));
    }

    private static JsonNode parse(final Path file) throws InputException
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new InputException(file + ": cannot read: " + ex);
        }
        final JsonNode node;
        try
        {
            node = MAPPER.readTree(text);
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation location = ex.getLocation();
            throw new InputException(file + (location == null ? "" : ":" + location.getLineNr() + ":" +
                location.getColumnNr()) + ": malformed JSON: " + ex.getOriginalMessage());
        }
        if (node == null || node.isMissingNode())
        {
            throw new InputException(file + ": empty file, not a counters file");
        }
        if (!node.isObject())
        {
            throw new InputException(file + ":1:1: not a counters file: expected one JSON object");
        }
        return node;
    }

    /** The members of one JSON object, each looked up by name with the file and path named on a problem. */
    private static final class Fields
    {
        private final Path file;
        private final String path;
        private final JsonNode node;

        Fields(final Path file, final String path, final JsonNode node)
        {
            this.file = file;
            this.path = path;
            this.node = node;
        }

        void expectKind(final String kind) throws InputException
        {
            final String actual = text(CountersFile.KIND);
            if (!actual.equals(kind))
            {
                throw new InputException(file + ": a " + actual + " counters file, where a " + kind + " one was expected");
            }
        }

        private JsonNode member(final String name) throws InputException
        {
            final JsonNode member = node.get(name);
            if (member == null)
            {
                throw new InputException(file + ": missing field " + path + name);
            }
            return member;
        }

        private InputException wrongType(final String name, final String what)
        {
            return new InputException(file + ": field " + path + name + " must be " + what);
        }

        long number(final String name) throws InputException
        {
            final JsonNode member = member(name);
            if (!member.isIntegralNumber() || !member.canConvertToLong())
            {
                throw wrongType(name, "a whole number");
            }
            return member.longValue();
        }

        String text(final String name) throws InputException
        {
            final JsonNode member = member(name);
            if (!member.isTextual())
            {
                throw wrongType(name, "text");
            }
            return member.textValue();
        }

        boolean bool(final String name) throws InputException
        {
            final JsonNode member = member(name);
            if (!member.isBoolean())
            {
                throw wrongType(name, "true or false");
            }
            return member.booleanValue();
        }

        boolean has(final String name)
        {
            return node.has(name);
        }

        /** Every member of this object, each a whole number, in the file's order. */
        Map<String, Long> numbers() throws InputException
        {
            final Map<String, Long> numbers = new LinkedHashMap<>();
            for (final Map.Entry<String, JsonNode> entry : node.properties())
            {
                numbers.put(entry.getKey(), number(entry.getKey()));
            }
            return numbers;
        }

        Fields object(final String name) throws InputException
        {
            final JsonNode member = member(name);
            if (!member.isObject())
            {
                throw wrongType(name, "an object");
            }
            return new Fields(file, path + name + ".", member);
        }

        List<Fields> objects(final String name) throws InputException
        {
            final JsonNode member = member(name);
            if (!member.isArray())
            {
                throw wrongType(name, "an array of objects");
            }
            final List<Fields> objects = new ArrayList<>();
            for (int i = 0; i < member.size(); i++)
            {
                if (!member.get(i).isObject())
                {
                    throw wrongType(name + "[" + i + "]", "an object");
                }
                objects.add(new Fields(file, path + name + "[" + i + "].", member.get(i)));
            }
            return objects;
        }

        /** For the snapshot readers, which take plain functions: the problem travels unchecked. */
        long uncheckedNumber(final String name)
        {
            try
            {
                return number(name);
            }
            catch (final InputException ex)
            {
                throw new UncheckedInput(ex);
            }
        }

        String uncheckedText(final String name)
        {
            try
            {
                return text(name);
            }
            catch (final InputException ex)
            {
                throw new UncheckedInput(ex);
            }
        }

        <T> T unchecked(final Supplier<T> reader) throws InputException
        {
            try
            {
                return reader.get();
            }
            catch (final UncheckedInput ex)
            {
                throw ex.input;
            }
        }
    }

    private static final class UncheckedInput extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final transient InputException input;

        UncheckedInput(final InputException input)
        {
            super(input.getMessage(), null, false, false);
            this.input = input;
        }
    }
}
