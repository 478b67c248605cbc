package dev.sluice.regional;

import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileWriter;
import dev.sluice.protocol.accounting.JsonText;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;

/**
 * The core's counters file, {@code <output-dir>/<region>.counters.json}: the core's totals and, per
 * (gateway, region, worker) stream, the last sequence accepted, the last made durable (and
 * acknowledged), records, gaps and duplicates. Read by {@code sluice reconcile}. Written every
 * second by the thread of the core's agent ({@link RegionalCoreMain}) and at a clean stop by the
 * closing thread, from counters any thread may read.
 */
public final class RegionalCountersFile extends CountersFileWriter
{
    private final RegionalCounters counters;

    RegionalCountersFile(final RegionalCounters counters, final Path file, final EpochClock clock)
    {
        super(file, clock);
        this.counters = counters;
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
        return json.endObject().toString();
    }
}
