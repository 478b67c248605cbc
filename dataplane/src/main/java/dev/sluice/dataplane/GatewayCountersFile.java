package dev.sluice.dataplane;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SnapshotJson;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileAgent;
import dev.sluice.protocol.accounting.JsonText;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The gateway's counters file, {@code <state-dir>/counters.json}: who the gateway is, the source's
 * equation terms added up over the workers, the flow records emitted, per destination the residency
 * decisions and outcomes, and per stream (worker, region) the last sequence spooled (or sent) and
 * the last the regional core acknowledged. Read by {@code sluice reconcile}. Written by the
 * conductor's thread every second and by the closing thread at a clean stop, from counters any
 * thread may read; never by a worker.
 */
public final class GatewayCountersFile implements CountersFileAgent.Writer
{
    private final Gateway gateway;
    private final Path file;
    private final EpochClock clock;
    private final long runStartedAtMs;

    GatewayCountersFile(final Gateway gateway, final Path file, final EpochClock clock)
    {
        this.gateway = gateway;
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

    /** The file's text now. */
    String text(final boolean stopped)
    {
        final GatewayContext context = gateway.context();
        final JsonText json = new JsonText().beginObject()
            .field(CountersFile.KIND, CountersFile.KIND_GATEWAY)
            .field(CountersFile.GATEWAY_ID, context.gatewayId())
            .field(CountersFile.SITE, context.site())
            .field(CountersFile.REGION, context.region())
            .field(CountersFile.RUN_STARTED_AT, Instant.ofEpochMilli(runStartedAtMs).toString())
            .field(CountersFile.WRITTEN_AT, Instant.ofEpochMilli(clock.time()).toString())
            .field(CountersFile.STOPPED, stopped);

        json.beginObject(CountersFile.SOURCE);
        SnapshotJson.write(json, gateway.sourceSnapshot());
        json.endObject();
        json.field(CountersFile.FLOWS_EMITTED, gateway.flowSnapshot().emitted());

        json.beginArray(CountersFile.DESTINATIONS);
        for (final DestinationCounters.Snapshot destination : gateway.destinationSnapshots())
        {
            json.beginObject();
            SnapshotJson.write(json, destination);
            json.endObject();
        }
        json.endArray();

        json.beginArray(CountersFile.STREAMS);
        final List<Gateway.WorkerSnapshot> workers = gateway.workerSnapshots();
        for (int worker = 0; worker < workers.size(); worker++)
        {
            final List<DestinationCounters.Snapshot> destinations = workers.get(worker).destinations();
            for (int destination = 0; destination < destinations.size(); destination++)
            {
                final DestinationCounters.Snapshot counters = destinations.get(destination);
                final DestinationStream stream = gateway.stream(worker, destination);
                json.beginObject()
                    .field(CountersFile.WORKER, worker)
                    .field(CountersFile.REGION, counters.region())
                    .field(CountersFile.LAST_SEQUENCE, counters.lastSequence())
                    .field(CountersFile.ACKED_SEQUENCE, stream.spool() == null ? -1 : stream.counters().ackedSequence())
                    .field(CountersFile.SPOOLED_BATCHES, counters.spooledBatches())
                    .endObject();
            }
        }
        json.endArray();
        return json.endObject().toString();
    }
}
