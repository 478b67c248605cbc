package dev.sluice.regional;

import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileAgent;
import dev.sluice.protocol.accounting.JsonText;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The core's counters file, {@code <output-dir>/<region>.counters.json}: the core's totals and, per
 * (gateway, region, worker) stream, the last sequence accepted, the last made durable (and
 * acknowledged), records, gaps and duplicates. Read by {@code sluice reconcile}. Written every
 * second by the thread of the core's agent ({@link RegionalCoreMain}) and at a clean stop by the
 * closing thread, from counters any thread may read.
 */
public final class RegionalCountersFile implements CountersFileAgent.Writer
{
    private final RegionalCounters counters;
    private final Path file;
    private final EpochClock clock;
    private final long runStartedAtMs;

    RegionalCountersFile(final RegionalCounters counters, final Path file, final EpochClock clock)
    {
        this.counters = counters;
        this.file = file;
        this.clock = clock;
        this.runStartedAtMs = clock.time();
    }

    public Path file()
    {
        return file;
    }

    @Override
    public synchronized void write(final boolean stopped) throws IOException
    {
        CountersFile.writeAtomically(file, text(stopped));
    }

    String text(final boolean stopped)
    {
        final JsonText json = new JsonText().beginObject()
            .field(CountersFile.KIND, CountersFile.KIND_CORE)
            .field(CountersFile.REGION, counters.region())
            .field(CountersFile.RUN_STARTED_AT, Instant.ofEpochMilli(runStartedAtMs).toString())
            .field(CountersFile.WRITTEN_AT, Instant.ofEpochMilli(clock.time()).toString())
            .field(CountersFile.STOPPED, stopped);

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
