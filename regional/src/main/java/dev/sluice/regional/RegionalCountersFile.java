package dev.sluice.regional;

import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileWriter;
import dev.sluice.protocol.accounting.JsonText;
import dev.sluice.regional.sink.Sink;
import dev.sluice.regional.sink.SinkCounter;
import dev.sluice.regional.sink.SinkCounters;
import dev.sluice.regional.sink.SinkFailure;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The core's counters file, {@code <output-dir>/<region>.counters.json}: the core's totals and, per
 * (gateway, region, worker) stream, the last sequence accepted, the last made durable (and
 * acknowledged), records, gaps and duplicates; and each sink's counters (Kafka: offered, delivered,
 * refused, already held, failures by reason) with how far it has delivered the recording
 * ({@code cursor}, bytes of the NDJSON file). Read by {@code sluice reconcile}. Written every
 * second by the thread of the core's agent ({@link RegionalCoreMain}) and at a clean stop by the
 * closing thread, from counters any thread may read.
 */
public final class RegionalCountersFile extends CountersFileWriter
{
    /** The object of sinks by name. */
    public static final String SINKS = "sinks";
    /** A sink's failures by reason. */
    public static final String FAILED = "failed";
    /** How far (bytes of the recording) a sink has delivered everything. */
    public static final String CURSOR = "cursor";

    private final RegionalCounters counters;
    private volatile List<Sink> sinks = List.of();
    private volatile LongSupplier sinkCursor = () -> CoreStateFile.NO_SINK_CURSOR;

    RegionalCountersFile(final RegionalCounters counters, final Path file, final EpochClock clock)
    {
        super(file, clock);
        this.counters = counters;
    }

    /**
     * The sinks to report, and how far the feed has delivered the recording to them.
     */
    void sinks(final List<Sink> sinks, final LongSupplier sinkCursor)
    {
        this.sinkCursor = sinkCursor;
        this.sinks = List.copyOf(sinks);
    }

    @Override
    protected String text(final boolean stopped)
    {
        final JsonText json = header(CountersFile.KIND_CORE, stopped)
            .field(CountersFile.REGION, counters.region());

        json.beginObject(CountersFile.TOTALS);
        for (final RegionalCounter counter : RegionalCounter.values())
        {
            json.field(counter.label(), counters.get(counter));
        }
        json.endObject();

        json.beginArray(CountersFile.STREAMS);
        for (final StreamState stream : counters.streams())
        {
            json.beginObject()
                .field(CountersFile.GATEWAY_ID, stream.gatewayId())
                .field(CountersFile.REGION, stream.destinationRegion())
                .field(CountersFile.WORKER, stream.workerIndex())
                .field(CountersFile.LAST_SEQUENCE, stream.counter(StreamState.LAST_SEQUENCE_INDEX))
                .field(CountersFile.DURABLE_SEQUENCE, stream.counter(StreamState.DURABLE_SEQUENCE_INDEX))
                .field(CountersFile.BATCHES, stream.counter(StreamState.BATCHES_INDEX))
                .field(CountersFile.RECORDS, stream.counter(StreamState.RECORDS_INDEX))
                .field(CountersFile.GAPS, stream.counter(StreamState.GAPS_INDEX))
                .field(CountersFile.DUPLICATES, stream.counter(StreamState.DUPLICATES_INDEX))
                .endObject();
        }
        json.endArray();

        json.beginObject(SINKS);
        for (final Sink sink : sinks)
        {
            final SinkCounters sinkCounters = sink.counters();
            json.beginObject(sink.name());
            for (final SinkCounter counter : SinkCounter.values())
            {
                json.field(counter.label(), sinkCounters.get(counter));
            }
            json.beginObject(FAILED);
            for (final SinkFailure reason : SinkFailure.values())
            {
                json.field(reason.label(), sinkCounters.failed(reason));
            }
            json.endObject();
            json.field(CURSOR, sinkCursor.getAsLong());
            json.endObject();
        }
        json.endObject();
        return json.endObject().toString();
    }
}
